"""The real Qt host against the real clock: a three-second session, start to finish."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fakes import RecordingSink

from walktimer.core.clock import FakeClock, SystemClock
from walktimer.core.engine import Engine, RunEnd, RunRecord, State
from walktimer.core.loader import load_text
from walktimer.core.plan import EventKind, build_plan
from walktimer.ui.host import SessionHost

THREE_SECONDS = """\
format = 1
name = "Three seconds"

[announce]
countdown = 0
remaining = []
next = false

[[phase]]
name = "One"
duration = 1

[[phase]]
name = "Two"
duration = 1

  [[phase.cue]]
  at = "0:00"
  say = "Two begins."

[[phase]]
name = "Three"
duration = 1
"""


def test_real_timers_run_a_short_session_on_time(qtbot: Any) -> None:
    plan = build_plan(load_text(THREE_SECONDS))
    clock = SystemClock()
    sink = RecordingSink()
    host = SessionHost(Engine(plan, clock), clock, sink, get_ready=1)
    phases: list[int] = []
    ready: list[int] = []
    refreshes: list[float] = []
    host.phase_changed.connect(phases.append)
    host.getting_ready.connect(ready.append)
    host.refreshed.connect(lambda: refreshes.append(clock.now()))
    began = time.monotonic()
    with qtbot.waitSignal(host.finished, timeout=8000) as finished:
        host.start()
    took = time.monotonic() - began
    record = finished.args[0]
    assert isinstance(record, RunRecord)
    assert record.ended is RunEnd.FINISHED
    assert host.state() is State.FINISHED
    assert phases == [1, 2]
    assert ready[0] == 1
    assert ready[-1] == 0
    assert 3.9 <= took < 5.5  # one second of get-ready, three of session
    kinds = [f.kind for f in sink.played]
    assert kinds.count(EventKind.PHASE_START) == 3
    assert kinds[-1] is EventKind.FINISH
    assert "Two begins." in sink.texts
    # The precise deadline timer wakes the engine on time (generous for a busy machine).
    worst = max(f.late for f in sink.played)
    assert worst < 0.25, worst
    # One redraw per second of countdown, plus the commands' own: never a busy loop.
    assert 4 <= len(refreshes) <= 20


def test_display_refresh_follows_whole_seconds(qtbot: Any) -> None:
    """After each refresh the display timer is armed just past the next second boundary."""
    plan = build_plan(load_text(THREE_SECONDS.replace("duration = 1\n", "duration = 30\n")))
    clock = FakeClock()
    host = SessionHost(Engine(plan, clock), clock, RecordingSink(), get_ready=0)
    host.start()
    clock.advance(0.3)
    host.refresh()
    interval = host._display.remainingTime()
    assert 650 <= interval <= 720  # 0.7 s to the boundary plus a little slack
    assert host._display.timerType().name == "PreciseTimer"
    assert host._deadline.timerType().name == "PreciseTimer"
    assert host._deadline.isSingleShot()


def test_deadline_timer_is_armed_for_the_engine_deadline(qtbot: Any) -> None:
    plan = build_plan(load_text(THREE_SECONDS.replace("duration = 1\n", "duration = 30\n")))
    clock = FakeClock()
    engine = Engine(plan, clock)
    host = SessionHost(engine, clock, RecordingSink(), get_ready=0)
    host.start()
    deadline = engine.next_deadline()
    assert deadline is not None
    assert abs(host._deadline.remainingTime() - (deadline - clock.now()) * 1000) <= 5
    host.pause()
    assert not host._deadline.isActive()  # nothing is due while paused
    assert not host._display.isActive()


def test_the_sink_never_stops_the_clock(qtbot: Any) -> None:
    """A sink that raises does not keep the next deadline from being armed."""

    class Broken(RecordingSink):
        def play(self, fired: Any) -> None:
            raise RuntimeError("device gone")

    plan = build_plan(load_text(THREE_SECONDS.replace("duration = 1\n", "duration = 30\n")))
    clock = FakeClock()
    host = SessionHost(Engine(plan, clock), clock, Broken(), get_ready=0)
    with pytest.raises(RuntimeError, match="device gone"):
        host.start()
    assert host.state() is State.RUNNING
    assert host._deadline.isActive()


TIMED_WORDS = """\
format = 1
name = "Timed words"

[announce]
countdown = 0
remaining = []
next = false
targets = false

[[phase]]
name = "Walk"
duration = "2m"

  [[phase.cue]]
  at = "50%"
  say = "{remaining} to go."
"""


def test_extend_hands_the_refilled_words_to_the_sink_ahead(qtbot: Any) -> None:
    from walktimer.ui.prepare import DeferredSink

    plan = build_plan(load_text(TIMED_WORDS))
    clock = FakeClock(0.0)
    real = RecordingSink()
    sink = DeferredSink(lambda: real)
    sink.prepare(plan)  # builds the real sink, as the prepare thread does
    host = SessionHost(Engine(plan, clock), clock, sink, get_ready=0)
    host.start()
    clock.advance(10.0)
    host.pump()
    assert real.expected == []  # the plan's words were rendered by prepare
    host.extend(60)
    # Handed over at once, 80 s before they are due.
    assert real.expected == [["One minute thirty to go."]]
    clock.advance(80.0)
    host.pump()
    assert "One minute thirty to go." in real.texts

    host.set_muted(True)
    host.extend(60)  # muted: nothing is rendered
    assert len(real.expected) == 1


FOUR_PHASES = """\
format = 1
name = "Four phases"

[announce]
countdown = 0
remaining = []
next = false
targets = false
""" + "".join(
    f"""
[[phase]]
name = "P{n}"
duration = "2m"

  [[phase.cue]]
  at = "0:00"
  say = "Phase {n} begins."

  [[phase.cue]]
  at = "0:00"
  say = "Phase {n} has more to say."
"""
    for n in range(1, 5)
)


def test_next_previous_and_jump_silence_the_phase_left_behind(qtbot: Any) -> None:
    plan = build_plan(load_text(FOUR_PHASES))
    clock = FakeClock()
    sink = RecordingSink()
    host = SessionHost(Engine(plan, clock), clock, sink, get_ready=0)
    host.start()
    assert {f.phase_index for f in sink.queued} == {0}
    for command, phase in (
        (host.next, 1),
        (host.next, 2),
        (host.previous, 1),
        (lambda: host.jump(3), 3),
    ):
        clock.advance(0.2)
        stops = sink.stopped
        command()
        assert host.view().phase_index == phase
        assert sink.stopped == stops + 1
        # Only the cues of the phase now on screen are left to be sounded.
        assert sink.queued
        assert {f.phase_index for f in sink.queued} == {phase}
    host.stop()
    assert sink.queued == []


def test_a_refused_skip_silences_nothing(qtbot: Any) -> None:
    plan = build_plan(load_text(FOUR_PHASES))
    clock = FakeClock()
    sink = RecordingSink()
    host = SessionHost(Engine(plan, clock), clock, sink, get_ready=0)
    host.next()  # not started: refused
    assert sink.stopped == 0


def test_cues_a_skip_caught_up_on_are_shown_but_not_sounded(qtbot: Any) -> None:
    """Events the old phase owed at the moment of the skip belong to the phase left."""
    plan = build_plan(load_text(FOUR_PHASES))
    clock = FakeClock()
    sink = RecordingSink()
    host = SessionHost(Engine(plan, clock), clock, sink, get_ready=0)
    shown: list[Any] = []
    host.fired.connect(shown.extend)
    host.start()
    host.jump(1)
    clock.advance(200.0)  # phase 2 ends and phase 3 begins before anything pumps
    host.next()
    assert any(f.phase_index == 2 for f in shown)
    assert {f.phase_index for f in sink.queued} == {3}


def test_skipping_with_the_audio_sink_stops_the_old_speech(qtbot: Any) -> None:
    from fakes import FakeRenderer, RecordingOutput

    from walktimer.audio.player import ClipFate, Player
    from walktimer.audio.sink import AudioSink

    session = load_text(FOUR_PHASES)
    plan = build_plan(session)
    output = RecordingOutput(hold=True)  # every clip plays until released or stopped
    player = Player(lambda: output)
    sink = AudioSink(session, player=player, speech=FakeRenderer())
    sink.prepare(plan)
    clock = FakeClock()
    host = SessionHost(Engine(plan, clock), clock, sink, get_ready=0)
    try:
        host.start()
        assert output.started.wait(5.0)
        for _ in range(3):
            clock.advance(0.2)
            host.next()
        output.release()
        assert player.wait_idle(5.0)
        reports = [r for r in player.reports() if r.kind == "speech"]
    finally:
        sink.close()
    heard = {r.text: r.outcome for r in reports}
    for n in (1, 2, 3):
        for text in (f"Phase {n} begins.", f"Phase {n} has more to say."):
            assert heard[text] in (ClipFate.STOPPED, ClipFate.DROPPED), (text, heard)
    assert heard["Phase 4 begins."] is ClipFate.PLAYED
    assert heard["Phase 4 has more to say."] is ClipFate.PLAYED
