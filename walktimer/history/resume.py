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
import hashlib
import json
import logging
import os
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from walktimer import files, paths
from walktimer.core.engine import RunRecord

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:  # pragma: no cover - Windows
    HAVE_FLOCK = False
from walktimer.history.log import (
    Ending,
    HistoryError,
    HistoryLog,
    Outcome,
    PhaseOutcome,
    Walk,
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


def resume_path() -> Path:
    return paths.state_dir() / RESUME_FILE


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


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
        if int(data.get("version", 0)) != FILE_VERSION:
            raise ValueError(f"unknown resume file version {data.get('version')!r}")
        path = data.get("script_path")
        sha = data.get("script_sha256")
        point = cls(
            run_id=str(data["run_id"]),
            script_path=None if path is None else str(path),
            script_sha256=None if sha is None else str(sha),
            script_name=str(data["script_name"]),
            phase_index=int(data["phase_index"]),
            phase_name=str(data.get("phase_name", "")),
            phase_elapsed=float(data["phase_elapsed"]),
            session_elapsed=float(data["session_elapsed"]),
            state=str(data["state"]),
            started=str(data["started"]),
            saved=str(data["saved"]),
            saved_unix=float(data["saved_unix"]),
            record=RunRecord.from_dict(data["record"]),
            speed=float(data.get("speed", 1.0)),
            resumes=int(data.get("resumes", 0)),
        )
        if point.phase_index < 0 or point.phase_elapsed < 0 or point.session_elapsed < 0:
            raise ValueError("a saved position is negative")
        if point.phase_index >= len(point.record.phases):
            raise ValueError("the saved phase is not in the saved run")
        if point.started_at.utcoffset() is None:
            raise ValueError("the start time has no UTC offset")
        return point


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
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ResumeFileError(
            f"The saved session at {path} cannot be read ({error.strerror}); it cannot be resumed."
        ) from error
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("it does not hold a saved session")
        return ResumePoint.from_mapping(data)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        why = f"{error.args[0]} is missing" if isinstance(error, KeyError) else str(error)
        aside = path.with_name(path.name + ".bad")
        with contextlib.suppress(OSError):
            os.replace(path, aside)
        raise ResumeFileError(
            f"The saved session could not be read ({why}); it was moved to {aside} "
            "and cannot be resumed."
        ) from error


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
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return ""
    run_id = data.get("run_id") if isinstance(data, dict) else None
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
    ended: Ending,
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
        PhaseOutcome(
            p.index,
            p.name,
            Outcome.INTERRUPTED if p.index == interrupted_at else _outcome(str(p.status)),
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


def walk_from_point(point: ResumePoint, ended: Ending = Ending.INTERRUPTED) -> Walk:
    return walk_from_record(
        point.record,
        ended,
        started=point.started_at,
        script_path=point.script_path,
        script_sha256=point.script_sha256,
        run_id=point.run_id,
        interrupted_at=point.phase_index if ended is Ending.INTERRUPTED else None,
        speed=point.speed,
    )


def log_interrupted(point: ResumePoint, history: HistoryLog, path: Path | None = None) -> int:
    """Log the dead session as interrupted where it was last saved, then drop the file."""
    walk_id = history.add(walk_from_point(point, Ending.INTERRUPTED))
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
            keep_pending(walk_from_point(found.point, Ending.INTERRUPTED), history_path)
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


def _outcome(text: str) -> Outcome:
    try:
        return Outcome(text)
    except ValueError:
        return Outcome.NOT_REACHED


def new_run_id() -> str:
    return uuid.uuid4().hex
