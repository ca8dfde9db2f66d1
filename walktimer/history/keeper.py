"""Keeps one run's resume file fresh while it goes, and logs the walk when it ends.

The terminal runner and the GUI each make one `RunKeeper` per run and call `update(engine)`
after every command and on each display refresh (it decides itself whether a save is due),
and `finish(engine)` once the session has finished or been stopped. Neither call raises on a
full disk or an unusable history: the problem becomes one notice and the walk goes on. A walk
the history cannot take is kept (`walktimer.history.log.keep_pending`) and logged the next
time the history opens, so it is never dropped along with the resume file.

Several keepers (in several processes) may share the one resume file; see
`walktimer.history.resume` for how they stay out of each other's way.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from walktimer.core.belt_tally import WalkBelt
from walktimer.core.engine import Engine, RunEnd, State
from walktimer.core.plan import Plan
from walktimer.history import resume
from walktimer.history.log import (
    HistoryError,
    HistoryLog,
    PhaseTreadmill,
    Walk,
    WalkEnd,
    keep_pending,
)
from walktimer.history.resume import ResumePoint

__all__ = ["RunKeeper", "local_now"]

log = logging.getLogger(__name__)


def local_now() -> datetime:
    """The wall-clock time with the local UTC offset (the edge where wall time is read)."""
    return datetime.now().astimezone()


class RunKeeper:
    """One run's bookkeeping: the resume file while it runs, the history row at the end."""

    def __init__(
        self,
        plan: Plan,
        *,
        script_path: Path | None,
        script_sha256: str | None,
        started: datetime,
        run_id: str | None = None,
        resumes: int = 0,
        speed: float = 1.0,
        resume_file: Path | None = None,
        history_path: Path | None = None,
        wall: Callable[[], datetime] = local_now,
        save_every: float = resume.SAVE_EVERY,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.plan = plan
        self.script_path = None if script_path is None else Path(script_path).resolve()
        self.script_sha256 = script_sha256
        self.started = started
        self.run_id = run_id if run_id is not None else resume.new_run_id()
        self.resumes = resumes
        self.speed = speed
        self.resume_file = resume_file if resume_file is not None else resume.resume_path()
        self.history_path = history_path
        self.save_every = save_every
        self.notices: list[str] = []
        self.walk_id: int | None = None
        self.saves = 0
        self._wall = wall
        self._on_notice = on_notice
        self._last: tuple[int, State] | None = None
        self._last_at: float | None = None
        self._save_failed = False
        self._done = False
        self._lock: resume.RunLock | None = None
        # The pain diary and the programme the walk counts for, set by the host before
        # `finish` (a demo keeps neither).
        self.pain_before: int | None = None
        self.pain_after: int | None = None
        self.note = ""
        self.programme: tuple[str, int] | None = None
        self._treadmill: tuple[float | None, float | None, tuple[PhaseTreadmill, ...]] | None = None

    @classmethod
    def begin(
        cls,
        plan: Plan,
        script_path: Path | None,
        *,
        script_bytes: bytes | None = None,
        wall: Callable[[], datetime] = local_now,
        speed: float = 1.0,
        resume_file: Path | None = None,
        history_path: Path | None = None,
        on_notice: Callable[[str], None] | None = None,
    ) -> RunKeeper:
        """A keeper for a new run of the script at `script_path` (hashing its content, or
        `script_bytes` when the caller has the bytes it loaded)."""
        sha: str | None = None
        if script_bytes is not None:
            sha = resume.sha256_bytes(script_bytes)
        elif script_path is not None:
            try:
                sha = resume.sha256_file(Path(script_path))
            except OSError as error:
                log.warning("keeper: cannot hash %s: %s", script_path, error)
        return cls(
            plan,
            script_path=script_path,
            script_sha256=sha,
            started=wall(),
            wall=wall,
            speed=speed,
            resume_file=resume_file,
            history_path=history_path,
            on_notice=on_notice,
        )

    @classmethod
    def resuming(
        cls,
        plan: Plan,
        point: ResumePoint,
        *,
        wall: Callable[[], datetime] = local_now,
        speed: float = 1.0,
        resume_file: Path | None = None,
        history_path: Path | None = None,
        on_notice: Callable[[str], None] | None = None,
    ) -> RunKeeper:
        """A keeper that carries on the run saved in `point`: same run id and start time.
        A demo stays a demo when it is carried on at real speed (part of it was not walked)."""
        return cls(
            plan,
            script_path=None if point.script_path is None else Path(point.script_path),
            script_sha256=point.script_sha256,
            started=point.started_at,
            run_id=point.run_id,
            resumes=point.resumes + 1,
            wall=wall,
            speed=point.speed if point.demo and speed == 1.0 else speed,
            resume_file=resume_file,
            history_path=history_path,
            on_notice=on_notice,
        )

    def record_treadmill(
        self,
        distance_m: float | None,
        avg_speed_kmh: float | None,
        phases: Sequence[PhaseTreadmill] = (),
    ) -> None:
        """What a treadmill reported for this walk (metres, km/h, and per phase by index),
        logged with it by `finish`; a later call replaces an earlier one. For a walk already
        logged, use `HistoryLog.set_treadmill`."""
        self._treadmill = (distance_m, avg_speed_kmh, tuple(phases))

    def record_belt(self, totals: WalkBelt | None) -> None:
        """What a host's `BeltTally` summed for this walk (None: the belt never reported)."""
        if totals is not None:
            self.record_treadmill(
                totals.distance_m,
                totals.avg_speed_kmh,
                [PhaseTreadmill(p.index, p.distance_m, p.avg_speed_kmh) for p in totals.phases],
            )

    @property
    def finished(self) -> bool:
        return self._done

    # While it runs.

    def update(self, engine: Engine, *, force: bool = False) -> bool:
        """Save the resume point if it is due: the phase or the state changed, or
        `save_every` seconds of session time passed. Returns True when it wrote."""
        if self._done:
            return False
        snap = engine.snapshot()
        if snap.state not in (State.RUNNING, State.PAUSED):
            return False
        key = (snap.phase_index, snap.state)
        now = engine.clock.now()
        due = (
            force
            or key != self._last
            or self._last_at is None
            or (snap.state is State.RUNNING and now - self._last_at >= self.save_every)
        )
        if not due:
            return False
        wall = self._wall()
        point = ResumePoint(
            run_id=self.run_id,
            script_path=None if self.script_path is None else str(self.script_path),
            script_sha256=self.script_sha256,
            script_name=self.plan.session.name,
            phase_index=snap.phase_index,
            phase_name=self.plan.phases[snap.phase_index].name,
            phase_elapsed=snap.phase_elapsed,
            session_elapsed=snap.session_elapsed,
            state=str(snap.state),
            started=self.started.isoformat(),
            saved=wall.isoformat(),
            saved_unix=wall.timestamp(),
            record=engine.record(),
            speed=self.speed,
            resumes=self.resumes,
        )
        try:
            if self._lock is None:
                self._lock = resume.RunLock.take(resume.lock_path(self.resume_file, self.run_id))
            with resume.guard(self.resume_file):
                self._keep_dead_point()
                resume.write(point, self.resume_file)
        except OSError as error:
            if not self._save_failed:
                self._save_failed = True
                self._notice(
                    f"Progress cannot be saved to {self.resume_file} ({error.strerror}); "
                    "after a crash this walk could not be resumed."
                )
            return False
        self._last = key
        self._last_at = now
        self.saves += 1
        return True

    def _keep_dead_point(self) -> None:
        """Before saving over another run's point: if that run died (a crash while this
        session ran), log it as interrupted so it is not lost. A live run's point is simply
        saved over; that run saves its own again within `save_every`."""
        other = resume.peek_run_id(self.resume_file)
        if not other or other == self.run_id or resume.run_alive(self.resume_file, other):
            return
        try:
            point = resume.read(self.resume_file)
        except resume.ResumeFileError as error:
            self._notice(str(error))
            return
        if point is None:
            return
        walk = resume.walk_from_point(point)
        if not self._log(walk, "An interrupted walk could not be added to the history"):
            return
        self._notice(
            f"Another session had stopped without ending: {resume.describe(point)}. "
            "It was logged as interrupted."
        )

    def wake_in(self, engine: Engine) -> float | None:
        """Session seconds until the next timed save is due (0 when overdue); None when the
        session is not running. A host that sleeps between deadlines wakes by then."""
        if self._done or engine.state is not State.RUNNING:
            return None
        if self._last_at is None:
            return 0.0
        return max(0.0, self.save_every - (engine.clock.now() - self._last_at))

    # At the end.

    def finish(self, engine: Engine) -> int | None:
        """Log the walk (once) and remove the resume file. Returns the walk's id, or None when
        the session never started or the history cannot be written (a notice says why)."""
        if self._done:
            return self.walk_id
        record = engine.record()
        if engine.state is State.READY:
            self.discard()
            return None
        self._done = True
        if record.ended is RunEnd.FINISHED:
            ending = WalkEnd.RESUMED_FINISHED if self.resumes else WalkEnd.FINISHED
        else:
            # Stopped, or still going when the host gave up on it: the walker ended it.
            ending = WalkEnd.RESUMED_STOPPED if self.resumes else WalkEnd.STOPPED
        walk = resume.walk_from_record(
            record,
            ending,
            started=self.started,
            script_path=None if self.script_path is None else str(self.script_path),
            script_sha256=self.script_sha256,
            run_id=self.run_id,
            speed=self.speed,
        )
        elapsed = (self._wall() - self.started).total_seconds()
        if elapsed >= walk.active_seconds:  # a clock set back meanwhile tells nothing
            walk = replace(walk, elapsed_seconds=elapsed)
        if self._treadmill is not None:
            distance, speed, per_phase = self._treadmill
            by_index = {p.index: p for p in per_phase}
            walk = replace(
                walk,
                distance_m=distance,
                avg_speed_kmh=speed,
                phases=tuple(
                    replace(p, distance_m=by_index[p.index].distance_m,
                            avg_speed_kmh=by_index[p.index].avg_speed_kmh)
                    if p.index in by_index else p
                    for p in walk.phases
                ),
            )  # fmt: skip
        if not walk.demo:
            walk = replace(
                walk,
                pain_before=self.pain_before,
                pain_after=self.pain_after,
                note=self.note,
                programme=None if self.programme is None else self.programme[0],
                programme_week=None if self.programme is None else self.programme[1],
            )
        if self._log(walk, "This walk could not be added to the history") is not None:
            self._clear()
        else:
            # Neither logged nor kept: its last saved point stays, to be logged from there.
            self._release()
        return self.walk_id

    def add_after(self, pain_after: int | None, note: str) -> str | None:
        """The diary's after-walk answers. Before `finish` they are logged with the walk (as
        the terminal sets `pain_after` and `note`); after it, they are added to the logged
        walk. None when stored (or nothing to store), else one sentence saying why not."""
        if pain_after is None and not note.strip():
            return None
        if not self._done:
            self.pain_after, self.note = pain_after, note
            return None
        if self.walk_id is None:
            return (
                "The pain rating and note could not be saved: the walk is not in the history yet."
            )
        try:
            with HistoryLog(self.history_path, on_notice=self._notice) as history:
                history.set_diary(
                    self.walk_id, pain_after=pain_after, note=note if note.strip() else None
                )
        except (HistoryError, ValueError) as error:
            return f"The pain rating and note could not be saved: {error}"
        return None

    def _log(self, walk: Walk, failed: str) -> bool | None:
        """Add `walk` to the history: True when logged (`walk_id` is set for this run's own
        walk). When the history cannot take it, keep it to be logged the next time the history
        opens and say so in one notice: False. None when it could not even be kept."""
        try:
            with HistoryLog(self.history_path, on_notice=self._notice) as history:
                walk_id = history.add(walk)
        except (HistoryError, sqlite3.Error) as error:
            reason = str(error)
        else:
            if walk.run_id == self.run_id:
                self.walk_id = walk_id
            return True
        try:
            keep_pending(walk, self.history_path)
        except OSError as keep_error:
            log.warning("keeper: cannot keep the walk to log later: %s", keep_error)
            self._notice(
                f"{failed}: {reason} It could not be kept to be logged later either "
                f"({keep_error.strerror or keep_error})."
            )
            return None
        self._notice(f"{failed}: {reason} The walk is kept and will be logged next time.")
        return False

    def discard(self) -> None:
        """Drop the resume file without logging (the session never got going)."""
        self._done = True
        self._clear()

    def _clear(self) -> None:
        """Remove the resume file if it holds this run's point, and let go of the run lock."""
        try:
            resume.clear(self.resume_file, self.run_id)
        except OSError as error:
            log.warning("keeper: cannot remove %s: %s", self.resume_file, error)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()

    def _notice(self, text: str) -> None:
        log.info("%s", text)
        self.notices.append(text)
        if self._on_notice is not None:
            self._on_notice(text)
