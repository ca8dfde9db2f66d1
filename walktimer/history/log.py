"""The walk log: every session that started, stored in SQLite in the user data directory.

One file, `history.sqlite3`, in WAL mode so the history view can read while a session writes.
The schema version lives in `PRAGMA user_version`; `MIGRATIONS` upgrades a database from any
earlier version, one step at a time, inside one transaction. A released step never changes:
a new schema is a new step at the end.

Writers take the lock up front (`BEGIN IMMEDIATE`) and wait for it (`busy_timeout`), so two
processes recording at once both land. A file that is not a readable database is moved aside
as `history.sqlite3.corrupt-TIMESTAMP` (with its -wal and -shm), one notice says so, and a
fresh log starts: nothing is deleted, and the walk being recorded still lands.

No sqlite3 error leaves this module: opening and every public method turn it into a
`HistoryError` whose message is one sentence saying what failed and what to do.

A finished walk that cannot be logged is not lost: `keep_pending` writes it as one JSON file
in `pending_dir()` (the user state directory for the default history), and the next open
that succeeds logs every kept walk (once: by run id) and removes its file.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Concatenate, ParamSpec, TypeVar

from walktimer import files, paths
from walktimer.history.stats import REAL_SPEED, counts

__all__ = [
    "DB_NAME",
    "MAX_NOTE",
    "MAX_RATING",
    "MIGRATIONS",
    "REAL_SPEED",
    "SCHEMA_VERSION",
    "HistoryError",
    "HistoryLog",
    "LoggedPhase",
    "Migration",
    "PhaseResult",
    "PhaseTreadmill",
    "Walk",
    "WalkEnd",
    "check_note",
    "check_rating",
    "default_path",
    "keep_pending",
    "pending_dir",
]

log = logging.getLogger(__name__)

DB_NAME = "history.sqlite3"
PENDING_DIR = "pending-walks"
MAX_PENDING_BYTES = 16 * 1024 * 1024  # one walk: far below this even with 100,000 phases
PENDING_VERSION = 1
BUSY_TIMEOUT_MS = 15_000
MAX_RATING = 10  # the 0-10 numeric pain rating scale
MAX_NOTE = 500  # characters of a walk's diary note


class WalkEnd(StrEnum):
    """How a walk ended."""

    FINISHED = "finished"  # ran to the end
    STOPPED = "stopped"  # the walker stopped it early
    INTERRUPTED = "interrupted"  # the program died (crash, power loss) and it was not resumed
    RESUMED_FINISHED = "resumed-finished"  # died, was resumed, then ran to the end
    RESUMED_STOPPED = "resumed-stopped"  # died, was resumed, then stopped early

    @property
    def label(self) -> str:
        return self.value.replace("-", ", ")

    @property
    def resumed(self) -> bool:
        return self in (WalkEnd.RESUMED_FINISHED, WalkEnd.RESUMED_STOPPED)


class PhaseResult(StrEnum):
    """What became of one phase."""

    DONE = "done"
    SKIPPED = "skipped"
    EXTENDED = "extended"  # done, and lengthened by `extended_by` seconds
    STOPPED = "stopped"  # being walked when the walker stopped the session (for active_seconds)
    NOT_REACHED = "not reached"
    INTERRUPTED = "interrupted"  # the program died during this phase


@dataclass(frozen=True, slots=True)
class LoggedPhase:
    index: int
    name: str
    outcome: PhaseResult
    extended_by: float = 0.0
    active_seconds: float | None = None  # time spent running in it; None if not recorded
    distance_m: float | None = None  # what a treadmill reported for this phase; None: nothing
    avg_speed_kmh: float | None = None


@dataclass(frozen=True, slots=True)
class PhaseTreadmill:
    """What a treadmill reported for one phase of a walk (`HistoryLog.set_treadmill`)."""

    index: int
    distance_m: float | None
    avg_speed_kmh: float | None


def check_rating(value: object) -> int | None:
    """A pain rating as stored: None (not answered) or a whole number from 0 to 10.
    Raises ValueError with one sentence for anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RATING:
        raise ValueError(
            f"A pain rating is a whole number from 0 (no pain) to {MAX_RATING} (the worst "
            f"pain imaginable), not {value!r}; leave it out to skip it."
        )
    return value


def check_note(text: str) -> str:
    """A diary note as stored: trimmed, at most MAX_NOTE characters (ValueError otherwise)."""
    note = " ".join(text.split())
    if len(note) > MAX_NOTE:
        raise ValueError(
            f"A walk's note may be at most {MAX_NOTE} characters, and this one has "
            f"{len(note)}: shorten it."
        )
    return note


def _check_measure(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not (number >= 0 and number < float("inf")):
        raise ValueError(f"A {what} must be zero or more, not {value!r}.")
    return number


@dataclass(frozen=True, slots=True)
class Walk:
    """One walk as the log keeps it. `started` is timezone-aware, in the walker's local
    offset at the time; `id` is None until stored."""

    started: datetime
    script_name: str
    script_path: str | None
    script_sha256: str | None
    planned_seconds: float
    active_seconds: float
    ended: WalkEnd
    phases: tuple[LoggedPhase, ...] = ()
    run_id: str | None = None
    id: int | None = None
    speed: float = 1.0  # the clock's speed factor: anything but 1 is a demo (--speed)
    # The pain diary: 0-10 before and after the walk (None: not answered), and a short note.
    pain_before: int | None = None
    pain_after: int | None = None
    note: str = ""
    # What a treadmill reported for the whole walk; None when no treadmill did.
    distance_m: float | None = None
    avg_speed_kmh: float | None = None
    # The programme enrolment this walk counts for (`walktimer.programmes`), and its week.
    programme: str | None = None
    programme_week: int | None = None
    # Wall-clock seconds from the start to the end, pauses included; None when not known.
    elapsed_seconds: float | None = None

    def __post_init__(self) -> None:
        if self.started.utcoffset() is None:
            raise ValueError("a walk's start time must carry its UTC offset")
        check_rating(self.pain_before)
        check_rating(self.pain_after)

    @property
    def pain_change(self) -> int | None:
        """After minus before (positive: worse after the walk); None unless both were rated."""
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before

    @property
    def pain_text(self) -> str:
        """ "3 -> 5", "3 -> ?", "" when neither rating was given."""
        if self.pain_before is None and self.pain_after is None:
            return ""

        def shown(value: int | None) -> str:
            return "?" if value is None else str(value)

        return f"{shown(self.pain_before)} -> {shown(self.pain_after)}"

    @property
    def demo(self) -> bool:
        """Run on a sped-up (or slowed) clock: shown as a demo, counted nowhere."""
        return not counts(self.speed)

    @property
    def speed_text(self) -> str:
        """ "demo x60" for a demo, "" for a real walk."""
        return f"demo x{self.speed:g}" if self.demo else ""

    @property
    def started_utc(self) -> datetime:
        return self.started.astimezone(UTC)

    @property
    def local_day(self) -> date:
        """The calendar day on the walker's clock when the walk started."""
        return self.started.date()

    def count(self, outcome: PhaseResult) -> int:
        return sum(1 for p in self.phases if p.outcome is outcome)

    @property
    def walked(self) -> int:
        """Phases walked to their end (done or extended)."""
        return self.count(PhaseResult.DONE) + self.count(PhaseResult.EXTENDED)

    @property
    def phases_text(self) -> str:
        """ "2 of 9 phases walked": how many phases were walked to their end."""
        total = len(self.phases)
        return f"{self.walked} of {total} phase{'' if total == 1 else 's'} walked"


class HistoryError(Exception):
    """The history cannot be used; the message is a sentence for the user."""


# --- schema ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Migration:
    """One step: upgrades a database at version `version - 1` to `version`."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "the walks table",
        (
            """
            CREATE TABLE walks (
                id INTEGER PRIMARY KEY,
                started TEXT NOT NULL,          -- UTC, ISO 8601: 2024-03-31T08:15:00.000000Z
                utc_offset INTEGER NOT NULL,    -- seconds east of UTC on the walker's clock
                script_name TEXT NOT NULL,
                script_path TEXT,
                script_sha256 TEXT,
                planned_seconds REAL NOT NULL,
                active_seconds REAL NOT NULL,
                ended TEXT NOT NULL
            )
            """,
            "CREATE INDEX walks_started ON walks (started)",
        ),
    ),
    Migration(
        2,
        "each phase's outcome",
        (
            """
            CREATE TABLE phases (
                walk_id INTEGER NOT NULL REFERENCES walks (id) ON DELETE CASCADE,
                idx INTEGER NOT NULL,
                name TEXT NOT NULL,
                outcome TEXT NOT NULL,          -- an Outcome value: done, skipped, extended, ...
                extended_by REAL NOT NULL DEFAULT 0,
                PRIMARY KEY (walk_id, idx)
            ) WITHOUT ROWID
            """,
        ),
    ),
    Migration(
        3,
        "a run id, so a walk is recorded once even if recording is retried; time per phase",
        (
            "ALTER TABLE walks ADD COLUMN run_id TEXT",
            "CREATE UNIQUE INDEX walks_run_id ON walks (run_id) WHERE run_id IS NOT NULL",
            "ALTER TABLE phases ADD COLUMN active_seconds REAL",  # NULL: not recorded
        ),
    ),
    Migration(
        4,
        "each walk's local day, stored and indexed, for the weekly statistics",
        (
            "ALTER TABLE walks ADD COLUMN local_day TEXT",  # YYYY-MM-DD on the walker's clock
            "UPDATE walks SET local_day = date(started, printf('%+d seconds', utc_offset))",
            "CREATE INDEX walks_local_day ON walks (local_day, active_seconds)",
        ),
    ),
    Migration(
        5,
        "each walk's clock speed, so demo runs (--speed) are kept apart and never counted",
        (
            # 1.0 for every walk stored before: only real walks could be told apart then.
            "ALTER TABLE walks ADD COLUMN speed REAL NOT NULL DEFAULT 1.0",
            "DROP INDEX walks_local_day",
            "CREATE INDEX walks_real_local_day ON walks (local_day, active_seconds) "
            "WHERE speed = 1.0",
        ),
    ),
    Migration(
        6,
        "the pain diary (0-10 before and after, a note), what a treadmill reported per walk "
        "and per phase, the programme a walk counts for, and each walk's elapsed time",
        (
            # NULL everywhere: walks stored before had no diary, no treadmill, no programme.
            "ALTER TABLE walks ADD COLUMN pain_before INTEGER",
            "ALTER TABLE walks ADD COLUMN pain_after INTEGER",
            "ALTER TABLE walks ADD COLUMN note TEXT",
            "ALTER TABLE walks ADD COLUMN distance_m REAL",
            "ALTER TABLE walks ADD COLUMN avg_speed_kmh REAL",
            "ALTER TABLE walks ADD COLUMN programme TEXT",
            "ALTER TABLE walks ADD COLUMN programme_week INTEGER",
            "ALTER TABLE walks ADD COLUMN elapsed_seconds REAL",  # pauses included
            "CREATE INDEX walks_programme ON walks (programme, started) "
            "WHERE programme IS NOT NULL",
            "ALTER TABLE phases ADD COLUMN distance_m REAL",
            "ALTER TABLE phases ADD COLUMN avg_speed_kmh REAL",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def _shape(conn: sqlite3.Connection) -> tuple[tuple[str, tuple[tuple[object, ...], ...]], ...]:
    """The tables and indexes, with each table's columns (name, type, not null, key)."""
    names = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    shape = []
    for kind, name in names:
        columns: tuple[tuple[object, ...], ...] = ()
        if kind == "table":
            info = conn.execute(
                'SELECT name, type, "notnull", pk FROM pragma_table_info(?)', (name,)
            )
            columns = tuple(tuple(row) for row in info)
        shape.append((f"{kind} {name}", columns))
    return tuple(shape)


@functools.cache
def _expected_shape() -> tuple[tuple[str, tuple[tuple[object, ...], ...]], ...]:
    conn = sqlite3.connect(":memory:")
    try:
        for step in MIGRATIONS:
            for statement in step.statements:
                conn.execute(statement)
        return _shape(conn)
    finally:
        conn.close()


def default_path() -> Path:
    return paths.data_dir() / DB_NAME


def pending_dir(history: Path | None = None) -> Path:
    """Where walks wait that could not be logged into `history`: the user state directory
    for the default history, a folder beside any other."""
    if history is None or history == default_path():
        return paths.state_dir() / PENDING_DIR
    return history.with_name(f"{history.name}.{PENDING_DIR}")


def keep_pending(walk: Walk, history: Path | None = None) -> Path:
    """Keep a walk that could not be logged, to be logged by the next open of `history`.
    Written atomically and durably; returns the file. Raises OSError."""
    if walk.run_id is None:  # a run id makes logging it exactly once possible
        walk = replace(walk, run_id=uuid.uuid4().hex)
    assert walk.run_id is not None
    folder = pending_dir(history)
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in walk.run_id)
    target = folder / f"{name}.json"
    files.write_atomic(target, _walk_json(walk).encode("utf-8"), new_mode=0o600)
    return target


def _walk_json(walk: Walk) -> str:
    data = {
        "version": PENDING_VERSION,
        "started": walk.started.isoformat(),
        "script_name": walk.script_name,
        "script_path": walk.script_path,
        "script_sha256": walk.script_sha256,
        "planned_seconds": walk.planned_seconds,
        "active_seconds": walk.active_seconds,
        "ended": walk.ended.value,
        "run_id": walk.run_id,
        "speed": walk.speed,
        "pain_before": walk.pain_before,
        "pain_after": walk.pain_after,
        "note": walk.note,
        "distance_m": walk.distance_m,
        "avg_speed_kmh": walk.avg_speed_kmh,
        "programme": walk.programme,
        "programme_week": walk.programme_week,
        "elapsed_seconds": walk.elapsed_seconds,
        "phases": [
            {
                "index": p.index,
                "name": p.name,
                "outcome": p.outcome.value,
                "extended_by": p.extended_by,
                "active_seconds": p.active_seconds,
                "distance_m": p.distance_m,
                "avg_speed_kmh": p.avg_speed_kmh,
            }
            for p in walk.phases
        ],
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _walk_from_json(text: str) -> Walk:
    """Raises ValueError, KeyError or TypeError when the text is not a kept walk."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("it does not hold a walk")
    if data.get("version") != PENDING_VERSION:
        raise ValueError(f"unknown version {data.get('version')!r}")

    def text_or_none(value: object) -> str | None:
        return None if value is None else str(value)

    def number_or_none(value: object) -> float | None:
        return None if value is None else float(str(value))

    def int_or_none(value: object) -> int | None:
        return None if value is None else int(str(value))

    return Walk(
        started=datetime.fromisoformat(str(data["started"])),
        script_name=str(data["script_name"]),
        script_path=text_or_none(data.get("script_path")),
        script_sha256=text_or_none(data.get("script_sha256")),
        planned_seconds=float(data["planned_seconds"]),
        active_seconds=float(data["active_seconds"]),
        ended=WalkEnd(data["ended"]),
        phases=tuple(
            LoggedPhase(
                int(p["index"]),
                str(p["name"]),
                PhaseResult(p["outcome"]),
                float(p["extended_by"]),
                None if p.get("active_seconds") is None else float(p["active_seconds"]),
                number_or_none(p.get("distance_m")),
                number_or_none(p.get("avg_speed_kmh")),
            )
            for p in data["phases"]
        ),
        run_id=text_or_none(data.get("run_id")),
        speed=float(data.get("speed", 1.0)),
        pain_before=int_or_none(data.get("pain_before")),
        pain_after=int_or_none(data.get("pain_after")),
        note=str(data.get("note") or ""),
        distance_m=number_or_none(data.get("distance_m")),
        avg_speed_kmh=number_or_none(data.get("avg_speed_kmh")),
        programme=text_or_none(data.get("programme")),
        programme_week=int_or_none(data.get("programme_week")),
        elapsed_seconds=number_or_none(data.get("elapsed_seconds")),
    )


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _from_utc_text(text: str, offset: int) -> datetime:
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return moment.astimezone(timezone(timedelta(seconds=offset)))


def _timestamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")


# --- the log --------------------------------------------------------------------------------

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _failing(
    failed: str,
) -> Callable[
    [Callable[Concatenate[HistoryLog, _P], _R]], Callable[Concatenate[HistoryLog, _P], _R]
]:
    """A public method whose sqlite3 errors become one HistoryError sentence that starts with
    `failed` ("The walk could not be saved") and says why and what to do."""

    def wrap(
        method: Callable[Concatenate[HistoryLog, _P], _R],
    ) -> Callable[Concatenate[HistoryLog, _P], _R]:
        @functools.wraps(method)
        def run(self: HistoryLog, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as error:
                log.info("history: %s: %s", failed.lower(), error)
                raise HistoryError(_sentence(self.path, error, failed)) from error

        return run

    return wrap


class HistoryLog:
    """The open log. Use as a context manager, or call close().

    `notices` collects the sentences the user must see (a database moved aside); `on_notice`
    is called with each one as well. `wall` gives the time for the moved-aside file's name.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        on_notice: Callable[[str], None] | None = None,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        self.path = path if path is not None else default_path()
        self.pending = pending_dir(path)
        self.notices: list[str] = []
        self._on_notice = on_notice
        self._wall = wall if wall is not None else _local_now
        self._conn: sqlite3.Connection | None = None
        self._odd_rating_said = False
        self._open()
        self._log_pending()

    # -- opening, checking, upgrading

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HistoryError(
                f"The history folder {self.path.parent} cannot be created ({error.strerror})."
            ) from error
        try:
            self._conn = self._connect_and_upgrade()
        except sqlite3.Error as error:
            self.close()
            if not _unusable(error):
                raise HistoryError(_sentence(self.path, error)) from error
            self._move_aside(error)
            try:
                self._conn = self._connect_and_upgrade()
            except sqlite3.Error as again:
                self.close()
                raise HistoryError(
                    f"A new history cannot be started at {self.path} ({again})."
                ) from again

    def _connect_and_upgrade(self) -> sqlite3.Connection:
        try:
            return self._connect_and_upgrade_as_is()
        except UnicodeDecodeError as error:
            # sqlite3 decodes SQLite's own messages strictly, and a damaged schema puts its
            # raw bytes into them.
            raise _IntegrityError("its schema is damaged (text that is not UTF-8)") from error

    def _connect_and_upgrade_as_is(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self._conn = conn
        # Text damaged on disk reads as U+FFFD instead of raising in the middle of a query.
        conn.text_factory = _text
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Reading the header is what fails first on a file that is not a database.
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if not 0 <= version <= SCHEMA_VERSION + _NEWER_VERSIONS:
            raise _IntegrityError(f"its schema version {version} is no version walktimer wrote")
        if version > SCHEMA_VERSION:
            self.close()
            raise HistoryError(
                f"The history at {self.path} was written by a newer walktimer (schema "
                f"{version}, this one knows {SCHEMA_VERSION}); update walktimer to use it."
            )
        if version > 0:
            row = conn.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise _IntegrityError(f"integrity check failed: {_first_problem(row)}")
        mode = _journal_mode_wal(conn)
        if str(mode).lower() != "wal":
            log.warning("history: journal mode is %s, not WAL", mode)
        # FULL: a walk is on disk when add() returns, before the resume file is removed; a
        # power cut right after a session ends loses neither.
        conn.execute("PRAGMA synchronous = FULL")
        if version < SCHEMA_VERSION:
            self._upgrade(conn)
        if _shape(conn) != _expected_shape():
            # A header and pages that pass quick_check can still hold tables this version
            # cannot use (a damaged schema record): every later query would fail.
            raise _IntegrityError("its tables are not the ones walktimer keeps")
        return conn

    def _upgrade(self, conn: sqlite3.Connection) -> None:
        with _immediate(conn):
            # Another process may have upgraded while this one waited for the lock.
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            for step in MIGRATIONS:
                if step.version <= current:
                    continue
                log.info("history: upgrading to schema %d (%s)", step.version, step.description)
                for statement in step.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step.version}")

    def _move_aside(self, error: sqlite3.Error) -> None:
        stamp = _timestamp(self._wall())
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            os.replace(self.path, target)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    os.replace(side, target.with_name(target.name + suffix))
        except OSError as move_error:
            raise HistoryError(
                f"The history at {self.path} cannot be read ({error}) and cannot be moved "
                f"aside ({move_error.strerror}); move or delete it by hand."
            ) from move_error
        log.info("history: %s unreadable (%s); moved to %s", self.path, error, target)
        self._notice(
            f"The walk history could not be read ({error}); it was moved to {target} "
            "and a new history was started."
        )

    def _log_pending(self) -> None:
        """Log the walks kept by `keep_pending` (each once, by its run id) and remove their
        files. A history that still cannot take them leaves them for the next open."""
        try:
            kept = sorted(self.pending.glob("*.json"))
        except OSError as error:
            log.warning("history: cannot look for kept walks in %s: %s", self.pending, error)
            return
        if not kept:
            return
        walks: list[Walk] = []
        read: list[Path] = []
        for file in kept:
            try:
                raw = files.read_bounded(file, MAX_PENDING_BYTES)
                walks.append(_walk_from_json(raw.decode("utf-8")))
            except (files.FileTooLarge, ValueError, KeyError, TypeError, AttributeError) as error:
                aside = file.with_name(file.name + ".bad")
                with contextlib.suppress(OSError):
                    os.replace(file, aside)
                self._notice(
                    f"A walk kept to be logged later could not be read ({error}); it was "
                    f"moved to {aside}."
                )
                continue
            except OSError as error:
                log.warning("history: cannot read kept walk %s: %s", file, error)
                continue
            read.append(file)
        if not walks:
            return
        try:
            conn = self.conn
            with _immediate(conn):
                for walk in walks:
                    _insert(conn, walk)
        except sqlite3.Error as error:
            log.warning("history: kept walks not logged yet (%s); trying again next time", error)
            return
        for file in read:
            with contextlib.suppress(OSError):
                file.unlink()
        count = len(walks)
        self._notice(
            f"{count} walk{'' if count == 1 else 's'} that could not be logged earlier "
            f"{'was' if count == 1 else 'were'} added to the history."
        )

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        if self._on_notice is not None:
            self._on_notice(text)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise HistoryError("The history is closed.")
        return self._conn

    @_failing("The history could not be read")
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> HistoryLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing

    @_failing("The walk could not be saved")
    def add(self, walk: Walk) -> int:
        """Store a walk and its phases; returns its id. A walk whose run_id is already stored
        is not stored twice: the existing id is returned."""
        conn = self.conn
        with _immediate(conn):
            return _insert(conn, walk)

    @_failing("The walks could not be saved")
    def add_many(self, walks: Sequence[Walk]) -> list[int]:
        """Store several walks in one transaction (imports, benchmarks)."""
        conn = self.conn
        with _immediate(conn):
            return [_insert(conn, walk) for walk in walks]

    @_failing("The walk could not be deleted")
    def delete(self, walk_id: int) -> bool:
        """Delete one walk and its phases; False when there is no such walk."""
        conn = self.conn
        with _immediate(conn):
            conn.execute("DELETE FROM phases WHERE walk_id = ?", (walk_id,))
            cursor = conn.execute("DELETE FROM walks WHERE id = ?", (walk_id,))
            return cursor.rowcount > 0

    @_failing("The history could not be cleared")
    def delete_all(self) -> int:
        """Delete every walk; returns how many there were. The freed pages are wiped too."""
        conn = self.conn
        with _immediate(conn):
            conn.execute("DELETE FROM phases")
            count = conn.execute("DELETE FROM walks").rowcount
        # Deleted history should not linger in free pages or the write-ahead log.
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(count)

    # -- reading

    @_failing("The history could not be read")
    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM walks").fetchone()[0])

    @_failing("The history could not be read")
    def has_run(self, run_id: str) -> bool:
        """Whether the walk of this run id is already logged."""
        row = self.conn.execute("SELECT 1 FROM walks WHERE run_id = ?", (run_id,))
        return row.fetchone() is not None

    @_failing("The history could not be read")
    def get(self, walk_id: int) -> Walk | None:
        walks = self._select("WHERE id = ?", (walk_id,))
        return walks[0] if walks else None

    @_failing("The history could not be read")
    def walks(self, limit: int | None = None, *, newest_first: bool = True) -> list[Walk]:
        order = "DESC" if newest_first else "ASC"
        tail = f"ORDER BY started {order}, id {order}"
        if limit is not None:
            return self._select(tail + " LIMIT ?", (int(limit),))
        return self._select(tail, ())

    def _select(self, tail: str, params: tuple[object, ...]) -> list[Walk]:
        conn = self.conn
        rows = conn.execute(
            "SELECT id, started, utc_offset, script_name, script_path, script_sha256, "
            "planned_seconds, active_seconds, ended, run_id, speed, pain_before, pain_after, "
            "note, distance_m, avg_speed_kmh, programme, programme_week, elapsed_seconds "
            f"FROM walks {tail}",
            params,
        ).fetchall()
        if not rows:
            return []
        ids = [row[0] for row in rows]
        phases: dict[int, list[LoggedPhase]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for walk_id, idx, name, outcome, extended_by, active, distance, speed in conn.execute(
                "SELECT walk_id, idx, name, outcome, extended_by, active_seconds, distance_m, "
                f"avg_speed_kmh FROM phases WHERE walk_id IN ({marks}) ORDER BY walk_id, idx",
                chunk,
            ):
                phases[walk_id].append(
                    LoggedPhase(
                        idx,
                        name,
                        _outcome(outcome),
                        float(extended_by),
                        _real(active),
                        _real(distance),
                        _real(speed),
                    )
                )
        return [
            Walk(
                started=_from_utc_text(row[1], row[2]),
                script_name=row[3],
                script_path=row[4],
                script_sha256=row[5],
                planned_seconds=float(row[6]),
                active_seconds=float(row[7]),
                ended=_ending(row[8]),
                phases=tuple(phases[row[0]]),
                run_id=row[9],
                id=row[0],
                speed=float(row[10]),
                pain_before=self._stored_rating(row[11]),
                pain_after=self._stored_rating(row[12]),
                note=row[13] or "",
                distance_m=_real(row[14]),
                avg_speed_kmh=_real(row[15]),
                programme=row[16],
                programme_week=None if row[17] is None else int(row[17]),
                elapsed_seconds=_real(row[18]),
            )
            for row in rows
        ]

    def _stored_rating(self, value: object) -> int | None:
        """A stored rating, or None (said once) when it is not one this walktimer knows."""
        try:
            return check_rating(value)
        except ValueError:
            if not self._odd_rating_said:
                self._odd_rating_said = True
                self._notice(
                    f"Some pain ratings in the history at {self.path} are not whole numbers "
                    "from 0 to 10 (a newer walktimer may have written them); they are shown "
                    "as not rated and kept unchanged in the file."
                )
            return None

    # -- the pain diary and the treadmill

    @_failing("The diary could not be saved")
    def set_diary(
        self,
        walk_id: int,
        *,
        pain_before: int | None = None,
        pain_after: int | None = None,
        note: str | None = None,
    ) -> bool:
        """Store the ratings (and the note, when given) of a stored walk; a rating left None
        keeps what is stored. False when there is no such walk. Raises ValueError with one
        sentence for a rating outside 0-10 or a note that is too long, storing nothing."""
        before = check_rating(pain_before)
        after = check_rating(pain_after)
        text = None if note is None else check_note(note)
        conn = self.conn
        with _immediate(conn):
            cursor = conn.execute(
                "UPDATE walks SET pain_before = COALESCE(?, pain_before), "
                "pain_after = COALESCE(?, pain_after), note = COALESCE(?, note) WHERE id = ?",
                (before, after, text, walk_id),
            )
            return cursor.rowcount > 0

    @_failing("What the treadmill reported could not be saved")
    def set_treadmill(
        self,
        walk_id: int,
        *,
        distance_m: float | None,
        avg_speed_kmh: float | None,
        phases: Sequence[PhaseTreadmill] = (),
    ) -> bool:
        """Store what a treadmill reported for a stored walk: its distance in metres and
        average speed in km/h, and the same per phase (by phase index). False when there is
        no such walk. Raises ValueError for a negative or infinite value, storing nothing."""
        distance = _check_measure(distance_m, "distance")
        speed = _check_measure(avg_speed_kmh, "speed")
        rows = [
            (
                _check_measure(p.distance_m, "distance"),
                _check_measure(p.avg_speed_kmh, "speed"),
                walk_id,
                p.index,
            )
            for p in phases
        ]
        conn = self.conn
        with _immediate(conn):
            cursor = conn.execute(
                "UPDATE walks SET distance_m = ?, avg_speed_kmh = ? WHERE id = ?",
                (distance, speed, walk_id),
            )
            if cursor.rowcount == 0:
                return False
            conn.executemany(
                "UPDATE phases SET distance_m = ?, avg_speed_kmh = ? WHERE walk_id = ? AND idx = ?",
                rows,
            )
            return True

    @_failing("The history could not be read")
    def programme_walks(self, programme: str) -> list[Walk]:
        """The walks that count for one programme enrolment, oldest first."""
        return self._select("WHERE programme = ? ORDER BY started, id", (programme,))

    @_failing("The history could not be read")
    def diary(self, since: date | None = None) -> list[tuple[date, int | None, int | None]]:
        """(local day, pain before, pain after) of every real walk with at least one rating,
        oldest first: what a pain trend is drawn from."""
        sql = (
            "SELECT local_day, pain_before, pain_after FROM walks WHERE "
            f"{_REAL} AND (pain_before IS NOT NULL OR pain_after IS NOT NULL)"
        )
        params: tuple[object, ...] = ()
        if since is not None:
            sql += " AND local_day >= ?"
            params = (since.isoformat(),)
        # `+started`: find the days through the local-day index rather than walk every
        # walk in start order (what SQLite picks otherwise: 8 ms over 10,000 walks).
        sql += " ORDER BY +started"
        return [
            (date.fromisoformat(day), self._stored_rating(before), self._stored_rating(after))
            for day, before, after in self.conn.execute(sql, params)
        ]

    @_failing("The history could not be read")
    def daily_active(self, since: date | None = None) -> dict[date, float]:
        """Active seconds of real walks per local day (the walker's clock at each walk's
        start); demos count nowhere."""
        sql = f"SELECT local_day, SUM(active_seconds) FROM walks WHERE {_REAL}"
        params: tuple[object, ...] = ()
        if since is not None:
            sql += " AND local_day >= ?"
            params = (since.isoformat(),)
        sql += " GROUP BY local_day"
        return {
            date.fromisoformat(day): float(seconds)
            for day, seconds in self.conn.execute(sql, params)
        }

    @_failing("The history could not be read")
    def totals(self) -> tuple[int, float, datetime | None]:
        """(walks, active seconds, first walk's start) over the real walks of the whole
        history: demos are not counted (count() counts every stored walk)."""
        count, active = self.conn.execute(
            f"SELECT COUNT(*), COALESCE(SUM(active_seconds), 0) FROM walks WHERE {_REAL}"
        ).fetchone()
        # `+speed`: walk the start-time index from the oldest walk rather than sort every
        # real walk by start (the partial index would otherwise be chosen).
        first = self.conn.execute(
            f"SELECT started, utc_offset FROM walks WHERE +{_REAL} ORDER BY started LIMIT 1"
        ).fetchone()
        return (
            int(count),
            float(active),
            _from_utc_text(first[0], first[1]) if first else None,
        )


# The walks that count (stats.counts; the same text as the partial index's, so SQLite uses it).
_REAL = f"speed = {REAL_SPEED!r}"


def _insert(conn: sqlite3.Connection, walk: Walk) -> int:
    if walk.run_id is not None:
        row = conn.execute("SELECT id FROM walks WHERE run_id = ?", (walk.run_id,)).fetchone()
        if row is not None:
            return int(row[0])
    cursor = conn.execute(
        """
        INSERT INTO walks (started, utc_offset, local_day, script_name, script_path,
            script_sha256, planned_seconds, active_seconds, ended, run_id, speed,
            pain_before, pain_after, note, distance_m, avg_speed_kmh, programme,
            programme_week, elapsed_seconds)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            _utc_text(walk.started),
            _offset_seconds(walk.started),
            walk.local_day.isoformat(),
            walk.script_name,
            walk.script_path,
            walk.script_sha256,
            float(walk.planned_seconds),
            float(walk.active_seconds),
            walk.ended.value,
            walk.run_id,
            float(walk.speed),
            walk.pain_before,
            walk.pain_after,
            check_note(walk.note) or None,
            _check_measure(walk.distance_m, "distance"),
            _check_measure(walk.avg_speed_kmh, "speed"),
            walk.programme,
            walk.programme_week,
            _check_measure(walk.elapsed_seconds, "time"),
        ),
    )
    walk_id = cursor.lastrowid
    assert walk_id is not None
    conn.executemany(
        "INSERT INTO phases (walk_id, idx, name, outcome, extended_by, active_seconds, "
        "distance_m, avg_speed_kmh) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                walk_id,
                p.index,
                p.name,
                p.outcome.value,
                float(p.extended_by),
                p.active_seconds,
                _check_measure(p.distance_m, "distance"),
                _check_measure(p.avg_speed_kmh, "speed"),
            )
            for p in walk.phases
        ],
    )
    return int(walk_id)


def _real(value: object) -> float | None:
    return None if value is None else float(str(value))


def _offset_seconds(moment: datetime) -> int:
    offset = moment.utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def _outcome(text: str) -> PhaseResult:
    try:
        return PhaseResult(text)
    except ValueError:
        return PhaseResult.DONE


def _ending(text: str) -> WalkEnd:
    try:
        return WalkEnd(text)
    except ValueError:
        return WalkEnd.INTERRUPTED


# A schema version this far past ours is a damaged header, not a newer walktimer.
_NEWER_VERSIONS = 1000


class _IntegrityError(sqlite3.DatabaseError):
    """quick_check found damage."""


# Errors that mean the file itself cannot serve as the history (not a database, damaged,
# not a file we may open or write). Anything else (a busy lock, a full disk) is reported and
# the file is left alone.
_UNUSABLE = frozenset(
    {"SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM"}
)


def _unusable(error: sqlite3.Error) -> bool:
    if isinstance(error, _IntegrityError):
        return True
    name = getattr(error, "sqlite_errorname", "") or ""
    return any(name.startswith(code) for code in _UNUSABLE)


def _sentence(path: Path, error: sqlite3.Error, failed: str | None = None) -> str:
    """One sentence for the user: `failed` (what could not be done, if anything was being
    done), why, and what to do about it."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        why = f"the history at {path} is locked by another walktimer; try again in a moment."
    elif name.startswith("SQLITE_FULL") or (
        # SQLite reports a full disk as an I/O error when it is the -shm or -wal file that
        # cannot grow ("disk I/O error"); the free space tells the two apart.
        name.startswith("SQLITE_IOERR") and _disk_full(path.parent)
    ):
        why = f"the disk holding the history at {path} is full; free some space."
    elif name.startswith("SQLITE_IOERR"):
        why = (
            f"the history at {path} could not be read or written ({error}); "
            "check the disk and try again."
        )
    elif failed is not None and _unusable(error):
        why = (
            f"the history at {path} is damaged or not writable ({error}); restart walktimer "
            "to set it aside and start a new one."
        )
    else:
        why = f"the history at {path} cannot be used ({error})."
    return f"{failed}: {why}" if failed is not None else why[0].upper() + why[1:]


def _disk_full(folder: Path, need: int = 1 << 20) -> bool:
    """Whether the disk holding `folder` has less than `need` bytes free."""
    try:
        return shutil.disk_usage(folder).free < need
    except OSError:
        return False


def _first_problem(row: tuple[object, ...] | None) -> str:
    """quick_check's first finding, on one line (it lists many, after a *** header)."""
    lines = [] if row is None else str(row[0]).splitlines()
    found = [line.strip() for line in lines if line.strip() and not line.startswith("***")]
    return found[0][:200] if found else "?"


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _local_now() -> datetime:
    return datetime.now().astimezone()


def _journal_mode_wal(conn: sqlite3.Connection, timeout: float = BUSY_TIMEOUT_MS / 1000) -> str:
    """Switch the database to WAL (a no-op once it is), waiting for other writers.

    The switch of a new file needs an exclusive lock, and SQLite does not wait for it (no
    busy handler) when another connection holds the write lock: it reports "database is
    locked" at once. That happens when two processes open a new history together and one is
    already creating the tables while the other reaches this line. So a busy answer is tried
    again until the other writer is done, as long as `busy_timeout` would have waited.
    """
    deadline = time.monotonic() + timeout
    pause = 0.002
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as error:
            name = getattr(error, "sqlite_errorname", "") or ""
            if not name.startswith("SQLITE_BUSY") or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the lock at once and waits for it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk, an I/O error): the first error is
        # the one worth reporting, never a failed ROLLBACK's.
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


# Used by the tests and the benchmark to build a database at an earlier schema version.
def create_at_version(path: Path, version: int) -> None:
    """A new database at `version`, built by the migration steps up to it."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with _immediate(conn):
            for step in MIGRATIONS:
                if step.version > version:
                    break
                for statement in step.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step.version}")
    finally:
        conn.close()
