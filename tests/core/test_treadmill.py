"""The treadmill port's decisions on a FakeClock with a recording fake treadmill."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.core.engine_helpers import make_plan
from tests.fakes import FakeBelt
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.script import Incline, Phase, Speed
from walktimer.core.treadmill import BeltCompanion, Capabilities, Link, Range, reconnect_delays


def setup(*phases: Phase, control: bool = True, belt: FakeBelt | None = None, **kw: float):
    plan = make_plan(*phases)
    clock = FakeClock()
    engine = Engine(plan, clock)
    belt = belt or FakeBelt()
    companion = BeltCompanion(plan, belt, clock, control=control, **kw)
    said: list[str] = []

    def turn() -> None:
        engine.advance()
        said.extend(companion.update(engine.view(), engine.visit))

    return engine, clock, belt, companion, said, turn


def begin(engine: Engine, clock: FakeClock, turn: Callable[[], None]) -> None:
    """Start the session and let the first phase's speed, said at once, be set."""
    engine.start()
    turn()
    clock.advance(3)
    turn()


def walk(s: float) -> Speed:
    return Speed(s)


def test_read_only_says_the_speed_once_after_ten_seconds_off_target() -> None:
    engine, clock, belt, _, said, turn = setup(Phase("Walk", duration=60, speed=walk(4)),
                                               control=False)  # fmt: skip
    engine.start()
    belt.speed = 3.0
    turn()
    clock.advance(9.9)
    turn()
    assert said == []
    clock.advance(0.2)
    turn()
    assert said == ["Set the speed to 4 kilometres per hour."]
    clock.advance(20)
    turn()
    assert said == ["Set the speed to 4 kilometres per hour."]
    assert belt.calls == []  # read-only: nothing is asked of the belt


def test_within_tolerance_or_back_on_target_resets_the_wait() -> None:
    engine, clock, belt, _, said, turn = setup(Phase("Walk", duration=60, speed=walk(4)),
                                               control=False)  # fmt: skip
    engine.start()
    belt.speed = 3.75  # 0.25 off: fine
    turn()
    clock.advance(15)
    turn()
    belt.speed = 3.0
    turn()
    clock.advance(6)
    turn()
    belt.speed = 4.0
    turn()
    belt.speed = 3.0
    turn()
    clock.advance(6)
    turn()
    assert said == []


def test_control_announces_three_seconds_ahead_and_sets_at_the_phase_start() -> None:
    engine, clock, belt, _, said, turn = setup(
        Phase("Warm-up", duration=10, speed=walk(3)),
        Phase("Slow", duration=10, speed=walk(1.5), incline=Incline(2)),
    )
    engine.start()
    turn()
    assert belt.calls == []  # said first
    assert said == ["Starting the belt in three seconds.", "Speed going to 3 in three seconds."]
    clock.advance(3)
    turn()
    assert belt.calls == [("start", None), ("speed", 3.0)]
    clock.advance(4)  # 3 s before the phase ends
    turn()
    assert said[-1] == "Speed going down to 1.5 and incline going to 2 percent in three seconds."
    assert belt.calls[-1] == ("speed", 3.0)  # not yet
    clock.advance(3)
    turn()
    assert belt.calls[-2:] == [("speed", 1.5), ("incline", 2.0)]


def test_a_skip_is_announced_then_applied_after_the_lead() -> None:
    engine, clock, belt, companion, said, turn = setup(
        Phase("A", duration=60, speed=walk(3)), Phase("B", duration=60, speed=walk(4))
    )
    begin(engine, clock, turn)
    engine.next()
    turn()
    assert said[-1] == "Speed going up to 4 in three seconds."
    assert belt.calls[-1] == ("speed", 3.0)
    assert companion.wake_in(engine.view()) == 3.0
    clock.advance(3)
    turn()
    assert belt.calls[-1] == ("speed", 4.0)


def test_pause_resume_and_stop_map_to_the_belt() -> None:
    engine, clock, belt, _, said, turn = setup(Phase("A", duration=60, speed=walk(3)))
    begin(engine, clock, turn)
    engine.pause()
    turn()
    assert belt.calls[-1] == ("pause", None)  # at once: stopping is the walker's own command
    engine.resume()
    turn()
    assert belt.calls[-1] == ("pause", None)
    assert said[-2:] == [
        "Starting the belt in three seconds.",
        "Speed going to 3 in three seconds.",
    ]
    clock.advance(3)
    turn()
    engine.stop()
    turn()
    assert belt.calls == [
        ("start", None), ("speed", 3.0), ("pause", None), ("start", None), ("speed", 3.0),
        ("stop", None),
    ]  # fmt: skip


def test_a_pause_before_the_belt_starts_cancels_the_start() -> None:
    engine, clock, belt, _, _, turn = setup(Phase("A", duration=60, speed=walk(3)))
    engine.start()
    turn()
    engine.pause()
    turn()
    clock.advance(10)
    turn()
    assert ("start", None) not in belt.calls


def test_session_end_stops_the_belt() -> None:
    engine, clock, belt, _, _, turn = setup(Phase("A", duration=5, speed=walk(3)))
    engine.start()
    turn()
    clock.advance(6)
    turn()
    assert belt.calls[-1] == ("stop", None)


def test_the_maximum_speed_is_never_exceeded_and_is_said_once() -> None:
    engine, clock, belt, _, said, turn = setup(
        Phase("A", duration=10, speed=walk(8)), Phase("B", duration=10, speed=walk(8)),
        max_speed=6.0,
    )  # fmt: skip
    engine.start()
    for _ in range(30):
        turn()
        clock.advance(1)
    speeds = [v for op, v in belt.calls if op == "speed"]
    assert speeds == [6.0]
    assert sum("maximum speed" in s for s in said) == 1


def test_a_target_outside_the_range_is_clamped_and_said_once() -> None:
    caps = Capabilities("T", "A", speed_range=Range(1.0, 12.0, 0.1),
                        incline_range=Range(0.0, 10.0, 0.5))  # fmt: skip
    engine, clock, belt, companion, said, turn = setup(
        Phase("A", duration=10, speed=walk(0.5), incline=Incline(15)),
        belt=FakeBelt(caps=caps),
    )
    assert companion.upcoming_texts()  # rendering ahead says nothing yet
    engine.start()
    for _ in range(5):
        turn()
        clock.advance(1)
    assert ("speed", 1.0) in belt.calls
    assert ("incline", 10.0) in belt.calls
    assert sum("speed goes from 1 to 12" in s for s in said) == 1
    assert sum("incline goes from 0 to 10" in s for s in said) == 1


def test_a_belt_the_walker_stopped_is_never_started_by_a_speed_change() -> None:
    engine, clock, belt, _, said, turn = setup(
        Phase("A", duration=10, speed=walk(3)), Phase("B", duration=10, speed=walk(4))
    )
    begin(engine, clock, turn)
    belt.running = False  # the walker pressed Stop on the console
    belt.speed = 0
    clock.advance(7)
    turn()
    assert ("speed", 4.0) not in belt.calls
    assert any("belt is stopped" in s for s in said)
    clock.advance(5)
    turn()
    assert [c for c in belt.calls if c[0] == "start"] == [("start", None)]  # only at session start
    belt.running = True  # the walker started it again
    turn()
    assert said[-1] == "Speed going up to 4 in three seconds."
    clock.advance(3)
    turn()
    assert belt.calls[-1] == ("speed", 4.0)


def test_a_lost_connection_is_said_once_and_commands_wait() -> None:
    engine, clock, belt, _, said, turn = setup(
        Phase("A", duration=10, speed=walk(3)), Phase("B", duration=10, speed=walk(4))
    )
    begin(engine, clock, turn)
    belt.link = Link.LOST
    for _ in range(10):
        clock.advance(1)
        turn()
    assert sum("connection was lost" in s for s in said) == 1
    assert ("speed", 4.0) not in belt.calls
    assert engine.view().phase_index == 1  # the session went on
    belt.link = Link.CONNECTED
    turn()
    assert "The treadmill is connected again." in said
    assert said[-1] == "Speed going to 4 in three seconds."  # said again, then set
    clock.advance(3)
    turn()
    assert belt.calls[-1] == ("speed", 4.0)


def test_refused_control_falls_back_to_telling_the_walker() -> None:
    engine, clock, belt, _, said, turn = setup(
        Phase("A", duration=60, speed=walk(4)), belt=FakeBelt(granted=False)
    )
    engine.start()
    belt.speed = 2.0
    for _ in range(12):
        turn()
        clock.advance(1)
    assert belt.calls == []
    assert said == ["Set the speed to 4 kilometres per hour."]


def test_reconnect_delays_back_off_to_a_ceiling() -> None:
    delays = reconnect_delays(1.0, 8.0)
    assert [next(delays) for _ in range(6)] == [1, 2, 4, 8, 8, 8]


def test_upcoming_texts_cover_what_control_says() -> None:
    _engine, _clock, _belt, companion, _said, _turn = setup(
        Phase("A", duration=10, speed=walk(3)), Phase("B", duration=10, speed=walk(1.5))
    )
    texts = companion.upcoming_texts()
    assert texts == [
        "Starting the belt in three seconds.",
        "Speed going to 3 in three seconds.",
        "Speed going down to 1.5 in three seconds.",
    ]


def test_a_script_in_mph_hears_mph() -> None:
    engine, clock, belt, _, said, turn = setup(
        Phase("A", duration=60, speed=Speed(1.5 * 1.609344, "mph")),
    )
    begin(engine, clock, turn)
    assert said == ["Starting the belt in three seconds.", "Speed going to 1.5 in three seconds."]
    assert belt.calls[-1] == ("speed", pytest.approx(2.414, abs=0.001))  # in km/h
