"""Windows open no larger than the screen: the preferred size where it fits, the user's own
size where it was remembered, and never more than the screen has room for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QSize
from PySide6.QtWidgets import QMainWindow, QWidget

from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.screenfit import (
    FRAME_ALLOWANCE,
    PREFERRED,
    available_area,
    clamp_to_screen,
    fit_to_screen,
)
from walktimer.ui.settings import Settings


def room(widget: QWidget) -> QSize:
    area = available_area(widget)
    return QSize(area.width() - FRAME_ALLOWANCE.width(), area.height() - FRAME_ALLOWANCE.height())


def inside(widget: QWidget) -> bool:
    return available_area(widget).contains(widget.geometry())


def test_a_new_window_takes_its_preferred_size_where_the_screen_has_room(qtbot: Any) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    small = QSize(400, 300)
    fit_to_screen(window, small)
    assert window.size() == small
    assert inside(window)


def test_a_window_larger_than_the_screen_is_made_to_fit(qtbot: Any) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    huge = QSize(5000, 4000)
    fit_to_screen(window, huge)
    assert window.size() == room(window)
    assert window.width() < huge.width()
    assert inside(window)


def test_a_remembered_size_is_kept_but_never_larger_than_the_screen(qtbot: Any) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(300, 200)
    window.move(10, 10)
    clamp_to_screen(window)
    assert window.size() == QSize(300, 200)  # the user's own size stays
    window.resize(6000, 300)
    window.move(-500, 20)
    clamp_to_screen(window)
    assert window.width() == room(window).width()
    assert window.height() == 300
    assert inside(window)


def test_the_main_window_opens_within_the_screen(
    make_window: Callable[..., MainWindow], settings: Settings
) -> None:
    window = make_window(size=None)
    expected = PREFERRED.boundedTo(room(window))
    assert window.size() == expected
    # A size remembered on a larger screen is cut down to this one.
    big = QMainWindow()
    big.resize(4000, 3000)
    settings.geometry = QByteArray(big.saveGeometry())
    again = make_window(size=None)
    assert again.width() <= room(again).width()
    assert again.height() <= room(again).height()
