"""The floor for bench_gui_startup: a bare PySide6 window showing one big label.

    python benchmarks/bare_window.py

Prints `painted MONOTONIC` when the label is first painted, then closes; `hwm KB` (the peak
resident memory) at exit. CLOCK_MONOTONIC is shared by every process on Linux, so the parent
subtracts its own start time.
"""

from __future__ import annotations

import atexit
import sys
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def peak_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class Digits(QLabel):
    painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            print(f"painted {time.monotonic():.6f}", flush=True)
            QTimer.singleShot(0, QApplication.closeAllWindows)


def main() -> int:
    atexit.register(lambda: print(f"hwm {peak_kb()}", flush=True))
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    label = Digits("12:34")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    font = QFont()
    font.setPixelSize(300)
    label.setFont(font)
    window.setCentralWidget(label)
    window.resize(1280, 800)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
