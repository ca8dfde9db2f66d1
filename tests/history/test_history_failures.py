"""When SQLite fails (a lock held too long, a disk error): one sentence, never a traceback, and
no walk lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from walktimer.history.log import Ending, HistoryError, HistoryLog, Walk

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
        ended=Ending.FINISHED,
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
