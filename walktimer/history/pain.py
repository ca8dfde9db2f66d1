"""The pain trend: the diary's 0-10 ratings week by week, beside the weekly minutes.

Pure functions over plain rows from `HistoryLog.diary` ((local day, before, after) of each
rated real walk). Weeks are the ISO weeks `stats.progress` shows, so the history window can
draw the trend under the same eight weeks of active minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from walktimer.history.stats import WEEKS_SHOWN, week_monday

__all__ = ["DiaryRow", "PainWeek", "pain_trend"]

DiaryRow = tuple[date, int | None, int | None]


@dataclass(frozen=True, slots=True)
class PainWeek:
    monday: date
    walks: int  # rated walks this week
    before: float | None  # mean rating before the walks (None: none rated)
    after: float | None  # mean rating after the walks
    change: float | None  # mean of after minus before, over walks rated both times

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"


def pain_trend(rows: Iterable[DiaryRow], today: date, weeks: int = WEEKS_SHOWN) -> list[PainWeek]:
    """One PainWeek for each of the `weeks` ISO weeks up to the one holding `today`, oldest
    first; rows outside them are ignored."""
    first = week_monday(today) - timedelta(weeks=weeks - 1)
    first_ordinal = first.toordinal()
    last_ordinal = today.toordinal()
    # Per week: [walks, sum before, count before, sum after, count after, sum change, count]
    sums = [[0, 0, 0, 0, 0, 0, 0] for _ in range(weeks)]
    for day, before, after in rows:
        ordinal = day.toordinal()
        if ordinal < first_ordinal or ordinal > last_ordinal:
            continue
        cell = sums[(ordinal - first_ordinal) // 7]
        cell[0] += 1
        if before is not None:
            cell[1] += before
            cell[2] += 1
        if after is not None:
            cell[3] += after
            cell[4] += 1
            if before is not None:
                cell[5] += after - before
                cell[6] += 1
    return [
        PainWeek(
            monday=first + timedelta(weeks=i),
            walks=walks,
            before=b_sum / b_count if b_count else None,
            after=a_sum / a_count if a_count else None,
            change=c_sum / c_count if c_count else None,
        )
        for i, (walks, b_sum, b_count, a_sum, a_count, c_sum, c_count) in enumerate(sums)
    ]
