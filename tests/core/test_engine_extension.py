"""Lengthened phases on a FakeClock: the words that depend on a phase's length follow the longer
phase (a `say` with {remaining})."""

from __future__ import annotations

from engine_helpers import engine_for, make_plan, run_out

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, Fired
from walktimer.core.plan import EventKind, Plan
from walktimer.core.script import Phase

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
