"""How long `walktimer import` takes, and how much memory, to refuse an oversized .zwo.

Run: .venv/bin/python benchmarks/bench_zwo_refusal.py [--events 86000] [--repeat 3]

It writes, in a temporary folder, a workout under the 5 MiB size limit whose one 24-hour
block holds `--events` text events (about 4 MiB for 86,000), and a typical 30-block workout
(93 text events, bench_zwo's generator) as the baseline. Each is imported by
`python -m walktimer import FILE -o -` in a fresh process, alternating, `--repeat` times;
it prints the median wall time and peak RSS (from wait4) of each, the exit status and the
first line of the error, and the ratios of the refusal to the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_zwo import make_workout


def many_events(events: int) -> bytes:
    parts = ['<workout_file><name>Many</name><workout><SteadyState Duration="86400" Power="0.5">']
    parts += [f'<textevent timeoffset="{i}" message="E{i}"/>' for i in range(events)]
    parts.append("</SteadyState></workout></workout_file>")
    return "\n".join(parts).encode()


def run(path: Path) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MiB, exit status, first line of stderr) of one import."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "walktimer", "import", str(path), "-o", "-"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    err = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    first = err.splitlines()[0] if err else ""
    return elapsed, usage.ru_maxrss / 1024, process.returncode, first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=86_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "many.zwo"
        big.write_bytes(many_events(args.events))
        typical = Path(folder) / "typical.zwo"
        typical.write_bytes(make_workout(30))
        results: dict[str, list[tuple[float, float, int, str]]] = {"typical": [], "many": []}
        for _ in range(args.repeat):
            results["typical"].append(run(typical))
            results["many"].append(run(big))
        print(f"many.zwo: {args.events} text events, {big.stat().st_size / 2**20:.1f} MiB")
        medians = {}
        for name, runs in results.items():
            seconds = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            medians[name] = (seconds, rss)
            print(f"{name:8} {seconds:7.2f} s  {rss:7.0f} MiB peak RSS  exit {runs[0][2]}")
            print(f"         {runs[0][3][:150]}")
        ratio_t = medians["many"][0] / medians["typical"][0]
        ratio_m = medians["many"][1] / medians["typical"][1]
        print(f"refusal / typical import: {ratio_t:.2f} x time, {ratio_m:.2f} x peak RSS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
