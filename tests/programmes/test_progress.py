"""Week-by-week progression and the safety rules, over diary sequences and a simulated calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from walktimer.history.log import Walk, WalkEnd
from walktimer.programmes.format import Programme, Week
from walktimer.programmes.progress import (
    ADVICE,
    DiaryWalk,
    advice_needed,
    pain_rising,
    status,
)
from walktimer.programmes.store import diary_walk


def programme(*walks: int) -> Programme:
    weeks = tuple(
        Week(
            number=i + 1,
            walks=count,
            session="s",
            session_path=Path("/s.toml"),
            session_name=f"Walk, {10 + 2 * i} minutes",
            planned_seconds=(10 + 2 * i) * 60,
        )
        for i, count in enumerate(walks)
    )
    return Programme("Test", weeks)


START = date(2026, 3, 2)


def days(count: int, start: date = START, **rating: int | None) -> list[DiaryWalk]:
    return [DiaryWalk(start + timedelta(days=i), True, **rating) for i in range(count)]


def test_a_week_moves_on_when_its_walks_are_done() -> None:
    prog = programme(3, 3)
    assert status(prog, days(2), START).week.number == 1
    two = status(prog, days(2), START + timedelta(days=1))
    assert (two.week.number, two.walk, two.done_today) == (1, 3, True)
    moved = status(prog, days(3), START + timedelta(days=3))
    assert (moved.week.number, moved.walk, moved.done_today) == (2, 1, False)
    assert moved.headline == "Week 2 - walk 1 of 3: Walk, 12 minutes"


def test_one_walk_counts_per_day_and_unfinished_walks_do_not_count() -> None:
    prog = programme(3, 3)
    walks = [
        DiaryWalk(START, True),
        DiaryWalk(START, True),  # the same day: not counted again
        DiaryWalk(START + timedelta(days=1), False),  # stopped early
    ]
    where = status(prog, walks, START + timedelta(days=1))
    assert (where.week.number, where.walk, where.counted) == (1, 2, 1)


def test_the_last_week_done_finishes_the_programme() -> None:
    where = status(programme(1, 1), days(2), START + timedelta(days=2))
    assert where.finished
    assert where.headline == "Test: every week is done."


def test_a_rating_of_7_holds_the_week_and_advises_rest() -> None:
    walks = [*days(2), DiaryWalk(START + timedelta(days=2), True, 3, 7)]
    where = status(programme(3, 3), walks, START + timedelta(days=3))
    assert where.week.number == 1
    assert where.walk == 1  # the week starts over once the hold has passed
    assert where.hold is not None
    assert where.hold.advice
    assert where.advice == ADVICE
    assert "7 out of 10" in where.hold.reason


def test_two_walks_in_a_row_two_points_worse_hold_the_week() -> None:
    walks = [
        DiaryWalk(START, True, 2, 4),
        DiaryWalk(START + timedelta(days=1), True, 3, 5),
    ]
    hold = advice_needed(walks)
    assert hold is not None
    assert hold.advice
    assert "last two walks" in hold.reason
    # One such walk alone is rising pain (the week stays) but not the safety rule.
    assert advice_needed(walks[1:]) is None
    rising = pain_rising(walks[1:])
    assert rising is not None
    assert not rising.advice


def test_a_better_walk_lifts_the_hold_and_the_week_then_moves_on() -> None:
    prog = programme(2, 2)
    walks = [DiaryWalk(START, True, 3, 3), DiaryWalk(START + timedelta(days=1), True, 3, 8)]
    held = status(prog, walks, START + timedelta(days=2))
    assert (held.week.number, held.walk) == (1, 1)  # the week ended held: it starts over
    assert held.hold is not None
    walks += [DiaryWalk(START + timedelta(days=d), True, 2, 2) for d in (2, 3)]
    assert status(prog, walks, START + timedelta(days=4)).week.number == 2


def test_rising_pain_after_walks_holds_the_week_without_the_advice() -> None:
    walks = [DiaryWalk(START, True, None, 2), DiaryWalk(START + timedelta(days=1), True, None, 4)]
    where = status(programme(2, 2), walks, START + timedelta(days=2))
    assert where.week.number == 1
    assert where.hold is not None
    assert not where.hold.advice
    assert "went up from 2 to 4" in where.hold.reason


def test_unrated_walks_move_the_programme_on() -> None:
    assert status(programme(1, 1, 1), days(2), START + timedelta(days=2)).week.number == 3


ratings = st.one_of(st.none(), st.integers(0, 10))
diaries = st.lists(
    st.tuples(st.integers(0, 2), st.booleans(), ratings, ratings), min_size=1, max_size=40
)


@settings(max_examples=300, deadline=None)
@given(diaries, st.lists(st.integers(1, 4), min_size=2, max_size=6))
def test_the_load_never_rises_while_the_diary_says_pain_is_rising(
    steps: list[tuple[int, bool, int | None, int | None]], week_walks: list[int]
) -> None:
    prog = programme(*week_walks)
    walks: list[DiaryWalk] = []
    day = START
    load = status(prog, walks, day).week.planned_seconds
    for gap, done, before, after in steps:
        day += timedelta(days=gap)
        walks.append(DiaryWalk(day, done, before, after))
        now = status(prog, walks, day)
        if now.week.planned_seconds > load:
            assert pain_rising(walks) is None
            assert advice_needed(walks) is None
            assert now.hold is None
        load = now.week.planned_seconds


@settings(max_examples=200, deadline=None)
@given(diaries)
def test_a_high_rating_always_holds_and_advises(
    steps: list[tuple[int, bool, int | None, int | None]],
) -> None:
    walks = [DiaryWalk(START + timedelta(days=i), d, b, a) for i, (_, d, b, a) in enumerate(steps)]
    walks.append(DiaryWalk(START + timedelta(days=len(walks)), True, 1, 9))
    where = status(programme(1, 1, 1, 1), walks, START + timedelta(days=len(walks)))
    assert where.finished or (where.hold is not None and where.hold.advice)


# -- a simulated calendar ----------------------------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")


def logged(moment: datetime, ended: WalkEnd = WalkEnd.FINISHED, speed: float = 1.0) -> Walk:
    return Walk(moment, "w", None, None, 600.0, 600.0, ended, speed=speed)


def test_late_evening_walks_across_a_dst_change_count_on_their_own_days() -> None:
    # Berlin springs forward on 29 March 2026 and falls back on 25 October 2026.
    prog = programme(7, 7)
    for first in (datetime(2026, 3, 26, 23, 30), datetime(2026, 10, 22, 23, 30)):
        moments = [(first + timedelta(days=i)).replace(tzinfo=BERLIN) for i in range(7)]
        walks = [diary_walk(logged(m)) for m in moments]
        assert len({w.day for w in walks}) == 7
        where = status(prog, walks, moments[-1].date() + timedelta(days=1))
        assert (where.week.number, where.walk) == (2, 1)


def test_weeks_run_on_across_a_year_end() -> None:
    prog = programme(5, 5, 5)
    start = datetime(2026, 12, 28, 7, 0, tzinfo=SYDNEY)
    walks = [diary_walk(logged(start + timedelta(days=i))) for i in range(11)]
    where = status(prog, walks, date(2027, 1, 8))
    assert (where.week.number, where.walk) == (3, 2)
    assert walks[4].day == date(2027, 1, 1)


def test_demos_and_stopped_walks_never_count() -> None:
    start = datetime(2026, 6, 1, 8, 0, tzinfo=BERLIN)
    walks = [
        diary_walk(logged(start, speed=60.0)),
        diary_walk(logged(start + timedelta(days=1), WalkEnd.STOPPED)),
        diary_walk(logged(start + timedelta(days=2), WalkEnd.RESUMED_FINISHED)),
    ]
    assert [w.done for w in walks] == [False, False, True]
    assert status(programme(3), walks, date(2026, 6, 4)).counted == 1


def test_a_walker_five_days_a_week_finishes_six_weeks_in_six_weeks() -> None:
    prog = programme(5, 5, 5, 5, 5, 5)
    start = datetime(2026, 3, 23, 18, 0, tzinfo=BERLIN)  # over the spring change
    walks: list[DiaryWalk] = []
    seen_weeks = []
    for day in range(42):
        moment = start + timedelta(days=day)
        if moment.weekday() < 5:
            walks.append(diary_walk(logged(moment)))
        seen_weeks.append(status(prog, walks, moment.date()).week.number)
    assert status(prog, walks, date(2026, 5, 4)).finished
    assert seen_weeks == sorted(seen_weeks)
