"""Loading, checking and planning real and long scripts, against tomli's own parse of each.

    .venv/bin/python benchmarks/bench_loader.py [--runs N] [--small-runs N] [--phases N]

Two scripts: the largest bundled session (what users load), and a generated script of N
[[phase]] tables (every fifth a repeated block of two steps played twice, each with a cue;
the others timed phases with an `at` cue and an `every` cue; [reminders] throughout). For
each it reports the median of:

  (a) tomli.loads(text)                  the baseline
  (b) load_text(text)                    parse + check every rule + build the model
  (c) load_text(text) + build_plan()     parse + check + the phases, each one's events counted
  (d) (c) + plan.iter_events()           and every event of the timeline laid out and read

and the ratio ((c) - (a)) / (a): what checking and planning add, in units of tomli's own
parse time of the same text. The goal is at most 2 for both.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import tomli

from walktimer.core.loader import load_text
from walktimer.core.plan import build_plan
from walktimer.resources import bundled_sessions

GOAL = 2.0


def make_script(phases: int) -> str:
    out = [
        "format = 1",
        'name = "Benchmark walk"',
        'description = "A generated script for the loader benchmark."',
        'tags = ["benchmark"]',
        "",
        "[voice]",
        "rate = 170",
        "",
        "[announce]",
        "countdown = 3",
        'remaining = ["1m"]',
        "halfway = true",
        "",
        "[reminders]",
        'every = "20s"',
        'order = "shuffle"',
        'texts = ["Head level, eyes forward.", "Relax your shoulders.", "Engage your core."]',
    ]
    for i in range(phases):
        if i % 5 == 4:
            out += [
                "",
                "[[phase]]",
                f'name = "Intervals {i}"',
                "repeat = 2",
                "",
                "  [[phase.step]]",
                '  name = "Brisk"',
                '  duration = "30s"',
                '  speed = "4.5 km/h"',
                '  say = "Brisk, round {rep} of {reps}."',
                "",
                "    [[phase.step.cue]]",
                '    at = "-10s"',
                '    say = "Ten seconds, then slow down."',
                "",
                "  [[phase.step]]",
                '  name = "Backward walking"',
                '  kind = "technique"',
                '  duration = "0:30"',
                "  speed = 1.5",
                "",
                "    [[phase.step.cue]]",
                '    at = "50%"',
                '    sound = "beep"',
            ]
        else:
            out += [
                "",
                "[[phase]]",
                f'name = "Walk {i}"',
                'kind = "walk"',
                'duration = "40s"',
                f'say = "Walk {i}, at {{speed}}."',
                '  instructions = """',
                "Head level, shoulders down.",
                'Short, quick strides."""',
                f'speed = "{3 + (i % 10) / 10} km/h"',
                'incline = "1%"',
                "",
                "  [[phase.cue]]",
                '  at = "5s"',
                '  say = "Find your rhythm, {remaining} to go."',
                "",
                "  [[phase.cue]]",
                '  every = "15s"',
                '  sound = "tick"',
            ]
    return "\n".join(out) + "\n"


def medians_ms(actions: list[Callable[[], object]], runs: int) -> list[float]:
    """Median time of each action. Each round runs all of them in turn, so a machine that gets
    busier or quieter during the run affects the baseline and the rest alike."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            start = time.perf_counter()
            action()
            spent.append((time.perf_counter() - start) * 1000)
    return [statistics.median(spent) for spent in times]


def measure(label: str, text: str, path: Path, runs: int) -> float:
    """Print the four medians for one script; return ((c) - (a)) / (a)."""
    session = load_text(text, path)  # also proves the script is valid
    plan = build_plan(session)
    print(
        f"{label}: {len(plan.phases)} phases as played, {plan.event_count} timeline events, "
        f"{len(text.encode()) / 1024:.0f} KiB; median of {runs} runs"
    )
    parse, load, both, laid_out = medians_ms(
        [
            lambda: tomli.loads(text),
            lambda: load_text(text, path),
            lambda: build_plan(load_text(text, path)),
            # The plan lays a phase's events out when they are read: read every one.
            lambda: sum(1 for _ in build_plan(load_text(text, path)).iter_events()),
        ],
        runs,
    )
    ratio = (both - parse) / parse
    rows = [
        ("(a) tomli.loads (baseline)", parse),
        ("(b) load_text: parse + check", load),
        ("(c) load_text + build_plan", both),
        ("(d) (c) + every event laid out", laid_out),
    ]
    for name, ms in rows:
        print(f"  {name:<34} {ms:8.2f} ms")
    print(f"  checking alone adds               {(load - parse) / parse:8.2f} x tomli")
    verdict = "met" if ratio <= GOAL else "not met"
    added = f"{ratio:8.2f} x tomli  (goal <= {GOAL:g}: {verdict})"
    print(f"  checking + planning add           {added}")
    print(f"  with every event laid out         {(laid_out - parse) / parse:8.2f} x tomli")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs for the long script (21)")
    parser.add_argument(
        "--small-runs", type=int, default=201, help="runs for the bundled session (201)"
    )
    parser.add_argument("--phases", type=int, default=1000, help="[[phase]] tables (1000)")
    args = parser.parse_args(argv)

    largest = max(bundled_sessions(), key=lambda file: file.stat().st_size)
    measure(
        f"bundled {largest.name}", largest.read_text(encoding="utf-8"), largest, args.small_runs
    )
    measure(
        f"generated, {args.phases} [[phase]] tables",
        make_script(args.phases),
        Path("benchmark.toml"),
        args.runs,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
