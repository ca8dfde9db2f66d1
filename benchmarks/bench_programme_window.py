"""Today's walk and the pain trend in the window, over a 10,000-walk history with a diary.

    .venv/bin/python benchmarks/bench_programme_window.py [--runs N]

1. Opening the library (`walktimer` with no file) under its own Xvfb, alternating N times
   each: with a programme followed, and without one, over the same 10,000-walk history
   (80 % of the walks rated before and after). Reported: the median time from process start
   to the library's first paint (goal: with a programme within 1.1x of without), and, with
   the programme, to today's walk being shown in the library.
2. In this process (offscreen): the history window's 8-week chart over the same history,
   as it is drawn on opening: reading the days, computing the weeks and painting the chart;
   against the same plus the pain trend (reading the diary, the weekly means, painting the
   trend). Median of N x 5 rounds each; goal: within +50 %.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_gui_startup import start_xvfb  # noqa: E402

OPEN_GOAL = 1.1
CHART_GOAL = 1.5
WALKS = 10_000


def user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(home / var.lower())
    return env


def set_env(home: Path) -> None:
    os.environ.update(user_env(home))


def setup(home: Path, programme: bool) -> None:
    """(child) The history of WALKS walks, and the programme followed when asked."""
    set_env(home)
    from bench_history import TODAY, make_walks

    from walktimer.history.log import HistoryLog
    from walktimer.programmes.store import Programmes
    from walktimer.ui.settings import Settings

    with HistoryLog() as history:
        history.add_many(make_walks(WALKS))
    if programme:
        Programmes().start("back-care-start", TODAY.date())
    from PySide6.QtCore import QCoreApplication

    QCoreApplication([])
    settings = Settings()
    settings.safety_acknowledged = True  # the same library in both: no first-run banner
    settings.sync()


def probe() -> int:
    """(child) `walktimer` opening on its library; prints `painted T` at the library's first
    paint and `today T` once today's walk is shown (or at once without a programme)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QApplication

    from walktimer.ui import library

    original = library.LibraryView.paintEvent
    painted: list[bool] = []

    def check_today() -> None:
        from walktimer.ui.mainwindow import MainWindow

        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        today = window.today
        if today is None:
            QTimer.singleShot(1, check_today)
            return
        print(f"today {time.monotonic():.6f}", flush=True)
        QApplication.closeAllWindows()

    def paint(self: library.LibraryView, event: QPaintEvent) -> None:
        original(self, event)
        if not painted:
            painted.append(True)
            print(f"painted {time.monotonic():.6f}", flush=True)
            QTimer.singleShot(0, check_today)

    library.LibraryView.paintEvent = paint  # type: ignore[method-assign]
    from walktimer.__main__ import main as walktimer_main

    return walktimer_main([])


def run_probe(env: dict[str, str]) -> dict[str, float]:
    began = time.monotonic()
    child = subprocess.run(
        [sys.executable, __file__, "--probe"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"the probe failed ({child.returncode}):\n{child.stderr[-2000:]}")
    found = {}
    for line in child.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key in ("painted", "today"):
            found[key] = float(value) - began
    return found


def chart_rounds(home: Path, rounds: int) -> tuple[list[float], list[float]]:
    """(in this process) The chart as the history window draws it, without and with the
    pain trend."""
    set_env(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench_history import TODAY
    from PySide6.QtWidgets import QApplication

    from walktimer.history.goal import load_goal
    from walktimer.history.log import HistoryLog
    from walktimer.history.pain import pain_trend
    from walktimer.history.stats import WEEKS_SHOWN, progress
    from walktimer.ui.history_view import DayChart, PainChart

    app = QApplication.instance() or QApplication([])
    chart = DayChart()
    chart.resize(900, 260)
    pain = PainChart(chart)
    pain.resize(900, 110)
    goal = load_goal()
    today = TODAY.date()

    def days() -> None:
        with HistoryLog() as history:
            daily = history.daily_active()
        chart.set_progress(progress(daily, today, goal))
        chart.grab()

    def with_pain() -> None:
        with HistoryLog() as history:
            daily = history.daily_active()
            from datetime import timedelta

            diary = history.diary(since=today - timedelta(weeks=WEEKS_SHOWN + 1))
        chart.set_progress(progress(daily, today, goal))
        pain.set_weeks(pain_trend(diary, today))
        chart.grab()
        pain.grab()

    plain: list[float] = []
    trend: list[float] = []
    days()
    with_pain()  # warm
    for _ in range(rounds):
        for kind, out in ((days, plain), (with_pain, trend)):
            began = time.perf_counter()
            kind()
            out.append(time.perf_counter() - began)
    app.processEvents()
    return plain, trend


def main() -> int:
    if "--probe" in sys.argv:
        return probe()
    if "--setup" in sys.argv:
        setup(Path(sys.argv[2]), sys.argv[3] == "programme")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="walktimer-bench-programme-"))
    homes = {"none": root / "none", "programme": root / "programme"}
    for kind, home in homes.items():
        subprocess.run(
            [sys.executable, __file__, "--setup", str(home), kind],
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            check=True,
        )
    server, display = start_xvfb()
    rows: dict[str, list[dict[str, float]]] = {"none": [], "programme": []}
    try:
        for home in homes.values():  # one uncounted round each: disk caches warm
            run_probe({**user_env(home), "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
        for _ in range(args.runs):
            for kind, home in homes.items():
                env = {**user_env(home), "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
                rows[kind].append(run_probe(env))
    finally:
        server.terminate()
        server.wait(10)
    plain, trend = chart_rounds(homes["programme"], args.runs * 5)
    shutil.rmtree(root, ignore_errors=True)

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in rows[kind]) * 1000

    none_ms, prog_ms = median("none", "painted"), median("programme", "painted")
    today_ms = median("programme", "today")
    plain_ms, trend_ms = statistics.median(plain) * 1000, statistics.median(trend) * 1000
    print(f"Xvfb {display}, {WALKS} walks with a diary; medians of {args.runs} runs, alternating")
    print()
    print("| | without a programme | with a programme | ratio | goal |")
    print("|---|---|---|---|---|")
    print(
        f"| start to the library's first paint | {none_ms:.0f} ms | {prog_ms:.0f} ms | "
        f"{prog_ms / none_ms:.2f} x | <= {OPEN_GOAL} x |"
    )
    print(f"| start to today's walk shown | — | {today_ms:.0f} ms | | |")
    print()
    print("| | the 8-week chart | with the pain trend | ratio | goal |")
    print("|---|---|---|---|---|")
    print(
        f"| read, compute, paint (median of {len(plain)}) | {plain_ms:.1f} ms | "
        f"{trend_ms:.1f} ms | {trend_ms / plain_ms:.2f} x | <= {CHART_GOAL} x |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
