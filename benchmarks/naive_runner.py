"""BASELINE ONLY, not how walktimer runs: the naive timer that sleeps one second per tick and
counts ticks as its clock.

bench_cue_accuracy.py runs it beside `walktimer run --no-gui` to show what the deadline-driven
engine avoids: cues can only fire on a whole tick (up to a second late), and every tick's
overshoot (sleep never wakes exactly on time, plus the work done each tick) adds up into
drift, so the final cue comes later the longer the session runs.

It plays the same plan (walktimer's loader and plan builder) and writes the same --events
lines, with `t_fired` and `late_ms` measured on the real clock, not on its tick count.

    .venv/bin/python benchmarks/naive_runner.py FILE --events OUT.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from walktimer.core.loader import load_path
from walktimer.core.plan import build_plan

TICK = 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--events", type=Path, required=True)
    args = parser.parse_args(argv)
    plan = build_plan(load_path(args.file))
    events = list(plan.events)

    start = time.monotonic()
    ticks = 0  # its idea of session time: one per sleep
    index = 0
    with args.events.open("w", encoding="utf-8") as out:
        while index < len(events):
            while index < len(events) and events[index].t <= ticks * TICK:
                event = events[index]
                real = time.monotonic() - start
                line = {
                    "t_plan": event.t,
                    "t_fired": round(real, 6),
                    "late_ms": round((real - event.t) * 1000.0, 3),
                    "kind": event.kind.value,
                    "phase": plan.phases[event.phase].name,
                    "text": event.text,
                }
                out.write(json.dumps(line) + "\n")
                print(f"{ticks:5d}  {line['phase']}  {line['kind']}  {event.text or ''}")
                index += 1
            time.sleep(TICK)
            ticks += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
