"""From a phase change to the Set Target Speed write reaching the emulated treadmill.

A 41-phase script (1 s phases, the speed alternating 3 / 3.5 km/h, so every phase change
sets the speed: 40 changes, the last 37 measured) runs at real time in the terminal runner's
host loop (TerminalHost, select() waits, a PlainScreen into memory) with --treadmill-control through
the real adapter: BeltCompanion -> FtmsTreadmill -> bleak -> the bumble backend -> a bumble
LocalLink -> the emulated treadmill's control point, all in this process. Each write's
arrival is stamped by the emulator on the same clock the engine runs on (perf_counter).

For each phase change: the engine's own lateness (when it fired the phase start, after its
planned time), and the time from the planned change to the write arriving at the treadmill
(which includes the engine's lateness), and from the fired phase start to the write.

    .venv/bin/python benchmarks/bench_treadmill.py            # about 45 s a run
    .venv/bin/python benchmarks/bench_treadmill.py --runs 3
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bumble.controller import Controller
from bumble.device import Device
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from walktimer.core.engine import Engine, Fired
from walktimer.core.plan import EventKind, build_plan
from walktimer.core.ports import SilentSink
from walktimer.core.script import Announce, Phase, Session, Sounds, Speed
from walktimer.core.treadmill import BeltCompanion
from walktimer.runner.display import PlainScreen
from walktimer.runner.host import NoKeys, TerminalHost
from walktimer.treadmill import ftms
from walktimer.treadmill.adapter import BleLoop, FtmsTreadmill
from walktimer.treadmill.emulator import EmulatedTreadmill
from walktimer.treadmill.transport import local_link_backend

PHASES = 41
# The belt's start is said `LEAD` ahead, made, and a speed sent while the belt still stands is
# sent again once it runs: the first changes measure the belt's spin-up, not the path. They are
# left out; the 37 changes after them are measured.
WARMUP = 3
LEAD = 0.5  # seconds between saying a change and making it (3 s in use; phases here are 1 s)
GOAL_P99_MS = 50.0


class PerfClock:
    """The engine's clock, on perf_counter so it compares with the emulator's stamps."""

    def now(self) -> float:
        return time.perf_counter()


class Recorder(SilentSink):
    def __init__(self) -> None:
        self.fired: list[Fired] = []

    def play(self, fired: Sequence[Fired]) -> None:
        self.fired += fired


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def one_run() -> dict[str, list[float]]:
    ble = BleLoop()

    async def make() -> tuple[EmulatedTreadmill, LocalLink]:
        link = LocalLink()
        address = Address("C0:00:00:00:00:01")
        controller = Controller("treadmill", link=link, public_address=address)
        device = Device(address=address, host=Host(controller, AsyncPipeSink(controller)))
        emulated = EmulatedTreadmill(device)
        await emulated.start()
        return emulated, link

    emulated, link = ble.run(make(), timeout=10)
    belt = FtmsTreadmill(ble, "auto", local_link_backend(link), control=True, scan_seconds=2)
    if not belt.wait_connected(10):
        raise SystemExit("the emulated treadmill was not found")
    phases = tuple(
        Phase(f"Step {i + 1}", duration=1, speed=Speed(3.0 if i % 2 == 0 else 3.5))
        for i in range(PHASES)
    )
    plan = build_plan(
        Session(
            name="Speed steps",
            phases=phases,
            announce=Announce(countdown=0, remaining=(), halfway=False, next=False, targets=False),
            sounds=Sounds(phase=None, countdown=None, finish=None, reminder=None),
        )
    )
    clock = PerfClock()
    engine = Engine(plan, clock)
    sink = Recorder()
    companion = BeltCompanion(plan, belt, clock, control=True, lead=LEAD)
    host = TerminalHost(
        engine, clock, sink=sink, screen=PlainScreen(io.StringIO()), keys=NoKeys(),
        treadmill=belt, companion=companion,
    )  # fmt: skip
    begun = len(emulated.writes)
    t0 = clock.now()
    host.run()
    time.sleep(0.3)  # the last write's answer
    belt.close()
    ble.close()
    # The session's clock started at t0 (the first phase begins at session time 0).
    speed_writes = [w for w in emulated.writes[begun:] if w.data[:1] == bytes([ftms.Op.SET_SPEED])]
    starts: dict[int, Fired] = {}
    for item in sink.fired:  # the first event of each phase: its start (bell or words)
        if item.kind in (EventKind.PHASE_START, EventKind.SAY):
            starts.setdefault(item.phase_index, item)
    lateness, to_write, fired_to_write = [], [], []
    # Each write is paired with the phase it arrived in, by time, not by its place in the list:
    # the belt's start is said `LEAD` ahead and made then, so how many writes come before
    # phase 2 depends on when the belt reported running. A phase change is measured when a
    # write of its own speed arrived within the phase; phase 1 (the belt's start) is not one.
    for index in range(WARMUP + 1, PHASES):
        begins = t0 + plan.phases[index].start
        ends = begins + 1.0
        wanted = plan.phases[index].speed
        assert wanted is not None
        request = ftms.request(ftms.Op.SET_SPEED, wanted.kmh)
        mine = [w for w in speed_writes if begins - 0.05 <= w.at < ends and w.data == request]
        if not mine:
            continue
        fired = starts[index]
        lateness.append(fired.late * 1000)
        to_write.append((mine[0].at - begins) * 1000)
        fired_to_write.append((mine[0].at - (t0 + fired.t_fired)) * 1000)
    return {"engine": lateness, "write": to_write, "fired_to_write": fired_to_write}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    summary: dict[str, list[tuple[float, float, float]]] = {}
    for run in range(args.runs):
        result = one_run()
        count = len(result["write"])
        print(f"run {run + 1}: {count} phase changes measured")
        for name, label in (
            ("engine", "engine phase-change lateness"),
            ("write", "planned phase change -> Set Target Speed at the treadmill"),
            ("fired_to_write", "fired phase start -> Set Target Speed at the treadmill"),
        ):
            values = result[name]
            stats = (statistics.median(values), percentile(values, 0.99), max(values))
            summary.setdefault(name, []).append(stats)
            print(
                f"  {label}: median {stats[0]:.2f} ms, p99 {stats[1]:.2f} ms, max {stats[2]:.2f} ms"
            )
        if count != PHASES - 1 - WARMUP:
            print(f"  expected {PHASES - 1 - WARMUP} writes, got {count}")
            return 1
    p99 = statistics.median(s[1] for s in summary["write"])
    met = "met" if p99 < GOAL_P99_MS else "NOT met"
    print(f"\nmedian over runs of p99 (phase change -> write): {p99:.2f} ms; "
          f"goal < {GOAL_P99_MS:g} ms: {met}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
