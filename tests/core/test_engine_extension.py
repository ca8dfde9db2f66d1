"""Lengthened phases on a FakeClock: the words that depend on a phase's length follow the longer
phase (a `say` with {remaining}), and `every` cues and reminders carry on into the added time."""

from __future__ import annotations

import itertools

from engine_helpers import QUIET, engine_for, make_plan, run_out, summary

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, Fired, State
from walktimer.core.plan import EventKind, Plan
from walktimer.core.script import Announce, Cue, Offset, Phase, Reminders

K = EventKind


def in_phase(fired: list[Fired], index: int, *kinds: EventKind) -> list[tuple[float, str | None]]:
    return [(f.t_plan, f.text) for f in fired if f.phase_index == index and f.kind in kinds]


def play(engine: Engine, clock: FakeClock, seconds: float) -> list[Fired]:
    """Run `seconds` more of clock time the way a punctual host does: wake at each deadline."""
    end = clock.now() + seconds
    fired: list[Fired] = []
    while True:
        deadline = engine.next_deadline()
        if deadline is None or deadline > end:
            clock.set(end)
            return fired + engine.advance()
        clock.set(max(deadline, clock.now()))
        fired += engine.advance()


def assert_well_ordered(fired: list[Fired]) -> None:
    keys = [(f.visit, f.event.seq, f.repeat) for f in fired]
    assert len(keys) == len(set(keys)), "an event fired twice"
    for a, b in itertools.pairwise(fired):
        assert a.t_plan <= b.t_plan + 1e-9, "out of timeline order"


# ---------------------------------------------------------------- a `say` with {remaining}


def walk_say() -> Plan:
    return make_plan(Phase("Walk", duration=120, say="Walk for {remaining}."), Phase("Rest", 30))


def test_a_say_with_remaining_keeps_its_template_for_the_engine() -> None:
    plan = walk_say()
    say = [e for e in plan.events if e.kind is K.SAY]
    assert [(e.text, e.template) for e in say] == [
        ("Walk for two minutes.", "Walk for {remaining}."),
        ("Rest", None),
    ]
    assert plan.phases[0].say == "Walk for two minutes."


def test_a_say_without_time_placeholders_has_no_template() -> None:
    plan = make_plan(Phase("Walk", duration=120, say="{phase}, then {next}."), Phase("Rest", 30))
    (say, _) = [e for e in plan.events if e.kind is K.SAY]
    assert (say.text, say.template) == ("Walk, then Rest.", None)


def test_restarting_an_extended_phase_says_its_new_length() -> None:
    engine, clock = engine_for(walk_say())
    assert in_phase(engine.start(), 0, K.SAY) == [(0.0, "Walk for two minutes.")]
    play(engine, clock, 1)
    engine.extend(60)
    play(engine, clock, 5)
    restarted = engine.previous()
    assert in_phase(restarted, 0, K.SAY) == [(6.0, "Walk for three minutes.")]
    assert engine.view().phase_duration == 180.0


def test_resuming_an_extended_run_says_the_phase_s_new_length() -> None:
    plan = walk_say()
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(30)
    engine.extend(60)
    engine.advance()
    again = Engine.restore(plan, clock, 0, 30.0, engine.record())
    assert [text for _, text in in_phase(again.resume(), 0, K.SAY)] == ["Walk for three minutes."]


def test_an_unextended_phase_says_its_planned_words() -> None:
    engine, clock = engine_for(walk_say())
    fired = engine.start() + run_out(engine, clock)
    assert in_phase(fired, 0, K.SAY) == [(0.0, "Walk for two minutes.")]


# ---------------------------------------------------------------- `every` cues and reminders


def every_cue_and_reminders(*texts: str, cue: str = "Every cue") -> Plan:
    """A 2 m with a cue every 40 s, then B 1 m; reminders every 30 s in both."""
    return make_plan(
        Phase("A", duration=120, cues=(Cue(every=40, say=cue),)),
        Phase("B", duration=60),
        announce=Announce(countdown=3, remaining=(60,), halfway=False, next=True, targets=False),
        reminders=Reminders(every=30, texts=texts or ("Head up.",)),
    )


def test_every_cues_and_reminders_go_on_into_the_added_time() -> None:
    engine, clock = engine_for(every_cue_and_reminders())
    engine.start()
    before = play(engine, clock, 100)
    assert in_phase(before, 0, K.CUE) == [(40.0, "Every cue"), (80.0, "Every cue")]
    engine.extend(120)  # A now lasts 4 m
    fired = run_out(engine, clock)
    assert in_phase(fired, 0, K.CUE) == [
        (120.0, "Every cue"),
        (160.0, "Every cue"),
        (200.0, "Every cue"),
    ]
    # Never within 15 s of the new end (240 s), none again before 100 s.
    assert [t for t, _ in in_phase(fired, 0, K.REMINDER)] == [120.0, 150.0, 180.0, 210.0]
    # Timeline order with the rest: the end cues moved to the new end.
    assert summary([f for f in fired if f.phase_index == 0])[:6] == [
        (120.0, "cue", "Every cue"),
        (120.0, "reminder", "Head up."),
        (150.0, "reminder", "Head up."),
        (160.0, "cue", "Every cue"),
        (180.0, "remaining", "One minute left."),
        (180.0, "reminder", "Head up."),
    ]
    assert_well_ordered(before + fired)
    # Phase B is as planned, after the longer A.
    assert [t for t, _ in in_phase(fired, 1, K.REMINDER)] == [270.0]
    assert engine.state is State.FINISHED
    record = engine.record()
    assert record.phases[0].extended_by == 120.0
    assert record.active_seconds == 300.0


def test_reminders_in_the_added_time_carry_on_through_the_texts() -> None:
    plan = every_cue_and_reminders("One.", "Two.", "Three.", "Four.")
    planned = [e.text for e in plan.events if e.kind is K.REMINDER]
    assert planned == ["One.", "Two.", "Three.", "Four."]  # A: 30, 60, 90; B: 30
    engine, clock = engine_for(plan)
    engine.start()
    play(engine, clock, 50)
    engine.extend(90)  # 210 s: reminders up to 195 s
    fired = run_out(engine, clock)
    assert in_phase(fired, 0, K.REMINDER) == [
        (60.0, "Two."),
        (90.0, "Three."),
        (120.0, "Four."),
        (150.0, "One."),
        (180.0, "Two."),
    ]


def test_every_cue_with_remaining_is_filled_for_the_longer_phase() -> None:
    engine, clock = engine_for(every_cue_and_reminders(cue="{remaining} to go."))
    engine.start()
    play(engine, clock, 100)
    engine.extend(120)
    upcoming = engine.upcoming_texts()
    assert upcoming == ["Two minutes to go.", "One minute twenty to go.", "Forty seconds to go."]
    fired = run_out(engine, clock)
    assert [text for _, text in in_phase(fired, 0, K.CUE)] == upcoming


def test_extending_twice_adds_only_the_new_time_and_never_repeats_a_cue() -> None:
    engine, clock = engine_for(every_cue_and_reminders("One.", "Two.", "Three."))
    fired = engine.start()
    fired += play(engine, clock, 110)
    engine.extend(30)  # 150 s
    fired += play(engine, clock, 20)  # 130 s: the cue and the reminder at 120 have sounded
    engine.pause()
    engine.extend(100)  # 250 s, while paused
    engine.resume()
    fired += run_out(engine, clock)
    assert [t for t, _ in in_phase(fired, 0, K.CUE)] == [40.0, 80.0, 120.0, 160.0, 200.0, 240.0]
    assert in_phase(fired, 0, K.REMINDER) == [
        (30.0, "One."),
        (60.0, "Two."),
        (90.0, "Three."),
        (120.0, "One."),  # on from where A's planned reminders stopped
        (150.0, "Two."),
        (180.0, "Three."),
        (210.0, "One."),
    ]
    assert_well_ordered(fired)


def test_an_every_cue_that_first_falls_in_the_added_time_sounds_there() -> None:
    plan = make_plan(
        Phase("Short", duration=30, cues=(Cue(every=40, say="Tick."),)), Phase("B", 10)
    )
    assert not [e for e in plan.events if e.kind is K.CUE]
    engine, clock = engine_for(plan)
    engine.start()
    play(engine, clock, 10)
    engine.extend(60)
    assert in_phase(run_out(engine, clock), 0, K.CUE) == [(40.0, "Tick."), (80.0, "Tick.")]


def test_an_extended_phase_keeps_its_added_cues_when_restarted() -> None:
    engine, clock = engine_for(every_cue_and_reminders())
    engine.start()
    play(engine, clock, 20)
    engine.extend(60)  # 180 s
    play(engine, clock, 10)
    restart = engine.previous()
    fired = restart + run_out(engine, clock)
    visit = engine.visit - 1  # the restarted visit of A (B came after it)
    again = [f for f in fired if f.visit == visit]
    assert [f.t_plan - 30.0 for f in again if f.kind is K.CUE] == [40.0, 80.0, 120.0, 160.0]
    assert [f.t_plan - 30.0 for f in again if f.kind is K.REMINDER] == [
        30.0,
        60.0,
        90.0,
        120.0,
        150.0,
    ]
    assert_well_ordered(fired)


def test_a_restored_extended_run_plays_the_added_time_s_cues_still_to_come() -> None:
    plan = every_cue_and_reminders()
    engine, clock = engine_for(plan)
    engine.start()
    play(engine, clock, 100)
    engine.extend(120)
    play(engine, clock, 30)  # 130 s: the cue and reminder at 120 have sounded
    snap = engine.snapshot()
    again = Engine.restore(
        plan, clock, snap.phase_index, snap.phase_elapsed, engine.record(),
        session_elapsed=snap.session_elapsed,
    )  # fmt: skip
    fired = again.resume() + run_out(again, clock)
    assert [t for t, _ in in_phase(fired, 0, K.CUE)] == [160.0, 200.0]
    assert [t for t, _ in in_phase(fired, 0, K.REMINDER)] == [150.0, 180.0, 210.0]
    assert_well_ordered(fired)


def test_an_unextended_run_plays_exactly_the_plan() -> None:
    plan = every_cue_and_reminders()
    engine, clock = engine_for(plan)
    fired = engine.start() + run_out(engine, clock)
    assert [f.event for f in fired] == list(plan.events)


def test_quiet_phase_without_reminders_gets_none_in_the_added_time() -> None:
    plan = make_plan(
        Phase("A", duration=60, reminders=False),
        announce=QUIET,
        reminders=Reminders(every=20, texts=("Head up.",)),
    )
    engine, clock = engine_for(plan)
    fired = engine.start()
    engine.extend(120)
    fired += run_out(engine, clock)
    assert [f.kind for f in fired if f.kind is not K.PHASE_START] == [K.SAY, K.FINISH]


def test_at_cues_are_not_repeated_by_an_extension() -> None:
    plan = make_plan(Phase("A", duration=60, cues=(Cue(at=Offset("start", 20), say="Once."),)))
    engine, clock = engine_for(plan)
    engine.start()
    first = play(engine, clock, 30)
    engine.extend(60)
    fired = first + run_out(engine, clock)
    assert [f.text for f in fired if f.kind is K.CUE] == ["Once."]


def test_a_reminder_the_old_end_kept_away_is_not_said_late() -> None:
    plan = make_plan(Phase("A", duration=70), reminders=Reminders(every=20, texts=("Up.",)))
    engine, clock = engine_for(plan)
    fired = engine.start() + play(engine, clock, 67.5)  # reminders at 20 and 40 only
    engine.extend(60)  # 130 s: 60 would now be allowed, but it is past
    fired += run_out(engine, clock)
    assert [t for t, _ in in_phase(fired, 0, K.REMINDER)] == [20.0, 40.0, 80.0, 100.0]
    assert engine.record().dropped == 0
