"""The run controller without a window: open, prepare, start, walk, finish, close."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import SHORT, FakeInhibitor, SinkFactory

from walktimer.core.clock import FakeClock
from walktimer.core.engine import RunEnd, RunRecord, State
from walktimer.core.loader import load_text
from walktimer.core.plan import build_plan
from walktimer.ui.controller import OpenRun, RunController
from walktimer.ui.settings import Settings


class Answers:
    """The controller's `confirm`: records each question and answers from a list (yes)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answers: list[bool] = []

    def __call__(self, title: str, text: str, action: str) -> bool:
        self.asked.append(title)
        return self.answers.pop(0) if self.answers else True


class Follower:
    """Everything the controller reports, in order."""

    def __init__(self, runs: RunController) -> None:
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        for name in (
            "opened", "started", "finished", "notice", "refused", "preparing", "prepare_ended",
        ):  # fmt: skip
            getattr(runs, name).connect(lambda *args, n=name: self.events.append((n, args)))

    def names(self) -> list[str]:
        return [name for name, _args in self.events]

    def args(self, name: str) -> list[tuple[Any, ...]]:
        return [args for n, args in self.events if n == name]


@pytest.fixture
def parts(
    qtbot: Any,
) -> Iterator[tuple[RunController, FakeClock, SinkFactory, FakeInhibitor, Answers]]:
    clock, sinks, inhibitor, answers = FakeClock(), SinkFactory(), FakeInhibitor(), Answers()
    runs = RunController(
        Settings(), clock=clock, sink_factory=sinks, inhibitor=inhibitor, confirm=answers
    )
    yield runs, clock, sinks, inhibitor, answers
    runs.shutdown()


def opened(qtbot: Any, runs: RunController, *, start: bool = False) -> OpenRun:
    session = load_text(SHORT)
    run = runs.open(session, build_plan(session), Path("short.toml"), start=start)
    runs.announce(run)
    runs.prepare(run)
    qtbot.waitUntil(lambda: run.prepared)
    return run


def pump(runs: RunController, clock: FakeClock, seconds: float) -> None:
    clock.advance(seconds)
    assert runs.run is not None
    runs.run.host.pump()


def test_a_whole_session_from_open_to_close(qtbot: Any, parts: Any) -> None:
    runs, clock, sinks, inhibitor, answers = parts
    follower = Follower(runs)
    run = opened(qtbot, runs, start=True)  # Enter in the library: starts once prepared
    assert follower.args("opened") == [(run.plan, Path("short.toml"))]
    assert sinks.last.prepared
    assert run.host.ready_left() == 3
    [(host, plan, path)] = follower.args("started")
    assert (host, plan, path) == (run.host, run.plan, Path("short.toml"))
    pump(runs, clock, 3.0)
    assert run.host.state() is State.RUNNING
    assert inhibitor.held
    pump(runs, clock, 50.0)  # warm-up and brisk: into the manual stretch
    assert run.host.view().waiting
    runs.toggle()  # Space in a manual phase: done
    assert run.host.view().phase_name == "Cool-down"
    with qtbot.waitSignal(runs.finished) as finished:
        pump(runs, clock, 10.0)
    record, plan, path = finished.args
    assert isinstance(record, RunRecord)
    assert record.ended is RunEnd.FINISHED
    assert (plan, path) == (run.plan, Path("short.toml"))
    assert not inhibitor.held
    assert answers.asked == []
    assert "Warm up gently." in sinks.last.texts

    runs.close()
    assert runs.run is None
    assert sinks.last.closed
    assert follower.names()[-1] == "prepare_ended"


def test_space_before_the_sound_is_ready_starts_it_when_it_is(qtbot: Any, parts: Any) -> None:
    runs, _clock, sinks, _inhibitor, _answers = parts
    follower = Follower(runs)
    sinks.hold = True
    session = load_text(SHORT)
    run = runs.open(session, build_plan(session), None)
    runs.prepare(run)
    runs.toggle()
    assert follower.args("refused") == [("Starting as soon as the spoken cues are ready…",)]
    assert run.start_when_prepared
    qtbot.waitUntil(lambda: bool(sinks.sinks))
    with qtbot.waitSignal(runs.started):
        sinks.last.release()
    assert run.host.ready_left() == 3


def test_stopping_asks_first_and_a_no_keeps_walking(qtbot: Any, parts: Any) -> None:
    runs, clock, _sinks, _inhibitor, answers = parts
    run = opened(qtbot, runs)
    runs.toggle()
    runs.stop()  # during the 3-2-1 count: called off, nothing asked
    assert answers.asked == []
    assert run.host.ready_left() is None
    runs.toggle()
    pump(runs, clock, 3.0)
    answers.answers = [False]
    runs.stop()
    assert answers.asked == ["Stop the session?"]
    assert run.host.state() is State.RUNNING
    answers.answers = [False]
    assert not runs.confirm_leave()  # leaving the run page: "A session is running. Stop it?"
    assert run.host.state() is State.RUNNING
    with qtbot.waitSignal(runs.finished) as finished:
        runs.stop()
    assert finished.args[0].ended is RunEnd.STOPPED


def test_muted_sessions_build_no_sink_until_unmuted(qtbot: Any, parts: Any) -> None:
    runs, _clock, sinks, _inhibitor, _answers = parts
    runs.settings.mute = True
    run = opened(qtbot, runs)
    assert sinks.sinks == []
    runs.set_muted(False)
    qtbot.waitUntil(lambda: bool(sinks.sinks) and sinks.last.prepared)
    assert run.sink.real is sinks.last


def test_closing_while_preparing_releases_the_sink_and_waits_for_the_thread(
    qtbot: Any, parts: Any
) -> None:
    runs, _clock, sinks, _inhibitor, _answers = parts
    sinks.hold = True
    session = load_text(SHORT)
    run = runs.open(session, build_plan(session), None)
    runs.prepare(run)
    qtbot.waitUntil(lambda: bool(sinks.sinks))
    thread = run.prepare
    assert thread is not None
    runs.shutdown()
    assert sinks.last.closed
    assert not thread.isRunning()
    assert not run.prepared


def test_a_screen_that_cannot_be_held_is_said_once(qtbot: Any, parts: Any) -> None:
    runs, clock, _sinks, inhibitor, _answers = parts
    inhibitor.problem = "The screen may blank during the walk."
    follower = Follower(runs)
    opened(qtbot, runs, start=True)
    pump(runs, clock, 3.0)
    pump(runs, clock, 1.0)
    assert follower.args("notice") == [("The screen may blank during the walk.",)]


def test_words_in_another_language_get_a_voice_for_it(qtbot: Any, parts: Any) -> None:
    runs, _clock, sinks, _inhibitor, _answers = parts
    session = load_text(SHORT)
    assert session.voice.voice is None
    run = runs.open(session, build_plan(session, language="de"), Path("short.toml"))
    runs.announce(run)
    runs.prepare(run)
    qtbot.waitUntil(lambda: run.prepared)
    assert sinks.calls[-1]["session"].voice.voice == "de"
    runs.close()
    english = runs.open(session, build_plan(session), Path("short.toml"))
    runs.announce(english)
    runs.prepare(english)
    qtbot.waitUntil(lambda: english.prepared)
    assert sinks.calls[-1]["session"].voice.voice is None  # the engine's default voice
