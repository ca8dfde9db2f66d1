"""A treadmill connected in the window: the run host follows it as the terminal does, and the
walk's distance and average belt speed per phase reach the history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeBelt, RecordingSink
from PySide6.QtCore import Qt
from ui_helpers import FakeDialogs, advance, open_ready

from walktimer.core.clock import FakeClock
from walktimer.core.treadmill import Link
from walktimer.history.log import HistoryLog
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.resume_prompt import RunTracker

SCRIPT = """\
format = 1
name = "Two phases"

[announce]
countdown = 0
remaining = []
next = false

[[phase]]
name = "Easy"
duration = "1m"
speed = 3

[[phase]]
name = "Brisk"
duration = "1m"
speed = 4
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "two.toml"
    path.write_text(SCRIPT)
    return path


@dataclass
class FakeConnection:
    """The chosen treadmill as the window holds it: the belt, closed when the run closes."""

    treadmill: FakeBelt
    closed: bool = False

    def close(self) -> None:
        self.closed = True


def connect(window: MainWindow, belt: FakeBelt, *, control: bool) -> None:
    """Choose `belt` as the window's treadmill, as Settings does, with or without consent."""
    settings = window.runs.settings
    settings.treadmill, settings.treadmill_control = "Fake treadmill", control
    window.runs.treadmill_connect = lambda wanted, allowed: FakeConnection(belt)


def controlled_walk(
    qtbot: Any, window: MainWindow, clock: FakeClock, script: Path, belt: FakeBelt
) -> None:
    """Start `script` with control of `belt`, up to the belt's start and first speed."""
    connect(window, belt, control=True)
    open_ready(qtbot, window, script)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 3.0)
    advance(window, clock, 3.0)  # the start, said three seconds ahead, falls due


def test_a_read_only_walk_logs_the_belt_per_phase(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    clock: FakeClock,
    dialogs: FakeDialogs,
    script: Path,
) -> None:
    window = make_window()
    tracker = RunTracker(window)
    belt = FakeBelt(speed=3.0, running=True, distance=1000)
    connect(window, belt, control=False)
    open_ready(qtbot, window, script)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 3.0)
    assert window.run is not None
    host = window.run.host
    assert host.treadmill is belt
    host.belt_turn()
    belt.distance = 1050
    advance(window, clock, 60.0)  # into "Brisk"
    belt.distance = 1060
    advance(window, clock, 10.0)
    dialogs.answers = [True]
    with qtbot.waitSignal(tracker.history_changed):
        window.stop_session()
    with HistoryLog() as history:
        [walk] = history.walks()
    assert walk.distance_m == 60.0
    assert [(p.distance_m, p.avg_speed_kmh) for p in walk.phases] == [(50.0, 3.0), (10.0, 3.0)]
    assert belt.calls == []  # read-only


def test_with_control_the_window_sets_the_belt_and_says_so_first(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    clock: FakeClock,
    sinks: Any,
    script: Path,
) -> None:
    window = make_window()
    belt = FakeBelt()
    controlled_walk(qtbot, window, clock, script, belt)
    assert window.run is not None
    assert belt.calls[:2] == [("start", None), ("speed", 3.0)]
    sink = window.run.sink.real
    assert isinstance(sink, RecordingSink)
    said = [f.text for f in sink.played]
    assert "Starting the belt in three seconds." in said


def test_the_run_view_shows_the_treadmill_connection_and_who_sets_the_belt(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    clock: FakeClock,
    script: Path,
) -> None:
    window = make_window()
    belt = FakeBelt(link=Link.CONNECTING, speed=3.0)
    connect(window, belt, control=True)
    open_ready(qtbot, window, script)
    status = window.run_view.belt_status
    assert status.isVisible()
    assert "Treadmill: connecting…" in status.text()
    assert window.run is not None
    host = window.run.host
    belt.link = Link.CONNECTED
    host.belt_turn()
    assert "Treadmill connected · belt 3.0 km/h · control" in status.text()
    belt.granted = False  # control refused: the walker sets the belt
    host.belt_turn()
    assert "Treadmill connected · belt 3.0 km/h · read-only" in status.text()
    belt.link = Link.LOST
    host.belt_turn()
    assert "connection lost, reconnecting" in status.text()
    assert status.link is Link.LOST


def test_without_a_treadmill_the_indicator_stays_hidden(
    qtbot: Any, make_window: Callable[..., MainWindow], script: Path
) -> None:
    window = make_window()
    open_ready(qtbot, window, script)
    assert not window.run_view.belt_status.isVisible()
    assert window.run_view.belt_status.link is None


def test_treadmill_mode_shows_phase_x_of_y(
    qtbot: Any, make_window: Callable[..., MainWindow], script: Path
) -> None:
    window = make_window()
    open_ready(qtbot, window, script)
    window.set_treadmill(True)
    assert window.run_view.phase_count.isVisible()
    assert window.run_view.phase_count.text() == "Phase 1 of 2"


def test_leaving_the_window_mid_walk_stops_a_belt_it_controls(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, script: Path
) -> None:
    window = make_window()
    belt = FakeBelt()
    controlled_walk(qtbot, window, clock, script, belt)
    assert ("speed", 3.0) in belt.calls
    assert window.run is not None
    window.run.host.shutdown()
    assert belt.calls[-1] == ("stop", None)
