"""The walk log: storing, reading, deleting, migrating, concurrent writers, damaged files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from walktimer.history import log as history_log
from walktimer.history.log import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryError,
    HistoryLog,
    LoggedPhase,
    PhaseResult,
    Walk,
    WalkEnd,
    create_at_version,
    default_path,
)

BERLIN = ZoneInfo("Europe/Berlin")
REPO = Path(__file__).resolve().parents[2]


def walk(
    started: datetime,
    active: float = 1800.0,
    *,
    name: str = "Back-care walk",
    ended: WalkEnd = WalkEnd.FINISHED,
    run_id: str | None = None,
    phases: tuple[LoggedPhase, ...] = (),
) -> Walk:
    return Walk(
        started=started,
        script_name=name,
        script_path="/home/walker/back.toml",
        script_sha256="ab" * 32,
        planned_seconds=1800.0,
        active_seconds=active,
        ended=ended,
        phases=phases,
        run_id=run_id,
    )


PHASES = (
    LoggedPhase(0, "Warm-up", PhaseResult.DONE),
    LoggedPhase(1, "Brisk walk", PhaseResult.EXTENDED, 120.0),
    LoggedPhase(2, "Backward walking", PhaseResult.SKIPPED),
    LoggedPhase(3, "Cool-down", PhaseResult.NOT_REACHED),
)


def test_the_default_database_lives_in_the_user_data_directory(user_dirs: Path) -> None:
    with HistoryLog() as history:
        assert history.path == default_path()
        assert history.path == user_dirs / "data" / "walktimer" / "history.sqlite3"
        assert history.path.exists()
        mode = history.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        assert history.schema_version() == SCHEMA_VERSION


def test_a_walk_comes_back_as_it_was_stored(tmp_path: Path) -> None:
    started = datetime(2024, 3, 14, 18, 2, 7, 250000, tzinfo=BERLIN)
    stored = walk(started, 1912.5, phases=PHASES, ended=WalkEnd.STOPPED, run_id="r1")
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        walk_id = history.add(stored)
        back = history.get(walk_id)
    assert back is not None
    assert back.id == walk_id
    assert back.started == started
    assert back.started.utcoffset() == timedelta(hours=1)
    assert back.started_utc == datetime(2024, 3, 14, 17, 2, 7, 250000, tzinfo=UTC)
    assert (back.script_name, back.script_path, back.script_sha256) == (
        "Back-care walk",
        "/home/walker/back.toml",
        "ab" * 32,
    )
    assert (back.planned_seconds, back.active_seconds, back.ended) == (1800.0, 1912.5, "stopped")
    assert back.phases == PHASES
    assert back.count(PhaseResult.EXTENDED) == 1
    assert back.run_id == "r1"


def test_walks_are_listed_newest_first_by_their_real_moment(tmp_path: Path) -> None:
    # 10:00 in New York is later than 15:30 in Berlin on the same day.
    berlin = walk(datetime(2024, 5, 2, 15, 30, tzinfo=BERLIN), name="berlin")
    new_york = walk(datetime(2024, 5, 2, 10, 0, tzinfo=ZoneInfo("America/New_York")), name="ny")
    earlier = walk(datetime(2024, 5, 1, 9, 0, tzinfo=BERLIN), name="earlier")
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        for w in (berlin, earlier, new_york):
            history.add(w)
        assert [w.script_name for w in history.walks()] == ["ny", "berlin", "earlier"]
        assert [w.script_name for w in history.walks(2)] == ["ny", "berlin"]
        assert [w.script_name for w in history.walks(newest_first=False)] == [
            "earlier",
            "berlin",
            "ny",
        ]


def test_a_run_is_recorded_once_even_when_recording_is_retried(tmp_path: Path) -> None:
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        first = history.add(walk(datetime(2024, 1, 2, 8, tzinfo=UTC), run_id="run-1"))
        again = history.add(walk(datetime(2024, 1, 2, 8, tzinfo=UTC), run_id="run-1"))
        other = history.add(walk(datetime(2024, 1, 2, 9, tzinfo=UTC), run_id="run-2"))
        assert first == again != other
        assert history.count() == 2


def test_a_start_time_without_an_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        walk(datetime(2024, 1, 2, 8))


def test_deleting_one_walk_takes_its_phases_and_nothing_else(tmp_path: Path) -> None:
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        keep = history.add(walk(datetime(2024, 1, 2, 8, tzinfo=UTC), phases=PHASES))
        gone = history.add(walk(datetime(2024, 1, 3, 8, tzinfo=UTC), phases=PHASES))
        assert history.delete(gone) is True
        assert history.delete(gone) is False
        assert [w.id for w in history.walks()] == [keep]
        left = history.conn.execute("SELECT DISTINCT walk_id FROM phases").fetchall()
        assert left == [(keep,)]


def test_deleting_everything_leaves_no_trace_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    secret = "Secret-Morning-Route-Walk"
    with HistoryLog(path) as history:
        for day in range(1, 30):
            history.add(walk(datetime(2024, 1, day, 8, tzinfo=UTC), name=secret, phases=PHASES))
        assert history.delete_all() == 29
        assert history.count() == 0
        assert history.walks() == []
    for file in tmp_path.glob("h.sqlite3*"):
        assert secret.encode() not in file.read_bytes(), file.name
    with HistoryLog(path) as history:
        history.add(walk(datetime(2024, 2, 1, 8, tzinfo=UTC)))
        assert history.count() == 1


def test_daily_active_counts_each_walk_on_the_local_day_it_started(tmp_path: Path) -> None:
    walks = [
        # 00:30 CEST on the night the clocks go back: 22:30 UTC the day before.
        walk(datetime(2024, 10, 27, 0, 30, tzinfo=BERLIN), 600),
        # 02:30 the second time (CET, after the change): the same local day.
        walk(datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=BERLIN), 900),
        # 23:45 CET, the evening before the clocks go forward: 22:45 UTC.
        walk(datetime(2024, 3, 30, 23, 45, tzinfo=BERLIN), 1200),
        # 03:15 CEST, just after they went forward: 01:15 UTC.
        walk(datetime(2024, 3, 31, 3, 15, tzinfo=BERLIN), 300),
        # New Year's Eve in New York is already 1 January in UTC.
        walk(datetime(2024, 12, 31, 21, 0, tzinfo=ZoneInfo("America/New_York")), 2400),
    ]
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        history.add_many(walks)
        daily = history.daily_active()
        assert daily == {
            date(2024, 10, 27): 1500.0,
            date(2024, 3, 30): 1200.0,
            date(2024, 3, 31): 300.0,
            date(2024, 12, 31): 2400.0,
        }
        assert history.daily_active(since=date(2024, 10, 27)) == {
            date(2024, 10, 27): 1500.0,
            date(2024, 12, 31): 2400.0,
        }
        count, active, first = history.totals()
        assert (count, active) == (5, 5400.0)
        assert first == datetime(2024, 3, 30, 23, 45, tzinfo=BERLIN)


# --- migrations ------------------------------------------------------------------------------

# The first schema exactly as it shipped. A migration step is never edited once released; this
# copy catches an accidental change to step 1.
V1_DDL = """
CREATE TABLE walks (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    utc_offset INTEGER NOT NULL,
    script_name TEXT NOT NULL,
    script_path TEXT,
    script_sha256 TEXT,
    planned_seconds REAL NOT NULL,
    active_seconds REAL NOT NULL,
    ended TEXT NOT NULL
);
CREATE INDEX walks_started ON walks (started);
PRAGMA user_version = 1;
"""

V1_ROWS = [
    ("2023-12-31T23:30:00.000000Z", 3600, "New year walk", "/s/a.toml", "aa", 1800.0, 1790.5,
     "finished"),
    ("2024-03-31T01:15:00.000000Z", 7200, "Spring walk", None, None, 900.0, 450.0, "stopped"),
    ("2024-04-02T06:00:00.000000Z", -14400, "Trip walk", "/s/b.toml", "bb", 600.0, 612.0,
     "interrupted"),
]  # fmt: skip


def _strip_sql(sql: str) -> str:
    lines = [line.split("--")[0].strip() for line in sql.splitlines()]
    return " ".join(" ".join(lines).split()).replace("( ", "(").replace(" )", ")")


def test_the_first_migration_step_is_still_the_shipped_v1_schema() -> None:
    shipped = [s for s in (_strip_sql(x) for x in V1_DDL.split(";")) if s]
    step = [_strip_sql(s) for s in MIGRATIONS[0].statements] + ["PRAGMA user_version = 1"]
    assert step == shipped
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def _v1_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_DDL)
    conn.executemany(
        "INSERT INTO walks (started, utc_offset, script_name, script_path, script_sha256, "
        "planned_seconds, active_seconds, ended) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        V1_ROWS,
    )
    conn.commit()
    conn.close()


def _check_v1_rows(history: HistoryLog) -> None:
    walks = history.walks(newest_first=False)
    assert len(walks) == len(V1_ROWS)
    for back, row in zip(walks, V1_ROWS, strict=True):
        started, offset, name, path, sha, planned, active, ended = row
        assert back.started_utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ") == started
        assert back.started.utcoffset() == timedelta(seconds=offset)
        assert (back.script_name, back.script_path, back.script_sha256) == (name, path, sha)
        assert (back.planned_seconds, back.active_seconds, back.ended.value) == (
            planned,
            active,
            ended,
        )
        assert back.phases == ()
        assert back.run_id is None
    # The local day comes from the stored offset: 23:30 UTC on 31 December is New Year's Day
    # at +01:00. The upgrade fills in the stored day of the old rows.
    assert walks[0].local_day == date(2024, 1, 1)
    assert history.daily_active() == V1_DAYS


V1_DAYS = {date(2024, 1, 1): 1790.5, date(2024, 3, 31): 450.0, date(2024, 4, 2): 612.0}


def test_a_v1_database_upgrades_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    _v1_database(path)
    with HistoryLog(path) as history:
        assert history.notices == []
        assert history.schema_version() == SCHEMA_VERSION
        _check_v1_rows(history)
        # The upgraded file takes walks with everything the new schema holds.
        new_id = history.add(
            walk(datetime(2024, 5, 1, 8, tzinfo=BERLIN), phases=PHASES, run_id="x")
        )
        back = history.get(new_id)
        assert back is not None
        assert back.phases == PHASES
    assert not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_database_at_every_earlier_version_upgrades_without_loss(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "history.sqlite3"
    create_at_version(path, version)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    conn.executemany(
        "INSERT INTO walks (started, utc_offset, script_name, script_path, script_sha256, "
        "planned_seconds, active_seconds, ended) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        V1_ROWS,
    )
    if version >= 2:
        conn.executemany(
            "INSERT INTO phases (walk_id, idx, name, outcome, extended_by) VALUES (1, ?, ?, ?, ?)",
            [(p.index, p.name, p.outcome.value, p.extended_by) for p in PHASES],
        )
    if version >= 4:
        # Stored by every walktimer that wrote schema 4.
        conn.execute(
            "UPDATE walks SET local_day = date(started, printf('%+d seconds', utc_offset))"
        )
    conn.commit()
    conn.close()
    with HistoryLog(path) as history:
        assert history.schema_version() == SCHEMA_VERSION
        walks = history.walks(newest_first=False)
        assert [w.script_name for w in walks] == [row[2] for row in V1_ROWS]
        assert [w.active_seconds for w in walks] == [row[6] for row in V1_ROWS]
        assert walks[0].phases == (PHASES if version >= 2 else ())
        # Walks from before the speed was stored were real walks: they keep counting.
        assert [(w.speed, w.demo) for w in walks] == [(1.0, False)] * len(V1_ROWS)
        # Walks from before the diary have no ratings, no note, no treadmill, no programme.
        assert {
            (w.pain_before, w.pain_after, w.note, w.distance_m, w.avg_speed_kmh, w.programme)
            for w in walks
        } == {(None, None, "", None, None, None)}
        assert {(p.distance_m, p.avg_speed_kmh) for p in walks[0].phases} <= {(None, None)}
        assert history.diary() == []
        history.set_diary(walks[0].id or 0, pain_before=3)
        assert history.diary() == [(walks[0].local_day, 3, None)]
        assert history.daily_active() == V1_DAYS
        assert history.totals()[:2] == (3, sum(row[6] for row in V1_ROWS))


def test_two_processes_upgrading_the_same_old_database_do_not_collide(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    _v1_database(path)
    first = HistoryLog(path)
    second = HistoryLog(path)
    try:
        assert first.schema_version() == second.schema_version() == SCHEMA_VERSION
        _check_v1_rows(second)
    finally:
        first.close()
        second.close()


def test_a_database_from_a_newer_walktimer_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    create_at_version(path, SCHEMA_VERSION)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer walktimer"):
        HistoryLog(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.corrupt-*"))


# --- two writers at once ---------------------------------------------------------------------

WRITER = """
import sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from walktimer.history.log import WalkEnd, HistoryLog, PhaseResult, LoggedPhase, Walk

path, name, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
deadline = time.monotonic() + 30
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
base = datetime(2024, 1, 1, 8, tzinfo=UTC)
for i in range(count):
    # A fresh connection per walk, as separate runs of the program would do.
    with HistoryLog(path) as history:
        history.add(Walk(base + timedelta(minutes=i), name, None, None, 60.0, 60.0,
                         WalkEnd.FINISHED, (LoggedPhase(0, "p", PhaseResult.DONE),),
                         run_id=f"{name}-{i}"))
print("ok")
"""


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_no_walk(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    go = tmp_path / "go"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    count = 60
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(path), name, str(count), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for name in ("alpha", "beta")
    ]
    go.touch()  # both start writing at the same moment
    results = [(writer, *writer.communicate(timeout=90)) for writer in writers]
    said = "\n".join(
        f"writer {n} exited {w.returncode}; stderr:\n{err}" for n, (w, _, err) in enumerate(results)
    )
    for writer, out, _err in results:
        assert writer.returncode == 0, said
        assert out.strip() == "ok", said
    with HistoryLog(path) as history:
        walks = history.walks()
        assert history.notices == []
    names = sorted(w.run_id or "" for w in walks)
    expected = sorted(f"{n}-{i}" for n in ("alpha", "beta") for i in range(count))
    assert names == expected
    assert all(len(w.phases) == 1 for w in walks)


def test_opening_a_new_database_waits_for_a_writer_instead_of_failing(tmp_path: Path) -> None:
    """Another process holds the write lock (it is creating the tables of the same new file)
    when this one switches the file to WAL: SQLite answers "locked" at once there, without
    waiting, so the log waits itself until the writer is done."""
    path = tmp_path / "history.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.2, lambda: other.execute("COMMIT"))
    release.start()
    try:
        with HistoryLog(path) as history:
            assert history.schema_version() == SCHEMA_VERSION
            assert history.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            history.add(walk(datetime(2024, 1, 2, 8, tzinfo=UTC)))
            assert history.count() == 1
    finally:
        release.join()
        other.close()


# --- damaged or unreadable files -------------------------------------------------------------

STAMP = datetime(2025, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=1)))


def _open_collecting(path: Path) -> tuple[HistoryLog, list[str]]:
    said: list[str] = []
    return HistoryLog(path, on_notice=said.append, wall=lambda: STAMP), said


def _assert_moved_aside(path: Path, original: bytes, history: HistoryLog, said: list[str]) -> None:
    aside = path.with_name("history.sqlite3.corrupt-20250203T040506")
    assert aside.read_bytes() == original  # kept, byte for byte
    assert len(said) == 1
    assert said == history.notices
    assert str(aside) in said[0]
    assert "could not be read" in said[0]
    assert "new history was started" in said[0]
    assert history.count() == 0
    assert history.schema_version() == SCHEMA_VERSION
    # The fresh log takes the walk that was being recorded.
    history.add(walk(datetime(2025, 2, 3, 4, 5, tzinfo=BERLIN)))
    assert history.count() == 1


def test_a_file_that_is_not_a_database_is_moved_aside_and_a_new_log_started(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    original = b"this is not a database\n" * 500
    path.write_bytes(original)
    history, said = _open_collecting(path)
    with history:
        _assert_moved_aside(path, original, history, said)
        assert "file is not a database" in said[0]


def test_a_damaged_database_is_moved_aside_with_its_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with HistoryLog(path) as history:
        history.add_many(
            [walk(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=i)) for i in range(400)]
        )
        history.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page : 3 * page] = b"\xa5" * page  # scribble over a table page
    path.write_bytes(bytes(data))
    history, said = _open_collecting(path)
    with history:
        _assert_moved_aside(path, bytes(data), history, said)


def test_a_truncated_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with HistoryLog(path) as history:
        history.add_many(
            [walk(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=i)) for i in range(400)]
        )
        history.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cut = path.read_bytes()[: 3 * 4096 + 100]
    path.write_bytes(cut)
    history, said = _open_collecting(path)
    with history:
        _assert_moved_aside(path, cut, history, said)


def test_a_history_path_that_cannot_be_opened_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.mkdir()
    (path / "left-here").write_text("kept")
    history, said = _open_collecting(path)
    with history:
        aside = path.with_name("history.sqlite3.corrupt-20250203T040506")
        assert (aside / "left-here").read_text() == "kept"
        assert len(said) == 1
        assert str(aside) in said[0]
        assert history.count() == 0


def test_moving_aside_never_overwrites_an_earlier_corrupt_copy(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"first garbage")
    HistoryLog(path, wall=lambda: STAMP).close()
    path.unlink()
    for side in tmp_path.glob("history.sqlite3-*"):
        side.unlink()
    path.write_bytes(b"second garbage")
    HistoryLog(path, wall=lambda: STAMP).close()
    first = tmp_path / "history.sqlite3.corrupt-20250203T040506"
    second = tmp_path / "history.sqlite3.corrupt-20250203T040506-2"
    assert first.read_bytes() == b"first garbage"
    assert second.read_bytes() == b"second garbage"


def test_errors_that_do_not_mean_damage_leave_the_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.sqlite3"
    with HistoryLog(path) as history:
        history.add(walk(datetime(2024, 1, 1, tzinfo=UTC)))
    before = path.read_bytes()

    def full_disk(self: HistoryLog) -> sqlite3.Connection:
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
        raise error

    monkeypatch.setattr(HistoryLog, "_connect_and_upgrade", full_disk)
    with pytest.raises(HistoryError, match=r"disk holding the history .* is full"):
        HistoryLog(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_a_closed_log_says_so(tmp_path: Path) -> None:
    history = HistoryLog(tmp_path / "h.sqlite3")
    history.close()
    with pytest.raises(HistoryError, match="closed"):
        history.count()


def test_module_exposes_the_schema_version_it_writes() -> None:
    assert history_log.SCHEMA_VERSION == MIGRATIONS[-1].version >= 2


def test_a_walk_says_how_many_of_its_phases_were_walked_to_their_end() -> None:
    started = datetime(2024, 1, 2, 8, tzinfo=UTC)
    assert walk(started, phases=PHASES).phases_text == "2 of 4 phases walked"
    stopped = (LoggedPhase(0, "Only", PhaseResult.STOPPED, 0.0, 10.0),)
    assert walk(started, phases=stopped).phases_text == "0 of 1 phase walked"
    assert walk(started, phases=stopped).count(PhaseResult.STOPPED) == 1


def test_a_demo_is_kept_and_listed_but_counted_nowhere(tmp_path: Path) -> None:
    day = datetime(2024, 5, 6, 8, tzinfo=BERLIN)
    real = walk(day, 1800.0, run_id="real")
    demo = replace(walk(day + timedelta(hours=1), 900.0, run_id="demo"), speed=60.0)
    with HistoryLog(tmp_path / "h.sqlite3") as history:
        history.add_many([real, demo])
        listed = history.walks()
        assert [(w.run_id, w.speed, w.demo, w.speed_text) for w in listed] == [
            ("demo", 60.0, True, "demo x60"),
            ("real", 1.0, False, ""),
        ]
        assert history.count() == 2
        assert history.daily_active() == {date(2024, 5, 6): 1800.0}
        assert history.totals() == (1, 1800.0, day)
        plan = " ".join(
            str(row)
            for row in history.conn.execute(
                "EXPLAIN QUERY PLAN SELECT local_day, SUM(active_seconds) FROM walks "
                "WHERE speed = 1.0 GROUP BY local_day"
            )
        )
        assert "walks_real_local_day" in plan
