"""The resume file: where a running session is, saved often enough to pick it up after a crash.

While a session runs, its host (the terminal runner or the GUI) hands the engine to a
`RunKeeper` after every command and on each display refresh. The keeper writes
`paths.state_dir()/resume.json` at each phase change, each pause or resume, and every 4 s of
session time (so the saved point is never more than 5 s behind, even when the host wakes a
little late), atomically (`walktimer.files.write_atomic`: a temp file in the same folder,
fsync, rename, fsync of the folder). A kill -9 at any instant leaves either the previous
point or the new one, never a half-written file. When the session ends (finished or
stopped) the keeper logs the walk and removes the file, so a resume file on start means the
last session died.

On the next start `pending()` reads it and `inspect()` says whether it can be resumed: only
when the script is still there with the same content (SHA-256). Otherwise it can only be
logged as interrupted. When the history cannot take it then, the walk is kept
(`walktimer.history.log.keep_pending`) and logged the next time the history opens; only when
it cannot even be kept does the resume file stay, to be offered again.

There is one resume file for every walktimer on the machine. Two sessions at once (a window
and a terminal, say) take turns writing it, so these rules keep that case safe:

- The process running a walk holds a lock on `.resume.json.RUN_ID.lock` (flock) from its
  first save to its end; the kernel drops the lock when the process dies, however it dies. A
  point whose run still holds its lock belongs to a live session: it is never offered for
  resuming, logged or removed by anyone else (`run_alive`).
- A session removes the file at its end only if the point in it is its own (`clear` with a
  run id); another session's point stays.
- A session about to save over the point of a run that is dead (killed while another session
  ran) first logs that run as interrupted, so a walk that died is never silently dropped;
  such a walk is logged, not offered for resuming.
- Finished and stopped walks go straight into the history (with a unique run id, so never
  twice); the resume file plays no part in keeping them.

Where there is no `fcntl` (Windows) every run counts as dead, as before.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import math
import os
import re
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from walktimer import files, paths
from walktimer.core.durations import MAX_SESSION_SECONDS
from walktimer.core.engine import PhaseRecord, PhaseStatus, RunEnd, RunRecord
from walktimer.core.script import MAX_FILE_BYTES as SCRIPT_MAX_BYTES

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:  # pragma: no cover - Windows
    HAVE_FLOCK = False
from walktimer.history.log import (
    HistoryError,
    HistoryLog,
    LoggedPhase,
    PhaseResult,
    Walk,
    WalkEnd,
    keep_pending,
)

__all__ = [
    "RESUME_FILE",
    "SAVE_EVERY",
    "Choice",
    "Pending",
    "ResumeFileError",
    "ResumePoint",
    "RunLock",
    "clear",
    "describe",
    "find_pending",
    "guard",
    "inspect",
    "lock_path",
    "log_interrupted",
    "peek_run_id",
    "pending",
    "read",
    "resume_path",
    "run_alive",
    "settle",
    "sha256_file",
    "walk_from_point",
    "walk_from_record",
    "write",
]

log = logging.getLogger(__name__)

RESUME_FILE = "resume.json"
FILE_VERSION = 1
# Seconds of session time between saves while nothing else changes: one less than the 5 s a
# saved point may lag behind, to leave room for a host that wakes late.
SAVE_EVERY = 4.0
# No resume file is near this long (a 1,000-phase run saves about 150 KB).
MAX_FILE_BYTES = 32 * 1024 * 1024


def resume_path() -> Path:
    return paths.state_dir() / RESUME_FILE


def sha256_bytes(data: bytes) -> str:
    import hashlib  # OpenSSL's libcrypto, some 4 MiB: not for a window that only starts

    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The script's digest; a file too large to be a script raises FileTooLarge (OSError)."""
    return sha256_bytes(files.read_bounded(path, SCRIPT_MAX_BYTES))


@dataclass(frozen=True, slots=True)
class ResumePoint:
    """Where a session was when it was last saved."""

    run_id: str
    script_path: str | None
    script_sha256: str | None
    script_name: str
    phase_index: int
    phase_name: str
    phase_elapsed: float  # seconds into the phase
    session_elapsed: float  # seconds into the session (time spent running)
    state: str  # "running" or "paused"
    started: str  # local ISO 8601 with offset: when the walk began
    saved: str  # local ISO 8601 with offset: when this point was written
    saved_unix: float  # the same moment, seconds since the epoch
    record: RunRecord  # the run so far: each phase's outcome, extensions, active time
    speed: float = 1.0  # the clock's speed factor (demos and tests run faster)
    resumes: int = 0  # how often this walk has been resumed already
    version: int = FILE_VERSION

    @property
    def started_at(self) -> datetime:
        return datetime.fromisoformat(self.started)

    @property
    def demo(self) -> bool:
        """A demo run (a sped-up clock): never asked about, see `walktimer.history.terminal`."""
        return self.speed != 1.0

    @property
    def planned_seconds(self) -> float:
        return self.record.planned_seconds

    def to_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["record"] = self.record.as_dict()
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ResumePoint:
        """The point a file's JSON object holds. Every field's type and range is checked;
        ValueError (a clause saying which field is wrong) or KeyError (the missing one)."""
        fields_ = _Fields(data)
        version = fields_.integer("version", 0, 1_000_000)
        if version != FILE_VERSION:
            raise ValueError(f"unknown resume file version {version}")
        run_id = fields_.text("run_id")
        if _RUN_ID.fullmatch(run_id) is None:
            raise ValueError("run_id is not a run id")
        sha = fields_.optional_text("script_sha256")
        if sha is not None and _SHA256.fullmatch(sha) is None:
            raise ValueError("script_sha256 is not a SHA-256 digest")
        state = fields_.text("state")
        if state not in _STATES:
            raise ValueError("state is neither running nor paused")
        point = cls(
            run_id=run_id,
            script_path=fields_.optional_text("script_path"),
            script_sha256=sha,
            script_name=fields_.text("script_name"),
            phase_index=fields_.integer("phase_index", 0, _MAX_PHASES - 1),
            phase_name=fields_.text("phase_name", ""),
            phase_elapsed=fields_.seconds("phase_elapsed"),
            session_elapsed=fields_.seconds("session_elapsed"),
            state=state,
            started=fields_.moment("started"),
            saved=fields_.moment("saved"),
            saved_unix=fields_.number("saved_unix", 0.0, _MAX_UNIX),
            record=_record(fields_.mapping("record")),
            speed=fields_.number("speed", _MIN_SPEED, _MAX_SPEED, 1.0),
            resumes=fields_.integer("resumes", 0, 1_000_000, 0),
        )
        if point.phase_index >= len(point.record.phases):
            raise ValueError("the saved phase is not in the saved run")
        if point.started_at.utcoffset() is None:
            raise ValueError("the start time has no UTC offset")
        return point


# What a resume file may hold. Generous, but finite: no NaN, no 1e308, nothing a later
# step (the engine, the history, the clock text) cannot take.
_RUN_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_STATES = ("running", "paused")
_MAX_SECONDS = 10 * MAX_SESSION_SECONDS  # elapsed time, with manual phases and extensions
_MAX_PHASES = 100_000
_MAX_UNIX = 1e11  # seconds since the epoch: the year 5138
_MIN_SPEED = 1e-6
_MAX_SPEED = 1e6
_MAX_TEXT = 100_000
_MISSING = object()
_E = TypeVar("_E", bound=StrEnum)


class _Fields:
    """Typed, range-checked reads of one JSON object's fields."""

    def __init__(self, data: Mapping[str, Any], where: str = "") -> None:
        self.data = data
        self.where = where

    def _get(self, key: str, default: object) -> object:
        value = self.data.get(key, default)
        if value is _MISSING:
            raise KeyError(f"{self.where}{key}")
        return value

    def _wrong(self, key: str, what: str) -> ValueError:
        return ValueError(f"{self.where}{key} is not {what}")

    def text(self, key: str, default: object = _MISSING) -> str:
        value = self._get(key, default)
        if not isinstance(value, str) or len(value) > _MAX_TEXT:
            raise self._wrong(key, "a text")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def integer(self, key: str, low: int, high: int, default: object = _MISSING) -> int:
        value = self._get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self._wrong(key, f"a whole number from {low} to {high}")
        return value

    def number(self, key: str, low: float, high: float, default: object = _MISSING) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number")
        if not (math.isfinite(value) and low <= value <= high):
            raise self._wrong(key, f"a number from {low:g} to {high:g}")
        return float(value)

    def seconds(self, key: str, default: object = _MISSING) -> float:
        return self.number(key, 0.0, _MAX_SECONDS, default)

    def optional_seconds(self, key: str) -> float | None:
        return None if self.data.get(key) is None else self.seconds(key)

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false")
        return value

    def moment(self, key: str) -> str:
        value = self.text(key)
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise self._wrong(key, "a date and time") from None
        return value

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self._get(key, _MISSING)
        if not isinstance(value, dict):
            raise self._wrong(key, "an object")
        return value

    def choice(self, key: str, kind: type[_E], default: object = _MISSING) -> _E:
        value = self._get(key, default)
        try:
            if not isinstance(value, str):
                raise TypeError(value)
            return kind(value)
        except (ValueError, TypeError):
            names = ", ".join(str(member) for member in kind)
            raise self._wrong(key, f"one of {names}") from None


def _record(data: Mapping[str, Any]) -> RunRecord:
    """The saved run record, checked field by field (RunRecord.from_dict trusts its input)."""
    fields_ = _Fields(data, "record.")
    phases = data.get("phases", _MISSING)
    if phases is _MISSING:
        raise KeyError("record.phases")
    if not isinstance(phases, list) or len(phases) > _MAX_PHASES:
        raise ValueError("record.phases is not a list of phases")
    ended = data.get("ended")
    return RunRecord(
        session_name=fields_.text("session_name"),
        planned_seconds=fields_.seconds("planned_seconds"),
        active_seconds=fields_.seconds("active_seconds"),
        phases=tuple(_phase(item, number) for number, item in enumerate(phases)),
        ended=None if ended is None else fields_.choice("ended", RunEnd),
        at_least=fields_.flag("at_least", False),
        dropped=fields_.integer("dropped", 0, 1_000_000_000, 0),
    )


def _phase(item: object, number: int) -> PhaseRecord:
    if not isinstance(item, dict):
        raise ValueError(f"record.phases[{number}] is not an object")
    fields_ = _Fields(item, f"record.phases[{number}].")
    index = fields_.integer("index", 0, _MAX_PHASES - 1)
    if index != number:
        raise ValueError(f"record.phases[{number}].index is not {number}")
    return PhaseRecord(
        index=index,
        name=fields_.text("name"),
        status=fields_.choice("status", PhaseStatus),
        planned_seconds=fields_.optional_seconds("planned_seconds"),
        extended_by=fields_.seconds("extended_by", 0.0),
        active_seconds=fields_.seconds("active_seconds", 0.0),
    )


class ResumeFileError(Exception):
    """The resume file exists but cannot be read; the message is a sentence for the user."""


# --- the file -------------------------------------------------------------------------------


def write(point: ResumePoint, path: Path | None = None) -> None:
    """Replace the resume file atomically and durably."""
    path = path if path is not None else resume_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_atomic(path, point.to_json().encode("utf-8"), new_mode=0o600)


def read(path: Path | None = None) -> ResumePoint | None:
    """The saved point, or None when there is none. A damaged file is moved aside to
    resume.json.bad and ResumeFileError says so."""
    path = path if path is not None else resume_path()
    try:
        raw = files.read_bounded(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        return None
    except files.FileTooLarge:
        return _move_aside(path, "it is far larger than a saved session can be")
    except OSError as error:
        raise ResumeFileError(
            f"The saved session at {path} cannot be read ({error.strerror}); it cannot be resumed."
        ) from error
    try:
        data = _json_object(raw)
        return ResumePoint.from_mapping(data)
    except (ValueError, KeyError) as error:
        why = f"{error.args[0]} is missing" if isinstance(error, KeyError) else str(error)
        return _move_aside(path, why, error)


def _json_object(raw: bytes) -> dict[str, Any]:
    """The JSON object in `raw`; ValueError (a clause) for anything else."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError("it is nested too deeply to be a saved session") from None
    if not isinstance(data, dict):
        raise ValueError("it does not hold a saved session")
    return data


def _move_aside(path: Path, why: str, cause: BaseException | None = None) -> NoReturn:
    aside = path.with_name(path.name + ".bad")
    with contextlib.suppress(OSError):
        os.replace(path, aside)
    raise ResumeFileError(
        f"The saved session could not be read ({why}); it was moved to {aside} "
        "and cannot be resumed."
    ) from cause


def clear(path: Path | None = None, run_id: str | None = None) -> None:
    """Remove the resume file; with `run_id`, only while it holds that run's point (another
    session may have saved its own point over it since)."""
    path = path if path is not None else resume_path()
    if run_id is None:
        path.unlink(missing_ok=True)
        return
    with guard(path):
        if peek_run_id(path) == run_id:
            path.unlink(missing_ok=True)


def peek_run_id(path: Path | None = None) -> str | None:
    """The run id in the resume file: None when there is no file, "" when it is unreadable."""
    path = path if path is not None else resume_path()
    try:
        data = _json_object(files.read_bounded(path, MAX_FILE_BYTES))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return ""
    run_id = data.get("run_id")
    return str(run_id) if run_id is not None else ""


# --- which runs are alive -------------------------------------------------------------------


def lock_path(path: Path | None, run_id: str) -> Path:
    """The lock file a live run of `run_id` holds, next to the resume file."""
    path = path if path is not None else resume_path()
    return path.with_name(f".{path.name}.{run_id}.lock")


class RunLock:
    """An exclusive flock on a run's lock file, held while the run goes. Released by
    `release()`, or by the kernel when the process dies; the descriptor is also closed
    when the object is collected (a dropped keeper counts as a dead run)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd
        self._finalizer = weakref.finalize(self, os.close, fd)

    @classmethod
    def take(cls, path: Path) -> RunLock | None:
        """The lock, or None when another live process holds it (or locks are unsupported)."""
        if not HAVE_FLOCK:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return cls(path, fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        self._fd = None
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        self._finalizer()  # closes the descriptor, which drops the lock


def run_alive(path: Path | None, run_id: str) -> bool:
    """Whether a process still runs `run_id` (it holds the run's lock). A dead run's lock
    file is removed."""
    if not HAVE_FLOCK or not run_id:
        return False
    lock = lock_path(path, run_id)
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False  # no lock file: the run never saved, ended, or was cleaned up
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            return error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)
        with contextlib.suppress(OSError):
            lock.unlink()
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextlib.contextmanager
def guard(path: Path | None = None) -> Iterator[None]:
    """Serialise look-then-change steps on the resume file between processes (a short
    flock on `.resume.json.lock`)."""
    path = path if path is not None else resume_path()
    if not HAVE_FLOCK:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --- on the next start ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pending:
    """A session that died, and whether it can be picked up."""

    point: ResumePoint
    resumable: bool
    reason: str | None = None  # why not, as a clause: "the script has changed since"


def inspect(point: ResumePoint) -> Pending:
    if point.script_path is None or point.script_sha256 is None:
        return Pending(point, False, "it was not run from a script file")
    script = Path(point.script_path)
    try:
        digest = sha256_file(script)
    except FileNotFoundError:
        return Pending(point, False, f"its script {script} is gone")
    except OSError as error:
        return Pending(point, False, f"its script {script} cannot be read ({error.strerror})")
    if digest != point.script_sha256:
        return Pending(point, False, f"its script {script} has changed since")
    return Pending(point, True)


def pending(path: Path | None = None) -> Pending | None:
    """The session left behind by a crash, if any. Raises ResumeFileError."""
    point = read(path)
    return inspect(point) if point is not None else None


def describe(point: ResumePoint) -> str:
    """ "Back-care walk", phase 3 "Brisk walk" at 2:15 (12:40 into the session, 14 Mar 18:02)"""
    from walktimer.core.durations import format_clock

    try:
        when = point.started_at.strftime("%d %b %H:%M")
    except ValueError:
        when = point.started
    return (
        f'"{point.script_name}", phase {point.phase_index + 1} "{point.phase_name}" at '
        f"{format_clock(point.phase_elapsed)} ({format_clock(point.session_elapsed)} into "
        f"the session, started {when})"
    )


def walk_from_record(
    record: RunRecord,
    ended: WalkEnd,
    *,
    started: datetime,
    script_path: str | None,
    script_sha256: str | None,
    run_id: str | None,
    interrupted_at: int | None = None,
    speed: float = 1.0,
) -> Walk:
    """The history's view of an engine's run record."""
    phases = tuple(
        LoggedPhase(
            p.index,
            p.name,
            PhaseResult.INTERRUPTED if p.index == interrupted_at else _outcome(str(p.status)),
            p.extended_by,
            p.active_seconds,
        )
        for p in record.phases
    )
    return Walk(
        started=started,
        script_name=record.session_name,
        script_path=script_path,
        script_sha256=script_sha256,
        planned_seconds=record.planned_seconds,
        active_seconds=record.active_seconds,
        ended=ended,
        phases=phases,
        run_id=run_id,
        speed=speed,
    )


def walk_from_point(point: ResumePoint, ended: WalkEnd = WalkEnd.INTERRUPTED) -> Walk:
    return walk_from_record(
        point.record,
        ended,
        started=point.started_at,
        script_path=point.script_path,
        script_sha256=point.script_sha256,
        run_id=point.run_id,
        interrupted_at=point.phase_index if ended is WalkEnd.INTERRUPTED else None,
        speed=point.speed,
    )


def log_interrupted(point: ResumePoint, history: HistoryLog, path: Path | None = None) -> int:
    """Log the dead session as interrupted where it was last saved, then drop the file."""
    walk_id = history.add(walk_from_point(point, WalkEnd.INTERRUPTED))
    clear(path, point.run_id)
    return walk_id


def already_logged(point: ResumePoint, history: HistoryLog) -> bool:
    """Whether the walk was logged (and only the file's removal was lost)."""
    return history.has_run(point.run_id)


class Choice(StrEnum):
    """What to do with a session that died."""

    RESUME = "resume"  # carry on where it was saved
    LOG = "log"  # log it as interrupted where it was saved, then start afresh
    IGNORE = "ignore"  # forget it: not resumed, not logged


def find_pending(
    *,
    path: Path | None = None,
    history_path: Path | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> Pending | None:
    """The session a crash left behind, ready to offer. A damaged resume file, or one whose
    walk is already in the history, gives None (the first with a notice)."""
    try:
        point = read(path)
    except ResumeFileError as error:
        if on_notice is not None:
            on_notice(str(error))
        return None
    if point is None:
        return None
    if run_alive(path, point.run_id):
        # Another walktimer is running this walk right now: it is not ours to offer.
        log.info("resume: %s is still running in another process", point.run_id)
        return None
    try:
        with HistoryLog(history_path, on_notice=on_notice) as history:
            if already_logged(point, history):
                clear(path, point.run_id)
                return None
    except HistoryError as error:
        log.warning("resume: history unavailable while checking %s: %s", point.run_id, error)
    return inspect(point)


def settle(
    found: Pending,
    choice: Choice,
    *,
    path: Path | None = None,
    history_path: Path | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> ResumePoint | None:
    """Carry out the walker's choice. Returns the point to resume from for RESUME (the file
    stays until the resumed run saves over it or ends); None otherwise. A choice to resume
    what cannot be resumed logs it as interrupted instead."""
    if choice is Choice.RESUME and found.resumable:
        return found.point
    if choice is Choice.IGNORE:
        clear(path, found.point.run_id)
        return None
    try:
        with HistoryLog(history_path, on_notice=on_notice) as history:
            log_interrupted(found.point, history, path)
    except HistoryError as error:
        failed = f"The interrupted walk could not be added to the history: {error}"
        try:
            keep_pending(walk_from_point(found.point, WalkEnd.INTERRUPTED), history_path)
        except OSError as keep_error:
            # Neither logged nor kept: the resume file stays, to be offered again next time.
            log.warning("resume: cannot keep %s to log later: %s", found.point.run_id, keep_error)
            if on_notice is not None:
                on_notice(
                    f"{failed} It could not be kept to be logged later either "
                    f"({keep_error.strerror or keep_error})."
                )
            return None
        if on_notice is not None:
            on_notice(f"{failed} The walk is kept and will be logged next time.")
        clear(path, found.point.run_id)
    return None


def _outcome(text: str) -> PhaseResult:
    try:
        return PhaseResult(text)
    except ValueError:
        return PhaseResult.NOT_REACHED


def new_run_id() -> str:
    return uuid.uuid4().hex
