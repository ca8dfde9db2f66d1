"""The walker's programme: which one they follow, since when, paused or not.

One small JSON file in the config directory (`programme.json`), written atomically. The
walks themselves live in the history, each tagged with the enrolment's id and its week
(`Walk.programme`, `Walk.programme_week`); where the walker is follows from them
(`progress.status`), so nothing here can disagree with the history. Restarting a programme
is a new enrolment: the walks of the old one stay in the history, untagged by nothing.

`Programmes` is the small service the command line (and the window) call: choose, pause,
resume, restart, leave, and today's walk. Time comes in as an argument.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path

from walktimer import paths, resources
from walktimer.core.script import Session
from walktimer.files import write_atomic
from walktimer.history.log import HistoryLog, Walk, WalkEnd
from walktimer.programmes.format import Programme, ProgrammeError, SessionFinder, load_path
from walktimer.programmes.progress import DiaryWalk, Status, status

__all__ = [
    "ENROLMENT_FILE",
    "Enrolment",
    "EnrolmentError",
    "Programmes",
    "TodayWalk",
    "diary_walk",
    "resolve_programme",
]

ENROLMENT_FILE = "programme.json"
FILE_VERSION = 1
_DONE = (WalkEnd.FINISHED, WalkEnd.RESUMED_FINISHED)


class EnrolmentError(Exception):
    """The programme choice cannot be read or written; the message is one sentence."""


@dataclass(frozen=True, slots=True)
class Enrolment:
    id: str
    programme: str  # a bundled programme's name, or a file's absolute path
    started: date
    paused: bool = False
    advice_said: int | None = None  # the walk whose hold the advice was last said for


@dataclass(frozen=True, slots=True)
class TodayWalk:
    """The walk to run next: the status, and the session its week runs."""

    enrolment: Enrolment
    status: Status
    session: Session
    session_path: Path

    @property
    def tag(self) -> tuple[str, int]:
        """(enrolment id, week): what the walk is logged with."""
        return self.enrolment.id, self.status.week.number

    @property
    def advice_to_say(self) -> str | None:
        """The advice when it is still to be said (spoken) for the hold it belongs to, the
        rule of `Programmes.advice_due`; after saying it, call `Programmes.advice_said`."""
        hold = self.status.hold
        if hold is None or not hold.advice or self.enrolment.advice_said == hold.since_walk:
            return None
        return self.status.advice


def resolve_programme(name: str) -> Path | None:
    """A programme file a walker names: a path, or a bundled programme by name."""
    path = Path(name).expanduser()
    if path.is_file():
        return path
    if "/" not in name and "\\" not in name:
        bundled = resources.bundled_programme(name)
        if bundled.is_file():
            return bundled
    return None


def diary_walk(walk: Walk) -> DiaryWalk:
    return DiaryWalk(
        day=walk.local_day,
        done=not walk.demo and walk.ended in _DONE,
        pain_before=walk.pain_before,
        pain_after=walk.pain_after,
        walk_id=walk.id,
    )


class Programmes:
    """The walker's programme: the enrolment file and the history it reads."""

    def __init__(
        self,
        file: Path | None = None,
        *,
        history_path: Path | None = None,
        finder: SessionFinder | None = None,
    ) -> None:
        self.file = file if file is not None else paths.config_dir() / ENROLMENT_FILE
        self.history_path = history_path
        self.finder = finder

    # -- the file

    def current(self) -> Enrolment | None:
        """The enrolment, or None when the walker follows no programme."""
        try:
            text = self.file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise EnrolmentError(
                f"The programme choice in {self.file} cannot be read ({error.strerror}); "
                "check its permissions."
            ) from error
        try:
            data = json.loads(text)
            if data.get("version") != FILE_VERSION:
                raise ValueError(f"unknown version {data.get('version')!r}")
            said = data.get("advice_said")
            return Enrolment(
                id=str(data["id"]),
                programme=str(data["programme"]),
                started=date.fromisoformat(str(data["started"])),
                paused=bool(data.get("paused", False)),
                advice_said=None if said is None else int(said),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise EnrolmentError(
                f"The programme choice in {self.file} cannot be read ({error}); choose the "
                "programme again with `walktimer programme start NAME`."
            ) from error

    def _write(self, enrolment: Enrolment | None) -> None:
        try:
            if enrolment is None:
                self.file.unlink(missing_ok=True)
                return
            self.file.parent.mkdir(parents=True, exist_ok=True)
            data = asdict(enrolment) | {"version": FILE_VERSION}
            data["started"] = enrolment.started.isoformat()
            write_atomic(self.file, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
        except OSError as error:
            raise EnrolmentError(
                f"The programme choice cannot be saved to {self.file} ({error.strerror})."
            ) from error

    # -- choosing

    def load(self, name: str) -> Programme:
        """The programme a walker names. Raises ProgrammeError (every problem, or one
        saying there is no such programme)."""
        path = resolve_programme(name)
        if path is None:
            from walktimer.core.problems import Problem

            names = ", ".join(p.stem for p in resources.bundled_programmes())
            raise ProgrammeError(
                name,
                [
                    Problem(
                        name,
                        None,
                        None,
                        "file",
                        f"there is no programme file or bundled programme of that name: give "
                        f"a .toml programme's path, or one of {names}",
                    )
                ],
            )
        return load_path(path, self.finder)

    def start(self, name: str, today: date) -> tuple[Enrolment, Programme]:
        """Follow the programme `name` from its first week (in place of any other)."""
        programme = self.load(name)
        path = resolve_programme(name)
        assert path is not None
        kept = name if resources.bundled_programme(name) == path else str(path.resolve())
        enrolment = Enrolment(id=uuid.uuid4().hex, programme=kept, started=today)
        self._write(enrolment)
        return enrolment, programme

    def _need(self) -> Enrolment:
        enrolment = self.current()
        if enrolment is None:
            raise EnrolmentError(
                "You follow no programme: `walktimer programme list` shows them, and "
                "`walktimer programme start NAME` chooses one."
            )
        return enrolment

    def pause(self) -> Enrolment:
        enrolment = replace(self._need(), paused=True)
        self._write(enrolment)
        return enrolment

    def resume(self) -> Enrolment:
        enrolment = replace(self._need(), paused=False)
        self._write(enrolment)
        return enrolment

    def restart(self, today: date) -> tuple[Enrolment, Programme]:
        """The same programme again from week 1 (the walks so far stay in the history)."""
        return self.start(self._need().programme, today)

    def leave(self) -> Enrolment | None:
        enrolment = self.current()
        self._write(None)
        return enrolment

    def advice_due(self, today: date) -> str | None:
        """The advice sentence when it is due to be said (spoken) and has not been yet for
        the hold it belongs to; None otherwise. Call `advice_said` once it has been."""
        found = self.status(today)
        if found is None:
            return None
        enrolment, where = found
        hold = where.hold
        if hold is None or not hold.advice or enrolment.advice_said == hold.since_walk:
            return None
        return where.advice

    def advice_said(self, walk_id: int | None) -> None:
        """The advice for the hold that walk `walk_id` started has been said."""
        self._write(replace(self._need(), advice_said=walk_id))

    # -- where the walker is

    def status(self, today: date) -> tuple[Enrolment, Status] | None:
        """Where the walker is; None when they follow no programme. Raises EnrolmentError,
        ProgrammeError or HistoryError with one sentence."""
        enrolment = self.current()
        if enrolment is None:
            return None
        programme = self.load(enrolment.programme)
        with HistoryLog(self.history_path) as history:
            walks = history.programme_walks(enrolment.id)
        return enrolment, status(
            programme, [diary_walk(w) for w in walks], today, paused=enrolment.paused
        )

    def today(self, today: date) -> TodayWalk | None:
        found = self.status(today)
        if found is None:
            return None
        enrolment, where = found
        finder = self.finder
        if finder is None:
            from walktimer.programmes.build import default_finder

            finder = default_finder()
        week = where.week
        session = finder.load(week.session_path)
        if week.duration is not None:
            built = finder.build(session, week.duration)
            if isinstance(built, str):  # checked when the programme loaded
                raise ProgrammeError(week.session, [])
            session = built
        return TodayWalk(enrolment, where, session, week.session_path)
