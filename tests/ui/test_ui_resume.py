"""The window after a crash: the resume dialog, and the tracker that saves and logs each run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import FakeDialogs, advance, open_ready

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, State
from walktimer.core.loader import load_path
from walktimer.core.plan import build_plan
from walktimer.history import resume
from walktimer.history.keeper import RunKeeper
from walktimer.history.log import HistoryLog, PhaseResult, WalkEnd
from walktimer.history.resume import Choice, Pending
from walktimer.ui import resume_prompt
from walktimer.ui.app import track_runs
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.resume_prompt import ResumePrompt, RunTracker

SCRIPT = """\
format = 1
name = "Three phases"

[announce]
countdown = 0
remaining = []
next = false
targets = false

[[phase]]
name = "Warm-up"
kind = "warmup"
duration = "1m"

[[phase]]
name = "Brisk"
duration = "2m"

[[phase]]
name = "Cool-down"
kind = "cooldown"
duration = "1m"
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "three.toml"
    path.write_text(SCRIPT)
    return path


def logged() -> list[Any]:
    with HistoryLog() as history:
        return history.walks()


def crashed(script: Path, seconds: float = 100.0, speed: float = 1.0) -> resume.ResumePoint:
    """A run that saved where it was and died: 40 s into "Brisk" by default."""
    plan = build_plan(load_path(script))
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = RunKeeper.begin(plan, script, speed=speed)
    engine.start()
    clock.advance(seconds)
    engine.advance()
    keeper.update(engine)
    point = resume.read()
    assert point is not None
    return point


class Chooser:
    def __init__(self, answer: Choice | None) -> None:
        self.answer = answer
        self.asked: list[Pending] = []

    def __call__(self, parent: Any, found: Pending) -> Choice | None:
        self.asked.append(found)
        return self.answer


# --- the dialog ------------------------------------------------------------------------------


def test_the_dialog_offers_three_choices(qtbot: Any, script: Path) -> None:
    point = crashed(script)
    dialog = ResumePrompt(resume.inspect(point))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Resume the last walk?"
    assert dialog.text.text().startswith(
        'The last session did not end: "Three phases", phase 2 "Brisk" at 0:40'
    )
    assert dialog.resume_button.isEnabled()
    assert dialog.resume_button.isDefault()
    for button, choice in (
        (dialog.log_button, Choice.LOG),
        (dialog.ignore_button, Choice.IGNORE),
        (dialog.resume_button, Choice.RESUME),
    ):
        dialog.show()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert dialog.choice is choice
        assert not dialog.isVisible()


def test_the_dialog_cannot_resume_a_changed_script(qtbot: Any, script: Path) -> None:
    point = crashed(script)
    script.write_text(SCRIPT.replace("2m", "3m"))
    dialog = ResumePrompt(resume.inspect(point))
    qtbot.addWidget(dialog)
    assert not dialog.resume_button.isEnabled()
    assert dialog.log_button.isDefault()
    assert f"It cannot be resumed because its script {script} has changed since." in (
        dialog.text.text()
    )


# --- following runs --------------------------------------------------------------------------


def started(qtbot: Any, window: MainWindow, clock: FakeClock, path: Path) -> None:
    open_ready(qtbot, window, path)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 3.0)
    assert window.run is not None
    assert window.run.host.state() is State.RUNNING


def test_a_run_is_saved_while_it_goes_and_logged_when_stopped(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    clock: FakeClock,
    dialogs: FakeDialogs,
    script: Path,
) -> None:
    window = make_window()
    tracker = RunTracker(window, chooser=Chooser(None))
    started(qtbot, window, clock, script)
    point = resume.read()
    assert point is not None
    assert (point.phase_index, point.state) == (0, "running")
    advance(window, clock, 70.0)  # into "Brisk": a phase change saves at once
    point = resume.read()
    assert point is not None
    assert (point.phase_name, point.phase_elapsed) == ("Brisk", pytest.approx(10.0))
    clock.advance(6.0)
    assert window.run is not None
    window.run.host.refresh()  # the display refresh saves every 4 s
    point = resume.read()
    assert point is not None
    assert point.phase_elapsed == pytest.approx(16.0)

    dialogs.answers = [True]
    with qtbot.waitSignal(tracker.history_changed):
        window.stop_session()
    assert resume.read() is None
    [walk] = logged()
    assert walk.ended is WalkEnd.STOPPED
    assert walk.script_path == str(script.resolve())
    assert walk.active_seconds == pytest.approx(76.0)
    assert [p.outcome for p in walk.phases] == [
        PhaseResult.DONE,
        PhaseResult.STOPPED,  # "Brisk" was being walked when stopped
        PhaseResult.NOT_REACHED,
    ]


def test_a_finished_run_is_logged_as_finished(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, script: Path
) -> None:
    window = make_window()
    RunTracker(window, chooser=Chooser(None))
    started(qtbot, window, clock, script)
    for _ in range(5):
        advance(window, clock, 60.0)
    assert window.page() == "summary"
    assert resume.read() is None
    [walk] = logged()
    assert walk.ended is WalkEnd.FINISHED
    assert walk.active_seconds == pytest.approx(240.0)


# --- on start --------------------------------------------------------------------------------


def test_resuming_opens_the_session_paused_where_it_died_and_logs_it_once(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, script: Path
) -> None:
    point = crashed(script, 100.0)
    window = make_window()
    chooser = Chooser(Choice.RESUME)
    tracker = RunTracker(window, chooser=chooser)
    assert tracker.offer() is Choice.RESUME
    assert chooser.asked[0].point == point
    run = window.run
    assert run is not None
    assert window.page() == "run"
    view = run.host.view()
    assert (view.state, view.phase_name) == (State.PAUSED, "Brisk")
    assert view.phase_elapsed == pytest.approx(40.0)
    assert view.session_elapsed == pytest.approx(100.0)
    saved = resume.read()
    assert saved is not None
    assert (saved.run_id, saved.resumes, saved.state) == (point.run_id, 1, "paused")

    qtbot.waitUntil(lambda: run.prepared)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert run.host.state() is State.RUNNING
    with qtbot.waitSignal(tracker.history_changed):
        for _ in range(4):
            advance(window, clock, 60.0)
    [walk] = logged()
    assert walk.ended is WalkEnd.RESUMED_FINISHED
    assert walk.run_id == point.run_id
    assert walk.started == point.started_at
    assert walk.active_seconds == pytest.approx(240.0)
    assert resume.read() is None


@pytest.mark.parametrize(
    ("answer", "ended"),
    [(Choice.LOG, [WalkEnd.INTERRUPTED]), (None, [WalkEnd.INTERRUPTED]), (Choice.IGNORE, [])],
)
def test_logging_or_ignoring_starts_nothing(
    make_window: Callable[..., MainWindow],
    script: Path,
    answer: Choice | None,
    ended: list[WalkEnd],
) -> None:
    crashed(script)
    window = make_window()
    tracker = RunTracker(window, chooser=Chooser(answer))
    tracker.offer()
    assert window.run is None
    assert window.page() == "library"
    assert [w.ended for w in logged()] == ended
    assert resume.read() is None


def test_a_changed_script_is_logged_as_interrupted_and_the_walker_told(
    make_window: Callable[..., MainWindow], dialogs: FakeDialogs, script: Path
) -> None:
    crashed(script)
    script.write_text(SCRIPT.replace("Brisk", "Brisker"))
    window = make_window()
    chooser = Chooser(Choice.RESUME)
    assert RunTracker(window, chooser=chooser).offer() is Choice.LOG
    assert chooser.asked == []
    [(title, text)] = dialogs.informs
    assert title == "Walk history"
    assert "It cannot be resumed because its script" in text
    assert "it was logged as interrupted" in text
    [walk] = logged()
    assert walk.ended is WalkEnd.INTERRUPTED
    assert walk.phases[1].outcome is PhaseResult.INTERRUPTED


def test_a_demo_that_died_is_logged_as_a_demo_without_asking(
    make_window: Callable[..., MainWindow], dialogs: FakeDialogs, script: Path
) -> None:
    crashed(script, speed=60.0)  # walktimer run --no-gui --speed 60, killed
    window = make_window()
    chooser = Chooser(Choice.RESUME)
    assert RunTracker(window, chooser=chooser).offer() is Choice.LOG
    assert chooser.asked == []
    assert dialogs.informs == []
    [walk] = logged()
    assert (walk.ended, walk.speed) == (WalkEnd.INTERRUPTED, 60.0)
    assert resume.read() is None


def test_nothing_to_resume_asks_nothing(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    chooser = Chooser(Choice.RESUME)
    assert RunTracker(window, chooser=chooser).offer() is None
    assert chooser.asked == []


def test_the_app_hook_offers_once_the_window_is_up(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    script: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crashed(script)
    asked: list[Pending] = []

    def answer(parent: Any, found: Pending) -> Choice:
        asked.append(found)
        return Choice.RESUME

    monkeypatch.setattr(resume_prompt, "ask", answer)
    window = make_window()
    track_runs(window)
    tracker = window.history_tracker
    assert isinstance(tracker, RunTracker)
    qtbot.waitUntil(lambda: window.run is not None)
    assert len(asked) == 1
    assert window.run is not None
    assert window.run.host.state() is State.PAUSED


def test_closing_the_window_mid_walk_logs_it_as_stopped(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    clock: FakeClock,
    dialogs: FakeDialogs,
    script: Path,
) -> None:
    window = make_window()
    RunTracker(window, chooser=Chooser(None))
    started(qtbot, window, clock, script)
    advance(window, clock, 30.0)
    assert resume.read() is not None
    dialogs.answers = [True]  # "A session is running. Stop it?"
    window.close()
    assert dialogs.confirms[-1][0] == "Stop the session?"
    [walk] = logged()
    assert walk.ended is WalkEnd.STOPPED
    assert walk.active_seconds == pytest.approx(30.0)
    assert resume.read() is None
