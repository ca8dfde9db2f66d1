"""A walk with a treadmill connected over the emulated FTMS link: the terminal host sums the
belt's distance and speed per phase, the keeper logs them, and `history --csv` shows them."""

from __future__ import annotations

import io

from tests.core.engine_helpers import make_plan
from tests.fakes import wait_for
from tests.treadmill.conftest import Rig
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.script import Phase, Speed
from walktimer.core.treadmill import BeltCompanion
from walktimer.history.keeper import RunKeeper
from walktimer.history.log import HistoryLog
from walktimer.runner.display import PlainScreen
from walktimer.runner.host import NoKeys, TerminalHost
from walktimer.runner.output import PrintingSink
from walktimer.verbs.history import csv_rows


def test_the_distance_and_speed_per_phase_reach_the_history(rig: Rig) -> None:
    emulated = rig.treadmill()
    # Not running: the emulator adds no metres of its own; the test sets the counter.
    emulated.belt.speed, emulated.belt.distance = 3.0, 200.0
    belt = rig.adapter(control=False)
    assert belt.wait_connected(10)

    def reports(metres: int) -> bool:
        reading = belt.reading()
        return reading is not None and reading.distance_m == metres

    assert wait_for(lambda: reports(200))
    plan = make_plan(Phase("A", duration=60, speed=Speed(3)), Phase("B", duration=60))
    clock = FakeClock()
    engine = Engine(plan, clock)
    screen = PlainScreen(io.StringIO())
    host = TerminalHost(
        engine, clock, sink=PrintingSink(screen.line), screen=screen, keys=NoKeys(),
        treadmill=belt, companion=BeltCompanion(plan, belt, clock),
    )  # fmt: skip
    keeper = RunKeeper.begin(plan, None)
    host.deliver(engine.start())
    host.refresh()
    for metres in (250, 300):  # 100 m in phase A, at 3 km/h throughout
        clock.advance(30)
        emulated.belt.distance = float(metres)
        assert wait_for(lambda m=metres: reports(m))
        host.deliver(engine.advance())
        host.refresh()
    assert engine.view().phase_index == 1
    emulated.belt.speed, emulated.belt.distance = 6.0, 320.0
    assert wait_for(lambda: reports(320))
    host.refresh()  # the turn that sees the faster belt at the start of phase B
    clock.advance(60)
    host.deliver(engine.advance())
    host.refresh()
    assert host.tally is not None
    keeper.record_belt(host.tally.totals())
    assert keeper.finish(engine) is not None
    belt.close()

    with HistoryLog() as history:
        walks = history.walks()
    [walk] = walks
    assert walk.distance_m == 120.0
    assert [(p.distance_m, p.avg_speed_kmh) for p in walk.phases] == [(100.0, 3.0), (20.0, 6.0)]
    assert walk.avg_speed_kmh == 4.5
    header, row = csv_rows(walks)
    assert row[header.index("distance_m")] == "120.0"
    assert emulated.writes == []  # read-only: nothing asked of the belt


def test_without_a_treadmill_the_csv_distance_is_empty() -> None:
    plan = make_plan(Phase("A", duration=10))
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = RunKeeper.begin(plan, None)
    engine.start()
    clock.advance(10)
    engine.advance()
    keeper.record_belt(None)
    assert keeper.finish(engine) is not None
    with HistoryLog() as history:
        header, row = csv_rows(history.walks())
    assert row[header.index("distance_m")] == ""
