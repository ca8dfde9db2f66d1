"""A session's engine, the companion and the real adapter against the emulated treadmill:
what reaches the belt's control point, in order, for a whole walk."""

from __future__ import annotations

from tests.core.engine_helpers import make_plan
from tests.fakes import wait_for
from tests.treadmill.conftest import Rig
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.script import Phase, Speed
from walktimer.core.treadmill import BeltCompanion, Link
from walktimer.treadmill.adapter import FtmsTreadmill
from walktimer.treadmill.emulator import EmulatedTreadmill
from walktimer.treadmill.tools import describe_write


def asked(emulated: EmulatedTreadmill) -> list[str]:
    return [describe_write(w) for w in emulated.writes]


class Walk:
    """An engine on a FakeClock with a companion on the real adapter; `turn` is one host turn."""

    def __init__(self, belt: FtmsTreadmill, *phases: Phase, control: bool = True) -> None:
        self.plan = make_plan(*phases)
        self.clock = FakeClock()
        self.engine = Engine(self.plan, self.clock)
        self.companion = BeltCompanion(self.plan, belt, self.clock, control=control)
        self.said: list[str] = []

    def turn(self) -> None:
        self.engine.advance()
        self.said.extend(self.companion.update(self.engine.view(), self.engine.visit))

    def begin(self) -> None:
        """Start the walk and let the first phase's speed, said at once, fall due."""
        self.engine.start()
        self.turn()
        self.clock.advance(3)
        self.turn()


def test_a_walk_with_control_caps_clamps_pauses_and_stops(rig: Rig) -> None:
    emulated = rig.treadmill()
    belt = rig.controlled()
    walk = Walk(
        belt,
        Phase("Warm-up", duration=10, speed=Speed(3)),
        Phase("Fast", duration=10, speed=Speed(8)),  # above the 6 km/h cap (the default)
        Phase("Crawl", duration=10, speed=Speed(0.2)),  # below the treadmill's 0.5
    )
    engine, clock, turn, said = walk.engine, walk.clock, walk.turn, walk.said

    def belt_runs(running: bool) -> bool:
        reading = belt.reading()
        return reading is not None and reading.running is running

    # Phases last seconds on the fake clock and milliseconds here: before moving on, wait
    # until the treadmill's own report has caught up, as it does in a real walk.
    walk.begin()  # "Starting the belt in three seconds." then started and set
    assert wait_for(lambda: emulated.belt.speed == 3.0 and belt_runs(True))
    engine.pause()
    turn()
    assert wait_for(lambda: belt_runs(False))
    engine.resume()
    turn()
    clock.advance(3)
    turn()
    assert wait_for(lambda: belt_runs(True))
    for _ in range(40):
        clock.advance(1)
        turn()
    assert wait_for(lambda: len(emulated.writes) == 9)
    assert asked(emulated) == [
        "request control", "start the belt", "set speed 3 km/h", "pause the belt",
        "start the belt", "set speed 3 km/h", "set speed 6 km/h", "set speed 0.5 km/h",
        "stop the belt",
    ]  # fmt: skip
    assert "Speed going up to 6 in three seconds." in said
    assert sum("maximum speed" in s for s in said) == 1
    assert sum("goes from 0.5 to 12" in s for s in said) == 1
    assert belt.notices() == []
    belt.close()


def test_a_disconnect_mid_phase_keeps_the_session_and_reconnects(rig: Rig) -> None:
    emulated = rig.treadmill()
    belt = rig.controlled(delays=iter([0.05] * 100))
    walk = Walk(
        belt, Phase("A", duration=20, speed=Speed(3)), Phase("B", duration=20, speed=Speed(4))
    )
    engine, clock, turn, said = walk.engine, walk.clock, walk.turn, walk.said
    walk.begin()
    assert wait_for(lambda: emulated.belt.speed == 3.0)
    rig.ble.run(emulated.drop_connections(), timeout=5)
    assert wait_for(lambda: belt.link is Link.LOST)
    clock.advance(20)  # phase B begins while the link is down
    turn()
    assert engine.view().phase_index == 1
    assert any("connection was lost" in s for s in said)
    assert wait_for(lambda: belt.controllable, timeout=10)
    turn()
    assert "The treadmill is connected again." in said
    assert said[-1] == "Speed going to 4 in three seconds."
    clock.advance(3)
    turn()
    assert wait_for(lambda: emulated.belt.speed == 4.0)
    belt.close()


def test_read_only_walk_writes_nothing_and_says_the_speed(rig: Rig) -> None:
    emulated = rig.treadmill()
    emulated.belt.speed, emulated.belt.running = 2.0, True
    belt = rig.adapter(control=False)
    assert belt.wait_connected(10)
    assert wait_for(lambda: belt.reading() is not None)
    walk = Walk(belt, Phase("A", duration=60, speed=Speed(4)), control=False)
    engine, clock, turn, said = walk.engine, walk.clock, walk.turn, walk.said
    engine.start()
    for _ in range(15):
        turn()
        clock.advance(1)
    engine.stop()
    turn()
    assert said == ["Set the speed to 4 kilometres per hour."]
    belt.close()
    assert emulated.writes == []


def test_a_belt_stopped_on_the_console_is_not_started_by_the_next_phase(rig: Rig) -> None:
    emulated = rig.treadmill()
    belt = rig.controlled()
    walk = Walk(
        belt, Phase("A", duration=10, speed=Speed(3)), Phase("B", duration=10, speed=Speed(4))
    )
    clock, turn, said = walk.clock, walk.turn, walk.said
    walk.begin()
    assert wait_for(lambda: emulated.belt.speed == 3.0)
    rig.ble.run(emulated.walker_stops_belt(), timeout=5)
    assert wait_for(lambda: (r := belt.reading()) is not None and r.running is False)
    writes = len(emulated.writes)
    for _ in range(12):  # phase B begins and its speed falls due
        clock.advance(1)
        turn()
    assert len(emulated.writes) == writes  # nothing sent to a belt the walker stopped
    assert not emulated.belt.running
    assert any("The belt is stopped" in s for s in said)
    rig.ble.run(emulated.walker_starts_belt(), timeout=5)
    assert wait_for(lambda: (r := belt.reading()) is not None and r.running is True)
    turn()
    assert said[-1] == "Speed going up to 4 in three seconds."
    clock.advance(3)
    turn()
    assert wait_for(lambda: emulated.belt.speed == 4.0)
    assert [describe_write(w) for w in emulated.writes[writes:]] == ["set speed 4 km/h"]
