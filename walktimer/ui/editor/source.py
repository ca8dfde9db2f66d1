"""The source view: the script's TOML text, editable, with a syntax error marked where it is."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from walktimer.ui.words import user_phrases

__all__ = ["SourceView"]

DEBOUNCE_MS = 350


class _Gutter(QWidget):
    def __init__(self, view: SourceView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self) -> QSize:
        return QSize(self.view.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.view.paint_gutter(event)


class SourceView(QPlainTextEdit):
    """Edits reach the document in one step after a short pause in typing (`edited`)."""

    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setUndoRedoEnabled(False)  # the editor's undo stack covers the source too
        t = user_phrases()
        self.setAccessibleName(t.gettext("Source"))
        self.setAccessibleDescription(t.gettext("The script as TOML text"))
        self.setTabChangesFocus(False)
        self._setting = False
        self._error_line: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(self._typed)
        self._gutter = _Gutter(self)
        self.blockCountChanged.connect(lambda _n: self._update_margins())
        self.updateRequest.connect(self._update_gutter)
        self._update_margins()

    # -- text in and out --------------------------------------------------------------------------

    def set_source(self, text: str) -> None:
        """Show the document's text, keeping the cursor and scroll position where possible."""
        if self.toPlainText() == text:
            return
        self._setting = True
        try:
            position = self.textCursor().position()
            scroll = self.verticalScrollBar().value()
            self.setPlainText(text)
            cursor = self.textCursor()
            cursor.setPosition(min(position, len(text)))
            self.setTextCursor(cursor)
            self.verticalScrollBar().setValue(scroll)
        finally:
            self._setting = False

    def _typed(self) -> None:
        if not self._setting:
            self._timer.start()

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def flush(self) -> None:
        """Hand a pending edit to the document now (before undo, save, close)."""
        self._timer.stop()
        self.edited.emit(self.toPlainText())

    def flush_pending(self) -> None:
        if self.pending:
            self.flush()

    # -- the error mark and going to a place --------------------------------------------------

    def mark_error(self, line: int | None, col: int | None, message: str = "") -> None:
        """Underline a syntax error (1-based line and column); None clears it."""
        self._error_line = line
        selections: list[QTextEdit.ExtraSelection] = []
        if line is not None:
            block = self.document().findBlockByNumber(max(line - 1, 0))
            whole = QTextEdit.ExtraSelection()
            whole.format.setBackground(QColor(255, 80, 80, 40))
            whole.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            whole.cursor = QTextCursor(block)
            selections.append(whole)
            spot = QTextEdit.ExtraSelection()
            spot.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            spot.format.setUnderlineColor(QColor("#d01030"))
            spot.format.setBackground(QColor(255, 80, 80, 90))
            cursor = QTextCursor(block)
            column = max((col or 1) - 1, 0)
            length = max(block.length() - 1, 0)
            cursor.movePosition(
                QTextCursor.MoveOperation.Right,
                QTextCursor.MoveMode.MoveAnchor,
                min(column, length),
            )
            cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
            spot.cursor = cursor
            selections.append(spot)
        self.setToolTip(message)
        self.setExtraSelections(selections)
        self._gutter.update()

    @property
    def error_line(self) -> int | None:
        return self._error_line

    def go_to(self, line: int, col: int | None = None) -> None:
        block = self.document().findBlockByNumber(max(line - 1, 0))
        cursor = QTextCursor(block)
        if col:
            cursor.movePosition(
                QTextCursor.MoveOperation.Right,
                QTextCursor.MoveMode.MoveAnchor,
                min(col - 1, max(block.length() - 1, 0)),
            )
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- line numbers -----------------------------------------------------------------------------

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 12 + self.fontMetrics().horizontalAdvance("9") * max(digits, 2)

    def _update_margins(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))
        # The problem list appearing below shrinks the view: keep the line being typed in sight.
        shrunk = event.oldSize().height() - event.size().height()
        cursor = self.cursorRect()
        height = self.viewport().height()
        if shrunk > 0 and cursor.top() >= 0 and height < cursor.bottom() <= height + shrunk:
            self.ensureCursorVisible()

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                if self._error_line == number + 1:
                    painter.fillRect(0, top, self._gutter.width(), height, QColor("#d01030"))
                    painter.setPen(QColor("white"))
                else:
                    painter.setPen(palette.placeholderText().color())
                painter.drawText(
                    0,
                    top,
                    self._gutter.width() - 6,
                    height,
                    int(Qt.AlignmentFlag.AlignRight),
                    str(number + 1),
                )
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()
