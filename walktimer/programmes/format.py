"""The programme file: format 1, read with tomli, every problem found with its line and column.

A programme lists weeks; each week says how many walks it has and which session each walk
runs (a bundled session or one of the walker's own, by name), and may give a duration to
build the walk to from that session. The format is documented in docs/programme-format.md;
`schema.build_schema` is its JSON Schema. Problems are `walktimer.core.problems.Problem`s,
positioned with `walktimer.core.positions.key_positions`, like a session script's.

Checking that each named session exists and loads needs the file system; `load_*` take a
`SessionFinder` for that (`walktimer.programmes.build.find_session` by default), so this
module itself reads nothing but the programme file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from walktimer.core.durations import DurationError, format_compact, parse_duration
from walktimer.core.loader import _closest, _decode, _show, _syntax
from walktimer.core.positions import KeyPath, key_positions
from walktimer.core.problems import Problem, SessionError
from walktimer.core.script import Session

__all__ = [
    "FORMAT_VERSION",
    "KEYS",
    "LIMITS",
    "Programme",
    "ProgrammeError",
    "SessionFinder",
    "Week",
    "check_text",
    "load_path",
    "load_text",
]

FORMAT_VERSION = 1
MAX_PROGRAMME_BYTES = 256 * 1024

KEYS: dict[str, tuple[str, ...]] = {
    "top": ("format", "name", "description", "week"),
    "week": ("walks", "session", "duration", "note"),
}
# Ranges the checker enforces, for the docs and the schema to quote.
LIMITS: dict[str, tuple[int, int]] = {
    "name": (1, 80),  # characters
    "weeks": (1, 52),
    "walks": (1, 14),  # walks a week
    "duration": (60, 3 * 3600),  # seconds a built walk may last
    "note": (1, 300),  # characters
}

_WHERE_TOP = "top level"
_SYNTAX = "TOML syntax"
_FILE = "file"


class ProgrammeError(SessionError):
    """A programme that cannot be used, with every problem found in it."""


@dataclass(frozen=True, slots=True)
class Week:
    """One week: `walks` walks, each running `session` (built to `duration` seconds when
    given). `session_path` is the script the name was found at."""

    number: int  # 1-based
    walks: int
    session: str
    session_path: Path
    session_name: str  # the script's own name, "Beginner walk, 15 minutes"
    planned_seconds: int  # how long each walk of the week is planned to be
    duration: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Programme:
    name: str
    weeks: tuple[Week, ...]
    description: str | None = None
    source: Path | None = None

    def week(self, number: int) -> Week:
        """Week `number` (1-based), the last week for any number past the end."""
        return self.weeks[min(max(number, 1), len(self.weeks)) - 1]


# What a programme needs from the world: the script a session name stands for (None when
# there is none), and the session loaded from it (raising SessionError when it is broken).
@dataclass(frozen=True, slots=True)
class SessionFinder:
    find: Callable[[str, Path | None], Path | None]
    load: Callable[[Path], Session]
    names: Callable[[], list[str]]  # the names there are, for "did you mean"
    build: Callable[[Session, int], Session | str]  # a session built to a length, or why not


# -- entry points --------------------------------------------------------------------------------


def load_path(path: Path | str, finder: SessionFinder | None = None) -> Programme:
    """Read and check a programme file; raise ProgrammeError with every problem."""
    file = Path(path)
    label = str(path)
    try:
        if not file.is_file():
            why = "this is a folder" if file.is_dir() else "there is no such file"
            raise ProgrammeError(
                label,
                [Problem(label, None, None, _FILE, f"{why}: give the path of a programme .toml")],
            )
        data = file.read_bytes()
    except OSError as error:
        what = f"the file cannot be read ({error.strerror or error}): check its permissions"
        raise ProgrammeError(label, [Problem(label, None, None, _FILE, what)]) from None
    if len(data) > MAX_PROGRAMME_BYTES:
        what = "the file is larger than 256 KiB, far more than a programme needs"
        raise ProgrammeError(label, [Problem(label, None, None, _FILE, what)])
    try:
        text = _decode(data, path, label)
    except SessionError as error:
        raise ProgrammeError(label, error.problems) from None
    return load_text(text, file, finder)


def load_text(
    text: str, path: Path | str | None = None, finder: SessionFinder | None = None
) -> Programme:
    programme, problems = _load(text, path, finder)
    if problems or programme is None:
        raise ProgrammeError(path, problems)
    return programme


def check_text(
    text: str, path: Path | str | None = None, finder: SessionFinder | None = None
) -> list[Problem]:
    """Every problem in a programme's text, in file order; empty when it is valid."""
    return _load(text, path, finder)[1]


def _default_finder() -> SessionFinder:
    from walktimer.programmes.build import default_finder

    return default_finder()


def _load(
    text: str, path: Path | str | None, finder: SessionFinder | None
) -> tuple[Programme | None, list[Problem]]:
    label = "<text>" if path is None else str(path)
    if len(text) > MAX_PROGRAMME_BYTES:
        what = "the text is larger than 256 KiB, far more than a programme needs"
        return None, [Problem(label, None, None, _FILE, what)]
    if not text.strip():
        what = "the file is empty: a programme needs format = 1, a name and [[week]] tables"
        return None, [Problem(label, None, None, _FILE, what)]
    try:
        doc = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        return None, [Problem(label, error.lineno, error.colno, _SYNTAX, _syntax(error))]
    except RecursionError:
        what = "lists or tables are nested too deeply to read"
        return None, [Problem(label, None, None, _SYNTAX, what)]
    base = Path(path).parent if path is not None else None
    checker = _Checker(finder or _default_finder(), base)
    programme = checker.programme(doc)
    if not checker.found:
        assert programme is not None
        source = None if path is None else Path(path)
        return Programme(programme.name, programme.weeks, programme.description, source), []
    positions = key_positions(text)
    ordered = []
    for order, (at, where, what) in enumerate(checker.found):
        line, col = positions.get(at, (None, None))
        ordered.append((line or 0, col or 0, order, Problem(label, line, col, where, what)))
    ordered.sort(key=lambda item: item[:3])
    return None, [item[3] for item in ordered]


# -- the checker ----------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    def __init__(self, finder: SessionFinder, base: Path | None) -> None:
        self.finder = finder
        self.base = base
        self.found: list[tuple[KeyPath, str, str]] = []
        self.sessions: dict[Path, Session | None] = {}

    def add(self, at: KeyPath, where: str, what: str) -> None:
        self.found.append((at, where, what))

    def unknown_keys(self, table: Mapping[str, Any], keys: str, at: KeyPath, where: str) -> None:
        allowed = KEYS[keys]
        for key in table:
            if key not in allowed:
                close = _closest(key, allowed)
                hint = f'did you mean "{close}"?' if close else f"use {', '.join(allowed)}"
                self.add((*at, key), where, f'unknown key "{key}": {hint}')

    def programme(self, doc: Mapping[str, Any]) -> Programme | None:
        self.unknown_keys(doc, "top", (), _WHERE_TOP)
        fmt = doc.get("format")
        if fmt is None:
            self.add((), _WHERE_TOP, "format = 1 is missing: add it as the first line")
        elif not _is_int(fmt) or fmt != FORMAT_VERSION:
            newer = _is_int(fmt) and fmt > FORMAT_VERSION
            what = (
                f"format {fmt} is newer than this walktimer reads (1): update walktimer"
                if newer
                else f"format must be 1, not {_show(fmt)}"
            )
            self.add(("format",), _WHERE_TOP, what)
        name = doc.get("name")
        low, high = LIMITS["name"]
        if name is None:
            self.add((), _WHERE_TOP, 'name is missing: add a name like name = "Back-care start"')
        elif not isinstance(name, str) or not low <= len(name.strip()) <= high:
            self.add(("name",), _WHERE_TOP, f"name must be text of {low} to {high} characters")
        description = doc.get("description")
        if description is not None and not isinstance(description, str):
            self.add(("description",), _WHERE_TOP, "description must be text in quotes")
        weeks_raw = doc.get("week")
        weeks: list[Week] = []
        low, high = LIMITS["weeks"]
        if weeks_raw is None:
            self.add((), _WHERE_TOP, "there are no weeks: add at least one [[week]] table")
        elif not isinstance(weeks_raw, list) or not all(isinstance(w, dict) for w in weeks_raw):
            self.add(("week",), _WHERE_TOP, "week must be [[week]] tables, one per week")
        elif not low <= len(weeks_raw) <= high:
            self.add(("week",), _WHERE_TOP, f"a programme has {low} to {high} weeks")
        else:
            for index, table in enumerate(weeks_raw):
                week = self.week(index, table)
                if week is not None:
                    weeks.append(week)
        if self.found:
            return None
        assert isinstance(name, str)
        return Programme(name.strip(), tuple(weeks), description)

    def week(self, index: int, table: Mapping[str, Any]) -> Week | None:
        at: KeyPath = ("week", index)
        where = f"week {index + 1}"
        before = len(self.found)
        self.unknown_keys(table, "week", at, where)
        walks = table.get("walks")
        low, high = LIMITS["walks"]
        if walks is None:
            self.add(at, where, f"walks is missing: say how many walks the week has ({low}-{high})")
        elif not _is_int(walks):
            self.add((*at, "walks"), where, f"walks must be a whole number, not {_show(walks)}")
        elif walks == 0:
            self.add(
                (*at, "walks"),
                where,
                "a week with zero walks is not a week of the programme: give it 1 or more "
                "walks, or leave the week out (a rest week is a week of short, easy walks)",
            )
        elif not low <= walks <= high:
            self.add((*at, "walks"), where, f"walks must be from {low} to {high}, not {walks}")
        duration: int | None = None
        raw_duration = table.get("duration")
        if raw_duration is not None:
            try:
                duration = parse_duration(raw_duration)
            except DurationError as error:
                self.add((*at, "duration"), where, str(error))
            else:
                low, high = LIMITS["duration"]
                if not low <= duration <= high:
                    self.add(
                        (*at, "duration"),
                        where,
                        f"a walk of a programme lasts {format_compact(low)} to "
                        f"{format_compact(high)}, not {format_compact(duration)}",
                    )
                    duration = None
        note = table.get("note")
        low, high = LIMITS["note"]
        if note is not None and (not isinstance(note, str) or not low <= len(note) <= high):
            self.add((*at, "note"), where, f"note must be text of {low} to {high} characters")
        session_name = table.get("session")
        found: tuple[Path, Session] | None = None
        if session_name is None:
            self.add(
                at, where, 'session is missing: name the session, like session = "beginner-15"'
            )
        elif not isinstance(session_name, str) or not session_name.strip():
            self.add((*at, "session"), where, "session must be a session's name in quotes")
        else:
            found = self.session((*at, "session"), where, session_name.strip())
        if found is None or len(self.found) > before:
            return None
        path, session = found
        planned = session.total_seconds
        if duration is not None:
            built = self.finder.build(session, duration)
            if isinstance(built, str):
                self.add((*at, "duration"), where, built)
                return None
            session, planned = built, built.total_seconds
        assert isinstance(walks, int)
        assert isinstance(session_name, str)
        return Week(
            number=index + 1,
            walks=walks,
            session=session_name.strip(),
            session_path=path,
            session_name=session.name,
            planned_seconds=planned,
            duration=duration,
            note=note,
        )

    def session(self, at: KeyPath, where: str, name: str) -> tuple[Path, Session] | None:
        path = self.finder.find(name, self.base)
        if path is None:
            close = _closest(name, self.finder.names())
            hint = f'did you mean "{close}"?' if close else "`walktimer programme --help` says how"
            self.add(
                at,
                where,
                f'there is no session "{name}" among the bundled sessions, your own sessions '
                f"or beside the programme: {hint}",
            )
            return None
        if path not in self.sessions:
            try:
                self.sessions[path] = self.finder.load(path)
            except SessionError as error:
                self.sessions[path] = None
                count = len(error.problems)
                first = error.problems[0] if error.problems else None
                self.add(
                    at,
                    where,
                    f'the session "{name}" ({path}) has {count} problem'
                    f"{'' if count == 1 else 's'} and cannot be run (first: "
                    f"{first.what if first else 'unreadable'}): `walktimer check {path}` "
                    "lists them",
                )
                return None
        session = self.sessions[path]
        return None if session is None else (path, session)
