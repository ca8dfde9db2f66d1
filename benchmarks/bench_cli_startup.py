"""How long a command-line verb takes from process start to exit, against the interpreter's
own start measured in the same run.

Run: .venv/bin/python benchmarks/bench_cli_startup.py [--repeat 21] [--compare TREE]

Each round runs `python -c pass`, `walktimer schema` and `walktimer check back-care-30`
once, in turn, with every user directory in a temporary folder. With `--compare TREE` (a
checkout's package folders, e.g. made by `git archive REV walktimer sessions assets | tar -x
-C TREE`) each round also runs the two verbs from that tree, to show what a change cost.
Medians, in ms.
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

REPO = Path(__file__).resolve().parent.parent
VERBS = {
    "schema": ["schema"],
    "check": ["check", str(REPO / "sessions" / "back-care-30.toml")],
}


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, capture_output=True, check=True, cwd=tempfile.gettempdir())
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--compare", type=Path, default=None)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home)
        for var, sub in (("XDG_DATA_HOME", "d"), ("XDG_STATE_HOME", "s"),
                         ("XDG_CACHE_HOME", "c"), ("XDG_CONFIG_HOME", "g")):  # fmt: skip
            env[var] = str(Path(home) / sub)
        other = None if options.compare is None else dict(env, PYTHONPATH=str(options.compare))
        times: dict[str, list[float]] = {}
        for _ in range(options.repeat):
            times.setdefault("python -c pass", []).append(
                _timed([sys.executable, "-c", "pass"], env)
            )
            for name, args in VERBS.items():
                command = [sys.executable, "-m", "walktimer", *args]
                times.setdefault(f"walktimer {name}", []).append(_timed(command, env))
                if other is not None:
                    times.setdefault(f"walktimer {name} ({options.compare})", []).append(
                        _timed(command, other)
                    )
    base = statistics.median(times["python -c pass"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:50s} {median:7.1f} ms  {median / base:5.2f} x python -c pass")


if __name__ == "__main__":
    main()
