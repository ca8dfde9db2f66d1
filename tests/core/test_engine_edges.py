"""Edges of the engine a mutation run found unguarded: progress and the finished view in a
manual phase, tiny extends, {remaining} refilled after an extend, stale repeats in a manual
phase after a stall mid-way."""

from __future__ import annotations

import pytest
from engine_helpers import engine_for, make_plan, run_out

from walktimer.core.engine import State
from walktimer.core.plan import EventKind
from walktimer.core.script import Cue, Offset, Phase


def walk_hold_walk() -> list[Phase]:
    return [
        Phase("Walk", duration=60),
        Phase("Hold", duration=None, cues=(Cue(every=10, say="Hold."),)),
        Phase("Back", duration=60),
    ]


def test_progress_in_a_manual_phase_stands_where_the_phase_sits_in_the_plan() -> None:
    engine, clock = engine_for(make_plan(*walk_hold_walk()))
    engine.start()
    clock.advance(60)
    engine.advance()
    clock.advance(45)  # 45 s into the hold: a manual phase counts zero in the plan
    engine.advance()
    view = engine.view()
    assert view.phase_name == "Hold"
    assert view.waiting
    assert view.phase_elapsed == pytest.approx(45)
    assert view.progress == pytest.approx(60 / 120)
    assert view.session_remaining == pytest.approx(60)
    assert view.session_total == 120
    assert view.session_elapsed == pytest.approx(105)
    assert view.at_least


def test_progress_of_a_plan_of_manual_phases_counts_the_phases() -> None:
    holds = [Phase(f"Hold {i}", duration=None) for i in range(4)]
    engine, clock = engine_for(make_plan(*holds))
    engine.start()
    progress = []
    for _ in range(3):
        clock.advance(20)
        progress.append(engine.view().progress)
        engine.next()
    assert progress == [0.0, 0.25, 0.5]
    assert engine.view().progress == 0.75


def test_the_finished_view_after_a_manual_last_phase_keeps_its_time() -> None:
    engine, clock = engine_for(make_plan(Phase("Walk", duration=30), Phase("Hold", duration=None)))
    engine.start()
    clock.advance(30)
    engine.advance()
    clock.advance(42.5)
    engine.advance()
    fired = engine.next()
    assert [f.kind for f in fired] == [EventKind.FINISH]
    assert fired[0].t_plan == pytest.approx(72.5)
    clock.advance(100)  # time after the end changes nothing
    view = engine.view()
    assert view.state is State.FINISHED
    assert view.phase_name == "Hold"
    assert view.phase_elapsed == pytest.approx(42.5)
    assert view.phase_remaining is None
    assert view.session_elapsed == pytest.approx(72.5)
    assert (view.progress, view.session_remaining) == (1.0, 0.0)
    assert not view.waiting
    assert engine.next_deadline() is None


@pytest.mark.parametrize("seconds", [1.0, 0.5, 0.001])
def test_an_extend_of_a_second_or_less_moves_the_end_by_just_that(seconds: float) -> None:
    engine, clock = engine_for(make_plan(Phase("Walk", duration=30), Phase("Next", duration=10)))
    engine.start()
    clock.advance(10)
    engine.extend(seconds)
    assert engine.phase_duration(0) == pytest.approx(30 + seconds)
    assert engine.view().phase_remaining == pytest.approx(20 + seconds)
    clock.advance(20)
    assert engine.advance() == []  # not yet: the end moved
    assert engine.phase_index == 0
    clock.advance(seconds)
    fired = engine.advance()
    assert engine.phase_index == 1
    assert fired[0].t_plan == pytest.approx(30 + seconds)
    assert engine.record().phases[0].extended_by == pytest.approx(seconds)


def test_remaining_words_planned_before_an_extend_are_refilled_when_spoken() -> None:
    plan = make_plan(
        Phase(
            "Walk",
            duration=120,
            cues=(
                Cue(every=30, say="{remaining} left."),
                Cue(at=Offset("start", 50), say="At fifty, {remaining} to go."),
            ),
        )
    )
    planned = [e.text for e in plan.events if e.kind is EventKind.CUE]
    assert planned[:2] == ["One minute thirty left.", "At fifty, one minute ten to go."]
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(10)
    engine.extend(60)  # 180 s now
    said = [f.text for f in run_out(engine, clock) if f.kind is EventKind.CUE]
    assert said == [
        "Two minutes thirty left.",  # at 30 s, of 180
        "At fifty, two minutes ten to go.",
        "Two minutes left.",
        "One minute thirty left.",
        "One minute left.",  # the added time's own repeats
        "Thirty seconds left.",
    ]


def test_stale_repeats_in_a_manual_phase_after_a_stall_midway_are_dropped_and_counted() -> None:
    engine, clock = engine_for(
        make_plan(Phase("Hold", duration=None, cues=(Cue(every=10, say="{elapsed} held."),)))
    )
    engine.start()
    heard = []
    for _ in range(3):
        clock.advance(10)
        heard += engine.advance()
    assert [(f.repeat, f.text) for f in heard] == [
        (0, "Ten seconds held."),
        (1, "Twenty seconds held."),
        (2, "Thirty seconds held."),
    ]
    clock.advance(41.5)  # at 71.5 s: the repeats at 40, 50 and 60 s are more than 2 s late
    fired = engine.advance()
    assert [(f.repeat, f.t_plan, f.text) for f in fired] == [(6, 70.0, "One minute ten held.")]
    assert fired[0].late == pytest.approx(1.5)
    assert engine.record().dropped == 3
    assert engine.next_deadline() == pytest.approx(clock.now() + 8.5)
    clock.advance(30)  # at 101.5 s: 80 and 90 are stale, 100 is not
    assert [f.repeat for f in engine.advance()] == [9]
    assert engine.record().dropped == 5
