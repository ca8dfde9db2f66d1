"""When SQLite fails (a lock held too long, a disk error): one sentence, never a traceback, and
no walk lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.loader import load_text
from walktimer.core.plan import Plan, build_plan
from walktimer.history import log as history_log
from walktimer.history import resume
from walktimer.history.keeper import RunKeeper
from walktimer.history.log import HistoryError, HistoryLog, Walk, WalkEnd

SCRIPT = """\
format = 1
name = "Failure test walk"

[announce]
countdown = 0
remaining = []
next = false
targets = false

[[phase]]
name = "Warm-up"
duration = "1m"

[[phase]]
name = "Brisk"
duration = "2m"
"""

STARTED = datetime(2025, 1, 6, 18, 0, tzinfo=timezone(timedelta(hours=1)))


def a_walk(run_id: str | None = "r1") -> Walk:
    return Walk(
        started=datetime(2024, 5, 1, 8, 0, tzinfo=UTC),
        script_name="Back-care walk",
        script_path=None,
        script_sha256=None,
        planned_seconds=600.0,
        active_seconds=600.0,
        ended=WalkEnd.FINISHED,
        run_id=run_id,
    )


@pytest.fixture
def plan() -> Plan:
    return build_plan(load_text(SCRIPT))


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give up on a held lock after 50 ms instead of 15 s."""
    monkeypatch.setattr(history_log, "BUSY_TIMEOUT_MS", 50)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another walktimer holding the history's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


class FailingConnection:
    """A connection whose every statement fails as a broken disk would make it fail."""

    def __init__(self, real: sqlite3.Connection, errorname: str = "SQLITE_IOERR_READ") -> None:
        self.real = real
        self.errorname = errorname

    def execute(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorname = self.errorname  # type: ignore[attr-defined]
        raise error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def new_history() -> Path:
    with HistoryLog() as history:
        return history.path


# --- the log: every public method says one sentence ------------------------------------------


WRITES: dict[str, tuple[Callable[[HistoryLog], object], str]] = {
    "add": (lambda h: h.add(a_walk("r2")), "The walk could not be saved"),
    "add_many": (lambda h: h.add_many([a_walk("r2")]), "The walks could not be saved"),
    "delete": (lambda h: h.delete(1), "The walk could not be deleted"),
    "delete_all": (lambda h: h.delete_all(), "The history could not be cleared"),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_that_waits_too_long_for_the_lock_is_one_sentence(
    name: str, short_wait: None
) -> None:
    path = new_history()
    with HistoryLog(path) as history:
        history.add(a_walk())
        action, failed = WRITES[name]
        with locked(path), pytest.raises(HistoryError) as caught:
            action(history)
        assert str(caught.value) == (
            f"{failed}: the history at {path} is locked by another walktimer; "
            "try again in a moment."
        )
        # Nothing was half done, and the log still works once the lock is free.
        assert [w.run_id for w in history.walks()] == ["r1"]
        history.add(a_walk("r3"))
        assert history.count() == 2


READS: dict[str, Callable[[HistoryLog], object]] = {
    "count": lambda h: h.count(),
    "get": lambda h: h.get(1),
    "has_run": lambda h: h.has_run("r1"),
    "walks": lambda h: h.walks(),
    "daily_active": lambda h: h.daily_active(),
    "totals": lambda h: h.totals(),
    "schema_version": lambda h: h.schema_version(),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_a_disk_error_while_reading_is_one_sentence(name: str) -> None:
    path = new_history()
    with HistoryLog(path) as history:
        history._conn = FailingConnection(history.conn)  # type: ignore[assignment]
        with pytest.raises(HistoryError) as caught:
            READS[name](history)
    message = str(caught.value)
    assert message.startswith(f"The history could not be read: the history at {path} ")
    assert "disk I/O error" in message
    assert message.endswith("check the disk and try again.")
    assert message.count("\n") == 0


def test_damage_found_while_writing_says_how_to_recover(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with HistoryLog(path) as history:
        history._conn = FailingConnection(history.conn, "SQLITE_CORRUPT")  # type: ignore[assignment]
        with pytest.raises(HistoryError, match=r"restart walktimer to set it aside"):
            history.add(a_walk())


# --- the keeper: never raises, says it once --------------------------------------------------


def started(plan: Plan, seconds: float = 30.0, **options: Any) -> tuple[Engine, RunKeeper]:
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = RunKeeper.begin(plan, None, wall=lambda: STARTED, **options)
    engine.start()
    keeper.update(engine)
    clock.advance(seconds)
    engine.advance()
    return engine, keeper


def test_finishing_while_the_history_is_locked_is_one_notice(plan: Plan, short_wait: None) -> None:
    path = new_history()
    said: list[str] = []
    engine, keeper = started(plan, on_notice=said.append)
    engine.stop()
    with locked(path):
        assert keeper.finish(engine) is None
    assert len(said) == 1
    assert said[0].startswith("This walk could not be added to the history: The walk could")
    assert "locked by another walktimer" in said[0]


def test_a_locked_history_mid_walk_is_one_notice_and_the_walk_goes_on(
    plan: Plan, short_wait: None
) -> None:
    path = new_history()
    _dead_engine, dead = started(plan, 40.0)
    assert dead._lock is not None
    dead._lock.release()  # the process died: its point stays, its lock is gone
    said: list[str] = []
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = RunKeeper.begin(plan, None, wall=lambda: STARTED, on_notice=said.append)
    engine.start()
    with locked(path):
        assert keeper.update(engine) is True
    assert len(said) == 1
    assert said[0].startswith("An interrupted walk could not be added to the history:")
    assert "locked by another walktimer" in said[0]
    assert resume.read().run_id == keeper.run_id  # type: ignore[union-attr]


# --- a walk the history cannot take is kept, and logged next time ----------------------------


def walks() -> list[Walk]:
    with HistoryLog() as history:
        return history.walks(newest_first=False)


def set_schema(path: Path, version: int) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()


def test_a_walk_that_could_not_be_logged_is_logged_by_the_next_run_exactly_once(
    plan: Plan,
) -> None:
    path = new_history()
    set_schema(path, 9)  # a newer walktimer's history: this one must not write it
    said: list[str] = []
    engine, first = started(plan, 75.0, on_notice=said.append)
    engine.stop()
    assert first.finish(engine) is None
    assert len(said) == 1
    assert said[0].startswith("This walk could not be added to the history: The history at")
    assert said[0].endswith("The walk is kept and will be logged next time.")
    assert resume.read() is None
    assert [f.name for f in history_log.pending_dir().iterdir()] == [f"{first.run_id}.json"]

    set_schema(path, history_log.SCHEMA_VERSION)  # walktimer updated, say
    said.clear()
    engine, second = started(plan, 180.0, on_notice=said.append)
    second_id = second.finish(engine)
    assert said == ["1 walk that could not be logged earlier was added to the history."]
    logged = walks()
    assert [(w.run_id, w.ended) for w in logged] == [
        (first.run_id, WalkEnd.STOPPED),
        (second.run_id, WalkEnd.FINISHED),
    ]
    assert logged[0].active_seconds == pytest.approx(75.0)
    assert logged[1].id == second_id
    assert list(history_log.pending_dir().iterdir()) == []
    assert len(walks()) == 2  # opening again logs nothing twice


def test_a_walk_kept_while_the_history_was_locked_is_logged_by_the_next_open(
    plan: Plan, short_wait: None
) -> None:
    path = new_history()
    said: list[str] = []
    engine, keeper = started(plan, on_notice=said.append)
    engine.stop()
    with locked(path):
        keeper.finish(engine)
    assert "locked by another walktimer" in said[0]
    assert said[0].endswith("The walk is kept and will be logged next time.")
    assert [w.run_id for w in walks()] == [keeper.run_id]
    assert [w.run_id for w in walks()] == [keeper.run_id]


def test_a_walk_neither_logged_nor_kept_stays_in_the_resume_file(
    plan: Plan, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    said: list[str] = []
    engine, keeper = started(
        plan, 45.0, history_path=blocker / "history.sqlite3", on_notice=said.append
    )
    engine.stop()
    assert keeper.finish(engine) is None
    assert len(said) == 1
    assert "could not be kept to be logged later either" in said[0]
    point = resume.read()
    assert point is not None
    assert point.run_id == keeper.run_id
    assert not resume.run_alive(None, keeper.run_id)  # offered (or logged) on the next start


def test_a_dead_sessions_walk_is_kept_when_the_history_is_locked(
    plan: Plan, short_wait: None
) -> None:
    path = new_history()
    _dead_engine, dead = started(plan, 40.0)
    assert dead._lock is not None
    dead._lock.release()
    said: list[str] = []
    engine = Engine(plan, FakeClock())
    keeper = RunKeeper.begin(plan, None, wall=lambda: STARTED, on_notice=said.append)
    engine.start()
    with locked(path):
        assert keeper.update(engine) is True
    assert len(said) == 1
    assert said[0].endswith("The walk is kept and will be logged next time.")
    [walk] = walks()
    assert (walk.run_id, walk.ended) == (dead.run_id, WalkEnd.INTERRUPTED)


def dead_session(plan: Plan, seconds: float = 40.0) -> RunKeeper:
    """A run that saved its point and died: its point stays, its lock is gone."""
    engine, dead = started(plan, seconds)
    dead.update(engine)
    assert dead._lock is not None
    dead._lock.release()
    return dead


def test_a_disk_error_while_looking_for_a_crashed_walk_still_offers_it(
    plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_history()
    dead = dead_session(plan)
    real_init = HistoryLog.__init__

    def failing_reads(self: HistoryLog, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        self._conn = FailingConnection(self.conn)  # type: ignore[assignment]

    monkeypatch.setattr(HistoryLog, "__init__", failing_reads)
    found = resume.find_pending()
    assert found is not None
    assert found.point.run_id == dead.run_id
    assert resume.read() is not None


def test_a_crashed_walk_the_history_cannot_take_is_kept_and_logged_next_time(
    plan: Plan, short_wait: None
) -> None:
    path = new_history()
    dead = dead_session(plan)
    found = resume.find_pending()
    assert found is not None
    said: list[str] = []
    with locked(path):
        assert resume.settle(found, resume.Choice.LOG, on_notice=said.append) is None
    assert len(said) == 1
    assert said[0].startswith("The interrupted walk could not be added to the history:")
    assert said[0].endswith("The walk is kept and will be logged next time.")
    assert resume.read() is None
    assert [f.name for f in history_log.pending_dir().iterdir()] == [f"{dead.run_id}.json"]
    [walk] = walks()
    assert (walk.run_id, walk.ended) == (dead.run_id, WalkEnd.INTERRUPTED)
    assert walk.active_seconds == pytest.approx(40.0)
    assert list(history_log.pending_dir().iterdir()) == []


def test_a_crashed_walk_neither_logged_nor_kept_stays_to_be_offered_again(
    plan: Plan, tmp_path: Path
) -> None:
    dead = dead_session(plan)
    found = resume.find_pending()
    assert found is not None
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    said: list[str] = []
    history = blocker / "history.sqlite3"
    assert (
        resume.settle(found, resume.Choice.LOG, history_path=history, on_notice=said.append) is None
    )
    assert len(said) == 1
    assert "could not be kept to be logged later either" in said[0]
    again = resume.find_pending()
    assert again is not None
    assert again.point.run_id == dead.run_id


def test_a_kept_walk_comes_back_as_it_was(plan: Plan) -> None:
    engine, keeper = started(plan, 100.0)
    engine.extend(30)
    engine.stop()
    walk = resume.walk_from_record(
        engine.record(),
        WalkEnd.STOPPED,
        started=STARTED,
        script_path="/home/walker/été.toml",
        script_sha256="ab" * 32,
        run_id=keeper.run_id,
        speed=1.0,
    )
    history_log.keep_pending(walk)
    [back] = walks()
    assert back == replace(walk, id=back.id)
    assert not list(history_log.pending_dir().glob("*.tmp"))


def test_a_kept_walk_already_logged_is_not_logged_twice() -> None:
    with HistoryLog() as history:
        history.add(a_walk("same"))
    history_log.keep_pending(a_walk("same"))
    history_log.keep_pending(a_walk(None))  # given a run id of its own when kept
    assert sorted(w.run_id == "same" for w in walks()) == [False, True]
    assert len(walks()) == 2


def test_a_damaged_kept_walk_is_moved_aside_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    folder = history_log.pending_dir(path)
    folder.mkdir()
    (folder / "x.json").write_text("{not json")
    said: list[str] = []
    with HistoryLog(path, on_notice=said.append) as history:
        assert history.count() == 0
    assert len(said) == 1
    assert said[0].startswith("A walk kept to be logged later could not be read (")
    assert (folder / "x.json.bad").exists()
    with HistoryLog(path, on_notice=said.append):
        pass
    assert len(said) == 1


def test_a_full_disk_reported_as_an_io_error_says_the_disk_is_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With WAL, a full disk shows as SQLITE_IOERR_SHMSIZE ("disk I/O error") when the -shm
    # file cannot grow; the free space on the disk says what it really is.
    path = new_history()
    full = history_log.shutil.disk_usage(path.parent)._replace(free=0)
    monkeypatch.setattr(history_log.shutil, "disk_usage", lambda _folder: full)
    with HistoryLog(path) as history:
        history._conn = FailingConnection(history.conn, "SQLITE_IOERR_SHMSIZE")  # type: ignore[assignment]
        with pytest.raises(HistoryError) as caught:
            history.add(a_walk("r2"))
    assert str(caught.value) == (
        f"The walk could not be saved: the disk holding the history at {path} is full; "
        "free some space."
    )
