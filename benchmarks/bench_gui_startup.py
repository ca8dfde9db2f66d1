"""Window start-up and running cost under Xvfb, against a bare PySide6 window.

    .venv/bin/python benchmarks/bench_gui_startup.py [--runs N] [--cpu-seconds S]

Starts its own Xvfb (1280x800) on a free display. Then, alternating, N times each:

  (a) benchmarks/bare_window.py            a QMainWindow with one big label: the floor
  (b) benchmarks/gui_probe.py start FILE   `walktimer FILE` (the bundled 30-minute session)

and reports the median time from process start (just before the parent spawns it) to the
first paint of the label / the run view's countdown, the median peak resident memory of the
process, and the ratios (b)/(a). Goals: at most 1.5x the time and 1.3x the memory.

Then `gui_probe.py cpu` starts the session and measures the CPU time of the whole walktimer
process (all its threads) over S seconds of a running session on screen at the default
display refresh. Goal: under 2 % of one core.

Each run gets the same fresh user folders (settings, cache, history), so after a first,
uncounted round the speech cache is warm, as it is for a walker's second session.

walktimer's own modules are compiled to bytecode first, as installing the package does: the
bare window's PySide6 and the standard library come compiled, and with PYTHONDONTWRITEBYTECODE
set (or a read-only tree) an uncompiled walktimer would pay for compiling its source on
every start, which no installed walktimer does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TIME_GOAL = 1.5
MEMORY_GOAL = 1.3
CPU_GOAL = 2.0


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("Xvfb is missing: run scripts/setup-system.sh")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read, 16)
        if not chunk:
            server.kill()
            raise SystemExit("Xvfb did not start")
        number += chunk
    os.close(read)
    return server, f":{number.decode().strip()}"


def run_child(args: list[str], env: dict[str, str], timeout: float) -> dict[str, float]:
    """Start a probe; its `painted`, `cpu` and `hwm` lines, with `startup` in seconds."""
    began = time.monotonic()
    child = subprocess.run(
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"{args[0]} failed ({child.returncode}):\n{child.stderr[-2000:]}")
    found: dict[str, float] = {}
    for line in child.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key in ("painted", "cpu", "hwm"):
            found[key] = float(value)
    if "painted" in found:
        found["startup"] = found["painted"] - began
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cpu-seconds", type=float, default=30.0)
    args = parser.parse_args()

    from walktimer.resources import bundled_session

    session = str(bundled_session())
    if not compileall.compile_dir(REPO / "walktimer", quiet=1):
        raise SystemExit("walktimer's modules did not compile to bytecode")
    server, display = start_xvfb()
    home = Path(tempfile.mkdtemp(prefix="walktimer-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(home / var.lower())
    bare_cmd = [str(HERE / "bare_window.py")]
    walk_cmd = [str(HERE / "gui_probe.py"), "start", session]
    try:
        # One uncounted round: fills the disk cache and walktimer's speech cache.
        run_child(bare_cmd, env, 60)
        run_child(walk_cmd, env, 120)
        bare: list[dict[str, float]] = []
        walk: list[dict[str, float]] = []
        for _ in range(args.runs):
            bare.append(run_child(bare_cmd, env, 60))
            walk.append(run_child(walk_cmd, env, 120))
        cpu = run_child(
            [str(HERE / "gui_probe.py"), "cpu", session, str(args.cpu_seconds)],
            env,
            args.cpu_seconds + 120,
        )
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(home, ignore_errors=True)

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    bare_ms, walk_ms = median(bare, "startup") * 1000, median(walk, "startup") * 1000
    bare_mb, walk_mb = median(bare, "hwm") / 1024, median(walk, "hwm") / 1024
    time_ratio, memory_ratio = walk_ms / bare_ms, walk_mb / bare_mb
    print(f"Xvfb {display}, 1280x800; medians of {args.runs} runs each, alternating")
    print()
    print("| | bare PySide6 window | walktimer FILE | ratio | goal |")
    print("|---|---|---|---|---|")
    print(
        f"| start to first paint | {bare_ms:.0f} ms | {walk_ms:.0f} ms | "
        f"{time_ratio:.2f} x | <= {TIME_GOAL} x |"
    )
    print(
        f"| peak resident memory | {bare_mb:.1f} MiB | {walk_mb:.1f} MiB | "
        f"{memory_ratio:.2f} x | <= {MEMORY_GOAL} x |"
    )
    print()
    print(
        f"CPU of the walktimer process over {args.cpu_seconds:.0f} s of a running session: "
        f"{cpu['cpu']:.2f} % of one core (goal < {CPU_GOAL} %); its peak memory "
        f"{cpu['hwm'] / 1024:.1f} MiB"
    )
    ok = time_ratio <= TIME_GOAL and memory_ratio <= MEMORY_GOAL and cpu["cpu"] < CPU_GOAL
    print("all goals met" if ok else "a goal was missed (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
