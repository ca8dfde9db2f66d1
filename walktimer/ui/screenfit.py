"""Windows that fit the screen they open on: from a 1024x600 netbook up, nothing cut off."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget

__all__ = ["PREFERRED", "available_area", "clamp_to_screen", "fit_to_screen"]

PREFERRED = QSize(1280, 800)  # a window's size when the screen has room for it
# Room for the title bar and borders a window manager adds; until a window is shown its frame
# is not known, so this much is kept free of the window itself.
FRAME_ALLOWANCE = QSize(8, 36)


def available_area(window: QWidget) -> QRect:
    """The part of the window's screen that windows may use (without panels and docks)."""
    return window.screen().availableGeometry()


def _frame(window: QWidget) -> QSize:
    frame = window.frameGeometry().size() - window.geometry().size()
    if window.isVisible() and frame.width() >= 0 and frame.height() > 0:
        return frame
    return FRAME_ALLOWANCE


def _room(window: QWidget, area: QRect) -> QSize:
    frame = _frame(window)
    return QSize(max(1, area.width() - frame.width()), max(1, area.height() - frame.height()))


def fit_to_screen(window: QWidget, preferred: QSize = PREFERRED) -> None:
    """Give a top-level window its preferred size, but never more than its screen has room
    for, and centre it there."""
    area = available_area(window)
    window.resize(preferred.boundedTo(_room(window, area)))
    _place_inside(window, area, centre=True)


def clamp_to_screen(window: QWidget) -> None:
    """Keep a window at the size the user gave it, made smaller where the screen (perhaps a
    smaller one than when it was saved) has not that much room, and moved onto it."""
    area = available_area(window)
    room = _room(window, area)
    if window.width() > room.width() or window.height() > room.height():
        window.resize(window.size().boundedTo(room))
    _place_inside(window, area, centre=False)


def _place_inside(window: QWidget, area: QRect, *, centre: bool) -> None:
    frame = _frame(window)
    width = window.width() + frame.width()
    height = window.height() + frame.height()
    if centre:
        x = area.x() + (area.width() - width) // 2
        y = area.y() + (area.height() - height) // 2
    else:
        x = min(max(window.x(), area.x()), area.x() + max(0, area.width() - width))
        y = min(max(window.y(), area.y()), area.y() + max(0, area.height() - height))
    window.move(max(area.x(), x), max(area.y(), y))
