"""The walktimer side of bench_gui_startup: `walktimer FILE` with a probe on the countdown.

    python benchmarks/gui_probe.py start FILE   print `painted MONOTONIC` at the run view's
                                                first paint, then close
    python benchmarks/gui_probe.py cpu FILE SECONDS
                                                start the session, let it run, print
                                                `cpu PERCENT` (of one core) over SECONDS

Either way `hwm KB` (peak resident memory) is printed at exit. The program runs exactly as
the `walktimer` command does; the probe only wraps BigClock.paintEvent and, for `cpu`,
presses Space and answers the stop question.
"""

from __future__ import annotations

import atexit
import resource
import sys
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication

from walktimer.ui import bigclock

WARM_UP = 5.0  # seconds of running session before CPU is measured


def peak_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return usage.ru_utime + usage.ru_stime


def main_window() -> Any:
    from walktimer.ui.mainwindow import MainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            return widget
    return None


def measure_cpu(seconds: float) -> None:
    window = main_window()
    run = window.run if window is not None else None
    if run is None or not run.prepared:
        QTimer.singleShot(100, lambda: measure_cpu(seconds))
        return
    window.dialogs.confirm = lambda *args: True
    window.toggle()  # Space: the 3-2-1 count, then the session
    start: dict[str, float] = {}

    def begin() -> None:
        start["cpu"], start["wall"] = cpu_seconds(), time.monotonic()
        QTimer.singleShot(int(seconds * 1000), end)

    def end() -> None:
        cpu = cpu_seconds() - start["cpu"]
        wall = time.monotonic() - start["wall"]
        print(f"cpu {100.0 * cpu / wall:.3f}", flush=True)
        QApplication.closeAllWindows()

    QTimer.singleShot(int((3.0 + WARM_UP) * 1000), begin)


def main() -> int:
    mode, file = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    atexit.register(lambda: print(f"hwm {peak_kb()}", flush=True))
    original = bigclock.BigClock.paintEvent
    painted: list[bool] = []

    def probe(self: bigclock.BigClock, event: QPaintEvent) -> None:
        original(self, event)
        if not painted and self.text():
            painted.append(True)
            print(f"painted {time.monotonic():.6f}", flush=True)
            if mode == "start":
                QTimer.singleShot(0, QApplication.closeAllWindows)
            else:
                QTimer.singleShot(0, lambda: measure_cpu(seconds))

    bigclock.BigClock.paintEvent = probe  # type: ignore[method-assign]
    from walktimer.__main__ import main as walktimer_main

    return walktimer_main([file])


if __name__ == "__main__":
    sys.exit(main())
