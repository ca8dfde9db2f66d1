"""Real-time cue accuracy of the terminal runner against a naive tick-counting baseline.

A 2-minute dense script (24 phases of 5 s, an event every 0.5 s: 265 events) is run with
`walktimer run FILE --no-gui --mute --events OUT` at speed 1, and the same plan with
benchmarks/naive_runner.py (the BASELINE: sleeps one second per tick, counts ticks), the two
alternating, `--runs` times each. For every run: p50, p99 and max of `late_ms`, the final
event's lateness (drift), CPU time (user + system, from the child's rusage) per minute of
session and as a share of one core, and voluntary context switches (about one per wake-up).
Then the median of each figure over the runs, and baseline / walktimer.

A start-up reference, `walktimer run` of the same script at --speed 10000 (the whole session
in about 12 ms), shows how much of the CPU figure is the interpreter and imports.

    .venv/bin/python benchmarks/bench_cue_accuracy.py            # about 12 minutes
    .venv/bin/python benchmarks/bench_cue_accuracy.py --seconds 20 --runs 1   # a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAIVE = ROOT / "benchmarks" / "naive_runner.py"
PHASE_SECONDS = 5
STEP_PERCENT = 10  # an event every 10% of a 5 s phase: every 0.5 s

GOALS = {"p99_ms": 5.0, "max_ms": 20.0, "final_ms": 5.0, "cpu_percent": 1.0}


def dense_script(seconds: int) -> str:
    """Phases of 5 s, each with its start (bell + name) and cues at 10%, 20%, ... 90%."""
    lines = [
        "format = 1",
        'name = "Dense cue timing"',
        "",
        "[announce]",
        "countdown = 0",
        "remaining = []",
        "next = false",
        "targets = false",
        "",
    ]
    for i in range(seconds // PHASE_SECONDS):
        lines += ["[[phase]]", f'name = "Phase {i + 1}"', f"duration = {PHASE_SECONDS}"]
        lines += ["reminders = false", ""]
        for percent in range(STEP_PERCENT, 100, STEP_PERCENT):
            lines += ["  [[phase.cue]]", f'  at = "{percent}%"', f'  say = "Cue {percent}."', ""]
    return "\n".join(lines)


@dataclass
class RunResult:
    runner: str
    events: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    final_ms: float
    cpu_seconds: float
    cpu_per_session_minute: float
    cpu_percent: float
    wakeups: int
    wall_seconds: float


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def run_child(argv: list[str]) -> tuple[float, int, float]:
    """Run to the end; (user + system CPU seconds, voluntary context switches, wall seconds)."""
    started = time.monotonic()
    # The child's user folders live in a scratch dir: benchmark walks stay out of the
    # user's history and resume file.
    scratch = Path(tempfile.mkdtemp(prefix="walktimer-bench-"))
    env = dict(os.environ)
    for var in ("DATA", "STATE", "CACHE", "CONFIG"):
        env[f"XDG_{var}_HOME"] = str(scratch / var.lower())
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    if child.returncode != 0:
        raise SystemExit(f"{argv} exited with {child.returncode}")
    return usage.ru_utime + usage.ru_stime, usage.ru_nvcsw, wall


def measure(runner: str, argv: list[str], events: Path, session_seconds: float) -> RunResult:
    cpu, wakeups, wall = run_child(argv)
    lines = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    late = [float(line["late_ms"]) for line in lines]
    return RunResult(
        runner=runner,
        events=len(lines),
        p50_ms=percentile(late, 0.50),
        p99_ms=percentile(late, 0.99),
        max_ms=max(late),
        final_ms=late[-1],
        cpu_seconds=cpu,
        cpu_per_session_minute=cpu / (session_seconds / 60.0),
        cpu_percent=100.0 * cpu / session_seconds,
        wakeups=wakeups,
        wall_seconds=wall,
    )


FIGURES = (
    ("p50_ms", "late p50 (ms)", "{:.3f}"),
    ("p99_ms", "late p99 (ms)", "{:.3f}"),
    ("max_ms", "late max (ms)", "{:.3f}"),
    ("final_ms", "final event late (ms)", "{:.3f}"),
    ("cpu_per_session_minute", "CPU s per session minute", "{:.4f}"),
    ("cpu_percent", "CPU % of one core", "{:.3f}"),
    ("wakeups", "voluntary context switches", "{:.0f}"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cue timing of walktimer run --no-gui.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=120, help="session length (x5 s)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    session_seconds = float(args.seconds - args.seconds % PHASE_SECONDS)

    results: list[RunResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = folder / "dense.toml"
        script.write_text(dense_script(args.seconds), encoding="utf-8")
        walktimer = [sys.executable, "-m", "walktimer", "run", str(script), "--no-gui", "--mute"]

        reference = folder / "startup.jsonl"
        startup_cpu, startup_switches, startup_wall = run_child(
            [*walktimer, "--speed", "10000", "--events", str(reference)]
        )
        print(
            f"start-up reference (whole script at --speed 10000): {startup_cpu:.3f} s CPU, "
            f"{startup_switches} voluntary context switches, {startup_wall:.3f} s wall",
            flush=True,
        )
        for i in range(1, args.runs + 1):
            ours = folder / f"walktimer-{i}.jsonl"
            results.append(
                measure("walktimer", [*walktimer, "--events", str(ours)], ours, session_seconds)
            )
            print(f"run {i}: walktimer {asdict(results[-1])}", flush=True)
            naive = folder / f"naive-{i}.jsonl"
            naive_argv = [sys.executable, str(NAIVE), str(script), "--events", str(naive)]
            results.append(measure("naive", naive_argv, naive, session_seconds))
            print(f"run {i}: naive     {asdict(results[-1])}", flush=True)

    def median(runner: str, key: str) -> float:
        return statistics.median(float(getattr(r, key)) for r in results if r.runner == runner)

    print()
    print(
        f"{platform.node()}  {os.cpu_count()} cores  Python {platform.python_version()}  "
        f"{args.runs} runs each, {session_seconds:.0f} s session, "
        f"{results[0].events} events; medians over the runs"
    )
    header = f"{'':28}  {'walktimer':>12}  {'naive (baseline)':>16}  {'naive/walktimer':>15}"
    print(header)
    for key, label, fmt in FIGURES:
        ours, theirs = median("walktimer", key), median("naive", key)
        ratio = f"{theirs / ours:.1f}x" if ours > 0 else "-"
        print(f"{label:28}  {fmt.format(ours):>12}  {fmt.format(theirs):>16}  {ratio:>15}")
    print()
    verdicts = []
    for key, goal in GOALS.items():
        worst = max(float(getattr(r, key)) for r in results if r.runner == "walktimer")
        verdicts.append(
            f"{key} worst {worst:.3f} (goal <= {goal:g}): {'ok' if worst <= goal else 'MISSED'}"
        )
    print("\n".join(verdicts))
    print(
        f"of which start-up (the --speed 10000 reference): {startup_cpu:.3f} s CPU, "
        f"{startup_switches} context switches"
    )

    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "results": [asdict(r) for r in results],
                    "startup_cpu": startup_cpu,
                    "startup_switches": startup_switches,
                    "session_seconds": session_seconds,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
