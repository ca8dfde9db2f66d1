"""Start-up time and peak memory of the terminal runner for a 24-hour phase full of cues.

A 24-hour phase with 1, 10 and 100 `every = 1` cues (8.6 million events at 100) is run with
`walktimer run FILE --no-gui --mute`, next to the bundled back-care-30 (the BASELINE, 93
events) in the same run, the scripts taking turns, `--runs` times each. For every run: the
time from just before the process is started to the first fired event (the first event line
it prints), the same to the first cue of the 24-hour scripts (due 1 s after the start, so
about 1 s more when on time), and the process's peak RSS (from its rusage) when it has run
`--hold` seconds past its first event; then it is stopped with SIGTERM. Medians over the
runs, and each script's median against back-care-30's. Goal: the 100-cue script within 1.2x
of back-care-30 for both.

Each run gets its own empty data, state and cache folders, so no resume file or history of
the user's is read or written. `--checkout DIR` runs the walktimer package found in DIR (a
source tree, e.g. an older commit unpacked with `git archive`) instead, for a before/after
comparison; an address-space limit (`--limit-gb`) keeps a run that lays out every event
from taking the machine's memory.

    .venv/bin/python benchmarks/bench_timeline.py                 # about 2 minutes
    .venv/bin/python benchmarks/bench_timeline.py --runs 1 --hold 1   # a smoke run
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.2
BASELINE = "back-care-30"
CUES = (1, 10, 100)


def day_script(cues: int) -> str:
    """One 24-hour phase with `cues` cues every second."""
    lines = ["format = 1", f'name = "A day with {cues} cues"', "", "[[phase]]", 'name = "Day"']
    lines += ['duration = "24h"', ""]
    for i in range(cues):
        lines += ["  [[phase.cue]]", "  every = 1", f'  say = "Cue {i + 1}."', ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Run:
    first_event: float | None  # seconds from process start; None: none within the timeout
    first_cue: float | None
    peak_mb: float
    status: str


def run_once(
    target: str, scratch: Path, *, hold: float, timeout: float, checkout: Path | None, limit: int
) -> Run:
    env = dict(os.environ)
    for var in ("DATA", "STATE", "CACHE", "CONFIG"):
        env[f"XDG_{var}_HOME"] = str(scratch / var.lower())
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    argv = [sys.executable, "-m", "walktimer", "run", "--no-gui", "--mute", target]

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.monotonic()
    child = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=env, cwd=scratch, preexec_fn=limit_memory,  # noqa: PLW1509 (one thread here)
    )  # fmt: skip
    assert child.stdout is not None
    first_event = first_cue = None
    stop_at = started + timeout
    fd = child.stdout.fileno()
    pending = b""
    while True:
        left = stop_at - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 1 << 16)  # unbuffered: each line is seen as soon as it is written
        if not chunk:
            break  # the process ended
        now = time.monotonic() - started
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            # Event lines start with the planned time, h:mm:ss.
            if not (line[:1].isdigit() and b":" in line[:8]):
                continue
            if first_event is None:
                first_event = now
                stop_at = time.monotonic() + hold  # run on a while, for the peak memory
            if b"  cue  " in line and first_cue is None:
                first_cue = now
    # os.kill, not child.send_signal: that polls first, and would reap a child that already
    # ended (a run that ran out of memory) before wait4 can read its rusage.
    os.kill(child.pid, signal.SIGTERM)
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        child.stdout.close()
    code = os.waitstatus_to_exitcode(status)
    return Run(first_event, first_cue, usage.ru_maxrss / 1024, f"exit {code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--hold", type=float, default=3.0, help="seconds to run on after the first event"
    )
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--checkout", type=Path, help="a source tree to run instead")
    parser.add_argument("--limit-gb", type=float, default=3.0, help="address-space limit per run")
    parser.add_argument("--cues", type=int, nargs="*", default=list(CUES))
    args = parser.parse_args()
    limit = int(args.limit_gb * 1024**3)

    with tempfile.TemporaryDirectory(prefix="bench-timeline-") as tmp:
        folder = Path(tmp)
        targets = {BASELINE: BASELINE}
        for cues in args.cues:
            path = folder / f"day-{cues}.toml"
            path.write_text(day_script(cues), encoding="utf-8")
            targets[f"24 h, {cues} cue{'s' if cues != 1 else ''}"] = str(path)
        results: dict[str, list[Run]] = {name: [] for name in targets}
        for n in range(args.runs):
            for name, target in targets.items():
                scratch = folder / f"run-{n}-{len(results[name])}-{abs(hash(name))}"
                scratch.mkdir()
                run = run_once(
                    target, scratch, hold=args.hold, timeout=args.timeout,
                    checkout=args.checkout, limit=limit,
                )  # fmt: skip
                results[name].append(run)

    source = args.checkout or ROOT
    print(f"walktimer from {source}; Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"{args.runs} runs each, medians; peak RSS {args.hold:g} s after the first event")
    print()

    def median(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return statistics.median(present) if len(present) == len(values) else None

    base = results[BASELINE]
    base_start = median([r.first_event for r in base])
    base_rss = median([r.peak_mb for r in base])
    print("| script | first event | first cue | peak RSS | start / baseline | RSS / baseline |")
    print("|---|---|---|---|---|---|")
    verdict = None
    for name, runs in results.items():
        start = median([r.first_event for r in runs])
        cue = median([r.first_cue for r in runs])
        rss = median([r.peak_mb for r in runs])
        start_ratio = start / base_start if start is not None and base_start else None
        rss_ratio = rss / base_rss if rss is not None and base_rss else None

        def ms(value: float | None) -> str:
            return "none" if value is None else f"{value * 1000:.0f} ms"

        def x(value: float | None) -> str:
            return "-" if value is None else f"{value:.2f} x"

        label = f"{name} (baseline)" if name == BASELINE else name
        cells = [label, ms(start), ms(cue), f"{rss:.0f} MB", x(start_ratio), x(rss_ratio)]
        print("| " + " | ".join(cells) + " |")
        failed = sorted({r.status for r in runs if r.first_event is None})
        if failed:
            print(
                f"  ({name}: no event within {args.timeout:g} s in some runs: {', '.join(failed)})"
            )
        if name.endswith(f"{max(args.cues)} cues"):
            verdict = (
                start_ratio is not None and start_ratio <= GOAL
                and rss_ratio is not None and rss_ratio <= GOAL
            )  # fmt: skip
    print()
    print(f"goal: the {max(args.cues)}-cue script within {GOAL}x of {BASELINE} for both:",
          "met" if verdict else "NOT met")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
