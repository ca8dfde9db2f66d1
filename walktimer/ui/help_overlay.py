"""The help overlay (?): every keyboard shortcut, large, over the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

__all__ = ["HelpOverlay"]


class HelpOverlay(QWidget):
    """Covers its parent; any key or click closes it. Rows are (keys, what they do)."""

    def __init__(self, parent: QWidget, rows: list[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setObjectName("help_overlay")
        self.setAccessibleName("Keyboard shortcuts")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        panel = QWidget(self)
        panel.setObjectName("help_panel")
        panel.setStyleSheet(
            "#help_panel { background: #1b2127; border-radius: 14px; } QLabel { color: #f4f6f8; }"
        )
        title = QLabel("Keyboard shortcuts")
        font = QFont(self.font())
        font.setPixelSize(30)
        font.setBold(True)
        title.setFont(font)
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(10)
        keyfont = QFont(self.font())
        keyfont.setPixelSize(18)
        keyfont.setBold(True)
        textfont = QFont(self.font())
        textfont.setPixelSize(18)
        self.rows = list(rows)
        # Two columns of rows once there are many, so that all fit a 600-pixel-high screen.
        per_column = (len(rows) + 1) // 2 if len(rows) > 10 else max(1, len(rows))
        for n, (keys, what) in enumerate(rows):
            i, column = n % per_column, 2 * (n // per_column)
            k = QLabel(keys)
            k.setFont(keyfont)
            k.setStyleSheet("color: #7fe0ac;")
            k.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            w = QLabel(what)
            w.setFont(textfont)
            w.setWordWrap(True)  # a long tip takes two lines rather than being cut off
            grid.addWidget(k, i, column)
            grid.addWidget(w, i, column + 1)
        hint = QLabel("Press any key or click to close")
        hint.setStyleSheet("color: #aab4bf;")
        hint.setFont(textfont)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(36, 28, 36, 28)
        inner.setSpacing(18)
        inner.addWidget(title)
        inner.addLayout(grid)
        inner.addWidget(hint)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.open()

    def open(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.setFocus()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 150))
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self.isVisible():
            # Claim every key while shown: it closes the overlay and does nothing else, so a
            # window shortcut (Return opens, Space starts) cannot act unseen behind it.
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.hide()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()
        event.accept()
