"""The editor's small parts: the QUndoCommand around a document command, and the questions
it asks the user, behind one port so tests answer them without a modal dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from walktimer.editing.commands import Command, SetFields, SetSource
from walktimer.editing.document import Document
from walktimer.ui.words import user_phrases

__all__ = [
    "DeletedChoice",
    "EditorPrompts",
    "ExternalChoice",
    "QtPrompts",
    "UndoEntry",
    "UnsavedChoice",
]

UnsavedChoice = Literal["save", "discard", "cancel"]
ExternalChoice = Literal["reload", "overwrite", "save_as", "cancel"]
DeletedChoice = Literal["save", "save_as", "close", "cancel"]

_merge_ids: dict[object, int] = {}

_A = TypeVar("_A", bound=str)
# One button of a question: its label (or a standard button), its role, and the answer.
_Choice = tuple[str | QMessageBox.StandardButton, QMessageBox.ButtonRole | None, _A]


def _ask(
    parent: QWidget,
    title: str,
    text: str,
    info: str | None,
    choices: list[_Choice[_A]],
    *,
    cancel: _A,
    default: int | None,
) -> _A:
    """A modal warning with the given buttons plus Cancel (also Esc); the chosen answer."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    if info:
        box.setInformativeText(info)
    buttons = []
    for label, role, answer in choices:
        if isinstance(label, str):
            button = box.addButton(label, role or QMessageBox.ButtonRole.AcceptRole)
        else:
            button = box.addButton(label)
        buttons.append((button, answer))
    escape = box.addButton(QMessageBox.StandardButton.Cancel)
    escape.setText(user_phrases().gettext("Cancel"))
    if default is not None:
        box.setDefaultButton(buttons[default][0])
    box.setEscapeButton(escape)
    box.exec()
    clicked = box.clickedButton()
    return next((answer for button, answer in buttons if clicked is button), cancel)


def _merge_id(command: Command) -> int:
    """Edits of the same field (typing) share an id so QUndoStack folds them into one step."""
    if isinstance(command, SetFields):
        key: object = (command.loc, tuple(command.values))
    elif isinstance(command, SetSource):
        key = "source"
    else:
        return -1
    return _merge_ids.setdefault(key, len(_merge_ids) + 1)


class UndoEntry(QUndoCommand):
    """One step on the editor's QUndoStack. The command is already applied when pushed."""

    def __init__(
        self, doc: Document, command: Command, changed: Callable[[], None], *, merge: bool
    ) -> None:
        super().__init__(command.label)
        self.doc = doc
        self.command = command
        self._changed = changed
        self._id = _merge_id(command) if merge else -1
        self._pushed = False

    def id(self) -> int:
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UndoEntry) or other.id() != self._id or self._id == -1:
            return False
        if not self.command.merge(other.command):
            return False
        self.setText(other.text())
        return True

    def redo(self) -> None:
        if self._pushed:
            self.command.apply(self.doc)
        self._pushed = True
        self._changed()

    def undo(self) -> None:
        self.command.undo(self.doc)
        self._changed()


class EditorPrompts(Protocol):
    def unsaved_changes(self, parent: QWidget, title: str, invalid: bool) -> UnsavedChoice:
        """Closing with unsaved changes: save them (as a draft when `invalid`), discard them,
        or stay."""
        ...

    def external_change(self, parent: QWidget, path: Path) -> ExternalChoice:
        """The file changed on disk: reload it, overwrite it, save under another name."""
        ...

    def file_deleted(self, parent: QWidget, path: Path) -> DeletedChoice:
        """The file was deleted on disk: save it back, save under another name, close."""
        ...

    def save_path(self, parent: QWidget, suggestion: Path, reason: str | None) -> Path | None:
        """Where to save; None to cancel."""
        ...

    def save_before_run(self, parent: QWidget) -> bool:
        """Running needs the script saved first: save now?"""
        ...

    def error(self, parent: QWidget, text: str) -> None: ...

    def choose_wav(self, parent: QWidget, folder: Path) -> Path | None: ...


class QtPrompts:
    """The real, modal questions."""

    def unsaved_changes(self, parent: QWidget, title: str, invalid: bool) -> UnsavedChoice:
        t = user_phrases()
        save: _Choice[UnsavedChoice] = (
            (t.gettext("Save anyway (draft)"), QMessageBox.ButtonRole.AcceptRole, "save")
            if invalid
            else (t.gettext("Save"), QMessageBox.ButtonRole.AcceptRole, "save")
        )
        draft = t.gettext(
            "The script still has problems: it is saved as a draft that cannot run until "
            "they are fixed."
        )
        return _ask(
            parent,
            t.gettext("Unsaved changes"),
            t.gettext("Save the changes to “{title}” before closing?").format(title=title),
            draft if invalid else None,
            [save, (t.gettext("Don't save"), QMessageBox.ButtonRole.DestructiveRole, "discard")],
            cancel="cancel",
            default=0,
        )

    def external_change(self, parent: QWidget, path: Path) -> ExternalChoice:
        t = user_phrases()
        return _ask(
            parent,
            t.gettext("Changed on disk"),
            t.gettext("{file} was changed by another program since you opened it.").format(
                file=path.name
            ),
            t.gettext(
                "Reload it (your unsaved edits are dropped, Undo brings them back), overwrite it "
                "with your version, or save yours under another name."
            ),
            [
                (t.gettext("Reload"), QMessageBox.ButtonRole.DestructiveRole, "reload"),
                (t.gettext("Overwrite"), QMessageBox.ButtonRole.AcceptRole, "overwrite"),
                (t.gettext("Save As…"), QMessageBox.ButtonRole.ActionRole, "save_as"),
            ],
            cancel="cancel",
            default=None,
        )

    def file_deleted(self, parent: QWidget, path: Path) -> DeletedChoice:
        t = user_phrases()
        return _ask(
            parent,
            t.gettext("Deleted from disk"),
            t.gettext("{file} was deleted from the disk since you opened it.").format(
                file=path.name
            ),
            t.gettext(
                "Save puts it back with your version, Save As keeps your version under another "
                "name, Close closes the editor. Cancel keeps editing without a file on disk."
            ),
            [
                (t.gettext("Save"), QMessageBox.ButtonRole.AcceptRole, "save"),
                (t.gettext("Save As…"), QMessageBox.ButtonRole.ActionRole, "save_as"),
                (t.gettext("Close"), QMessageBox.ButtonRole.DestructiveRole, "close"),
            ],
            cancel="cancel",
            default=0,
        )

    def save_path(self, parent: QWidget, suggestion: Path, reason: str | None) -> Path | None:
        t = user_phrases()
        if reason:
            QMessageBox.information(parent, t.gettext("Save a copy"), reason)
        suggestion.parent.mkdir(parents=True, exist_ok=True)
        name, _ = QFileDialog.getSaveFileName(
            parent,
            t.gettext("Save the session"),
            str(suggestion),
            t.gettext("Session scripts (*.toml)"),
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix == ".toml" else path.with_name(path.name + ".toml")

    def save_before_run(self, parent: QWidget) -> bool:
        t = user_phrases()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            t.gettext("Save first"),
            t.gettext("The session runs from its saved file. Save your changes and run it?"),
            parent=parent,
        )
        save = box.addButton(QMessageBox.StandardButton.Save)
        save.setText(t.gettext("Save"))
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        cancel.setText(t.gettext("Cancel"))
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is save

    def error(self, parent: QWidget, text: str) -> None:
        QMessageBox.warning(parent, "walktimer", text)

    def choose_wav(self, parent: QWidget, folder: Path) -> Path | None:
        t = user_phrases()
        name, _ = QFileDialog.getOpenFileName(
            parent, t.gettext("Choose a sound"), str(folder), t.gettext("WAV sounds (*.wav)")
        )
        return Path(name) if name else None
