"""One parser per kind of value in a format-1 script, each beside its JSON-schema fragment.

A parser takes a value as TOML gives it and returns the model's value, or raises a
`ValueProblem` whose message says what is wrong and what would be right (the loader puts the
key and the place in front of it). The schema fragment next to each parser is built from the
same limits and written so that JSON Schema's regular expressions (ECMA-262) and Python's
`re` read it alike; tests pin the parser, the schema and the editor's forms to one another.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from datetime import date, datetime, time
from typing import Any

from walktimer.core.format.tables import (
    BUILTIN_SOUNDS,
    KMH_PER_MPH,
    LIMITS,
    MAX_SESSION_SECONDS,
)
from walktimer.core.format.text import printable
from walktimer.core.script import Incline, Kind, ReminderOrder, Sound, Speed
from walktimer.i18n import ENGLISH, N_, Phrases

__all__ = [
    "DURATION_PATTERN",
    "INCLINE_PATTERN",
    "MANUAL_PATTERN",
    "NOT_BLANK",
    "OFFSET_PATTERN",
    "SOUND_HINT",
    "SPEED_PATTERN",
    "SPEED_UNITS",
    "WAV_PATTERN",
    "DurationError",
    "ValueProblem",
    "any_case",
    "duration_schema",
    "incline_schema",
    "is_manual",
    "kind_schema",
    "offset_schema",
    "order_schema",
    "parse_countdown",
    "parse_duration",
    "parse_incline",
    "parse_kind",
    "parse_offset",
    "parse_order",
    "parse_repeat",
    "parse_sound",
    "parse_speed",
    "parse_voice_rate",
    "parse_volume",
    "plain_seconds",
    "show",
    "sound_schema",
    "speed_schema",
    "whole_schema",
    "words_schema",
]


class ValueProblem(ValueError):
    """A value that is not one of its kind; the message says what would be right."""


class DurationError(ValueProblem):
    """A value that is not a duration (or an offset); the message says what would be right.
    `expected` is True when the value is of no duration's form at all (rather than a duration
    out of range), where the loader words a hint of its own."""

    def __init__(self, message: str, *, expected: bool = False) -> None:
        super().__init__(message)
        self.expected = expected


# -- describing values ---------------------------------------------------------------------------

_LONGEST_SHOWN = 40
_LARGEST_SHOWN = 10**15


def show(value: object, phrases: Phrases = ENGLISH) -> str:
    """A value as the user wrote it (roughly), for messages: never a very long line."""
    t = phrases
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= _LONGEST_SHOWN else value[: _LONGEST_SHOWN - 3] + "..."
        if shown.isprintable() and '"' not in shown and "\\" not in shown:
            return f'"{shown}"'
        return printable(json.dumps(shown, ensure_ascii=False))
    if isinstance(value, int):
        return str(value) if abs(value) < _LARGEST_SHOWN else t.gettext("a very large number")
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dict):
        return t.gettext("a table")
    if isinstance(value, list):
        return t.gettext("a list")
    if isinstance(value, datetime):
        return t.gettext("a date and time")
    if isinstance(value, date):
        return t.gettext("a date")
    if isinstance(value, time):
        return t.gettext("a time of day")
    return t.gettext("that value")


def _describe(value: object, t: Phrases) -> str:
    """A value in a duration's message, as the durations parser has always written it."""
    if isinstance(value, str):
        if len(value) > _LONGEST_SHOWN:
            return f'"{value[: _LONGEST_SHOWN - 3]}..."'
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= _LARGEST_SHOWN:
        return t.gettext("a very large number")
    return repr(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_float(value: object) -> float:
    """A TOML number as a float; an integer too large for one is infinitely far out of range."""
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- schema helpers ------------------------------------------------------------------------------


def _escape(char: str) -> str:
    return "\\" + char if char in r"\^$.|?*+()[]{}/" else char


def any_case(word: str) -> str:
    """A pattern matching `word` in any letter case: "km/h" -> "[kK][mM]/[hH]"."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else _escape(c) for c in word)


def words_schema(words: list[str]) -> dict[str, Any]:
    """One of a few words: listed for completion, and in any case with spaces around, as the
    loader takes them."""
    alternatives = "|".join(any_case(word) for word in words)
    return {
        "anyOf": [
            {"enum": words},
            {"type": "string", "pattern": rf"^\s*(?:{alternatives})\s*$"},
        ]
    }


NOT_BLANK = r"\S"
_NUMBER = r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"

# -- words: a phase's kind, the reminders' order ------------------------------------------------

_KINDS = tuple(kind.value for kind in Kind)
_ORDERS = tuple(order.value for order in ReminderOrder)


def parse_kind(value: object, *, phrases: Phrases = ENGLISH) -> Kind:
    """What a phase is for, in any letter case."""
    t = phrases
    word = value.strip().lower() if isinstance(value, str) else None
    if word in _KINDS:
        return Kind(word)
    close = difflib.get_close_matches(word, _KINDS, n=1, cutoff=0.6) if word is not None else []
    kinds, shown = ", ".join(_KINDS), show(value, t)
    if close:
        raise ValueProblem(
            t.gettext("expected one of {kinds}, not {value} (did you mean {close}?)").format(
                kinds=kinds, value=shown, close=close[0]
            )
        )
    raise ValueProblem(
        t.gettext("expected one of {kinds}, not {value}").format(kinds=kinds, value=shown)
    )


def kind_schema() -> dict[str, Any]:
    return {**words_schema(list(_KINDS)), "default": Kind.WALK.value}


def parse_order(value: object, *, phrases: Phrases = ENGLISH) -> ReminderOrder:
    """The order of the posture reminders."""
    word = value.strip().lower() if isinstance(value, str) else ""
    if word in _ORDERS:
        return ReminderOrder(word)
    raise ValueProblem(
        phrases.gettext('expected "cycle" (in turn) or "shuffle" (mixed), not {value}').format(
            value=show(value, phrases)
        )
    )


def order_schema() -> dict[str, Any]:
    return {
        **words_schema(list(_ORDERS)),
        "default": ReminderOrder.CYCLE.value,
    }


# -- durations -----------------------------------------------------------------------------------

# ASCII digits only, as the schema's patterns say with [0-9]: Python's \d (and that of some
# JSON-schema validators) also takes other scripts' digits.
_UNITS = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$", re.ASCII)
_MSS = re.compile(r"^(?P<m>\d+):(?P<s>[0-5]\d)$", re.ASCII)
_HMMSS = re.compile(r"^(?P<h>\d+):(?P<m>[0-5]\d):(?P<s>[0-5]\d)$", re.ASCII)
# More digits than any duration of at most 24 hours needs (leading zeros aside): such a
# number is too long whatever it is, and converting it could exceed Python's digit limit.
_MOST_DIGITS = len(str(MAX_SESSION_SECONDS)) + 1

_EXPECTED = N_('a duration like 90, "90s", "5m", "1m30s", "1h5m", "2:30" or "1:02:30"')

# 90s, 5m, 1m30s, 1h5m, 2:30, 1:02:30 (all zero is refused by the look-ahead)
_DURATION_BODY = (
    r"(?![\s0hHmMsS:]*$)"
    r"(?:[0-9]+:[0-5][0-9]:[0-5][0-9]|[0-9]+:[0-5][0-9]"
    r"|(?=[0-9])(?:[0-9]+ *[hH] *)?(?:[0-9]+ *[mM] *)?(?:[0-9]+ *[sS])?)"
)
DURATION_PATTERN = rf"^\s*{_DURATION_BODY}\s*$"
MANUAL_PATTERN = rf"^\s*{any_case('manual')}\s*$"


def _number(digits: str | None) -> int:
    """A group of digits as a number; None for a very long one (it is too long anyway)."""
    if not digits:
        return 0
    if len(digits) <= _MOST_DIGITS:
        return int(digits)
    significant = digits.lstrip("0")
    if len(significant) > _MOST_DIGITS:
        return MAX_SESSION_SECONDS + 1
    return int(significant or "0")


def _parse_unsigned_text(text: str) -> int | None:
    """Seconds for an unsigned duration string, or None when it is not one."""
    compact = text.replace(" ", "").lower()
    if ":" in compact:
        match = _HMMSS.match(compact) or _MSS.match(compact)
        if match is None:
            return None
        h = match.group("h") if match.re is _HMMSS else None
        return _number(h) * 3600 + _number(match.group("m")) * 60 + _number(match.group("s"))
    match = _UNITS.match(compact)
    if match is None:
        return None
    h, m, s = match.group("h", "m", "s")
    if h is None and m is None and s is None:
        return None
    return _number(h) * 3600 + _number(m) * 60 + _number(s)


_EXACT_DIGITS = 18  # a bare number of seconds is read exactly up to this many digits


def plain_seconds(text: str) -> int | None:
    """A text that is a bare number of seconds ("90"), as that number: ASCII digits only, of
    at most 18 (leading zeros aside); None for any other text."""
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()):
        return None
    significant = stripped.lstrip("0")
    return int(significant or "0") if len(significant) <= _EXACT_DIGITS else None


def is_manual(value: object) -> bool:
    """Whether a phase's duration is "manual": it ends when the walker presses Next."""
    return isinstance(value, str) and value.strip().lower() == "manual"


def parse_duration(value: object, *, phrases: Phrases = ENGLISH) -> int:
    """Seconds (> 0) for a duration value: an integer or one of the string forms."""
    t = phrases

    def expected() -> DurationError:
        return DurationError(
            t.gettext("expected {duration}, not {value}").format(
                duration=t.gettext(_EXPECTED), value=_describe(value, t)
            ),
            expected=True,
        )

    def too_long() -> DurationError:
        return DurationError(
            t.gettext("{value} is longer than a session may be (24 hours)").format(
                value=_describe(value, t)
            )
        )

    if isinstance(value, bool):
        raise expected()
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, float):
        if not math.isfinite(value) or value <= 0:
            raise expected()
        if value > MAX_SESSION_SECONDS:
            raise too_long()
        raise DurationError(
            t.gettext("durations are whole seconds: write {whole} or a string").format(
                whole=math.floor(value)
            )
        )
    elif isinstance(value, str):
        parsed = _parse_unsigned_text(value.strip())
        if parsed is None:
            raise expected()
        seconds = parsed
    else:
        raise expected()
    if seconds <= 0:
        raise DurationError(
            t.gettext("a duration must be greater than zero, not {value}").format(
                value=_describe(value, t)
            )
        )
    if seconds > MAX_SESSION_SECONDS:
        raise too_long()
    return seconds


def duration_schema() -> dict[str, Any]:
    return {
        "title": "duration",
        "description": 'Seconds (90) or text: "90s", "5m", "1m30s", "1h5m", "2:30" (m:ss) '
        'or "1:02:30" (h:mm:ss). Greater than zero.',
        "anyOf": [
            {"type": "integer", "minimum": 1, "maximum": MAX_SESSION_SECONDS},
            {"type": "string", "pattern": DURATION_PATTERN},
        ],
        "examples": ["90s", "5m", "1m30s", "2:30"],
    }


# -- offsets (a cue's `at`) ----------------------------------------------------------------------

_SHARE = re.compile(rf"\+?{_NUMBER}", re.ASCII)
OFFSET_PATTERN = (
    rf"^\s*(?:-?\s*{_DURATION_BODY}|0|0s|0:00|\+?(?:[0-9]{{1,2}}(?:\.[0-9]+)?|\.[0-9]+)\s*%)\s*$"
)


def parse_offset(value: object, *, phrases: Phrases = ENGLISH) -> tuple[str, float]:
    """A cue's `at`: ("start", s), ("end", s) counted back from the phase end, or ("percent", p)."""
    t = phrases
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            number = text[:-1].strip()
            expected = t.gettext('expected a share of the phase like "50%", not {value}').format(
                value=_describe(value, t)
            )
            try:
                percent = float(number)
            except ValueError:
                raise DurationError(expected) from None
            if not 0 <= percent <= 100 or not math.isfinite(percent):
                raise DurationError(
                    t.gettext("a share of the phase is from 0% to below 100%, not {value}").format(
                        value=_describe(value, t)
                    )
                )
            if _SHARE.fullmatch(number) is None:  # -0, 1e1, 1_0: float() reads more than this
                raise DurationError(expected)
            return ("percent", percent)
        if text.startswith("-"):
            return ("end", float(parse_duration(text[1:].strip(), phrases=t)))
        if text in {"0", "0s", "0:00"}:
            return ("start", 0.0)
        return ("start", float(parse_duration(text, phrases=t)))
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            return ("end", float(parse_duration(-value, phrases=t)))
        if value == 0:
            return ("start", 0.0)
        return ("start", float(parse_duration(value, phrases=t)))
    raise DurationError(
        t.gettext(
            'expected an offset like "2m", "-30s" (from the end) or "50%", not {value}'
        ).format(value=_describe(value, t)),
        expected=True,
    )


def offset_schema() -> dict[str, Any]:
    return {
        "title": "offset",
        "description": 'From the phase start ("2m"), from its end when negative ("-30s"), '
        'or a share of the phase ("50%").',
        "anyOf": [
            {"type": "integer", "minimum": -MAX_SESSION_SECONDS, "maximum": MAX_SESSION_SECONDS},
            {"type": "string", "pattern": OFFSET_PATTERN},
        ],
        "examples": ["2m", "-30s", "50%"],
    }


# -- treadmill targets ---------------------------------------------------------------------------

SPEED_UNITS = ("km/h", "kmh", "kph", "mph")
_SPEED = re.compile(
    rf"(?P<n>{_NUMBER})\s*(?P<unit>{'|'.join(SPEED_UNITS)})", re.IGNORECASE | re.ASCII
)
_BARE_NUMBER = re.compile(rf"[+-]?{_NUMBER}", re.ASCII)
_PERCENT = re.compile(rf"(?P<n>[+-]?{_NUMBER})\s*%", re.ASCII)
SPEED_PATTERN = rf"^\s*{_NUMBER}\s*(?:{'|'.join(any_case(unit) for unit in SPEED_UNITS)})\s*$"
INCLINE_PATTERN = rf"^\s*[+-]?{_NUMBER}\s*%\s*$"


def parse_speed(value: object, *, phrases: Phrases = ENGLISH) -> Speed:
    """A treadmill speed: a number in km/h, or text like "3.5 km/h" or "2.2 mph"."""
    t = phrases
    low, high = LIMITS["speed"]
    kmh: float | None = None
    unit = "km/h"
    if _is_number(value):
        kmh = _as_float(value)
    elif isinstance(value, str):
        match = _SPEED.fullmatch(value.strip())
        if match:
            number = float(match["n"])
            unit = "mph" if match["unit"].lower() == "mph" else "km/h"
            kmh = number * KMH_PER_MPH if unit == "mph" else number
        elif _BARE_NUMBER.fullmatch(value.strip()):
            raise ValueProblem(
                t.gettext(
                    '{value} needs a unit: write "{number} km/h" or "{number} mph", or the bare '
                    "number {number} for km/h"
                ).format(value=show(value, t), number=value.strip())
            )
    if kmh is None:
        raise ValueProblem(
            t.gettext(
                'expected a number in km/h or text like "3.5 km/h" or "2.2 mph", not {value}'
            ).format(value=show(value, t))
        )
    if not low <= kmh <= high:
        raise ValueProblem(
            t.gettext(
                "{value} is not a walking speed a treadmill can set: use {low} to {high} km/h "
                "({mph} mph)"
            ).format(
                value=show(value, t),
                low=low,
                high=f"{high:.0f}",
                mph=f"{high / KMH_PER_MPH:.1f}",
            )
        )
    return Speed(kmh=kmh, unit=unit)


def _target_schema(
    title: str, description: str, pattern: str, examples: list[Any]
) -> dict[str, Any]:
    """A treadmill target: a number within its limits, or text of its pattern."""
    low, high = LIMITS[title]
    return {
        "title": title,
        "description": description.format(low=f"{low:g}", high=f"{high:g}"),
        "anyOf": [
            {"type": "number", "minimum": low, "maximum": high},
            {"type": "string", "pattern": pattern},
        ],
        "examples": examples,
    }


def speed_schema() -> dict[str, Any]:
    return _target_schema(
        "speed",
        'Treadmill speed: a number in km/h ({low} to {high}), or text like "3.5 km/h" or '
        '"2.2 mph".',
        SPEED_PATTERN,
        ["2.5 km/h", "4.5 km/h", "2.2 mph"],
    )


def parse_incline(value: object, *, phrases: Phrases = ENGLISH) -> Incline:
    """A treadmill incline in percent: a number or text like "2%"."""
    t = phrases
    low, high = LIMITS["incline"]
    percent: float | None = None
    if _is_number(value):
        percent = _as_float(value)
    elif isinstance(value, str):
        match = _PERCENT.fullmatch(value.strip())
        if match:
            percent = float(match["n"])
    if percent is None:
        raise ValueProblem(
            t.gettext('expected a percentage like 2 or "2%", not {value}').format(
                value=show(value, t)
            )
        )
    if not low <= percent <= high:
        raise ValueProblem(
            t.gettext("{value} is out of range: use {low}% to {high}%").format(
                value=show(value, t), low=f"{low:.0f}", high=f"{high:.0f}"
            )
        )
    return Incline(percent=percent)


def incline_schema() -> dict[str, Any]:
    return _target_schema(
        "incline",
        'Treadmill incline in percent ({low} to {high}): a number or text like "2%".',
        INCLINE_PATTERN,
        [0, 2, "2%"],
    )


# -- sounds --------------------------------------------------------------------------------------

SOUND_HINT = N_("bell, beep, tick, chime, ping or none, or the path of a .wav file")
WAV_PATTERN = rf"{any_case('.wav')}\s*$"


def parse_sound(value: object, *, phrases: Phrases = ENGLISH) -> Sound | str | None:
    """A built-in sound (None for "none"), or the name of a .wav file as written (stripped),
    which the caller resolves against the script's folder and checks."""
    t = phrases
    if not isinstance(value, str):
        raise ValueProblem(
            t.gettext("expected {sounds} in quotes, not {value}").format(
                sounds=t.gettext(SOUND_HINT), value=show(value, t)
            )
        )
    name = value.strip()
    lowered = name.lower()
    if lowered in BUILTIN_SOUNDS:
        return None if lowered == "none" else Sound(name=lowered)
    if not lowered.endswith(".wav"):
        close = difflib.get_close_matches(lowered, list(BUILTIN_SOUNDS), n=1, cutoff=0.6)
        if close:
            message = t.gettext(
                "{value} is neither a built-in sound nor a .wav file (did you mean {close}?): "
                "use {sounds}"
            )
        else:
            message = t.gettext("{value} is neither a built-in sound nor a .wav file: use {sounds}")
        raise ValueProblem(
            message.format(
                value=show(value, t), close=close[0] if close else "", sounds=t.gettext(SOUND_HINT)
            )
        )
    return name


def sound_schema() -> dict[str, Any]:
    return {
        "title": "sound",
        "description": f"A built-in sound ({', '.join(BUILTIN_SOUNDS)}) or the path of a .wav "
        "file, relative to this script.",
        "anyOf": [
            *words_schema(list(BUILTIN_SOUNDS))["anyOf"],
            {"type": "string", "pattern": WAV_PATTERN},
        ],
        "examples": list(BUILTIN_SOUNDS),
    }


# -- whole numbers and the volume ----------------------------------------------------------------


def _whole(value: object, limit: str, wrong: str, t: Phrases) -> int:
    """A whole number within LIMITS[limit]; `wrong` is the message for any other value, with
    {low}, {high} and {value}."""
    low, high = (int(bound) for bound in LIMITS[limit])
    if not _is_int(value) or not low <= value <= high:  # type: ignore[operator]
        raise ValueProblem(t.gettext(wrong).format(low=low, high=high, value=show(value, t)))
    return int(value)  # type: ignore[call-overload,no-any-return]


def parse_voice_rate(value: object, *, phrases: Phrases = ENGLISH) -> int:
    """[voice] rate: words per minute."""
    wrong = N_("expected a whole number of words per minute from {low} to {high}, not {value}")
    return _whole(value, "voice.rate", wrong, phrases)


def parse_countdown(value: object, *, phrases: Phrases = ENGLISH) -> int:
    """Seconds of countdown ticks, in [announce] and in a phase; 0 turns them off."""
    wrong = N_(
        "expected a whole number of seconds from {low} to {high} (0 turns the ticks off), "
        "not {value}"
    )
    return _whole(value, "countdown", wrong, phrases)


def parse_repeat(value: object, *, phrases: Phrases = ENGLISH) -> int:
    """How many rounds a repeated block plays."""
    wrong = N_("expected a whole number of rounds from {low} to {high}, not {value}")
    return _whole(value, "repeat", wrong, phrases)


def whole_schema(limit: str, **extra: Any) -> dict[str, Any]:
    low, high = LIMITS[limit]
    return {"type": "integer", "minimum": int(low), "maximum": int(high), **extra}


def parse_volume(value: object, *, phrases: Phrases = ENGLISH) -> float:
    """[voice] volume, from 0.0 (silent) to 1.0 (full)."""
    t = phrases
    low, high = LIMITS["voice.volume"]
    if not _is_number(value) or not low <= value <= high:  # type: ignore[operator]
        raise ValueProblem(
            t.gettext("expected a number from {low} (silent) to {high} (full), not {value}").format(
                low=f"{low:.1f}", high=f"{high:.1f}", value=show(value, t)
            )
        )
    return float(value)  # type: ignore[arg-type]
