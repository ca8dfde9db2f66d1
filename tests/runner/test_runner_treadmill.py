"""The terminal host with a treadmill: the belt line, and the companion's sentences heard."""

from __future__ import annotations

import io

from tests.core.engine_helpers import make_plan
from tests.fakes import FakeBelt
from tests.runner.test_runner_host import FakeWait, ScriptedKeys
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, State
from walktimer.core.script import Phase, Speed
from walktimer.core.treadmill import BeltCompanion, BeltReading, Link
from walktimer.runner.display import PlainScreen, belt_line, status_lines
from walktimer.runner.host import TerminalHost
from walktimer.runner.output import PrintingSink


def run_with(
    belt: FakeBelt, *, control: bool, keys: list[tuple[float, str]] | None = None
) -> tuple[str, FakeBelt]:
    plan = make_plan(
        Phase("Walk", duration=30, speed=Speed(4)), Phase("Easy", duration=30, speed=Speed(2))
    )
    clock = FakeClock(0.0)
    out = io.StringIO()
    screen = PlainScreen(out)
    scripted = ScriptedKeys(clock, list(keys or []))
    engine = Engine(plan, clock)
    companion = BeltCompanion(plan, belt, clock, control=control)
    host = TerminalHost(
        engine, clock, sink=PrintingSink(screen.line), screen=screen, keys=scripted,
        wait=FakeWait(clock, scripted), monotonic=clock.now, treadmill=belt, companion=companion,
    )  # fmt: skip
    host.run()
    return out.getvalue(), belt


def test_read_only_the_walker_hears_the_speed_to_set_after_ten_seconds() -> None:
    text, belt = run_with(FakeBelt(speed=2.5, running=True), control=False)
    assert "0:00:10  Walk  targets  Set the speed to 4 kilometres per hour." in text
    assert belt.calls == []


def test_with_control_the_changes_are_said_then_made_and_the_end_stops_the_belt() -> None:
    text, belt = run_with(FakeBelt(), control=True)
    assert "0:00:00  Walk  targets  Speed going to 4 in three seconds." in text
    assert "0:00:27  Walk  targets  Speed going down to 2 in three seconds." in text
    assert belt.calls == [("start", None), ("speed", 4.0), ("speed", 2.0), ("stop", None)]


def test_pause_and_resume_keys_reach_the_belt() -> None:
    _, belt = run_with(FakeBelt(), control=True, keys=[(10.0, " "), (20.0, " ")])
    ops = [op for op, _ in belt.calls]
    assert ops[:4] == ["start", "speed", "pause", "start"]


def test_the_belt_line_shows_the_belt_beside_the_target() -> None:
    plan = make_plan(Phase("Walk", duration=30, speed=Speed(4)))
    engine = Engine(plan, FakeClock())
    engine.start()
    view = engine.view()
    reading = BeltReading(3.24, 1.5, 1234, 60, running=True)
    line = belt_line(Link.CONNECTED, reading, view, control=False)
    assert line == "treadmill: belt 3.2 km/h (target 4 km/h) · incline 1.5% · 1.23 km · read-only"
    assert belt_line(Link.LOST, reading, view, control=True) == (
        "treadmill: connection lost, reconnecting…"
    )
    assert line in status_lines(view, 100, None, line)
    assert engine.state is State.RUNNING


def test_the_plain_screen_prints_the_belt_line_per_phase_and_when_it_says_something_new() -> None:
    text, _ = run_with(FakeBelt(speed=2.5, running=True, distance=120), control=False)
    lines = text.splitlines()
    belt = [i for i, line in enumerate(lines) if line.startswith("treadmill:")]
    assert [lines[i] for i in belt] == [
        "treadmill: belt 2.5 km/h (target 4 km/h) · 120 m · read-only",
        "treadmill: belt 2.5 km/h (target 2 km/h) · 120 m · read-only",
    ]
    heads = [i for i, line in enumerate(lines) if line.startswith("== ")]
    assert heads[0] < belt[0] < heads[1] < belt[1]  # each after its phase's line


def test_the_plain_screen_leaves_out_a_belt_line_whose_distance_alone_moved() -> None:
    engine = Engine(make_plan(Phase("Walk", duration=30, speed=Speed(4))), FakeClock())
    engine.start()
    view = engine.view()
    out = io.StringIO()
    screen = PlainScreen(out)
    for speed, metres in ((3.0, 10), (3.0, 15), (3.0, 1200), (3.5, 1210)):
        screen.show(view, None, belt_line(Link.CONNECTED, BeltReading(speed, distance_m=metres),
                                          view, control=False))  # fmt: skip
    screen.show(view, None, belt_line(Link.LOST, None, view, control=False))
    assert out.getvalue().splitlines() == [
        "treadmill: belt 3.0 km/h (target 4 km/h) · 10 m · read-only",
        "treadmill: belt 3.5 km/h (target 4 km/h) · 1.21 km · read-only",
        "treadmill: connection lost, reconnecting…",
    ]
