"""Session scripts in, a valid Session out: read, parse with tomli, check every format-1 rule.

Nothing stops at the first mistake. Every problem is collected with the place it concerns and,
where it can be found, the line and column of its key, then raised together as one
SessionError. A script that loads is guaranteed to follow SESSION_FORMAT.md, so the plan, the
engine and the screens never see a bad value.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import struct
import wave
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import tomli

from walktimer.core.durations import (
    MAX_SESSION_SECONDS,
    DurationError,
    format_clock,
    parse_duration,
    parse_offset,
)
from walktimer.core.positions import KeyPath, key_positions
from walktimer.core.problems import Problem, SessionError
from walktimer.core.script import (
    BUILTIN_SOUNDS,
    FORMAT_VERSION,
    KMH_PER_MPH,
    MAX_FILE_BYTES,
    PLACEHOLDERS,
    Announce,
    Block,
    Cue,
    Incline,
    Kind,
    Offset,
    Phase,
    ReminderOrder,
    Reminders,
    Session,
    Sound,
    Sounds,
    Speed,
    Voice,
)

__all__ = [
    "KEYS",
    "LIMITS",
    "WAV_RATES",
    "Problem",
    "SessionError",
    "check_text",
    "load_bytes",
    "load_path",
    "load_text",
]

_PHASE_KEYS = (
    "name",
    "kind",
    "duration",
    "say",
    "instructions",
    "speed",
    "incline",
    "countdown",
    "reminders",
    "cue",
)

# The keys each table of a format-1 script may hold. "phase" is every key a [[phase]] table may
# carry; a phase with `repeat` is a repeated block and carries only the "block" keys; its
# [[phase.step]] tables carry the "step" keys (blocks do not nest).
KEYS: dict[str, tuple[str, ...]] = {
    "top": (
        "format",
        "name",
        "description",
        "tags",
        "author",
        "voice",
        "sounds",
        "announce",
        "reminders",
        "phase",
    ),
    "voice": ("rate", "volume", "voice"),
    "sounds": ("phase", "countdown", "finish", "reminder"),
    "announce": ("countdown", "remaining", "halfway", "next", "targets"),
    "reminders": ("every", "order", "texts"),
    "phase": (*_PHASE_KEYS, "repeat", "step"),
    "block": ("name", "repeat", "step"),
    "step": _PHASE_KEYS,
    "cue": ("at", "every", "say", "sound"),
}

# Ranges the loader enforces, for the docs and the schema to quote.
LIMITS: dict[str, tuple[float, float]] = {
    "name": (1, 80),  # characters
    "voice.rate": (80, 400),  # words per minute
    "voice.volume": (0.0, 1.0),
    "countdown": (0, 60),  # seconds, in [announce] and in a phase
    "speed": (0.1, 30.0),  # km/h
    "incline": (-10.0, 40.0),  # percent
    "repeat": (1, 1000),
    "played_phases": (1, 10_000),  # phases once repeats are expanded
}

# Sample rates every playback back end accepts.
WAV_RATES = (8000, 11025, 16000, 22050, 32000, 44100, 48000)

_TABLE_LABEL = {
    "top": "the top level",
    "voice": "[voice]",
    "sounds": "[sounds]",
    "announce": "[announce]",
    "reminders": "[reminders]",
    "phase": "[[phase]]",
    "cue": "[[phase.cue]]",
}
_TOP = "top level"
_FILE = "file"
_SYNTAX = "TOML syntax"
_KINDS = tuple(kind.value for kind in Kind)
_KIND_BY_NAME = {kind.value: kind for kind in Kind}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SPEED = re.compile(r"(?P<n>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>km/h|kmh|kph|mph)", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
_PERCENT = re.compile(r"(?P<n>[+-]?(?:\d+(?:\.\d+)?|\.\d+))\s*%")
_DURATION_HINT = 'a duration like 90, "90s", "5m", "1m30s", "2:30" or "1:02:30"'
_SOUND_HINT = "bell, beep, tick, chime, ping or none, or the path of a .wav file"


# -- entry points --------------------------------------------------------------------------------


def load_path(path: Path | str) -> Session:
    """Read, parse and check a script file; raise SessionError with every problem."""
    file = Path(path)
    return load_bytes(_read(file, str(path)), file)


def load_bytes(data: bytes, path: Path | str | None = None) -> Session:
    """Decode UTF-8 bytes and load them as a script."""
    label = _label(path)
    if len(data) > MAX_FILE_BYTES:
        raise SessionError(path, [_file_problem(label, _too_big(len(data)))])
    return load_text(_decode(data, path, label), path)


def load_text(text: str, path: Path | str | None = None) -> Session:
    """Parse and check a script's text. `path` names it in messages and anchors sound files."""
    session, problems = _load(text, path)
    if problems or session is None:
        raise SessionError(path, problems)
    return session


def check_text(text: str, path: Path | str | None = None) -> list[Problem]:
    """Every problem in a script's text, in file order; empty when it is valid."""
    return _load(text, path)[1]


# -- files and bytes ------------------------------------------------------------------------------


def _label(path: Path | str | None) -> str:
    return "<text>" if path is None else str(path)


def _file_problem(
    label: str, what: str, line: int | None = None, col: int | None = None
) -> Problem:
    return Problem(label, line, col, _FILE, what)


def _too_big(size: int) -> str:
    mib = size / (1024 * 1024)
    shown = f"{mib:.1f} MiB" if mib >= 1.05 else "larger than 1 MiB"
    return (
        f"the file is {shown}, and a session script may be at most 1 MiB: "
        "split it into several sessions"
    )


def _read(file: Path, label: str) -> bytes:
    """The file's bytes, or a SessionError that says in one sentence why they cannot be read."""

    def fail(what: str) -> SessionError:
        return SessionError(label, [_file_problem(label, what)])

    try:
        if file.is_dir():
            raise fail("this is a folder, not a session script: give the path of a .toml file")
        if not file.exists():
            raise fail("there is no such file: check the name and the folder")
        if not file.is_file():
            raise fail("this is not a regular file: give the path of a .toml session script")
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(_too_big(size))
        with file.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise fail(
            "walktimer is not allowed to read this file (permission denied): check its permissions"
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise fail(
            f"the file cannot be read ({reason}): check that it is a readable file"
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise fail(_too_big(len(data)))
    return data


def _decode(data: bytes, path: Path | str | None, label: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        col = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        byte = data[error.start]
        what = (
            f"the file is not UTF-8 text (byte 0x{byte:02X} at line {line}, column {col} is "
            "not UTF-8): save it with the UTF-8 encoding"
        )
        raise SessionError(path, [_file_problem(label, what, line, col)]) from None
    # Some editors start UTF-8 files with a byte-order mark; TOML does not allow one.
    return text.removeprefix("\ufeff")


# -- text -----------------------------------------------------------------------------------------


def _load(text: str, path: Path | str | None) -> tuple[Session | None, list[Problem]]:
    label = _label(path)
    if len(text) > MAX_FILE_BYTES or (
        len(text) * 4 > MAX_FILE_BYTES
        and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES
    ):
        return None, [_file_problem(label, _too_big(len(text.encode("utf-8", "surrogatepass"))))]
    if not text.strip():
        return None, [
            _file_problem(
                label,
                "the file is empty: a session script needs format = 1, a name and at least "
                "one [[phase]] table",
            )
        ]
    try:
        doc = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        return None, [Problem(label, error.lineno, error.colno, _SYNTAX, _syntax(error))]
    except RecursionError:
        return None, [
            Problem(
                label,
                None,
                None,
                _SYNTAX,
                "lists or tables are nested too deeply to read: a session script needs only "
                "a few levels",
            )
        ]
    if not doc:
        return None, [
            _file_problem(
                label,
                "the file holds only comments: a session script needs format = 1, a name and "
                "at least one [[phase]] table",
            )
        ]
    base = Path(os.path.abspath(Path(path).parent if path is not None else Path()))
    checker = _Checker(base)
    session = checker.session(doc)
    if not checker.found:
        return replace(session, source=None if path is None else Path(path)), []
    positions = key_positions(text)
    problems = []
    for order, (at, where, what) in enumerate(checker.found):
        line, col = positions.get(at, (None, None))
        problems.append((line or 0, col or 0, order, Problem(label, line, col, where, what)))
    problems.sort(key=lambda item: item[:3])
    return None, [item[3] for item in problems]


_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    ("Invalid statement", "this line is not a key = value pair, a [table] header or a comment"),
    (
        "Expected newline or end of document",
        "expected the end of the line after the value: put each key = value on its own line, "
        "and start comments with #",
    ),
    (
        "Expected '=' after a key",
        'expected "=" after the key: write key = value, with text values in quotes',
    ),
    ("Cannot declare", "this table is declared twice: merge the two into one"),
    (
        "Cannot overwrite a value",
        "this key is already set above, or clashes with a table of the same name: keep one",
    ),
    (
        "Cannot redefine namespace",
        "this dotted key adds to a table that already has its own [header]: "
        "put the key under that header",
    ),
    (
        "Cannot mutate immutable namespace",
        "this adds to a table or list that was written inline above: write it in one place",
    ),
    ("Expected ']' at the end", 'a table header needs its closing "]"'),
    ("Expected ']]' at the end", 'an array-of-tables header like [[phase]] needs its closing "]]"'),
    (
        "Invalid initial character for a key",
        'a key cannot start here: keys are letters, digits, "_" and "-", or text in quotes',
    ),
    ("Unclosed array", 'this list is not closed: add the missing "]"'),
    ("Unclosed inline table", 'this inline table is not closed: add the missing "}"'),
    ("Duplicate inline table key", "this inline table sets the same key twice: keep one"),
    (
        "Unescaped '\\'",
        "a backslash in \"...\" text must be doubled (\\\\), or use '...' quotes instead",
    ),
    ("Invalid hex value", "this escape needs hexadecimal digits, like \\u00e9"),
    ("Escaped character is not a Unicode", "this escape is not a valid character"),
    ("Unterminated string", "this text is not closed: add the closing quote"),
    ("Illegal character", "this character is not allowed in text: remove it or escape it"),
    ("Invalid date or datetime", "this looks like a date or time but is not a valid one"),
    (
        "Invalid value",
        'this value is not valid TOML: put text in quotes ("5m"), and write true or false in '
        "lower case",
    ),
)


def _syntax(error: tomli.TOMLDecodeError) -> str:
    message = error.msg
    better = _unquoted_value(error)
    if better is not None:
        return f"{better} (the TOML parser says: {message})"
    if message == "Illegal character '\\n'":
        return (
            'this text is not closed before the end of the line: add the closing quote, or use """ '
            f"for text over several lines (the TOML parser says: {message})"
        )
    for start, hint in _SYNTAX_HINTS:
        if message.startswith(start):
            return f"{hint} (the TOML parser says: {message})"
    return f"the file is not valid TOML: {message}"


def _unquoted_value(error: tomli.TOMLDecodeError) -> str | None:
    """For `duration = 5m` or `kind = walk`: the same line with the value quoted."""
    if not error.msg.startswith(("Invalid value", "Expected newline or end of document")):
        return None
    doc, pos = error.doc, error.pos
    start = doc.rfind("\n", 0, pos) + 1
    end = doc.find("\n", pos)
    line = doc[start : len(doc) if end < 0 else end]
    key, equals, raw = line.partition("=")
    value = raw.split("#", 1)[0].strip()
    if not equals or not value or value[0] in "\"'[{" or not key.strip():
        return None
    key = key.strip()
    if value.lower() in ("true", "false"):
        return f"true and false are written in lower case: write {key} = {value.lower()}"
    if '"' in value:
        return None
    return f'text values need quotes: write {key} = "{value}"'


# -- describing values ----------------------------------------------------------------------------


def _show(value: object) -> str:
    """A value as the user wrote it (roughly), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        if shown.isprintable() and '"' not in shown and "\\" not in shown:
            return f'"{shown}"'
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, int):
        return str(value) if abs(value) < 10**15 else "a very large number"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time of day"
    return "that value"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _closest(word: str, options: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def _or_list(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _homes(key: str) -> list[str]:
    """Where a key does belong: "at the top level", "in [voice]", ..."""
    return [
        ("at " if table == "top" else "in ") + label
        for table, label in _TABLE_LABEL.items()
        if key in KEYS[table]
    ]


def _clock(seconds: int) -> str:
    return format_clock(seconds)


# -- the checker ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Ctx:
    """What a phase's texts and cues are checked against."""

    duration: int | None  # None: manual
    duration_ok: bool  # False when the duration itself is missing or wrong
    in_block: bool


class _Checker:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.found: list[tuple[KeyPath, str, str]] = []
        # Each sound file is read once, however many cues play it.
        self.wav_cache: dict[str, str | None] = {}
        self.has_reminders_table = False
        # Keys an unknown key was taken for ("durtion" -> duration): not reported as missing too.
        self.suggested: set[KeyPath] = set()

    def problem(self, at: KeyPath, where: str, what: str) -> None:
        self.found.append((at, where, what))

    def missing(self, at: KeyPath, key: str, where: str, what: str) -> None:
        """Report a missing required key, unless a mistyped key was already taken for it."""
        if (*at, key) not in self.suggested:
            self.problem(at, where, what)

    # -- generic value checks --------------------------------------------------------------------

    def unknown_keys(
        self,
        table: Mapping[str, Any],
        allowed: tuple[str, ...],
        at: KeyPath,
        where: str,
        label: str,
        special: Callable[[str], str | None] | None = None,
    ) -> None:
        for key in table:
            if key in allowed:
                continue
            message = special(key) if special is not None else None
            if message is None:
                # A key that belongs in another table was most likely put in the wrong place;
                # otherwise it is most likely mistyped.
                homes = _homes(key)
                close = None if homes else _closest(key, allowed)
                if homes:
                    message = (
                        f"unknown key {_show(key)} here: {key} belongs {_or_list(homes)}; "
                        "move it there"
                    )
                elif close is not None:
                    self.suggested.add((*at, close))
                    message = f"unknown key {_show(key)}: did you mean {close}?"
                else:
                    message = f"unknown key {_show(key)}: {label} takes only {', '.join(allowed)}"
            self.problem((*at, key), where, message)

    def table(
        self, value: object, at: KeyPath, where: str, key: str, example: str
    ) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problem(at, where, f"{key}: expected a table like {example}, not {_show(value)}")
        return None

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        at: KeyPath,
        where: str,
        *,
        ctx: _Ctx | None = None,
        reminder: bool = False,
    ) -> str | None:
        """An optional non-empty string; texts that are spoken get their placeholders checked."""
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str):
            self.problem((*at, key), where, f"{key}: expected text in quotes, not {_show(value)}")
            return None
        if not value.strip():
            self.problem(
                (*at, key), where, f"{key} is empty: write the text, or remove the {key} line"
            )
            return None
        if ctx is not None or reminder:
            self.placeholders(value, (*at, key), where, key, ctx)
        return value

    def placeholders(
        self, text: str, at: KeyPath, where: str, label: str, ctx: _Ctx | None
    ) -> None:
        for match in _PLACEHOLDER.finditer(text):
            name = match.group(1).strip()
            shown = "{" + match.group(1) + "}"
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                close = _closest(name, PLACEHOLDERS)
                hint = f" (did you mean {{{close}}}?)" if close else ""
                self.problem(
                    at, where, f"{label}: unknown placeholder {shown}{hint}: use one of {known}"
                )
            elif ctx is None:
                continue
            elif name in ("rep", "reps") and not ctx.in_block:
                self.problem(
                    at,
                    where,
                    f"{label}: {shown} only works inside a repeated block (a phase with repeat "
                    "and [[phase.step]] tables): remove it here",
                )
            elif name == "remaining" and ctx.duration_ok and ctx.duration is None:
                self.problem(
                    at,
                    where,
                    f"{label}: {{remaining}} cannot be used in a manual phase, which has no set "
                    "end: use {elapsed} instead",
                )

    def boolean(self, table: Mapping[str, Any], key: str, at: KeyPath, where: str) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            self.problem((*at, key), where, f"{key}: expected true or false, not {_show(value)}")
            return None
        return value

    def duration(
        self, value: object, at: KeyPath, where: str, key: str, *, manual: bool = False
    ) -> int | None:
        if isinstance(value, float) and not math.isfinite(value):
            # parse_duration would fail to round these; they are no duration at all.
            self.problem(at, where, f"{key}: expected {_DURATION_HINT}, not {_show(value)}")
            return None
        try:
            return parse_duration(value)
        except DurationError as error:
            message = str(error)
        if isinstance(value, float) and math.isfinite(value) and value > 0:
            whole = sorted({math.floor(value), math.ceil(value)} - {0})
            message = (
                f"durations are whole seconds: write {_or_list(str(n) for n in whole)}, or text "
                f'like "1m30s", not {_show(value)}'
            )
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
            message = (
                f'a number of seconds goes without quotes: write {number} or "{number}s"'
                if number > 0
                else f"a duration must be greater than zero, not {_show(value)}"
            )
        elif message.startswith("expected "):
            also = ', or "manual" for a phase that ends when you press Next' if manual else ""
            message = f"expected {_DURATION_HINT}{also}, not {_show(value)}"
        self.problem(at, where, f"{key}: {message}")
        return None

    def whole(
        self,
        table: Mapping[str, Any],
        key: str,
        at: KeyPath,
        where: str,
        low: int,
        high: int,
        meaning: str,
        note: str = "",
    ) -> int | None:
        if key not in table:
            return None
        value = table[key]
        if not _is_int(value) or not low <= value <= high:
            self.problem(
                (*at, key),
                where,
                f"{key}: expected a whole number of {meaning} from {low} to {high}{note}, "
                f"not {_show(value)}",
            )
            return None
        return int(value)

    def sound(self, value: object, at: KeyPath, where: str, key: str) -> tuple[bool, Sound | None]:
        """(valid, sound); `none` is a valid None."""
        if not isinstance(value, str):
            self.problem(at, where, f"{key}: expected {_SOUND_HINT} in quotes, not {_show(value)}")
            return False, None
        name = value.strip()
        if name.lower() in BUILTIN_SOUNDS:
            lowered = name.lower()
            return True, None if lowered == "none" else Sound(name=lowered)
        if not name.lower().endswith(".wav"):
            close = _closest(name.lower(), BUILTIN_SOUNDS)
            hint = f" (did you mean {close}?)" if close else ""
            self.problem(
                at,
                where,
                f"{key}: {_show(value)} is neither a built-in sound nor a .wav file{hint}: "
                f"use {_SOUND_HINT}",
            )
            return False, None
        file = Path(os.path.abspath(self.base / name))
        trouble = self.wav_problem(file)
        if trouble is not None:
            self.problem(at, where, f"{key}: the sound file {_show(name)} {trouble}")
            return False, None
        return True, Sound(path=file)

    def wav_problem(self, file: Path) -> str | None:
        key = str(file)
        if key not in self.wav_cache:
            self.wav_cache[key] = _wav_problem(file)
        return self.wav_cache[key]

    # -- the session ------------------------------------------------------------------------------

    def session(self, doc: dict[str, Any]) -> Session:
        if not self.format(doc):
            return Session(name="", phases=())
        self.unknown_keys(doc, KEYS["top"], (), _TOP, _TABLE_LABEL["top"])
        self.format_value(doc)
        name = self.name(doc, (), _TOP, "the session", example='"Back-care walk"')
        description = self.text(doc, "description", (), _TOP)
        author = self.text(doc, "author", (), _TOP)
        tags = self.tags(doc)
        voice = self.voice(doc)
        sounds = self.sounds(doc)
        announce = self.announce(doc)
        reminders = self.reminders(doc)
        phases = self.phases(doc)
        return Session(
            name=name,
            phases=phases,
            format=FORMAT_VERSION,
            description=description,
            tags=tags,
            author=author,
            voice=voice,
            sounds=sounds,
            announce=announce,
            reminders=reminders,
        )

    def format(self, doc: Mapping[str, Any]) -> bool:
        """False when the file is for a newer walktimer: nothing else is worth checking then."""
        value = doc.get("format")
        if isinstance(value, int) and not isinstance(value, bool) and value > FORMAT_VERSION:
            self.problem(
                ("format",),
                _TOP,
                f"this script was written for a newer walktimer (format {value}); this "
                f"walktimer reads format {FORMAT_VERSION}: update walktimer to use it",
            )
            return False
        return True

    def format_value(self, doc: Mapping[str, Any]) -> None:
        if "format" not in doc:
            self.missing((), "format", _TOP, "missing format: add the line format = 1 at the top")
            return
        value = doc["format"]
        if value != FORMAT_VERSION or not _is_int(value):
            self.problem(
                ("format",), _TOP, f"format: expected {FORMAT_VERSION}, not {_show(value)}"
            )

    def name(
        self, table: Mapping[str, Any], at: KeyPath, where: str, what: str, example: str
    ) -> str:
        low, high = LIMITS["name"]
        if "name" not in table:
            self.missing(
                at, "name", where, f"missing name: give {what} a name, e.g. name = {example}"
            )
            return ""
        value = table["name"]
        if not isinstance(value, str):
            self.problem((*at, "name"), where, f"name: expected text in quotes, not {_show(value)}")
            return ""
        name = value.strip()
        if not name:
            self.problem(
                (*at, "name"),
                where,
                f"name is empty: give {what} a name"
                + (f" of {low:.0f} to {high:.0f} characters" if at == () else ""),
            )
        elif at == () and len(name) > high:
            self.problem(
                (*at, "name"),
                where,
                f"name is {len(name)} characters long: shorten it to {high:.0f} or fewer",
            )
        return name

    def tags(self, doc: Mapping[str, Any]) -> tuple[str, ...]:
        if "tags" not in doc:
            return ()
        value = doc["tags"]
        if not isinstance(value, list):
            self.problem(
                ("tags",),
                _TOP,
                f'tags: expected a list of words like ["treadmill", "beginner"], not '
                f"{_show(value)}",
            )
            return ()
        tags: list[str] = []
        for i, tag in enumerate(value):
            if not isinstance(tag, str) or not tag.strip():
                self.problem(
                    ("tags", i),
                    _TOP,
                    f"tag {i + 1}: expected a non-empty word in quotes, not {_show(tag)}",
                )
            else:
                tags.append(tag.strip())
        return tuple(tags)

    def voice(self, doc: Mapping[str, Any]) -> Voice:
        if "voice" not in doc:
            return Voice()
        at: KeyPath = ("voice",)
        where = "[voice]"
        table = self.table(doc["voice"], at, _TOP, "voice", "[voice] with rate and volume")
        if table is None:
            return Voice()
        self.unknown_keys(table, KEYS["voice"], at, where, "[voice]")
        low, high = LIMITS["voice.rate"]
        rate = self.whole(table, "rate", at, where, int(low), int(high), "words per minute")
        volume = 1.0
        if "volume" in table:
            value = table["volume"]
            if _is_number(value) and 0.0 <= value <= 1.0:
                volume = float(value)
            else:
                self.problem(
                    (*at, "volume"),
                    where,
                    f"volume: expected a number from 0.0 (silent) to 1.0 (full), "
                    f"not {_show(value)}",
                )
        name = self.text(table, "voice", at, where)
        return Voice(rate=rate if rate is not None else 170, volume=volume, voice=name)

    def sounds(self, doc: Mapping[str, Any]) -> Sounds:
        if "sounds" not in doc:
            return Sounds()
        at: KeyPath = ("sounds",)
        where = "[sounds]"
        table = self.table(doc["sounds"], at, _TOP, "sounds", '[sounds] with phase = "bell"')
        if table is None:
            return Sounds()
        self.unknown_keys(table, KEYS["sounds"], at, where, "[sounds]")
        defaults = Sounds()
        chosen: dict[str, Sound | None] = {}
        for key in KEYS["sounds"]:
            if key in table:
                ok, sound = self.sound(table[key], (*at, key), where, key)
                chosen[key] = sound if ok else getattr(defaults, key)
        return Sounds(**chosen)

    def announce(self, doc: Mapping[str, Any]) -> Announce:
        if "announce" not in doc:
            return Announce()
        at: KeyPath = ("announce",)
        where = "[announce]"
        table = self.table(doc["announce"], at, _TOP, "announce", "[announce] with next = true")
        if table is None:
            return Announce()
        self.unknown_keys(table, KEYS["announce"], at, where, "[announce]")
        defaults = Announce()
        low, high = LIMITS["countdown"]
        countdown = self.whole(
            table,
            "countdown",
            at,
            where,
            int(low),
            int(high),
            "seconds",
            " (0 turns the ticks off)",
        )
        remaining = defaults.remaining
        if "remaining" in table:
            remaining = self.remaining(table["remaining"], (*at, "remaining"), where)
        halfway = self.boolean(table, "halfway", at, where)
        next_ = self.boolean(table, "next", at, where)
        targets = self.boolean(table, "targets", at, where)
        return Announce(
            countdown=defaults.countdown if countdown is None else countdown,
            remaining=remaining,
            halfway=defaults.halfway if halfway is None else halfway,
            next=defaults.next if next_ is None else next_,
            targets=defaults.targets if targets is None else targets,
        )

    def remaining(self, value: object, at: KeyPath, where: str) -> tuple[int, ...]:
        if not isinstance(value, list):
            example = f"[{_show(value)}]" if isinstance(value, str | int) else '["1m"]'
            self.problem(
                at,
                where,
                f"remaining: expected a list of durations like {example} (or [] for none), "
                f"not {_show(value)}",
            )
            return ()
        out: list[int] = []
        for i, item in enumerate(value):
            seconds = self.duration(item, (*at, i), where, f"remaining {i + 1}")
            if seconds is not None:
                out.append(seconds)
        return tuple(out)

    def reminders(self, doc: Mapping[str, Any]) -> Reminders | None:
        if "reminders" not in doc:
            return None
        self.has_reminders_table = True
        at: KeyPath = ("reminders",)
        where = "[reminders]"
        table = self.table(
            doc["reminders"], at, _TOP, "reminders", '[reminders] with every = "90s" and texts'
        )
        if table is None:
            return None
        self.unknown_keys(table, KEYS["reminders"], at, where, "[reminders]")
        every = 60
        if "every" not in table:
            self.missing(
                at,
                "every",
                where,
                'missing every: say how often reminders come, e.g. every = "90s"',
            )
        else:
            parsed = self.duration(table["every"], (*at, "every"), where, "every")
            every = parsed if parsed is not None else every
        order = ReminderOrder.CYCLE
        if "order" in table:
            value = table["order"]
            if isinstance(value, str) and value.strip().lower() in ("cycle", "shuffle"):
                order = ReminderOrder(value.strip().lower())
            else:
                self.problem(
                    (*at, "order"),
                    where,
                    f'order: expected "cycle" (in turn) or "shuffle" (mixed), not {_show(value)}',
                )
        texts: list[str] = []
        example = 'texts = ["Head level, eyes forward."]'
        if "texts" not in table:
            self.missing(at, "texts", where, f"missing texts: list what to remind, e.g. {example}")
        elif not isinstance(table["texts"], list):
            self.problem(
                (*at, "texts"),
                where,
                f"texts: expected a list of texts like {example[8:]}, not {_show(table['texts'])}",
            )
        elif not table["texts"]:
            self.problem(
                (*at, "texts"),
                where,
                f"texts is empty: add at least one reminder, e.g. {example}",
            )
        else:
            for i, text in enumerate(table["texts"]):
                if not isinstance(text, str) or not text.strip():
                    self.problem(
                        (*at, "texts", i),
                        where,
                        f"text {i + 1}: expected a non-empty text in quotes, not {_show(text)}",
                    )
                else:
                    self.placeholders(text, (*at, "texts", i), where, f"text {i + 1}", None)
                    texts.append(text)
        return Reminders(every=every, order=order, texts=tuple(texts))

    # -- phases -----------------------------------------------------------------------------------

    def phases(self, doc: Mapping[str, Any]) -> tuple[Phase | Block, ...]:
        if "phase" not in doc:
            self.missing(
                (),
                "phase",
                _TOP,
                "missing phases: add at least one [[phase]] table with a name and a duration, "
                'e.g. [[phase]] name = "Walk" duration = "10m"',
            )
            return ()
        raw = doc["phase"]
        items: list[tuple[KeyPath, object]]
        if isinstance(raw, dict):
            self.problem(
                ("phase",),
                _TOP,
                "phase is a single table: write each phase as [[phase]], with double brackets",
            )
            items = [(("phase",), raw)]
        elif not isinstance(raw, list):
            self.problem(("phase",), _TOP, f"phase: expected [[phase]] tables, not {_show(raw)}")
            return ()
        elif not raw:
            self.problem(
                ("phase",), _TOP, "phase is an empty list: add at least one [[phase]] table"
            )
            return ()
        else:
            items = [(("phase", i), item) for i, item in enumerate(raw)]
        out: list[Phase | Block] = []
        total = 0
        played = 0
        for number, (at, item) in enumerate(items, start=1):
            if not isinstance(item, dict):
                self.problem(
                    at,
                    _TOP,
                    f"phase {number}: expected a table with a name and a duration, "
                    f"not {_show(item)}",
                )
                continue
            where = _where(f"phase {number}", item)
            if "repeat" in item or "step" in item:
                block = self.block(item, at, where)
                out.append(block)
                total += block.repeat * sum(step.duration or 0 for step in block.steps)
                played += block.repeat * len(block.steps)
            else:
                phase = self.phase(item, at, where, in_block=False)
                out.append(phase)
                total += phase.duration or 0
                played += 1
        if total > MAX_SESSION_SECONDS:
            self.problem(
                (),
                _TOP,
                f"the phases add up to {_clock(total)}, and a session may last at most "
                "24 hours: shorten phases or lower repeat counts",
            )
        most = int(LIMITS["played_phases"][1])
        if played > most:
            self.problem(
                (),
                _TOP,
                f"the session plays {played} phases once repeats are counted, and at most "
                f"{most} are allowed: lower the repeat counts",
            )
        return tuple(out)

    def block(self, table: dict[str, Any], at: KeyPath, where: str) -> Block:
        name = self.name(table, at, where, "the block", example='"Intervals"')
        if "duration" in table:
            self.problem(
                (*at, "duration"),
                where,
                "a phase has either duration or repeat with [[phase.step]] tables, never both: "
                "remove duration (each step has its own), or remove repeat and the steps",
            )

        for key in table:
            if key in KEYS["block"] or key == "duration":
                continue
            if key in KEYS["phase"]:
                message = (
                    "a repeated block carries only name, repeat and its [[phase.step]] tables: "
                    f"move {key} into each step"
                )
            else:
                close = _closest(key, KEYS["block"])
                message = (
                    f"unknown key {_show(key)}: did you mean {close}?"
                    if close
                    else f"unknown key {_show(key)}: a repeated block takes only name, repeat "
                    "and [[phase.step]] tables"
                )
            self.problem((*at, key), where, message)

        repeat = 1
        low, high = int(LIMITS["repeat"][0]), int(LIMITS["repeat"][1])
        if "repeat" not in table:
            self.problem(
                at,
                where,
                "steps need a repeat count: add repeat = 2 (or repeat = 1 to play them once)",
            )
        else:
            value = table["repeat"]
            if _is_int(value) and low <= value <= high:
                repeat = int(value)
            else:
                self.problem(
                    (*at, "repeat"),
                    where,
                    f"repeat: expected a whole number of rounds from {low} to {high}, "
                    f"not {_show(value)}",
                )
        steps: list[Phase] = []
        if "step" not in table:
            self.problem(
                (*at, "repeat"),
                where,
                "repeat needs steps to repeat: add [[phase.step]] tables below this phase, "
                'or replace repeat with a duration such as duration = "5m"',
            )
        else:
            raw = table["step"]
            if not isinstance(raw, list) or not raw:
                shown = "an empty list" if isinstance(raw, list) else _show(raw)
                self.problem(
                    (*at, "step"),
                    where,
                    f"step: expected one or more [[phase.step]] tables, not {shown}",
                )
            else:
                for number, item in enumerate(raw, start=1):
                    step_at = (*at, "step", number - 1)
                    if not isinstance(item, dict):
                        self.problem(
                            step_at,
                            where,
                            f"step {number}: expected a table with a name and a duration, "
                            f"not {_show(item)}",
                        )
                        continue
                    step_where = _where(f"{where}, step {number}", item)
                    steps.append(self.phase(item, step_at, step_where, in_block=True))
        return Block(name=name, repeat=repeat, steps=tuple(steps))

    def phase(self, table: dict[str, Any], at: KeyPath, where: str, *, in_block: bool) -> Phase:
        label = "a step" if in_block else "a phase"
        self.unknown_keys(table, KEYS["step"], at, where, label, _nested if in_block else None)
        name = self.name(table, at, where, "each step" if in_block else "each phase",
                         example='"Warm-up"')  # fmt: skip

        kind = Kind.WALK
        if "kind" in table:
            value = table["kind"]
            found = _KIND_BY_NAME.get(value.strip().lower()) if isinstance(value, str) else None
            if found is not None:
                kind = found
            else:
                close = _closest(value.strip().lower(), _KINDS) if isinstance(value, str) else None
                hint = f" (did you mean {close}?)" if close else ""
                self.problem(
                    (*at, "kind"),
                    where,
                    f"kind: expected one of {', '.join(_KINDS)}, not {_show(value)}{hint}",
                )

        duration: int | None = 60
        duration_ok = False
        if "duration" not in table:
            self.missing(
                at,
                "duration",
                where,
                'missing duration: add duration = "5m" (or "manual" for a phase that ends when '
                "you press Next)"
                + ("" if in_block else ", or make it a repeated block with repeat and steps"),
            )
        else:
            value = table["duration"]
            if isinstance(value, str) and value.strip().lower() == "manual":
                duration, duration_ok = None, True
            else:
                parsed = self.duration(value, (*at, "duration"), where, "duration", manual=True)
                if parsed is not None:
                    duration, duration_ok = parsed, True
        ctx = _Ctx(duration=duration, duration_ok=duration_ok, in_block=in_block)

        say = self.text(table, "say", at, where, ctx=ctx)
        instructions = self.text(table, "instructions", at, where)
        speed = self.speed(table, at, where)
        incline = self.incline(table, at, where)

        low, high = LIMITS["countdown"]
        countdown = self.whole(
            table,
            "countdown",
            at,
            where,
            int(low),
            int(high),
            "seconds",
            " (0 turns the ticks off)",
        )
        if countdown and duration_ok and duration is None:
            self.problem(
                (*at, "countdown"),
                where,
                "a manual phase has no end to count down to: remove countdown",
            )

        reminders = self.boolean(table, "reminders", at, where)
        if reminders and duration_ok and duration is None:
            self.problem(
                (*at, "reminders"),
                where,
                "a manual phase has no posture reminders (they keep clear of a phase's end, "
                "which it does not have): remove reminders = true, or add an every cue for a "
                "repeated prompt",
            )
        elif reminders and not self.has_reminders_table:
            self.problem(
                (*at, "reminders"),
                where,
                "reminders = true needs a [reminders] table with every and texts: add one, "
                "or remove this line",
            )

        cues = self.cues(table, at, where, ctx)
        return Phase(
            name=name,
            kind=kind,
            duration=duration,
            say=say,
            instructions=instructions,
            speed=speed,
            incline=incline,
            countdown=countdown,
            reminders=reminders,
            cues=cues,
        )

    def speed(self, table: Mapping[str, Any], at: KeyPath, where: str) -> Speed | None:
        if "speed" not in table:
            return None
        value = table["speed"]
        low, high = LIMITS["speed"]
        kmh: float | None = None
        unit = "km/h"
        if _is_number(value):
            kmh = float(value)
        elif isinstance(value, str):
            match = _SPEED.fullmatch(value.strip())
            if match:
                number = float(match["n"])
                unit = "mph" if match["unit"].lower() == "mph" else "km/h"
                kmh = number * KMH_PER_MPH if unit == "mph" else number
            elif _NUMBER.fullmatch(value.strip()):
                number_text = value.strip()
                self.problem(
                    (*at, "speed"),
                    where,
                    f'speed: {_show(value)} needs a unit: write "{number_text} km/h" or '
                    f'"{number_text} mph", or the bare number {number_text} for km/h',
                )
                return None
        if kmh is None:
            self.problem(
                (*at, "speed"),
                where,
                'speed: expected a number in km/h or text like "3.5 km/h" or "2.2 mph", '
                f"not {_show(value)}",
            )
            return None
        if not low <= kmh <= high:
            self.problem(
                (*at, "speed"),
                where,
                f"speed: {_show(value)} is not a walking speed a treadmill can set: use "
                f"{low} to {high:.0f} km/h ({high / KMH_PER_MPH:.1f} mph)",
            )
            return None
        return Speed(kmh=kmh, unit=unit)

    def incline(self, table: Mapping[str, Any], at: KeyPath, where: str) -> Incline | None:
        if "incline" not in table:
            return None
        value = table["incline"]
        low, high = LIMITS["incline"]
        percent: float | None = None
        if _is_number(value):
            percent = float(value)
        elif isinstance(value, str):
            match = _PERCENT.fullmatch(value.strip())
            if match:
                percent = float(match["n"])
        if percent is None:
            self.problem(
                (*at, "incline"),
                where,
                f'incline: expected a percentage like 2 or "2%", not {_show(value)}',
            )
            return None
        if not low <= percent <= high:
            self.problem(
                (*at, "incline"),
                where,
                f"incline: {_show(value)} is out of range: use {low:.0f}% to {high:.0f}%",
            )
            return None
        return Incline(percent=percent)

    # -- cues -------------------------------------------------------------------------------------

    def cues(self, table: Mapping[str, Any], at: KeyPath, where: str, ctx: _Ctx) -> tuple[Cue, ...]:
        if "cue" not in table:
            return ()
        raw = table["cue"]
        items: list[tuple[KeyPath, object]]
        if isinstance(raw, dict):
            self.problem(
                (*at, "cue"),
                where,
                "cue is a single table: write each cue as [[phase.cue]], with double brackets",
            )
            items = [((*at, "cue"), raw)]
        elif not isinstance(raw, list):
            self.problem(
                (*at, "cue"),
                where,
                f"cue: expected [[phase.cue]] tables, not {_show(raw)}",
            )
            return ()
        else:
            items = [((*at, "cue", i), item) for i, item in enumerate(raw)]
        out: list[Cue] = []
        for number, (cue_at, item) in enumerate(items, start=1):
            cue_where = f"{where}, cue {number}"
            if not isinstance(item, dict):
                self.problem(
                    cue_at,
                    cue_where,
                    "expected a [[phase.cue]] table with at or every, and say or sound, "
                    f"not {_show(item)}",
                )
                continue
            cue = self.cue(item, cue_at, cue_where, ctx)
            if cue is not None:
                out.append(cue)
        return tuple(out)

    def cue(self, table: Mapping[str, Any], at: KeyPath, where: str, ctx: _Ctx) -> Cue | None:
        self.unknown_keys(table, KEYS["cue"], at, where, "a cue")
        offset: Offset | None = None
        every: int | None = None
        if "at" in table and "every" in table:
            self.problem(
                (*at, "every"),
                where,
                "a cue has either at (once) or every (repeating), never both: remove one",
            )
        elif "at" not in table and "every" not in table:
            self.problem(
                at,
                where,
                'a cue needs a time: add at = "1m" (once) or every = "1m" (repeating)',
            )
        elif "at" in table:
            offset = self.offset(table["at"], (*at, "at"), where, ctx)
        else:
            every = self.every(table["every"], (*at, "every"), where, ctx)

        say = self.text(table, "say", at, where, ctx=ctx)
        sound: Sound | None = None
        sound_ok = False
        if "sound" in table:
            sound_ok, sound = self.sound(table["sound"], (*at, "sound"), where, "sound")
        if (
            "say" not in table
            and "sound" not in table
            and not {(*at, "say"), (*at, "sound")} & self.suggested
        ):
            self.problem(
                at,
                where,
                'a cue needs something to play: add say = "..." or sound = "bell" (or both)',
            )
        elif "say" not in table and sound_ok and sound is None:
            self.problem(
                (*at, "sound"),
                where,
                'this cue plays nothing: with sound = "none" it needs say = "..."',
            )
        return Cue(at=offset, every=every, say=say, sound=sound)

    def offset(self, value: object, at: KeyPath, where: str, ctx: _Ctx) -> Offset | None:
        try:
            anchor, amount = parse_offset(value)
        except DurationError as error:
            message = str(error)
            if message.startswith("expected "):
                message = (
                    'expected a time from the phase start like "2m", from its end like "-30s", '
                    f'or a share like "50%", not {_show(value)}'
                )
            self.problem(at, where, f"at: {message}")
            return None
        if not ctx.duration_ok:
            return Offset(anchor=anchor, value=amount)
        duration = ctx.duration
        if duration is None:
            if anchor == "end":
                self.problem(
                    at,
                    where,
                    f"at: {_show(value)} counts back from the end, but a manual phase has no "
                    'set end: use a time from its start, like "30s"',
                )
                return None
            if anchor == "percent":
                self.problem(
                    at,
                    where,
                    f"at: {_show(value)} is a share of the phase, but a manual phase has no set "
                    'length: use a time from its start, like "30s"',
                )
                return None
            return Offset(anchor=anchor, value=amount)
        if anchor == "start" and amount >= duration:
            length = _clock(duration)
            self.problem(
                at,
                where,
                f"at: {_show(value)} falls at or after the end of this {length} phase: use a "
                f'time before {length}, or count back from the end like "-30s"',
            )
            return None
        if anchor == "end" and amount > duration:
            length = _clock(duration)
            self.problem(
                at,
                where,
                f"at: {_show(value)} falls before the start of this {length} phase: count "
                f"back at most {length}",
            )
            return None
        if anchor == "percent" and amount >= 100:
            self.problem(
                at,
                where,
                f"at: {_show(value)} is the end of the phase: use a share below 100%",
            )
            return None
        return Offset(anchor=anchor, value=amount)

    def every(self, value: object, at: KeyPath, where: str, ctx: _Ctx) -> int | None:
        seconds = self.duration(value, at, where, "every")
        if seconds is None or not ctx.duration_ok or ctx.duration is None:
            return seconds
        if seconds >= ctx.duration:
            length = _clock(ctx.duration)
            self.problem(
                at,
                where,
                f"every: {_show(value)} never comes round inside this {length} phase: make it "
                f"shorter than {length}, or use at for a single cue",
            )
            return None
        return seconds


def _nested(key: str) -> str | None:
    """The message for `repeat` or `step` inside a step: blocks do not nest."""
    if key not in ("repeat", "step"):
        return None
    return (
        f"a step cannot have {'steps' if key == 'step' else key} of its own (blocks do not "
        "nest): make it a separate [[phase]] with repeat and steps"
    )


def _where(place: str, table: Mapping[str, Any]) -> str:
    name = table.get("name")
    if isinstance(name, str) and name.strip():
        return f"{place} {_show(name.strip())}"
    return place


def _wav_problem(file: Path) -> str | None:
    """Why a WAV file cannot be played, or None when it can."""

    def fix(options: str) -> str:
        return f'convert it with: sox "{file.name}" {options} fixed.wav'

    pcm16 = "-b 16 -e signed-integer"
    try:
        if file.is_dir():
            return "is a folder, not a sound file: give the path of a .wav file"
        if not file.exists():
            return (
                "does not exist: check the name (paths are relative to the script's folder), "
                "or use a built-in sound such as bell"
            )
        if not file.is_file():
            return "is not a regular file: give the path of a .wav file"
        with wave.open(str(file), "rb") as reader:
            width = reader.getsampwidth()
            channels = reader.getnchannels()
            rate = reader.getframerate()
            frames = reader.getnframes()
    except PermissionError:
        return "cannot be read (permission denied): check its permissions"
    except wave.Error as error:
        if str(error).startswith("unknown format"):
            return f"is not plain 16-bit PCM, the only WAV encoding walktimer plays: {fix(pcm16)}"
        return f"is not a WAV file: {fix(pcm16 + ' -r 44100')}"
    except (EOFError, ValueError, struct.error):
        return "is cut short or damaged: export it again as a 16-bit PCM WAV file"
    except OSError as error:
        return f"cannot be read ({error.strerror or error}): check that it is a readable file"
    if width != 2:
        return f"is {width * 8}-bit, but walktimer plays 16-bit WAV files: {fix(pcm16)}"
    if channels not in (1, 2):
        return f"has {channels} channels, but walktimer plays mono or stereo: {fix('-c 2')}"
    if rate not in WAV_RATES:
        rates = ", ".join(str(rate) for rate in WAV_RATES)
        return f"is sampled at {rate} Hz; use one of {rates} Hz: {fix('-r 44100')}"
    if frames == 0:
        return "holds no sound: record or convert it again"
    return None
