"""A dismissable note across the top of the library: the safety note, a resume offer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

__all__ = ["Banner"]


class Banner(QFrame):
    """A line of text with buttons; each button runs its callback, then closes the banner."""

    def __init__(self, name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(name.replace("_", " ").capitalize())
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"#{name} {{ background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 6px; }"
        )
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAccessibleName(self.accessibleName())
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(12, 8, 12, 8)
        self._row.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}

    def add_action(self, text: str, callback: Callable[[], None] | None = None) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", ""))

        def clicked() -> None:
            if callback is not None:
                callback()
            self.hide()
            self.deleteLater()

        button.clicked.connect(clicked)
        self._row.addWidget(button)
        self.buttons[text.replace("&", "")] = button
        return button
