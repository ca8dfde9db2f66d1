"""The countdown digits: as large as the space allows, and they never jump sideways."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from walktimer.ui.theme import clock_font

__all__ = ["BigClock"]

_DIGITS = "0123456789"


def _shape(text: str) -> str:
    """The layout a text needs: every digit counts as the widest one."""
    return "".join("0" if ch in _DIGITS else ch for ch in text)


class BigClock(QWidget):
    """Paints a short time text ("12:34") in one cell per digit, each cell as wide as the
    widest digit, so "1:11" and "0:00" take the same room and nothing shifts as it counts.
    The font size follows the widget's size and the longest form the phase can show
    (`reserve`), not the text of the moment, so the size holds steady through a phase."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._reserve = "00:00"
        self._colour = QColor("#000000")
        self._font = clock_font()
        self._pixel_size = 0
        self._cell = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self.setAccessibleName("Time left in this phase")

    def sizeHint(self) -> QSize:
        return QSize(480, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 60)

    def text(self) -> str:
        return self._text

    def set_text(self, text: str, reserve: str | None = None) -> None:
        reserve_shape = _shape(reserve) if reserve is not None else self._reserve
        if len(_shape(text)) > len(reserve_shape):
            reserve_shape = _shape(text)
        if text == self._text and reserve_shape == self._reserve:
            return
        self._text = text
        self.setAccessibleDescription(text)
        if reserve_shape != self._reserve:
            self._reserve = reserve_shape
            self._fit()
        self.update()

    def set_colour(self, colour: QColor) -> None:
        if colour != self._colour:
            self._colour = QColor(colour)
            self.update()

    def digit_height(self) -> float:
        """Height in pixels of a painted digit (for layout checks)."""
        if not self._pixel_size:
            self._fit()
        return QFontMetricsF(self._sized_font()).tightBoundingRect("0").height()

    def _sized_font(self) -> QFont:
        font = QFont(self._font)
        font.setPixelSize(max(1, self._pixel_size))
        return font

    def _fit(self) -> None:
        """The largest pixel size at which `reserve` fits the widget with a small margin."""
        probe = QFont(self._font)
        probe.setPixelSize(100)
        metrics = QFontMetricsF(probe)
        cell = max(metrics.horizontalAdvance(d) for d in _DIGITS)
        width = sum(cell if ch == "0" else metrics.horizontalAdvance(ch) for ch in self._reserve)
        digit = metrics.tightBoundingRect("0").height()
        avail_w = self.width() * 0.94
        avail_h = self.height() * 0.92
        if width <= 0 or digit <= 0:
            return
        scale = min(avail_w / width, avail_h / digit)
        self._pixel_size = max(8, int(100 * scale))
        self._cell = cell * self._pixel_size / 100

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._text:
            return
        if not self._pixel_size:
            self._fit()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        font = self._sized_font()
        painter.setFont(font)
        painter.setPen(self._colour)
        metrics = QFontMetricsF(font)
        cell = max(metrics.horizontalAdvance(d) for d in _DIGITS)
        widths = [cell if ch in _DIGITS else metrics.horizontalAdvance(ch) for ch in self._text]
        total = sum(widths)
        digit = metrics.tightBoundingRect("0")
        # Centre the digits' ink vertically, not the font's line box.
        baseline = (self.height() - digit.height()) / 2 - digit.top()
        x = (self.width() - total) / 2
        for ch, w in zip(self._text, widths, strict=True):
            advance = metrics.horizontalAdvance(ch)
            painter.drawText(QPointF(x + (w - advance) / 2, baseline), ch)
            x += w
        painter.end()

    def ink_rect(self) -> QRectF:
        """Where the digits are painted, in widget coordinates."""
        metrics = QFontMetricsF(self._sized_font())
        cell = max(metrics.horizontalAdvance(d) for d in _DIGITS)
        total = sum(cell if ch in _DIGITS else metrics.horizontalAdvance(ch) for ch in self._text)
        height = metrics.tightBoundingRect("0").height()
        return QRectF((self.width() - total) / 2, (self.height() - height) / 2, total, height)
