"""The keeper logs a walk with its pain diary, its programme and what a treadmill reported."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.history.test_history_resume import Wall, keeper_for, plan, script, walks
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, State
from walktimer.core.plan import Plan
from walktimer.history.log import PhaseTreadmill

__all__ = ["plan", "script"]  # the fixtures, used by name


def walk_through(plan: Plan, script: Path, *, speed: float = 1.0, paused: float = 0.0) -> None:
    clock, wall = FakeClock(), Wall()
    engine = Engine(plan, clock)
    keeper = keeper_for(plan, script, wall, speed=speed)
    keeper.pain_before = 4
    keeper.pain_after = 2
    keeper.note = "better"
    keeper.programme = ("enrolment", 3)
    keeper.record_treadmill(900.0, 4.5, [PhaseTreadmill(1, 600.0, 5.0)])
    engine.start()
    for seconds in (60, 120, 60):  # the script's three phases
        clock.advance(seconds)
        wall.now += timedelta(seconds=seconds / speed)
        engine.advance()
    wall.now += timedelta(seconds=paused)
    assert engine.state is State.FINISHED
    keeper.finish(engine)


def test_a_real_walk_keeps_its_diary_programme_treadmill_and_elapsed_time(
    plan: Plan, script: Path
) -> None:
    walk_through(plan, script, paused=30.0)
    [walk] = walks()
    assert (walk.pain_before, walk.pain_after, walk.note) == (4, 2, "better")
    assert (walk.programme, walk.programme_week) == ("enrolment", 3)
    assert (walk.distance_m, walk.avg_speed_kmh) == (900.0, 4.5)
    assert [(p.distance_m, p.avg_speed_kmh) for p in walk.phases] == [
        (None, None),
        (600.0, 5.0),
        (None, None),
    ]
    assert walk.elapsed_seconds == pytest.approx(walk.active_seconds + 30.0)


def test_a_demo_keeps_no_diary_and_counts_for_no_programme(plan: Plan, script: Path) -> None:
    walk_through(plan, script, speed=60.0)
    [walk] = walks()
    assert walk.demo
    assert (walk.pain_before, walk.pain_after, walk.note, walk.programme) == (None, None, "", None)
    assert walk.elapsed_seconds is None  # wall time shorter than the session's: not kept
