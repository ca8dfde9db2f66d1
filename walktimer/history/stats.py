"""Weekly progress from the walk log: minutes per day, the weekly goal, the streak, totals.

Pure functions over plain data. The current time comes in as an argument; nothing here reads
a clock. Days are calendar days on the walker's clock: a walk counts on the local day it
started, taken from the UTC offset it was recorded with (or from a time zone passed in), so
daylight-saving changes move no walk to the wrong day. Weeks are ISO weeks (Monday to
Sunday), counted by stepping back seven days from a Monday, so a year end (2020-W53, or
29 December 2025 opening 2026-W01) is one week like any other.

The goal counts DAYS, not walks. The guidance the bundled sessions are built on asks for "at
least 30 minutes a day, five days a week", so a week meets the goal when it has at least
`Goal.days` days on each of which the walks add up to at least `Goal.minutes` active minutes.
Two 15-minute walks on one day make one goal day (the guidance is about the day's walking),
and two 30-minute walks on one day still make only one (five days spread over the week is
the point, not five walks). Counting walks instead ("five walks of 30 minutes") would let
two long walks on a weekend count double and miss a day split into a morning and an
evening walk. Every text shown to the walker says so: "30+ minutes of walking on 5 days a
week" (`Goal.text`), with `Goal.rule` spelling out how a day counts.

Only real walks count. A run on a sped-up clock (`walktimer run --speed 60`, for demos and
tests) is kept in the history marked as a demo, but it adds no minutes to a day, no goal
day, no streak and no total (`counts`; the log's queries apply the same rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

__all__ = [
    "DEFAULT_GOAL",
    "WEEKS_SHOWN",
    "DayStats",
    "Goal",
    "WeekStats",
    "WeeklyProgress",
    "counts",
    "daily_totals",
    "local_day",
    "progress",
    "week_monday",
]

WEEKS_SHOWN = 8
MAX_GOAL_MINUTES = 24 * 60
REAL_SPEED = 1.0


def counts(speed: float) -> bool:
    """Whether a walk run at this clock speed counts: only real time does, never a demo."""
    return speed == REAL_SPEED


@dataclass(frozen=True, slots=True)
class Goal:
    """At least `minutes` active minutes a day (all walks of the day together) on at least
    `days` days a week."""

    days: int = 5
    minutes: int = 30

    def __post_init__(self) -> None:
        if not 1 <= self.days <= 7:
            raise ValueError("the goal is between 1 and 7 days a week")
        if not 1 <= self.minutes <= MAX_GOAL_MINUTES:
            raise ValueError(f"the goal is between 1 and {MAX_GOAL_MINUTES} minutes a day")

    @property
    def seconds(self) -> float:
        return self.minutes * 60.0

    @property
    def text(self) -> str:
        """ "30+ minutes of walking on 5 days a week" """
        days = "day" if self.days == 1 else "days"
        return f"{self.minutes}+ minutes of walking on {self.days} {days} a week"

    @property
    def rule(self) -> str:
        """How a day and a week count, in one sentence."""
        return (
            f"A day counts when its walks add up to {self.minutes} minutes or more; "
            f"a week meets the goal with {self.days} such "
            f"{'day' if self.days == 1 else 'days'}."
        )


DEFAULT_GOAL = Goal()


@dataclass(frozen=True, slots=True)
class DayStats:
    day: date
    active_seconds: float
    meets_goal: bool
    future: bool  # after today: nothing could have happened yet

    @property
    def minutes(self) -> float:
        return self.active_seconds / 60.0


@dataclass(frozen=True, slots=True)
class WeekStats:
    monday: date
    days: tuple[DayStats, ...]  # Monday..Sunday
    goal: Goal

    @property
    def iso(self) -> tuple[int, int]:
        year, week, _ = self.monday.isocalendar()
        return year, week

    @property
    def label(self) -> str:
        year, week = self.iso
        return f"{year}-W{week:02d}"

    @property
    def active_seconds(self) -> float:
        return sum(d.active_seconds for d in self.days)

    @property
    def goal_days(self) -> int:
        """Days this week that reached the daily minutes."""
        return sum(1 for d in self.days if d.meets_goal)

    @property
    def met(self) -> bool:
        return self.goal_days >= self.goal.days


@dataclass(frozen=True, slots=True)
class WeeklyProgress:
    today: date
    goal: Goal
    weeks: tuple[WeekStats, ...]  # oldest first; the last is the current week
    streak: int  # weeks in a row meeting the goal (the current week counts once it is met)
    best_streak: int
    total_walks: int
    total_active_seconds: float
    first_day: date | None
    days: tuple[DayStats, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "days", tuple(d for w in self.weeks for d in w.days))

    @property
    def current_week(self) -> WeekStats:
        return self.weeks[-1]

    @property
    def shown_active_seconds(self) -> float:
        return sum(w.active_seconds for w in self.weeks)

    @property
    def max_day_seconds(self) -> float:
        return max((d.active_seconds for d in self.days), default=0.0)


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_day(started: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day a walk started on: in `tz`, or on the walker's own clock."""
    if started.utcoffset() is None:
        raise ValueError("a walk's start time must carry its UTC offset")
    return (started.astimezone(tz) if tz is not None else started).date()


def daily_totals(
    walks: Iterable[tuple[datetime, float] | tuple[datetime, float, float]],
    tz: tzinfo | None = None,
) -> dict[date, float]:
    """Active seconds per local day from (start, active seconds) pairs, or (start, active
    seconds, clock speed) triples, of which demos (speed other than 1) are left out."""
    out: dict[date, float] = {}
    for walk in walks:
        if len(walk) == 3 and not counts(walk[2]):
            continue
        started, seconds = walk[0], walk[1]
        day = local_day(started, tz)
        out[day] = out.get(day, 0.0) + float(seconds)
    return out


def _week(monday: date, daily: Mapping[date, float], goal: Goal, today: date) -> WeekStats:
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        seconds = daily.get(day, 0.0)
        days.append(DayStats(day, seconds, seconds >= goal.seconds, day > today))
    return WeekStats(monday, tuple(days), goal)


def _streaks(daily: Mapping[date, float], goal: Goal, today: date) -> tuple[int, int]:
    """(current streak, best streak) in weeks. Works on day ordinals: 1 January of year 1,
    ordinal 1, was a Monday, so a day's Monday is `o - (o - 1) % 7`."""
    last = today.toordinal()
    needed = goal.seconds
    per_week: dict[int, int] = {}
    for day, seconds in daily.items():
        if seconds >= needed:
            o = day.toordinal()
            if o <= last:
                monday = o - (o - 1) % 7
                per_week[monday] = per_week.get(monday, 0) + 1
    met = {monday for monday, count in per_week.items() if count >= goal.days}
    best = run = 0
    previous: int | None = None
    for monday in sorted(met):
        run = run + 1 if previous is not None and monday - previous == 7 else 1
        best = max(best, run)
        previous = monday
    # The current week, still under way, does not break a streak until it is over.
    this_monday = last - (last - 1) % 7
    monday = this_monday if this_monday in met else this_monday - 7
    current = 0
    while monday in met:
        current += 1
        monday -= 7
    return current, best


def progress(
    daily: Mapping[date, float],
    today: date,
    goal: Goal = DEFAULT_GOAL,
    *,
    total_walks: int = 0,
    total_active_seconds: float | None = None,
    first_day: date | None = None,
    weeks: int = WEEKS_SHOWN,
) -> WeeklyProgress:
    """The last `weeks` ISO weeks up to the one holding `today`, the streak and totals.

    `daily` maps local days to active seconds and should reach back over the whole history
    (the streak can be longer than the weeks shown); days after `today` are ignored.
    """
    if weeks < 1:
        raise ValueError("show at least one week")
    past = (
        daily
        if all(day <= today for day in daily)
        else {day: seconds for day, seconds in daily.items() if day <= today}
    )
    first_monday = week_monday(today) - timedelta(weeks=weeks - 1)
    shown = tuple(_week(first_monday + timedelta(weeks=i), past, goal, today) for i in range(weeks))
    current, best = _streaks(past, goal, today)
    return WeeklyProgress(
        today=today,
        goal=goal,
        weeks=shown,
        streak=current,
        best_streak=best,
        total_walks=total_walks,
        total_active_seconds=(
            total_active_seconds if total_active_seconds is not None else sum(past.values())
        ),
        first_day=first_day if first_day is not None else min(past, default=None),
    )
