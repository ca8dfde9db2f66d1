"""The engine on a FakeClock: every command in every state, pausing around boundaries and ticks,
next/previous/jump/extend/stop, manual phases, a 24-hour session and a 10-minute stall."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from engine_helpers import QUIET, engine_for, make_plan, run_out, summary

from walktimer.core.clock import FakeClock
from walktimer.core.durations import say_duration
from walktimer.core.engine import (
    RESTART_AFTER,
    STALL_LIMIT,
    Engine,
    EngineError,
    Fired,
    PhaseStatus,
    RunEnd,
    RunRecord,
    Snapshot,
    State,
)
from walktimer.core.plan import EventKind, Plan
from walktimer.core.script import (
    Announce,
    Cue,
    Kind,
    Offset,
    Phase,
    Reminders,
    Speed,
)

K = EventKind


def three_phases() -> Plan:
    """A 70 s, B 50 s, C 20 s: every announcement on, reminders every 20 s in walks."""
    return make_plan(
        Phase("A", duration=70, speed=Speed(3.0)),
        Phase("B", duration=50, kind=Kind.TECHNIQUE),
        Phase("C", duration=20, kind=Kind.COOLDOWN),
        announce=Announce(countdown=3, remaining=(), next=True, targets=True),
        reminders=Reminders(every=20, texts=("Shoulders down.", "Head up.")),
    )


def kinds(fired: list[Fired]) -> list[str]:
    return [str(f.kind) for f in fired]


# ---------------------------------------------------------------- a punctual run


def test_a_punctual_run_plays_the_plan_timeline_exactly() -> None:
    plan = three_phases()
    engine, clock = engine_for(plan)
    fired = engine.start()
    fired += run_out(engine, clock)
    assert [f.event for f in fired] == list(plan.events)
    assert [f.t_plan for f in fired] == [e.t for e in plan.events]
    assert all(f.late == 0.0 for f in fired)
    assert [f.text for f in fired] == [e.text for e in plan.events]
    assert engine.state is State.FINISHED
    assert fired[-1].kind is K.FINISH
    assert clock.now() == 1000.0 + 140.0


def test_start_fires_the_first_phase_start_in_order() -> None:
    engine, _ = engine_for(three_phases())
    fired = engine.start()
    assert summary(fired) == [
        (0.0, "phase", None),
        (0.0, "name", "A"),
        (0.0, "targets", "Speed 3 kilometres per hour."),
    ]
    assert fired[0].sound is not None
    assert fired[0].sound.name == "bell"
    assert engine.state is State.RUNNING


def test_next_deadline_is_the_next_event_and_none_unless_running() -> None:
    engine, clock = engine_for(three_phases())
    assert engine.next_deadline() is None
    engine.start()
    assert engine.next_deadline() == 1000.0 + 20.0  # the first reminder
    clock.advance(20.0)
    assert summary(engine.advance()) == [(20.0, "reminder", "Shoulders down.")]
    assert engine.next_deadline() == 1000.0 + 40.0
    engine.pause()
    assert engine.next_deadline() is None


def test_advance_before_a_deadline_returns_nothing() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(19.999)
    assert engine.advance() == []
    clock.advance(0.001)
    assert kinds(engine.advance()) == ["reminder"]


def test_a_late_host_gets_late_events_with_their_lateness() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(21.5)
    (reminder,) = engine.advance()
    assert reminder.t_plan == 20.0
    assert reminder.t_fired == pytest.approx(21.5)
    assert reminder.late == pytest.approx(1.5)
    assert reminder.late_ms == pytest.approx(1500.0)


# ---------------------------------------------------------------- every command in every state


def _to_state(state: State) -> tuple[Engine, Plan]:
    plan = three_phases()
    engine, clock = engine_for(plan)
    if state is State.READY:
        return engine, plan
    engine.start()
    clock.advance(30.0)
    engine.advance()
    if state is State.PAUSED:
        engine.pause()
    elif state is State.FINISHED:
        run_out(engine, clock)
    elif state is State.STOPPED:
        engine.stop()
    assert engine.state is state
    return engine, plan


COMMANDS: dict[str, Callable[[Engine], list[Fired]]] = {
    "start": lambda e: e.start(),
    "pause": lambda e: e.pause(),
    "resume": lambda e: e.resume(),
    "toggle": lambda e: e.toggle(),
    "next": lambda e: e.next(),
    "previous": lambda e: e.previous(),
    "extend": lambda e: e.extend(60),
    "stop": lambda e: e.stop(),
    "jump": lambda e: e.jump(1),
    "advance": lambda e: e.advance(),
}

# (state, command) -> the state after it, or the refusal sentence.
EXPECTED: dict[tuple[State, str], State | str] = {
    (State.READY, "start"): State.RUNNING,
    (State.READY, "pause"): "cannot pause: the session has not started.",
    (State.READY, "resume"): "cannot resume: the session has not started.",
    (State.READY, "toggle"): State.RUNNING,
    (State.READY, "next"): "cannot go to the next phase: the session has not started.",
    (State.READY, "previous"): "cannot go back: the session has not started.",
    (State.READY, "extend"): "cannot extend the phase: the session has not started.",
    (State.READY, "stop"): "cannot stop: the session has not started.",
    (State.READY, "jump"): "cannot jump to a phase: the session has not started.",
    (State.READY, "advance"): State.READY,
    (State.RUNNING, "start"): "cannot start: the session has already started.",
    (State.RUNNING, "pause"): State.PAUSED,
    (State.RUNNING, "resume"): "cannot resume: the session is not paused.",
    (State.RUNNING, "toggle"): State.PAUSED,
    (State.RUNNING, "next"): State.RUNNING,
    (State.RUNNING, "previous"): State.RUNNING,
    (State.RUNNING, "extend"): State.RUNNING,
    (State.RUNNING, "stop"): State.STOPPED,
    (State.RUNNING, "jump"): State.RUNNING,
    (State.RUNNING, "advance"): State.RUNNING,
    (State.PAUSED, "start"): "cannot start: the session has already started; resume it instead.",
    (State.PAUSED, "pause"): "cannot pause: the session is already paused.",
    (State.PAUSED, "resume"): State.RUNNING,
    (State.PAUSED, "toggle"): State.RUNNING,
    (State.PAUSED, "next"): State.PAUSED,
    (State.PAUSED, "previous"): State.PAUSED,
    (State.PAUSED, "extend"): State.PAUSED,
    (State.PAUSED, "stop"): State.STOPPED,
    (State.PAUSED, "jump"): State.PAUSED,
    (State.PAUSED, "advance"): State.PAUSED,
}
for _over, _why in ((State.FINISHED, "has finished"), (State.STOPPED, "was stopped")):
    for _name, _verb in (
        ("start", "start"),
        ("pause", "pause"),
        ("resume", "resume"),
        ("toggle", "pause or resume"),
        ("next", "go to the next phase"),
        ("previous", "go back"),
        ("extend", "extend the phase"),
        ("stop", "stop"),
        ("jump", "jump to a phase"),
    ):
        EXPECTED[(_over, _name)] = f"cannot {_verb}: the session {_why}."
    EXPECTED[(_over, "advance")] = _over


@pytest.mark.parametrize(("state", "command"), sorted(EXPECTED, key=str))
def test_every_command_in_every_state(state: State, command: str) -> None:
    engine, _ = _to_state(state)
    expected = EXPECTED[(state, command)]
    before = engine.view()
    if not isinstance(expected, State):  # (a State is a str too: test it first)
        with pytest.raises(EngineError) as refused:
            COMMANDS[command](engine)
        assert str(refused.value) == expected
        assert engine.state is state
        assert engine.view() == before  # a refused command changes nothing
    else:
        COMMANDS[command](engine)
        assert engine.state is expected


def test_the_table_covers_every_state_and_command() -> None:
    assert {(s, c) for s in State for c in COMMANDS} == set(EXPECTED)


def test_bad_arguments_are_refused_in_sentences() -> None:
    engine, _ = engine_for(three_phases())
    with pytest.raises(
        EngineError, match=r"^cannot start at phase 4: the session has phases 1 to 3\.$"
    ):
        engine.start(3)
    engine.start()
    with pytest.raises(
        EngineError, match=r"^cannot jump to phase 0: the session has phases 1 to 3\.$"
    ):
        engine.jump(-1)
    with pytest.raises(EngineError, match=r"^cannot jump to phase 9: "):
        engine.jump(8)
    with pytest.raises(EngineError, match=r"give a time greater than zero\.$"):
        engine.extend(0)
    with pytest.raises(EngineError, match=r"give a time greater than zero\.$"):
        engine.extend(-5)
    with pytest.raises(EngineError, match=r"give a time greater than zero\.$"):
        engine.extend(float("nan"))
    assert engine.state is State.RUNNING


def test_start_at_a_later_phase() -> None:
    engine, _ = engine_for(three_phases())
    fired = engine.start(2)
    assert [f.phase_name for f in fired] == ["C", "C"]
    assert engine.view().phase_index == 2
    record = engine.record()
    assert [p.status for p in record.phases][:2] == [PhaseStatus.NOT_REACHED] * 2


def test_toggle_starts_pauses_and_resumes() -> None:
    engine, clock = engine_for(three_phases())
    assert kinds(engine.toggle()) == ["phase", "name", "targets"]
    clock.advance(5)
    engine.toggle()
    assert engine.state is State.PAUSED
    clock.advance(100)
    engine.toggle()
    assert engine.state is State.RUNNING
    assert engine.view().session_elapsed == pytest.approx(5.0)


# ---------------------------------------------------------------- pause and resume


def test_pause_just_before_a_phase_boundary_holds_the_boundary() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.set(1000.0 + 69.5)
    engine.advance()  # up to the countdown tick at 69
    engine.pause()
    clock.advance(600)
    assert engine.advance() == []
    view = engine.view()
    assert view.phase_name == "A"
    assert view.phase_remaining == pytest.approx(0.5)
    assert view.session_elapsed == pytest.approx(69.5)
    engine.resume()
    assert engine.next_deadline() == pytest.approx(clock.now() + 0.5)
    clock.advance(0.5)
    fired = engine.advance()
    assert summary(fired)[:2] == [(70.0, "phase", None), (70.0, "say", "B")]
    assert all(f.late == pytest.approx(0.0, abs=1e-9) for f in fired)


def test_pause_exactly_at_a_boundary_fires_the_new_phase_once() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.set(1000.0 + 70.0)
    fired = engine.pause()  # the boundary is due at this very moment: it comes first
    assert [f.kind for f in fired if f.phase_index == 1] == [K.PHASE_START, K.SAY]
    clock.advance(30)
    assert engine.resume() == []
    assert engine.view().phase_name == "B"


def test_pause_between_countdown_ticks() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.set(1000.0 + 67.5)
    assert [f.t_plan for f in engine.advance() if f.kind is K.COUNTDOWN] == [67.0]
    engine.pause()
    clock.advance(42)
    assert engine.advance() == []
    engine.resume()
    clock.advance(0.5)
    (tick,) = engine.advance()
    assert (tick.kind, tick.t_plan, tick.late) == (K.COUNTDOWN, 68.0, pytest.approx(0.0))
    clock.advance(1)
    assert [f.t_plan for f in engine.advance()] == [69.0]


def test_pause_just_before_a_reminder() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(19.9)
    assert engine.pause() == []
    clock.advance(3600)
    assert engine.advance() == []
    engine.resume()
    clock.advance(0.05)
    assert engine.advance() == []
    clock.advance(0.05)
    (reminder,) = engine.advance()
    assert reminder.kind is K.REMINDER
    assert reminder.t_plan == 20.0
    assert reminder.late == pytest.approx(0.0, abs=1e-9)


def test_pause_returns_what_was_due_up_to_that_moment() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(20.5)  # the host has not woken for the reminder yet
    fired = engine.pause()
    assert kinds(fired) == ["reminder"]
    assert engine.state is State.PAUSED


def test_commands_while_paused_fire_nothing_until_resume() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(10)
    engine.pause()
    assert engine.next() == []
    assert engine.view().phase_name == "B"
    assert engine.jump(2) == []
    assert engine.previous() == []  # 0 s into C: back to B
    assert engine.view().phase_name == "B"
    assert engine.extend(30) == []
    clock.advance(100)
    fired = engine.resume()
    assert [(f.phase_name, str(f.kind)) for f in fired] == [("B", "phase"), ("B", "say")]
    assert all(f.t_plan == pytest.approx(10.0) for f in fired)


def test_session_time_stands_still_while_paused() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(12)
    engine.pause()
    clock.advance(500)
    view = engine.view()
    assert view.session_elapsed == pytest.approx(12)
    assert view.phase_remaining == pytest.approx(58)
    engine.resume()
    clock.advance(3)
    assert engine.view().session_elapsed == pytest.approx(15)


# ---------------------------------------------------------------- next, previous, jump


def test_next_skips_the_rest_of_the_phase_and_its_cues_never_fire() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(10)
    fired = engine.next()
    assert [(f.phase_name, str(f.kind)) for f in fired] == [("B", "phase"), ("B", "say")]
    assert fired[0].t_plan == pytest.approx(10.0)
    rest = run_out(engine, clock)
    assert all(f.phase_index > 0 for f in rest)
    record = engine.record()
    assert [p.status for p in record.phases] == [
        PhaseStatus.SKIPPED,
        PhaseStatus.DONE,
        PhaseStatus.DONE,
    ]
    assert record.phases[0].active_seconds == pytest.approx(10)
    assert record.active_seconds == pytest.approx(10 + 50 + 20)


def test_next_on_the_last_phase_finishes_once() -> None:
    engine, clock = engine_for(three_phases())
    engine.start(2)
    clock.advance(5)
    fired = engine.next()
    assert kinds(fired) == ["finish"]
    assert fired[0].text == "Session complete."
    assert fired[0].t_plan == pytest.approx(5.0)
    assert engine.state is State.FINISHED
    assert engine.record().ended is RunEnd.FINISHED
    assert engine.record().phases[2].status is PhaseStatus.SKIPPED
    clock.advance(100)
    assert engine.advance() == []
    with pytest.raises(EngineError, match="the session has finished"):
        engine.next()


def test_next_on_the_last_phase_while_paused_finishes() -> None:
    engine, clock = engine_for(three_phases())
    engine.start(2)
    clock.advance(5)
    engine.pause()
    clock.advance(50)
    assert kinds(engine.next()) == ["finish"]
    assert engine.state is State.FINISHED
    assert engine.view().session_elapsed == pytest.approx(5)


def test_previous_at_zero_seconds_goes_to_the_previous_phase() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(70)
    engine.advance()  # now at 0 s into B
    fired = engine.previous()
    assert [(f.phase_name, str(f.kind)) for f in fired] == [
        ("A", "phase"),
        ("A", "name"),
        ("A", "targets"),
    ]
    view = engine.view()
    assert (view.phase_name, view.phase_elapsed) == ("A", 0.0)
    assert view.phase_remaining == 70.0


def test_previous_at_four_seconds_restarts_the_phase() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(70)
    engine.advance()
    clock.advance(4)
    fired = engine.previous()
    assert [(f.phase_name, str(f.kind)) for f in fired] == [("B", "phase"), ("B", "say")]
    assert fired[0].visit == 3  # A, B, then B again
    view = engine.view()
    assert (view.phase_name, view.phase_remaining) == ("B", 50.0)


def test_previous_at_exactly_the_limit_goes_back_and_on_the_first_phase_restarts() -> None:
    engine, clock = engine_for(three_phases())
    engine.start(1)
    clock.advance(RESTART_AFTER)
    engine.previous()
    assert engine.view().phase_name == "A"
    clock.advance(1)
    engine.previous()
    view = engine.view()
    assert (view.phase_name, view.phase_elapsed) == ("A", 0.0)


def test_previous_replays_a_phase_and_its_cues_again() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(20)
    assert kinds(engine.advance()) == ["reminder"]
    clock.advance(5)
    engine.previous()
    clock.advance(20)
    (again,) = engine.advance()
    assert again.kind is K.REMINDER
    assert again.t_plan == pytest.approx(45.0)


def test_jump_goes_to_any_phase_start() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(3)
    fired = engine.jump(2)
    assert [f.phase_name for f in fired] == ["C", "C"]
    record = engine.record()
    assert [p.status for p in record.phases] == [
        PhaseStatus.SKIPPED,
        PhaseStatus.NOT_REACHED,
        PhaseStatus.SKIPPED,  # entered, not yet played to its end
    ]
    run_out(engine, clock)
    assert engine.record().phases[2].status is PhaseStatus.DONE
    assert engine.record().active_seconds == pytest.approx(23)


# ---------------------------------------------------------------- extend


def test_extend_during_the_countdown_moves_the_end_and_sounds_the_end_cues_again() -> None:
    plan = three_phases()
    engine, clock = engine_for(plan)
    engine.start()
    clock.set(1000.0 + 67.5)
    engine.advance()  # ... the "Next" at 60 and the first tick at 67
    engine.extend(60)
    view = engine.view()
    assert view.phase_remaining == pytest.approx(62.5)
    assert view.phase_duration == 130.0
    assert view.session_total == 200.0
    rest = run_out(engine, clock)
    in_a = [(f.t_plan, str(f.kind), f.repeat) for f in rest if f.phase_index == 0]
    assert in_a == [
        (80.0, "reminder", 0),  # reminders go on into the added time (not at 60: past)
        (100.0, "reminder", 0),
        (120.0, "next", 1),  # re-armed: it had sounded at 60
        (127.0, "countdown", 1),  # re-armed
        (128.0, "countdown", 0),  # moved
        (129.0, "countdown", 0),
    ]
    assert summary(rest)[len(in_a)][:2] == (130.0, "phase")
    record = engine.record()
    assert record.phases[0].status is PhaseStatus.EXTENDED
    assert record.phases[0].extended_by == 60
    assert record.extended_seconds == 60
    assert record.active_seconds == pytest.approx(200)


def test_extend_keeps_halfway_and_percent_cues_at_their_share_of_the_longer_phase() -> None:
    plan = make_plan(
        Phase(
            "Walk",
            duration=240,
            cues=(
                Cue(at=Offset("percent", 25), say="A quarter."),
                Cue(at=Offset("percent", 75), say="Three quarters."),
                Cue(at=Offset("start", 150), say="At 2:30."),
            ),
        ),
        announce=Announce(countdown=0, remaining=(), halfway=True, next=False, targets=False),
    )
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(61)
    assert summary(engine.advance()) == [(60.0, "cue", "A quarter.")]
    clock.advance(40)
    assert engine.advance() == []
    engine.extend(60)  # 300 s now: halfway at 150, three quarters at 225
    rest = run_out(engine, clock)
    assert summary(rest) == [
        (150.0, "halfway", "Halfway."),  # before a script cue at the same moment
        (150.0, "cue", "At 2:30."),
        (225.0, "cue", "Three quarters."),
        (300.0, "finish", "Session complete."),
    ]


def test_extend_after_halfway_does_not_say_it_again() -> None:
    plan = make_plan(
        Phase("Walk", duration=240),
        announce=Announce(countdown=0, remaining=(), halfway=True, next=False, targets=False),
    )
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(121)
    assert summary(engine.advance()) == [(120.0, "halfway", "Halfway.")]
    engine.extend(60)
    assert [str(f.kind) for f in run_out(engine, clock)] == ["finish"]


def test_a_restored_extended_run_places_halfway_at_half_the_longer_phase() -> None:
    plan = make_plan(
        Phase("Walk", duration=240),
        announce=Announce(countdown=0, remaining=(), halfway=True, next=False, targets=False),
    )
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(100)
    engine.extend(60)
    engine.advance()
    record = engine.record()
    again = Engine.restore(plan, clock, 0, 100.0, record)
    again.resume()
    halfway = [f for f in run_out(again, clock) if f.kind is K.HALFWAY]
    assert [f.t_plan for f in halfway] == [150.0]


def test_extend_refills_time_placeholders_at_fire_time() -> None:
    plan = make_plan(
        Phase("Stretch", duration=70, cues=(Cue(at=Offset("start", 40), say="{remaining} left."),))
    )
    (cue,) = [e for e in plan.events if e.kind is K.CUE]
    assert cue.text == "Thirty seconds left."
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(10)
    engine.extend(60)
    clock.advance(30)
    (fired,) = engine.advance()
    assert fired.text == f"{say_duration(90).capitalize()} left."
    assert fired.text == "One minute thirty left."


def test_upcoming_texts_are_the_time_dependent_words_as_they_will_now_be_said() -> None:
    plan = make_plan(
        Phase(
            "Stretch",
            duration=120,
            cues=(
                Cue(at=Offset("percent", 50), say="Halfway, {remaining} to go."),
                Cue(at=Offset("start", 30), say="Plain words."),
                Cue(at=Offset("start", 90), say="{elapsed} done."),
            ),
        ),
        Phase("Rest", duration=30, cues=(Cue(at=Offset("start", 10), say="Breathe."),)),
    )
    engine, clock = engine_for(plan)
    assert engine.upcoming_texts() == []  # not started
    engine.start()
    assert engine.upcoming_texts() == ["Halfway, one minute to go.", "One minute thirty done."]
    clock.advance(40)
    engine.advance()
    engine.extend(60)  # 180 s: halfway at 90 with 90 s to go; "{elapsed}" still at 90
    upcoming = engine.upcoming_texts()
    assert upcoming == ["Halfway, one minute thirty to go.", "One minute thirty done."]
    clock.advance(50)
    fired = [f.text for f in engine.advance()]
    assert fired == upcoming
    engine.next()
    assert engine.upcoming_texts() == []  # nothing in "Rest" depends on time


def test_extend_in_a_manual_phase_is_refused() -> None:
    engine, _ = engine_for(make_plan(Phase("Hold", duration=None)))
    engine.start()
    with pytest.raises(EngineError) as refused:
        engine.extend(60)
    assert str(refused.value) == (
        "cannot extend the phase: a manual phase lasts until you press Next."
    )


def test_events_due_before_a_refused_command_are_not_lost() -> None:
    engine, clock = engine_for(make_plan(Phase("A", duration=10), Phase("Hold", duration=None)))
    engine.start()
    clock.advance(11)  # A ended; the host has not woken yet
    with pytest.raises(EngineError):
        engine.extend(60)  # the catch-up moved into the manual phase
    assert [(f.phase_name, str(f.kind)) for f in engine.advance()] == [
        ("Hold", "phase"),
        ("Hold", "say"),
    ]


def test_a_command_after_the_session_ran_out_returns_the_finish() -> None:
    engine, clock = engine_for(three_phases())
    engine.start(2)
    clock.advance(500)
    fired = engine.pause()
    assert fired[-1].kind is K.FINISH
    assert engine.state is State.FINISHED


# ---------------------------------------------------------------- stop


def test_stop_ends_the_run_and_records_it() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(80)
    engine.advance()
    clock.advance(0.5)
    assert engine.stop() == []
    assert engine.state is State.STOPPED
    assert engine.next_deadline() is None
    clock.advance(100)
    assert engine.advance() == []
    record = engine.record()
    assert record.ended is RunEnd.STOPPED
    assert record.active_seconds == pytest.approx(80.5)
    assert [p.status for p in record.phases] == [
        PhaseStatus.DONE,
        PhaseStatus.STOPPED,
        PhaseStatus.NOT_REACHED,
    ]
    assert record.phases[1].active_seconds == pytest.approx(10.5)
    assert engine.view().session_elapsed == pytest.approx(80.5)


def test_the_phase_walked_when_stopping_is_stopped_partway_not_skipped() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(2)
    engine.next()  # A skipped with Next
    clock.advance(10)
    engine.pause()
    clock.advance(30)  # paused time is not walked
    engine.stop()  # in B, 10 s in
    record = engine.record()
    assert [p.status for p in record.phases] == [
        PhaseStatus.SKIPPED,
        PhaseStatus.STOPPED,
        PhaseStatus.NOT_REACHED,
    ]
    assert [p.active_seconds for p in record.phases] == pytest.approx([2.0, 10.0, 0.0])
    assert record.count(PhaseStatus.SKIPPED) == record.count(PhaseStatus.STOPPED) == 1


def test_a_phase_finished_before_going_back_and_stopping_stays_done() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(75)
    engine.advance()  # A done, 5 s into B
    engine.jump(0)
    clock.advance(3)
    engine.stop()
    assert [p.status for p in engine.record().phases] == [
        PhaseStatus.DONE,
        PhaseStatus.SKIPPED,
        PhaseStatus.NOT_REACHED,
    ]


def test_stop_while_paused() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(5)
    engine.pause()
    clock.advance(60)
    engine.stop()
    assert engine.record().active_seconds == pytest.approx(5)
    assert engine.record().ended is RunEnd.STOPPED


def test_stop_after_the_session_ran_out_is_a_finish() -> None:
    engine, clock = engine_for(three_phases())
    engine.start(2)
    clock.advance(25)
    assert kinds(engine.stop())[-1] == "finish"
    assert engine.record().ended is RunEnd.FINISHED


# ---------------------------------------------------------------- manual phases


def manual_plan() -> Plan:
    return make_plan(
        Phase("Walk", duration=30),
        Phase(
            "Hamstring stretch",
            kind=Kind.STRETCH,
            duration=None,
            cues=(
                Cue(every=20, say="Hold. {elapsed} so far."),
                Cue(at=Offset("start", 30), say="Breathe."),
            ),
        ),
        Phase("Cool-down", duration=20),
    )


def test_a_manual_phase_waits_and_repeats_its_every_cues_until_next() -> None:
    engine, clock = engine_for(manual_plan())
    engine.start()
    clock.advance(30)
    engine.advance()
    view = engine.view()
    assert view.waiting
    assert view.phase_remaining is None
    assert view.phase_duration is None
    assert view.at_least
    heard = []
    for _ in range(13):
        clock.advance(5)
        heard += engine.advance()
    assert engine.view().phase_elapsed == pytest.approx(65)
    assert [(f.t_plan - 30, f.text, f.repeat) for f in heard] == [
        (20.0, "Hold. Twenty seconds so far.", 0),
        (30.0, "Breathe.", 0),
        (40.0, "Hold. Forty seconds so far.", 1),
        (60.0, "Hold. One minute so far.", 2),
    ]
    assert engine.next_deadline() == pytest.approx(clock.now() + 15)
    clock.advance(2)
    fired = engine.next()
    assert [(f.phase_name, str(f.kind)) for f in fired] == [
        ("Cool-down", "phase"),
        ("Cool-down", "say"),
    ]
    assert fired[0].t_plan == pytest.approx(97)
    assert not engine.view().waiting
    rest = run_out(engine, clock)
    assert summary(rest) == [(117.0, "finish", "Session complete.")]
    record = engine.record()
    assert record.phases[1].status is PhaseStatus.DONE
    assert record.phases[1].active_seconds == pytest.approx(67)
    assert record.phases[1].planned_seconds is None
    assert record.at_least


def test_a_manual_phase_without_cues_has_no_deadline_and_waits_forever() -> None:
    engine, clock = engine_for(make_plan(Phase("Hold", duration=None)))
    engine.start()
    assert engine.next_deadline() is None
    clock.advance(86_400)
    assert engine.advance() == []
    view = engine.view()
    assert view.waiting
    assert view.session_elapsed == pytest.approx(86_400)
    assert view.progress == 0.0
    assert kinds(engine.next()) == ["finish"]
    assert engine.view().progress == 1.0


def test_a_long_stall_in_a_manual_phase_drops_the_missed_repeats_in_one_step() -> None:
    engine, clock = engine_for(
        make_plan(Phase("Hold", duration=None, cues=(Cue(every=1, say="Hold."),)))
    )
    engine.start()
    clock.advance(86_400.5)
    fired = engine.advance()
    # Only the repeats no more than STALL_LIMIT late survive: at 86399 and 86400 s.
    assert [(f.t_plan, f.repeat) for f in fired] == [(86_399.0, 86_398), (86_400.0, 86_399)]
    assert engine.record().dropped == 86_398
    assert engine.next_deadline() == pytest.approx(clock.now() + 0.5)


# ---------------------------------------------------------------- long sessions and stalls


def test_a_24_hour_session_keeps_every_cue_on_time() -> None:
    plan = make_plan(
        *(Phase(f"Hour {h}", duration=3600) for h in range(1, 25)),
        announce=Announce(countdown=3, remaining=(60, 300), next=True, targets=False),
        reminders=Reminders(every=90, texts=("Shoulders down.",)),
    )
    assert plan.total == 86_400
    engine, clock = engine_for(plan, start=5_000_000.0)
    fired = engine.start()
    fired += run_out(engine, clock)
    assert [f.event.seq for f in fired] == [e.seq for e in plan.events]
    assert max(abs(f.t_plan - f.event.t) for f in fired) < 1e-6
    assert max(f.late for f in fired) < 1e-6
    assert fired[-1].kind is K.FINISH
    assert fired[-1].t_plan == 86_400.0
    assert clock.now() == pytest.approx(5_000_000.0 + 86_400.0, abs=1e-6)
    record = engine.record()
    assert record.active_seconds == pytest.approx(86_400)
    assert record.count(PhaseStatus.DONE) == 24


def stall_plan() -> Plan:
    return make_plan(
        Phase("One", duration=300),
        Phase("Two", duration=300),
        Phase("Three", duration=300),
        announce=Announce(countdown=3, remaining=(60,), next=True, targets=False),
        reminders=Reminders(every=60, texts=("Shoulders down.", "Head up.")),
    )


def test_a_ten_minute_stall_mid_session_drops_stale_cues_but_not_the_current_start() -> None:
    plan = stall_plan()
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(60)
    engine.advance()
    clock.advance(60)
    assert kinds(engine.advance()) == ["reminder"]
    assert engine.record().dropped == 0
    clock.advance(600)  # the laptop slept: session time is now 12:00, in phase Three
    fired = engine.advance()
    assert summary(fired) == [
        (600.0, "phase", None),
        (600.0, "say", "Three"),
        (720.0, "reminder", "Head up."),  # due right now: on time
    ]
    assert fired[0].late == pytest.approx(120.0)
    assert fired[2].late == pytest.approx(0.0, abs=1e-9)
    view = engine.view()
    assert view.phase_name == "Three"
    assert view.phase_remaining == pytest.approx(180.0)  # from the deadline, not from ticks
    record = engine.record()
    # Everything in between, the start of phase Two included; only Three's start survives.
    stale = [e for e in plan.events if 120 < e.t < 720 and not (e.phase == 2 and e.t == 600)]
    assert record.dropped == len(stale) > 10
    assert [p.status for p in record.phases][:2] == [PhaseStatus.DONE, PhaseStatus.DONE]
    rest = run_out(engine, clock)
    assert [f.event for f in rest] == [e for e in plan.events if e.t > 720]
    assert all(f.late == pytest.approx(0.0, abs=1e-6) for f in rest)
    assert rest[-1].t_plan == 900.0
    assert engine.record().active_seconds == pytest.approx(900)


def test_cues_up_to_the_stall_limit_late_still_fire() -> None:
    plan = stall_plan()
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(60 + STALL_LIMIT - 0.01)
    assert kinds(engine.advance()) == ["reminder"]
    clock.advance(60 + STALL_LIMIT + 0.01 - (STALL_LIMIT - 0.01))
    assert engine.advance() == []  # the reminder at 120 s is 2.01 s late: dropped
    assert engine.record().dropped == 1


def test_a_stall_past_the_end_still_finishes_exactly_once() -> None:
    engine, clock = engine_for(stall_plan())
    engine.start()
    clock.advance(5000)
    fired = engine.advance()
    assert kinds(fired) == ["finish"]
    assert fired[0].t_plan == 900.0
    assert fired[0].late == pytest.approx(4100.0)
    assert engine.state is State.FINISHED
    assert engine.record().active_seconds == pytest.approx(900.0)
    assert engine.advance() == []


# ---------------------------------------------------------------- the view


def test_view_before_during_and_after() -> None:
    engine, clock = engine_for(three_phases())
    ready = engine.view()
    assert (ready.state, ready.phase_name, ready.progress) == (State.READY, "A", 0.0)
    assert ready.session_remaining == 140.0
    assert ready.phase_count == 3
    assert not ready.waiting
    engine.start()
    clock.advance(35)
    view = engine.view()
    assert view.phase_elapsed == pytest.approx(35)
    assert view.phase_remaining == pytest.approx(35)
    assert view.session_remaining == pytest.approx(105)
    assert view.session_total == 140.0
    assert view.progress == pytest.approx(35 / 140)
    assert view.next_name == "B"
    assert view.speed == Speed(3.0)
    assert view.kind is Kind.WALK
    run_out(engine, clock)
    done = engine.view()
    assert (done.state, done.progress, done.session_remaining) == (State.FINISHED, 1.0, 0.0)
    assert done.phase_remaining == 0.0
    assert done.next_name is None


def test_view_is_a_pure_query_even_past_a_deadline() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(75)
    view = engine.view()
    assert (view.phase_name, view.phase_remaining) == ("A", 0.0)
    assert engine.view() == view
    assert kinds(engine.advance())[-2:] == ["phase", "say"]


def test_fired_as_json() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(20.0015)
    (reminder,) = engine.advance()
    assert reminder.as_json() == {
        "t_plan": 20.0,
        "t_fired": 20.0015,
        "late_ms": 1.5,
        "kind": "reminder",
        "phase": "A",
        "text": "Shoulders down.",
        "sound": "ping",
        "phase_index": 0,
        "seq": reminder.event.seq,
        "visit": 1,
        "repeat": 0,
    }


# ---------------------------------------------------------------- record, snapshot, restore


def test_record_round_trips_through_a_dict() -> None:
    engine, clock = engine_for(three_phases())
    engine.start()
    clock.advance(30)
    engine.extend(15)
    engine.next()
    clock.advance(5)
    engine.stop()
    record = engine.record()
    assert RunRecord.from_dict(record.as_dict()) == record
    assert record.as_dict()["phases"][0]["status"] == "skipped"
    assert record.as_dict()["phases"][1]["status"] == "stopped"
    assert record.as_dict()["ended"] == "stopped"


def test_a_record_saved_before_stopped_phases_existed_still_reads() -> None:
    old = {
        "session_name": "Walk",
        "planned_seconds": 140.0,
        "active_seconds": 12.0,
        "phases": [
            {"index": 0, "name": "A", "status": "skipped", "planned_seconds": 70.0},
            {"index": 1, "name": "B", "status": "not reached", "planned_seconds": None},
        ],
        "ended": "stopped",
    }
    record = RunRecord.from_dict(old)
    assert [p.status for p in record.phases] == [PhaseStatus.SKIPPED, PhaseStatus.NOT_REACHED]
    assert record.phases[0].active_seconds == 0.0
    assert record.ended is RunEnd.STOPPED


def test_snapshot() -> None:
    engine, clock = engine_for(three_phases())
    assert engine.snapshot() == Snapshot(0, 0.0, 0.0, State.READY)
    engine.start()
    clock.advance(80)
    engine.advance()
    assert engine.snapshot() == pytest.approx((1, 10.0, 80.0, State.RUNNING))
    assert engine.snapshot().state is State.RUNNING


def test_restore_picks_up_where_the_snapshot_was_taken() -> None:
    plan = three_phases()
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(30)
    engine.advance()
    engine.extend(20)  # A is now 90 s
    clock.advance(55)  # 85 s into A
    engine.advance()
    snap = engine.snapshot()
    saved = RunRecord.from_dict(engine.record().as_dict())

    clock2 = type(clock)(50.0)
    again = Engine.restore(plan, clock2, snap.phase_index, snap.phase_elapsed, saved)
    assert again.state is State.PAUSED
    view = again.view()
    assert view.phase_duration == 90.0
    assert view.phase_remaining == pytest.approx(5.0)
    assert view.session_elapsed == pytest.approx(85.0)
    clock2.advance(100)
    assert again.advance() == []
    fired = again.resume()
    # Where am I: the phase start again; nothing from before 85 s.
    assert kinds(fired) == ["phase", "name", "targets"]
    assert all(f.phase_index == 0 for f in fired)
    rest = run_out(again, clock2)
    assert [(f.t_plan, str(f.kind)) for f in rest if f.phase_index == 0] == [
        (87.0, "countdown"),
        (88.0, "countdown"),
        (89.0, "countdown"),
    ]
    record = again.record()
    assert record.phases[0].status is PhaseStatus.EXTENDED
    assert record.phases[0].extended_by == 20
    assert record.active_seconds == pytest.approx(90 + 50 + 20)
    assert record.phases[0].active_seconds == pytest.approx(90)


def test_restore_without_a_record_counts_earlier_phases_done() -> None:
    plan = manual_plan()
    _, clock = engine_for(plan)
    again = Engine.restore(plan, clock, 1, 45.0)
    assert again.view().session_elapsed == pytest.approx(30 + 45)
    record = again.record()
    assert record.phases[0].status is PhaseStatus.DONE
    assert record.phases[1].active_seconds == pytest.approx(45)
    again.resume()
    clock.advance(15)
    # The every-cue's next repeat after 45 s is at 60 s.
    assert [(f.text, f.repeat) for f in again.advance()] == [("Hold. One minute so far.", 2)]


def test_restore_refuses_what_does_not_fit() -> None:
    plan = three_phases()
    _, clock = engine_for(plan)
    with pytest.raises(EngineError, match=r"^cannot resume at phase 4: "):
        Engine.restore(plan, clock, 3, 0.0)
    with pytest.raises(EngineError, match=r"give a time of zero or more\.$"):
        Engine.restore(plan, clock, 0, -1.0)
    other = make_plan(Phase("Only", duration=10), announce=QUIET)
    other_engine, _ = engine_for(other)
    with pytest.raises(EngineError, match=r"the saved run has 1 phases but the session now has 3"):
        Engine.restore(plan, clock, 0, 0.0, other_engine.record())


def test_a_host_on_a_fast_clock_can_widen_the_stall_limit() -> None:
    plan = stall_plan()
    clock = FakeClock()
    engine = Engine(plan, clock, stall_limit=STALL_LIMIT * 600)
    engine.start()
    clock.advance(70)  # 10 s late: at 600x that is 17 ms of real time, no stall
    assert summary(engine.advance()) == [(60.0, "reminder", "Shoulders down.")]
    assert engine.record().dropped == 0
    again = Engine.restore(plan, clock, 0, 10.0, stall_limit=1.0)
    assert again.stall_limit == 1.0
