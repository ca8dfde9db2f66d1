"""`walktimer --speed FACTOR --mute FILE`: trying a script quickly in the window. A run at a
speed other than 1 is kept as a demo, as in the terminal; --mute leaves the saved setting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_ui_resume import SCRIPT, Chooser, started
from ui_helpers import advance

from walktimer.core.clock import FakeClock, ScaledClock
from walktimer.history.log import HistoryLog, WalkEnd
from walktimer.ui.app import _trial_options
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.resume_prompt import RunTracker
from walktimer.ui.settings import Settings


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "three.toml"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def test_the_options_are_read_and_a_bad_speed_refused() -> None:
    assert _trial_options(["walk.toml"]) == (["walk.toml"], False, 1.0, None)
    assert _trial_options(["--mute", "--speed", "60", "w.toml"]) == (["w.toml"], True, 60.0, None)
    assert _trial_options(["--speed=2.5"])[2] == 2.5
    for bad in (["--speed", "fast"], ["--speed", "0"], ["--speed=nan"], ["--speed"]):
        problem = _trial_options(bad)[3]
        assert problem is not None
        assert problem.startswith("the speed must be a number greater than 0"), bad


def test_mute_starts_silent_and_leaves_the_saved_setting(
    qtbot: Any, make_window: Callable[..., MainWindow], settings: Settings, clock: FakeClock,
    script: Path,
) -> None:  # fmt: skip
    window = make_window(mute=True)
    assert window.action("mute").isChecked()
    started(qtbot, window, clock, script)
    assert window.run is not None
    assert window.run.host.muted
    assert window.run_view.muted.isVisible()
    assert settings.mute is False  # this time only
    qtbot.keyClick(window, Qt.Key.Key_M)  # M turns the sound on, as ever
    assert not window.run.host.muted


def test_a_run_at_a_speed_is_logged_as_a_demo(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock,
    script: Path,
) -> None:  # fmt: skip
    fast = ScaledClock(clock, 60.0)
    window = make_window(clock=fast)
    RunTracker(window, chooser=Chooser(None))
    started(qtbot, window, clock, script)
    for _ in range(5):
        advance(window, clock, 1.0)  # a second of real time is a minute of the session
    assert window.page() == "summary"
    with HistoryLog() as history:
        [walk] = history.walks()
    assert walk.ended is WalkEnd.FINISHED
    assert walk.speed == pytest.approx(60.0)
    assert walk.demo
