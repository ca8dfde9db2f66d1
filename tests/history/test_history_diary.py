"""The pain diary and what a treadmill reported, stored with each walk (schema 6)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from walktimer.history.log import (
    SCHEMA_VERSION,
    HistoryError,
    HistoryLog,
    LoggedPhase,
    PhaseResult,
    PhaseTreadmill,
    Walk,
    WalkEnd,
    _walk_from_json,
    _walk_json,
    check_rating,
    create_at_version,
)

BERLIN = ZoneInfo("Europe/Berlin")
PHASES = (
    LoggedPhase(0, "Warm-up", PhaseResult.DONE, 0.0, 300.0),
    LoggedPhase(1, "Brisk walk", PhaseResult.DONE, 0.0, 1200.0),
)


def walk(day: int = 1, **changes: object) -> Walk:
    base = Walk(
        started=datetime(2026, 3, day, 8, tzinfo=BERLIN),
        script_name="Beginner walk",
        script_path=None,
        script_sha256=None,
        planned_seconds=1500.0,
        active_seconds=1500.0,
        ended=WalkEnd.FINISHED,
        phases=PHASES,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_ratings_note_distance_and_programme_come_back_as_stored(tmp_path: Path) -> None:
    stored = walk(
        pain_before=4,
        pain_after=2,
        note="  easier on the hill  ",
        distance_m=2100.5,
        avg_speed_kmh=4.2,
        programme="abc",
        programme_week=2,
        phases=(replace(PHASES[0], distance_m=300.0, avg_speed_kmh=3.6), PHASES[1]),
    )
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        back = history.get(history.add(stored))
    assert back is not None
    assert (back.pain_before, back.pain_after, back.note) == (4, 2, "easier on the hill")
    assert (back.distance_m, back.avg_speed_kmh) == (2100.5, 4.2)
    assert (back.programme, back.programme_week) == ("abc", 2)
    assert back.phases[0].distance_m == 300.0
    assert back.phases[0].avg_speed_kmh == 3.6
    assert back.phases[1].distance_m is None
    assert back.pain_change == -2
    assert back.pain_text == "4 -> 2"


def test_a_walk_without_a_diary_has_none_of_it(tmp_path: Path) -> None:
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        back = history.get(history.add(walk()))
    assert back is not None
    assert (back.pain_before, back.pain_after, back.note, back.distance_m) == (None, None, "", None)
    assert back.pain_change is None
    assert back.pain_text == ""


@pytest.mark.parametrize("value", [-1, 11, 3.5, True, "5"])
def test_a_rating_outside_0_to_10_is_one_sentence(value: object) -> None:
    with pytest.raises(ValueError, match=r"^A pain rating is a whole number from 0") as caught:
        check_rating(value)
    assert str(caught.value).count(". ") == 0  # one sentence
    with pytest.raises(ValueError, match="pain rating"):
        walk(pain_before=value)


def test_set_diary_adds_the_after_rating_later_and_refuses_a_bad_one(tmp_path: Path) -> None:
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        walk_id = history.add(walk(pain_before=5))
        assert history.set_diary(walk_id, pain_after=3, note="fine")
        with pytest.raises(ValueError, match="pain rating"):
            history.set_diary(walk_id, pain_after=12, note="lost?")
        back = history.get(walk_id)
        assert back is not None
        assert (back.pain_before, back.pain_after, back.note) == (5, 3, "fine")
        assert not history.set_diary(walk_id + 1, pain_after=1)


def test_set_treadmill_records_the_walk_and_its_phases(tmp_path: Path) -> None:
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        walk_id = history.add(walk())
        assert history.set_treadmill(
            walk_id,
            distance_m=1800.0,
            avg_speed_kmh=4.3,
            phases=[PhaseTreadmill(1, 1500.0, 4.5)],
        )
        back = history.get(walk_id)
        assert back is not None
        assert (back.distance_m, back.avg_speed_kmh) == (1800.0, 4.3)
        assert (back.phases[1].distance_m, back.phases[1].avg_speed_kmh) == (1500.0, 4.5)
        assert back.phases[0].distance_m is None
        with pytest.raises(ValueError, match="zero or more"):
            history.set_treadmill(walk_id, distance_m=-5.0, avg_speed_kmh=None)
        assert history.get(walk_id) == back
        assert not history.set_treadmill(walk_id + 9, distance_m=1.0, avg_speed_kmh=1.0)


def test_the_diary_lists_rated_real_walks_only(tmp_path: Path) -> None:
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        history.add(walk(1, pain_before=6, pain_after=4))
        history.add(walk(2))
        history.add(walk(3, pain_before=3, speed=60.0))  # a demo: never in the diary
        history.add(walk(4, pain_after=2))
        assert history.diary() == [(date(2026, 3, 1), 6, 4), (date(2026, 3, 4), None, 2)]
        assert history.diary(since=date(2026, 3, 2)) == [(date(2026, 3, 4), None, 2)]


def test_programme_walks_are_those_of_one_enrolment_oldest_first(tmp_path: Path) -> None:
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        history.add(walk(3, programme="a", programme_week=1))
        history.add(walk(1, programme="a", programme_week=1))
        history.add(walk(2, programme="b", programme_week=1))
        history.add(walk(4))
        days = [w.local_day.day for w in history.programme_walks("a")]
    assert days == [1, 3]


def test_a_kept_walk_keeps_its_diary_and_treadmill_figures() -> None:
    kept = walk(
        pain_before=2,
        pain_after=3,
        note="n",
        distance_m=10.0,
        programme="p",
        elapsed_seconds=1600.0,
    )
    kept = replace(kept, phases=(replace(PHASES[0], distance_m=5.0, avg_speed_kmh=1.0),))
    assert _walk_from_json(_walk_json(kept)) == kept


def test_ratings_a_newer_walktimer_wrote_outside_0_to_10_are_said_once_and_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryLog(path) as history:
        first = history.add(walk(1, pain_before=4))
        history.add(walk(2, pain_before=3))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE walks SET pain_before = 55")  # a scale of another version
    conn.commit()
    conn.close()
    notices: list[str] = []
    with HistoryLog(path, on_notice=notices.append) as history:
        walks = history.walks()
        assert [w.pain_before for w in walks] == [None, None]
        assert len(notices) == 1
        assert "not whole numbers from 0 to 10" in notices[0]
        assert history.get(first) is not None
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT pain_before FROM walks").fetchall() == [(55,), (55,)]
    conn.close()


def test_a_history_with_diary_rows_from_a_newer_schema_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    create_at_version(path, SCHEMA_VERSION)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE walks ADD COLUMN pain_scale TEXT")
    conn.execute(
        "INSERT INTO walks (started, utc_offset, script_name, planned_seconds, active_seconds, "
        "ended, pain_before, pain_scale) VALUES ('2026-01-01T08:00:00.000000Z', 0, 'x', 1, 1, "
        "'finished', 40, 'vas-100')"
    )
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError) as caught:
        HistoryLog(path)
    message = str(caught.value)
    assert "newer walktimer" in message
    assert message.count(". ") == 0
    assert path.read_bytes() == before
