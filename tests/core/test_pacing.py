"""How long a host sleeps: to the engine's next deadline, and to the next displayed second."""

from __future__ import annotations

import pytest
from engine_helpers import engine_for, make_plan

from walktimer.core.clock import FakeClock, ScaledClock, SystemClock
from walktimer.core.engine import Engine
from walktimer.core.pacing import (
    MAX_DISPLAY_WAIT,
    MIN_DISPLAY_WAIT,
    cue_wait,
    display_wait,
    to_milliseconds,
    wake_in,
)
from walktimer.core.plan import Plan
from walktimer.core.script import Cue, Offset, Phase


def cue_plan() -> Plan:
    return make_plan(Phase("Walk", duration=30, cues=(Cue(at=Offset("start", 10), say="Ten."),)))


def test_cue_wait_is_the_time_to_the_next_deadline() -> None:
    engine, clock = engine_for(cue_plan())
    assert cue_wait(engine, clock) is None  # not started
    engine.start()
    assert cue_wait(engine, clock) == pytest.approx(10.0)
    clock.advance(9.75)
    assert cue_wait(engine, clock) == pytest.approx(0.25)
    clock.advance(1.0)  # overslept: due now, never a negative wait
    assert cue_wait(engine, clock) == 0.0
    engine.advance()
    assert cue_wait(engine, clock) == pytest.approx(19.25)  # the phase end


def test_cue_wait_on_a_scaled_clock_is_in_base_seconds() -> None:
    base = FakeClock(500.0)
    clock = ScaledClock(base, 60.0)
    engine = Engine(cue_plan(), clock)
    engine.start()
    wait = cue_wait(engine, clock, clock.to_base)
    assert wait == pytest.approx(10.0 / 60.0)
    assert wait is not None
    base.advance(wait)
    assert [f.text for f in engine.advance()] == ["Ten."]


def test_display_wait_lands_just_after_the_shown_second_changes() -> None:
    engine, clock = engine_for(cue_plan())
    engine.start()
    clock.advance(0.3)  # 29.7 s left, shown as 0:30; it shows 0:29 in 0.7 s
    assert display_wait(engine.view()) == pytest.approx(0.7 + 0.005)
    clock.advance(0.7)
    assert display_wait(engine.view()) == pytest.approx(MAX_DISPLAY_WAIT)
    # At 60x a second of session passes in 1/60 s: never redraw more than 20 times a second.
    assert display_wait(engine.view(), lambda s: s / 60) == MIN_DISPLAY_WAIT


def test_display_wait_in_a_manual_phase_follows_the_elapsed_count() -> None:
    engine, clock = engine_for(make_plan(Phase("Hold", duration=None)))
    engine.start()
    clock.advance(2.6)
    assert display_wait(engine.view()) == pytest.approx(0.4 + 0.005)


def test_display_wait_follows_the_session_clock_after_a_manual_phase_ends_off_the_second() -> None:
    engine, clock = engine_for(make_plan(Phase("Hold", duration=None), Phase("Walk", duration=30)))
    engine.start()
    clock.advance(2.4)
    engine.next()  # the walker ends the manual phase 2.4 s in
    clock.advance(0.3)  # 29.7 s left of "Walk"; the session has run 2.7 s
    assert display_wait(engine.view()) == pytest.approx(0.3 + 0.005)


def test_the_clocks_declare_their_speed_and_base_time() -> None:
    for real in (FakeClock(), SystemClock()):
        assert (real.factor, real.to_base(2.5)) == (1.0, 2.5)
    scaled = ScaledClock(FakeClock(), 60.0)
    assert (scaled.factor, scaled.to_base(60.0)) == (60.0, 1.0)


def test_wake_in_takes_the_soonest_of_cue_display_and_guard() -> None:
    engine, clock = engine_for(cue_plan())
    assert wake_in(engine, clock) is None
    assert wake_in(engine, clock, longest=1.0) == 1.0
    engine.start()
    clock.advance(9.9)
    assert wake_in(engine, clock, display=True) == pytest.approx(0.1)
    clock.advance(0.1)
    engine.advance()
    clock.advance(0.5)
    assert wake_in(engine, clock, display=True) == pytest.approx(0.505)
    assert wake_in(engine, clock, longest=0.2) == 0.2


def test_to_milliseconds_rounds_up() -> None:
    assert to_milliseconds(0.0) == 0
    assert to_milliseconds(0.0101) == 11
    assert to_milliseconds(0.25) == 250
    assert to_milliseconds(-1.0) == 0


@pytest.mark.parametrize("speed", [100.0, 1000.0, 100_000.0])
def test_at_high_clock_speeds_the_display_redraws_at_most_twenty_times_a_second(
    speed: float,
) -> None:
    engine, clock = engine_for(make_plan(Phase("Walk", duration=86_400)))
    engine.start()
    waits = []
    base = 0.0
    while base < 1.0:  # one second of the host's own clock
        wait = display_wait(engine.view(), lambda s: s / speed)
        waits.append(wait)
        base += wait
        clock.advance(wait * speed)
    assert waits == [0.05] * len(waits)
