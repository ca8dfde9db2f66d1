"""The pain trend week by week, for the history's eight weeks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from walktimer.history.log import HistoryLog, Walk, WalkEnd
from walktimer.history.pain import pain_trend

TODAY = date(2026, 1, 7)  # a Wednesday in 2026-W02


def test_each_of_the_eight_weeks_has_its_means() -> None:
    rows = [
        (date(2025, 11, 1), 9, 9),  # before the eight weeks: ignored
        (date(2025, 12, 29), 6, 4),  # 2026-W01 starts on Monday 29 December
        (date(2026, 1, 2), 4, None),
        (date(2026, 1, 5), None, 3),
        (date(2026, 1, 8), 1, 1),  # after today: ignored
    ]
    weeks = pain_trend(rows, TODAY)
    assert len(weeks) == 8
    assert weeks[-1].label == "2026-W02"
    assert weeks[-2].label == "2026-W01"
    assert weeks[0].label == "2025-W47"
    w1 = weeks[-2]
    assert (w1.walks, w1.before, w1.after, w1.change) == (2, 5.0, 4.0, -2.0)
    w2 = weeks[-1]
    assert (w2.walks, w2.before, w2.after, w2.change) == (1, None, 3.0, None)
    assert all(w.walks == 0 and w.before is None for w in weeks[:-2])


def test_the_trend_comes_from_the_logged_diary(tmp_path: Path) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        for day, before, after in [(5, 5, 3), (6, 4, 2)]:
            history.add(
                Walk(datetime(2026, 1, day, 23, 30, tzinfo=berlin), "w", None, None, 1.0, 1.0,
                     WalkEnd.FINISHED, pain_before=before, pain_after=after)
            )  # fmt: skip
        weeks = pain_trend(history.diary(), TODAY)
    assert (weeks[-1].walks, weeks[-1].before, weeks[-1].after) == (2, 4.5, 2.5)
