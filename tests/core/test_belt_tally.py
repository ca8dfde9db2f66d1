"""The belt's distance and average speed per phase, summed from the readings a host sees."""

from __future__ import annotations

from tests.core.engine_helpers import make_plan
from walktimer.core.belt_tally import BeltTally, PhaseBelt, WalkBelt
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.script import Phase
from walktimer.core.treadmill import BeltReading


def walk() -> tuple[Engine, FakeClock, BeltTally]:
    clock = FakeClock()
    plan = make_plan(Phase("A", duration=10), Phase("B", duration=10))
    return Engine(plan, clock), clock, BeltTally(clock)


def test_each_phase_gets_its_metres_and_its_time_weighted_speed() -> None:
    engine, clock, tally = walk()
    engine.start()
    tally.observe(engine.view(), BeltReading(3.0, distance_m=100))
    clock.advance(5)
    tally.observe(engine.view(), BeltReading(3.0, distance_m=104))
    clock.advance(5)
    engine.advance()  # phase B
    tally.observe(engine.view(), BeltReading(6.0, distance_m=108))
    clock.advance(10)
    engine.advance()  # finished
    tally.observe(engine.view(), BeltReading(6.0, distance_m=125))
    assert tally.totals() == WalkBelt(25.0, 4.5, (PhaseBelt(0, 8.0, 3.0), PhaseBelt(1, 17.0, 6.0)))


def test_a_pause_counts_for_no_phase_and_a_reset_counter_counts_from_zero() -> None:
    engine, clock, tally = walk()
    engine.start()
    tally.observe(engine.view(), BeltReading(4.0, distance_m=50))
    clock.advance(2)
    engine.pause()
    tally.observe(engine.view(), BeltReading(4.0, distance_m=52))
    clock.advance(100)  # the walker keeps walking through the pause: not counted
    engine.resume()
    tally.observe(engine.view(), BeltReading(4.0, distance_m=150))
    clock.advance(2)
    tally.observe(engine.view(), BeltReading(2.0, distance_m=3))  # the belt's counter restarted
    totals = tally.totals()
    assert totals is not None
    assert totals.phases == (PhaseBelt(0, 5.0, 4.0),)


def test_no_distance_reported_stays_none_and_no_reading_gives_nothing() -> None:
    engine, clock, tally = walk()
    engine.start()
    tally.observe(engine.view(), None)
    clock.advance(5)
    tally.observe(engine.view(), None)
    assert tally.totals() is None
    tally.observe(engine.view(), BeltReading(2.0))
    clock.advance(5)
    tally.observe(engine.view(), BeltReading(2.0))
    assert tally.totals() == WalkBelt(None, 2.0, (PhaseBelt(0, None, 2.0),))
