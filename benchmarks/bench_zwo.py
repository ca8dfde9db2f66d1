"""How long importing a large Zwift workout takes, against parsing its XML alone.

Run: .venv/bin/python benchmarks/bench_zwo.py [--blocks 500] [--repeat 21]

It generates a run workout of `--blocks` blocks (warm-ups, steady states, ramps, free
walks, cool-downs and IntervalsT, every block with two or three text events, one interval
in four with events that differ between rounds so it is written out round by round), then
times, in the same run: defusedxml parsing the bytes (the baseline), the whole import
(parse, convert, write TOML with tomlkit, check the result with the loader) with and without
a reference speed, and the loader checking the imported text on its own. Medians, in ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import defusedxml.ElementTree

from walktimer.core.loader import check_text
from walktimer.core.script import Speed
from walktimer.importing.zwo import convert_zwo


def make_workout(blocks: int) -> bytes:
    """A run workout of `blocks` blocks, each with text events, under the session limits."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<workout_file>",
        "<author>Benchmark</author>",
        f"<name>{blocks} blocks</name>",
        "<description>A generated workout.</description>",
        "<sportType>run</sportType>",
        '<tags><tag name="generated"/></tags>',
        "<workout>",
    ]
    for i in range(blocks):
        kind = i % 6
        events = "".join(
            f'<textevent timeoffset="{offset}" message="Block {i}, cue {n}: keep going."/>'
            for n, offset in enumerate((0, 20, 50))
        )
        if kind == 0:
            parts.append(f'<Warmup Duration="120" PowerLow="0.5" PowerHigh="0.8" pace="1">{events}')
            parts.append("</Warmup>")
        elif kind == 1:
            parts.append(f'<SteadyState Duration="90" Power="0.85" pace="2">{events}</SteadyState>')
        elif kind == 2:
            parts.append(f'<Ramp Duration="120" PowerLow="0.8" PowerHigh="1.0">{events}</Ramp>')
        elif kind == 3:
            differ = i % 4 == 3
            late = '<textevent timeoffset="75" message="Only in round two."/>' if differ else ""
            parts.append(
                '<IntervalsT Repeat="3" OnDuration="30" OffDuration="30" OnPower="1.1" '
                f'OffPower="0.6" pace="0"><textevent timeoffset="5" message="Go."/>{late}'
                '<textevent timeoffset="65" message="Go."/>'
                '<textevent timeoffset="125" message="Go."/></IntervalsT>'
            )
        elif kind == 4:
            parts.append(f'<FreeRide Duration="60">{events}</FreeRide>')
        else:
            parts.append(f'<Cooldown Duration="120" PowerLow="0.7" PowerHigh="0.4">{events}')
            parts.append("</Cooldown>")
    parts += ["</workout>", "</workout_file>"]
    return "\n".join(parts).encode()


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args(argv)

    data = make_workout(args.blocks)
    speed = Speed(kmh=6.0)
    text, warnings = convert_zwo(data, "bench.zwo")
    text_speed, _ = convert_zwo(data, "bench.zwo", speed)
    assert not check_text(text)
    assert not check_text(text_speed)
    events = data.count(b"<textevent")

    parse_ms = median_ms(lambda: defusedxml.ElementTree.fromstring(data), args.repeat)
    import_ms = median_ms(lambda: convert_zwo(data, "bench.zwo"), args.repeat)
    speed_ms = median_ms(lambda: convert_zwo(data, "bench.zwo", speed), args.repeat)
    check_ms = median_ms(lambda: check_text(text), args.repeat)

    print(f"workout: {args.blocks} blocks, {events} text events, {len(data) / 1024:.0f} KiB XML")
    print(
        f"script:  {len(text) / 1024:.0f} KiB TOML ({len(text_speed) / 1024:.0f} KiB with speeds)"
    )
    print(f"warnings: {len(warnings)}")
    print(f"defusedxml parse alone (baseline):     {parse_ms:8.2f} ms median")
    print(f"import (parse, convert, TOML, check):  {import_ms:8.2f} ms median")
    print(f"import with --reference-speed 6 km/h:  {speed_ms:8.2f} ms median")
    print(f"  of which the loader's check:         {check_ms:8.2f} ms median")
    print(f"import / parse:                        {import_ms / parse_ms:8.1f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
