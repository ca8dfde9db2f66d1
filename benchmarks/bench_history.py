"""How fast the walk log is with ten thousand walks: inserting, and the 8-week statistics.

Run: .venv/bin/python benchmarks/bench_history.py [--walks 10000] [--repeat 41]

It builds a fresh history in a temporary folder (never the user's), inserts the walks
(three phases each) in one transaction and, separately, 200 walks one transaction each as
a session end does; then it times what the history view and `walktimer history` compute
(minutes per local day over the whole history, the totals, and the 8 weeks with goal and
streak) against a plain `SELECT COUNT(*)` measured in the same run, and what opening the
log costs. Medians, in ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from walktimer.history.log import HistoryLog, LoggedPhase, PhaseResult, Walk, WalkEnd
from walktimer.history.pain import PainWeek, pain_trend
from walktimer.history.stats import WEEKS_SHOWN, WeeklyProgress, progress, week_monday

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = datetime(2026, 3, 4, 12, 0, tzinfo=BERLIN)


def make_walks(count: int, seed: int = 7) -> list[Walk]:
    """`count` walks over the years before TODAY, one or two a day, 10 to 60 minutes."""
    rng = random.Random(seed)
    walks = []
    moment = TODAY - timedelta(days=count * 0.7)
    for i in range(count):
        moment += timedelta(hours=rng.uniform(6, 28))
        active = rng.uniform(10, 60) * 60
        rated = rng.random() < 0.8
        before = rng.randint(0, 8) if rated else None
        after = max(0, min(10, before + rng.randint(-3, 2))) if before is not None else None
        walks.append(
            Walk(
                started=moment.astimezone(BERLIN),
                script_name=rng.choice(["Back-care walk", "Beginner walk", "Backward walking"]),
                script_path="/home/walker/.local/share/walktimer/sessions/back.toml",
                script_sha256=f"{rng.getrandbits(256):064x}",
                planned_seconds=1800.0,
                active_seconds=active,
                ended=WalkEnd.FINISHED if rng.random() < 0.9 else WalkEnd.STOPPED,
                phases=(
                    LoggedPhase(0, "Warm-up", PhaseResult.DONE, 0.0, 300.0),
                    LoggedPhase(1, "Brisk walk", PhaseResult.EXTENDED, 60.0, active - 600),
                    LoggedPhase(2, "Cool-down", PhaseResult.DONE, 0.0, 300.0),
                ),
                run_id=f"bench-{i}",
                pain_before=before,
                pain_after=after,
                note="stiff at first" if rated and rng.random() < 0.2 else "",
            )
        )
    return walks


def stats_query(history: HistoryLog) -> WeeklyProgress:
    """What the history view computes each time it opens."""
    count, active, first = history.totals()
    return progress(
        history.daily_active(),
        TODAY.date(),
        total_walks=count,
        total_active_seconds=active,
        first_day=first.date() if first else None,
    )


def stats_with_pain(history: HistoryLog) -> tuple[WeeklyProgress, list[PainWeek]]:
    """The 8-week stats and, beside them, the pain trend of the same eight weeks."""
    stats = stats_query(history)
    since = week_monday(TODAY.date()) - timedelta(weeks=WEEKS_SHOWN - 1)
    return stats, pain_trend(history.diary(since), TODAY.date())


def paired_ms(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[float, float, float]:
    """Medians of `first` and `second` timed one after the other in each round, and the
    median of their per-round ratio second / first."""
    a_times, b_times, ratios = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        first()
        middle = time.perf_counter()
        second()
        end = time.perf_counter()
        a_times.append((middle - start) * 1000)
        b_times.append((end - middle) * 1000)
        ratios.append((end - middle) / (middle - start))
    return statistics.median(a_times), statistics.median(b_times), statistics.median(ratios)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=41)
    args = parser.parse_args(argv)

    walks = make_walks(args.walks)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        with HistoryLog(path) as history:
            start = time.perf_counter()
            history.add_many(walks)
            bulk_ms = (time.perf_counter() - start) * 1000

            single = make_walks(200, seed=8)
            single = [
                Walk(**{**{f: getattr(w, f) for f in w.__slots__}, "run_id": f"one-{i}"})
                for i, w in enumerate(single)
            ]
            each = []
            for walk in single:
                start = time.perf_counter()
                history.add(walk)
                each.append((time.perf_counter() - start) * 1000)

            total = history.count()
            result = stats_query(history)
            count_ms = median_ms(
                lambda: history.conn.execute("SELECT COUNT(*) FROM walks").fetchone(),
                args.repeat,
            )
            stats_ms = median_ms(lambda: stats_query(history), args.repeat)
            # Interleaved, so both see the same load on a shared machine: the ratio is the
            # median of each pair's ratio.
            stats_alone, pain_ms, pain_ratio = paired_ms(
                lambda: stats_query(history), lambda: stats_with_pain(history), args.repeat
            )
            trend_only_ms = median_ms(
                lambda: pain_trend(
                    history.diary(week_monday(TODAY.date()) - timedelta(weeks=WEEKS_SHOWN - 1)),
                    TODAY.date(),
                ),
                args.repeat,
            )
            rated_weeks = sum(1 for week in stats_with_pain(history)[1] if week.walks)
            recent_ms = median_ms(lambda: history.walks(50), args.repeat)
        # Every reader and writer opens the log afresh: connect, WAL, quick_check, version.
        open_ms = median_ms(lambda: HistoryLog(path).close(), args.repeat)
        size_kib = path.stat().st_size / 1024 if path.exists() else 0.0

    print(f"walks in the history:              {total}")
    print(f"database size:                     {size_kib:,.0f} KiB")
    print(f"insert {args.walks} walks, one transaction: {bulk_ms:8.1f} ms total")
    print(f"insert one walk (its own transaction): {statistics.median(each):6.2f} ms median")
    print(f"SELECT COUNT(*) (baseline):        {count_ms:8.3f} ms median")
    print(f"8-week stats (days, totals, streak): {stats_ms:6.3f} ms median")
    print(f"8-week stats, paired run:          {stats_alone:8.3f} ms median")
    print(f"8-week stats + pain trend, paired: {pain_ms:8.3f} ms median")
    print(f"(stats + pain) / stats, per pair:  {pain_ratio:8.2f} x  (goal <= 1.5 x)")
    print(f"pain trend alone (diary + weeks):  {trend_only_ms:8.3f} ms median")
    print(f"(weeks with rated walks: {rated_weeks} of {WEEKS_SHOWN})")
    print(f"50 most recent walks with phases:  {recent_ms:8.3f} ms median")
    print(f"open the log (with quick_check):   {open_ms:8.3f} ms median")
    print(f"stats / COUNT(*):                  {stats_ms / count_ms:8.1f} x")
    print(
        f"(streak {result.streak} weeks, {len(result.days)} days shown, "
        f"{result.total_walks} walks; median of {args.repeat} runs; "
        f"Python {sys.version.split()[0]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
