"""The questions the window asks the user, behind one small port so tests never block."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from walktimer.i18n import N_, Phrases
from walktimer.ui.words import user_phrases

__all__ = ["Dialogs", "ProblemsDialog", "QtDialogs"]

# The first filter is the one the dialog opens with: sessions and Zwift workouts together.
SESSION_FILTER = N_(
    "Sessions and Zwift workouts (*.toml *.zwo);;Session scripts (*.toml);;"
    "Zwift workouts (*.zwo);;All files (*)"
)


class Dialogs(Protocol):
    def confirm(self, parent: QWidget, title: str, text: str, action: str) -> bool:
        """Ask before doing something that cannot be undone; True to go ahead."""
        ...

    def problems(self, parent: QWidget, title: str, intro: str, lines: list[str]) -> bool:
        """Show every problem of a file at once; True when the user chose to edit it."""
        ...

    def inform(self, parent: QWidget, title: str, text: str) -> None: ...

    def open_file(self, parent: QWidget, folder: Path) -> Path | None: ...


class ProblemsDialog(QDialog):
    """One dialog with every problem line, copyable, in a fixed-width font, and an Edit
    button that opens the file in the editor at its first problem (`edit_chosen`)."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        intro: str,
        lines: list[str],
        *,
        t: Phrases | None = None,
    ) -> None:
        """`t`: the buttons' language (the user's, when None)."""
        super().__init__(parent)
        t = t if t is not None else user_phrases()
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlainText("\n".join(lines))
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setAccessibleName(t.gettext("Problems found"))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.edit_chosen = False
        self.edit = buttons.addButton(t.gettext("&Edit"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.edit.setAccessibleName(t.gettext("Edit the file at its first problem"))
        self.edit.setToolTip(t.gettext("Open the file in the session editor, at its first problem"))
        self.edit.clicked.connect(self._edit)
        copy = buttons.addButton(t.gettext("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.setAccessibleName(t.gettext("Copy the problems"))
        copy.clicked.connect(self._copy)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(t.gettext("Close"))
        close.setAccessibleName(t.gettext("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 360)

    def _edit(self) -> None:
        self.edit_chosen = True
        self.accept()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())


class QtDialogs:
    """The real, modal dialogs, their own words in `t`'s language (the user's when None)."""

    def __init__(self, t: Phrases | None = None) -> None:
        self._t = t

    def _phrases(self) -> Phrases:
        return self._t if self._t is not None else user_phrases()

    def confirm(self, parent: QWidget, title: str, text: str, action: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        go.setAccessibleName(action)
        cancel_text = self._phrases().gettext("Cancel")
        cancel.setText(cancel_text)
        cancel.setAccessibleName(cancel_text)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is go

    def problems(self, parent: QWidget, title: str, intro: str, lines: list[str]) -> bool:
        dialog = ProblemsDialog(parent, title, intro, lines, t=self._phrases())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.exec()
        return dialog.edit_chosen

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def open_file(self, parent: QWidget, folder: Path) -> Path | None:
        t = self._phrases()
        name, _ = QFileDialog.getOpenFileName(
            parent, t.gettext("Open a session"), str(folder), t.gettext(SESSION_FILTER)
        )
        return Path(name) if name else None
