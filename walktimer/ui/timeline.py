"""The timeline strip: every phase as a segment coloured by kind, with a marker where you are."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from walktimer.core.durations import format_clock
from walktimer.core.script import Kind
from walktimer.ui.theme import kind_colour, kind_label

__all__ = ["Segment", "TimelineStrip"]

MANUAL_SHARE = 60.0  # a manual phase is drawn as wide as a one-minute phase
GAP = 2.0


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    kind: Kind
    duration: float | None  # None: manual


class TimelineStrip(QWidget):
    """Click a segment to ask for a jump there (`segment_clicked`); the window confirms."""

    segment_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list[Segment] = []
        self._current = -1
        self._fraction = 0.0
        self._track = QColor("#dde1e5")
        self._marker = QColor("#15191d")
        self.setMinimumHeight(24)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName("Session timeline")
        self.setAccessibleDescription("Every phase in order; click one to jump there.")

    def sizeHint(self) -> QSize:
        return QSize(600, self.minimumHeight())

    def set_colours(self, track: QColor, marker: QColor) -> None:
        self._track = QColor(track)
        self._marker = QColor(marker)
        self.update()

    def set_segments(self, segments: list[Segment]) -> None:
        self._segments = list(segments)
        self._current = -1
        self._fraction = 0.0
        self.update()

    def segments(self) -> list[Segment]:
        return list(self._segments)

    def set_duration(self, index: int, duration: float | None) -> None:
        """A phase got longer (extend); its segment grows."""
        if 0 <= index < len(self._segments) and self._segments[index].duration != duration:
            old = self._segments[index]
            self._segments[index] = Segment(old.name, old.kind, duration)
            self.update()

    def set_position(self, index: int, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        if index == self._current and abs(fraction - self._fraction) * self.width() < 0.5:
            return
        self._current = index
        self._fraction = fraction
        self.update()

    def position(self) -> tuple[int, float]:
        return self._current, self._fraction

    def _weights(self) -> list[float]:
        return [s.duration if s.duration is not None else MANUAL_SHARE for s in self._segments]

    def segment_rects(self) -> list[QRectF]:
        weights = self._weights()
        total = sum(weights)
        if total <= 0:
            return []
        usable = max(1.0, self.width() - GAP * (len(weights) - 1))
        rects: list[QRectF] = []
        x = 0.0
        top = 6.0
        for weight in weights:
            w = max(1.0, usable * weight / total)
            rects.append(QRectF(x, top, w, self.height() - top))
            x += w + GAP
        return rects

    def index_at(self, x: float) -> int:
        for i, rect in enumerate(self.segment_rects()):
            if x < rect.right() + GAP / 2:
                return i
        return len(self._segments) - 1

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rects = self.segment_rects()
        for i, (segment, rect) in enumerate(zip(self._segments, rects, strict=True)):
            colour = kind_colour(segment.kind)
            if i < self._current:
                colour.setAlpha(110)  # done
            painter.fillRect(rect, colour)
            if segment.duration is None:
                # Manual phases get a hatch: their length is up to the walker.
                painter.fillRect(rect, Qt.BrushStyle.BDiagPattern)
        if 0 <= self._current < len(rects):
            rect = rects[self._current]
            x = rect.left() + rect.width() * self._fraction
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._marker)
            painter.drawRect(QRectF(x - 1.5, rect.top(), 3.0, rect.height()))
            tri = QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x, 6)])
            painter.drawPolygon(tri)
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._segments:
            self.segment_clicked.emit(self.index_at(event.position().x()))
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            if self._segments:
                segment = self._segments[self.index_at(event.pos().x())]
                length = "manual" if segment.duration is None else format_clock(segment.duration)
                QToolTip.showText(
                    event.globalPos(), f"{segment.name}\n{kind_label(segment.kind)} · {length}"
                )
            return True
        return super().event(event)
