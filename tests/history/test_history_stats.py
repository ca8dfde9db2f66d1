"""Weekly progress for hand-built histories: year ends, daylight-saving changes, streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walktimer.history.goal import goal_path, load_goal, parse_goal, save_goal
from walktimer.history.stats import (
    DEFAULT_GOAL,
    Goal,
    counts,
    daily_totals,
    local_day,
    progress,
    week_monday,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HALF_HOUR = 30 * 60.0


def days_of(*days: date, seconds: float = HALF_HOUR) -> dict[date, float]:
    return dict.fromkeys(days, seconds)


# --- days -------------------------------------------------------------------------------------


def test_a_walk_counts_on_the_local_day_it_started_across_the_autumn_change() -> None:
    walks = [
        # 00:15 summer time on 27 October is 22:15 UTC on the 26th.
        (datetime(2024, 10, 27, 0, 15, tzinfo=BERLIN), 20 * 60.0),
        # 23:50 winter time the same day is 22:50 UTC: still the 27th.
        (datetime(2024, 10, 27, 23, 50, tzinfo=BERLIN), 10 * 60.0),
        # 23:30 summer time on the 26th.
        (datetime(2024, 10, 26, 23, 30, tzinfo=BERLIN), 5 * 60.0),
    ]
    assert daily_totals(walks) == {date(2024, 10, 27): 1800.0, date(2024, 10, 26): 300.0}
    # The same walks read in Berlin's zone land on the same days.
    utc = [(moment.astimezone(UTC), seconds) for moment, seconds in walks]
    assert daily_totals(utc, BERLIN) == daily_totals(walks)
    # A fixed offset (winter time all year) would misplace the first walk.
    fixed = daily_totals(utc, timezone(timedelta(hours=1)))
    assert fixed == {date(2024, 10, 26): 1500.0, date(2024, 10, 27): 600.0}


def test_a_walk_counts_on_the_local_day_it_started_across_the_spring_change() -> None:
    walks = [
        # The night New York moves its clocks forward (10 March 2024, 02:00 -> 03:00).
        (datetime(2024, 3, 9, 23, 40, tzinfo=NEW_YORK), 1000.0),
        (datetime(2024, 3, 10, 3, 5, tzinfo=NEW_YORK), 900.0),
        (datetime(2024, 3, 10, 20, 30, tzinfo=NEW_YORK), 900.0),
    ]
    utc = [(moment.astimezone(UTC), seconds) for moment, seconds in walks]
    assert daily_totals(utc, NEW_YORK) == {date(2024, 3, 9): 1000.0, date(2024, 3, 10): 1800.0}
    # 20:30 in New York on the 10th is already the 11th in UTC.
    assert daily_totals(utc, UTC)[date(2024, 3, 11)] == 900.0


def test_local_day_needs_an_aware_time() -> None:
    assert local_day(datetime(2024, 1, 1, 0, 30, tzinfo=BERLIN), UTC) == date(2023, 12, 31)
    with pytest.raises(ValueError, match="UTC offset"):
        local_day(datetime(2024, 1, 1))


# --- the weekly goal and the chart -----------------------------------------------------------


def test_two_short_walks_on_one_day_add_up_and_29_minutes_do_not_count() -> None:
    today = date(2024, 6, 7)  # a Friday
    walks = [
        (datetime(2024, 6, 3, 7, 0, tzinfo=BERLIN), 15 * 60.0),
        (datetime(2024, 6, 3, 18, 0, tzinfo=BERLIN), 15 * 60.0),
        (datetime(2024, 6, 4, 7, 0, tzinfo=BERLIN), 29 * 60.0),
        (datetime(2024, 6, 5, 7, 0, tzinfo=BERLIN), 45 * 60.0),
        (datetime(2024, 6, 5, 19, 0, tzinfo=BERLIN), 45 * 60.0),
    ]
    p = progress(daily_totals(walks), today)
    week = p.current_week
    assert week.label == "2024-W23"
    assert [round(d.minutes) for d in week.days] == [30, 29, 90, 0, 0, 0, 0]
    assert [d.meets_goal for d in week.days] == [True, False, True, False, False, False, False]
    assert [d.future for d in week.days] == [False] * 5 + [True, True]
    assert week.goal_days == 2  # two walks on one day are one day towards the goal
    assert not week.met
    assert week.active_seconds == (30 + 29 + 90) * 60.0
    assert p.max_day_seconds == 90 * 60.0


def test_eight_weeks_are_shown_oldest_first_ending_with_the_current_week() -> None:
    today = date(2024, 3, 6)
    p = progress({}, today)
    assert len(p.weeks) == 8
    assert [w.monday for w in p.weeks] == [date(2024, 1, 15) + timedelta(weeks=i) for i in range(8)]
    assert p.days[0].day == date(2024, 1, 15)
    assert p.days[-1].day == date(2024, 3, 10)
    assert len(p.days) == 56
    assert p.streak == p.best_streak == p.total_walks == 0
    assert p.first_day is None


def test_the_chart_and_the_streak_across_a_year_end_with_a_53rd_week() -> None:
    # 2020 has an ISO week 53: Monday 28 December 2020 to Sunday 3 January 2021.
    daily = days_of(
        # 2020-W51 and W52: five days each
        *(date(2020, 12, 14) + timedelta(days=i) for i in range(5)),
        *(date(2020, 12, 21) + timedelta(days=i) for i in (0, 1, 2, 4, 6)),
        # 2020-W53, across New Year: 28, 29, 30 December, 1 and 2 January
        date(2020, 12, 28),
        date(2020, 12, 29),
        date(2020, 12, 30),
        date(2021, 1, 1),
        date(2021, 1, 2),
        # 2021-W01 under way: two days so far
        date(2021, 1, 4),
        date(2021, 1, 5),
    )
    today = date(2021, 1, 6)
    p = progress(daily, today, total_walks=17)
    labels = [w.label for w in p.weeks]
    assert labels == [
        "2020-W47",
        "2020-W48",
        "2020-W49",
        "2020-W50",
        "2020-W51",
        "2020-W52",
        "2020-W53",
        "2021-W01",
    ]
    assert [w.goal_days for w in p.weeks] == [0, 0, 0, 0, 5, 5, 5, 2]
    assert [w.met for w in p.weeks] == [False] * 4 + [True, True, True, False]
    # The current week is not over: it does not break the streak.
    assert p.streak == 3
    assert p.best_streak == 3
    assert p.total_walks == 17
    assert p.total_active_seconds == 17 * HALF_HOUR
    assert p.first_day == date(2020, 12, 14)

    # Once the current week reaches the goal it joins the streak.
    more = {**daily, **days_of(date(2021, 1, 6), date(2021, 1, 7), date(2021, 1, 8))}
    assert progress(more, date(2021, 1, 8)).streak == 4
    # A week later with nothing walked in 2021-W01 the streak is over.
    assert progress(daily, date(2021, 1, 11)).streak == 0
    assert progress(daily, date(2021, 1, 11)).best_streak == 3


def test_iso_week_one_can_start_in_december() -> None:
    # Monday 29 December 2025 opens 2026-W01.
    daily = days_of(
        date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1),
        date(2026, 1, 2),
        *(date(2025, 12, 22) + timedelta(days=i) for i in range(5)),
    )  # fmt: skip
    p = progress(daily, date(2025, 12, 31))
    assert p.current_week.label == "2026-W01"
    assert p.weeks[-2].label == "2025-W52"
    assert p.current_week.goal_days == 3  # 1 and 2 January are after "today"
    assert p.streak == 1
    later = progress(daily, date(2026, 1, 4))
    assert later.current_week.label == "2026-W01"
    assert later.current_week.met
    assert later.streak == 2


def test_a_streak_through_both_daylight_saving_changes_in_berlin() -> None:
    # Walks at 07:30 local time every weekday from March to November 2024; each is 32 minutes.
    walks = []
    day = date(2024, 3, 4)
    while day <= date(2024, 11, 8):
        if day.weekday() < 5:
            start = datetime(day.year, day.month, day.day, 7, 30, tzinfo=BERLIN)
            walks.append((start.astimezone(UTC), 32 * 60.0))
        day += timedelta(days=1)
    daily = daily_totals(walks, BERLIN)
    assert all(d.weekday() < 5 for d in daily)
    p = progress(daily, date(2024, 11, 8), total_walks=len(walks))
    # 4 March (2024-W10) to 8 November (2024-W45): 36 weeks in a row, through 31 March and
    # 27 October.
    assert p.streak == 36
    assert all(w.goal_days == 5 for w in p.weeks)
    # Read in Honolulu's zone, 07:30 in Berlin is the previous evening: Monday's walk falls
    # on the Sunday before, and today's (Friday's) on Thursday.
    west = progress(daily_totals(walks, ZoneInfo("Pacific/Honolulu")), date(2024, 11, 8))
    assert [d.minutes for d in west.current_week.days] == [32, 32, 32, 32, 0, 0, 0]
    assert west.weeks[-2].days[6].minutes == 32
    assert west.weeks[-2].days[4].minutes == 0


def test_a_week_short_of_the_goal_breaks_the_streak_and_best_streak_remembers() -> None:
    weeks = [5, 6, 7, 4, 5, 5]  # goal days per week
    daily: dict[date, float] = {}
    monday = date(2024, 1, 1)
    for count in weeks:
        daily.update(days_of(*(monday + timedelta(days=i) for i in range(count))))
        monday += timedelta(weeks=1)
    today = monday - timedelta(days=1)  # Sunday of the last week
    p = progress(daily, today)
    assert p.streak == 2
    assert p.best_streak == 3


def test_an_edited_goal_changes_which_weeks_count() -> None:
    daily = {date(2024, 1, 1) + timedelta(days=i): 20 * 60.0 for i in range(7)}
    assert progress(daily, date(2024, 1, 7)).streak == 0
    easy = Goal(days=3, minutes=20)
    p = progress(daily, date(2024, 1, 7), easy)
    assert p.streak == 1
    assert p.current_week.goal_days == 7
    assert p.goal is easy


def test_days_after_today_are_ignored() -> None:
    daily = days_of(date(2024, 1, 1), date(2024, 1, 20))
    p = progress(daily, date(2024, 1, 10))
    assert p.total_active_seconds == HALF_HOUR
    assert p.first_day == date(2024, 1, 1)
    assert all(d.active_seconds == 0 for d in p.days if d.day > date(2024, 1, 10))


def _brute_streak(daily: dict[date, float], today: date, goal: Goal) -> int:
    def met(monday: date) -> bool:
        count = sum(
            1
            for i in range(7)
            if monday + timedelta(days=i) <= today
            and daily.get(monday + timedelta(days=i), 0) >= goal.seconds
        )
        return count >= goal.days

    monday = week_monday(today)
    if not met(monday):
        monday -= timedelta(weeks=1)
    streak = 0
    while met(monday):
        streak += 1
        monday -= timedelta(weeks=1)
    return streak


@settings(max_examples=150, deadline=None)
@given(
    walked=st.sets(st.integers(min_value=0, max_value=200), max_size=160),
    today_offset=st.integers(min_value=0, max_value=210),
    goal_days=st.integers(min_value=1, max_value=7),
)
def test_the_streak_matches_counting_week_by_week(
    walked: set[int], today_offset: int, goal_days: int
) -> None:
    start = date(2020, 11, 30)
    daily = {start + timedelta(days=i): HALF_HOUR for i in walked}
    today = start + timedelta(days=today_offset)
    goal = Goal(days=goal_days, minutes=30)
    p = progress(daily, today, goal)
    assert p.streak == _brute_streak(daily, today, goal)
    assert p.best_streak >= p.streak
    assert sum(d.active_seconds for d in p.days) <= p.total_active_seconds


# --- the goal setting ------------------------------------------------------------------------


def test_the_goal_defaults_to_five_days_of_thirty_minutes() -> None:
    assert load_goal() == DEFAULT_GOAL == Goal(5, 30)
    assert DEFAULT_GOAL.text == "30+ minutes of walking on 5 days a week"
    assert DEFAULT_GOAL.rule == (
        "A day counts when its walks add up to 30 minutes or more; "
        "a week meets the goal with 5 such days."
    )
    assert Goal(1, 45).text == "45+ minutes of walking on 1 day a week"


def test_the_goal_is_saved_in_the_config_directory(user_dirs: Path) -> None:
    save_goal(Goal(4, 45))
    assert goal_path() == user_dirs / "config" / "walktimer" / "goal.json"
    assert load_goal() == Goal(4, 45)
    assert not [p for p in goal_path().parent.iterdir() if p.name != "goal.json"]


def test_an_unreadable_goal_file_falls_back_to_the_default() -> None:
    goal_path().parent.mkdir(parents=True)
    goal_path().write_text('{"days": 9, "minutes": 30}')
    assert load_goal() == DEFAULT_GOAL
    goal_path().write_text("not json")
    assert load_goal() == DEFAULT_GOAL


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        ("5x30", Goal(5, 30)),
        ("3 x 45 min", Goal(3, 45)),
        ("7×20", Goal(7, 20)),
        ("2:60", Goal(2, 60)),
    ],
)
def test_goals_are_written_days_by_minutes(text: str, goal: Goal) -> None:
    assert parse_goal(text) == goal


@pytest.mark.parametrize("text", ["five", "5", "8x30", "5x0", "0x30"])
def test_a_bad_goal_says_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match=r"goal|between"):
        parse_goal(text)


def test_demo_runs_count_on_no_day() -> None:
    morning = datetime(2024, 10, 27, 8, 0, tzinfo=BERLIN)
    walks = [(morning, 1200.0, 1.0), (morning, 900.0, 60.0), (morning, 300.0)]
    assert daily_totals(walks) == {date(2024, 10, 27): 1500.0}
    assert counts(1.0)
    assert not counts(60.0)
    assert not counts(0.5)
