"""Durations: parse the session format's forms, show them as clocks, and say them as words."""

from __future__ import annotations

import math
import re

__all__ = [
    "DurationError",
    "format_clock",
    "format_compact",
    "format_hms",
    "number_words",
    "parse_duration",
    "parse_offset",
    "say_duration",
]

MAX_SESSION_SECONDS = 24 * 3600

_UNITS = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")
_MSS = re.compile(r"^(?P<m>\d+):(?P<s>[0-5]\d)$")
_HMMSS = re.compile(r"^(?P<h>\d+):(?P<m>[0-5]\d):(?P<s>[0-5]\d)$")

_EXPECTED = 'a duration like 90, "90s", "5m", "1m30s", "1h5m", "2:30" or "1:02:30"'


class DurationError(ValueError):
    """A value that is not a duration; the message says what would be right."""


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _parse_unsigned_text(text: str) -> int | None:
    """Seconds for an unsigned duration string, or None when it is not one."""
    compact = text.replace(" ", "").lower()
    for pattern in (_HMMSS, _MSS):
        match = pattern.match(compact)
        if match:
            parts = match.groupdict()
            return int(parts.get("h") or 0) * 3600 + int(parts["m"]) * 60 + int(parts["s"])
    match = _UNITS.match(compact)
    if match and any(match.groupdict().values()):
        h, m, s = (int(match.group(k) or 0) for k in ("h", "m", "s"))
        return h * 3600 + m * 60 + s
    return None


def parse_duration(value: object) -> int:
    """Seconds (> 0) for a duration value: an integer or one of the string forms."""
    if isinstance(value, bool):
        raise DurationError(f"expected {_EXPECTED}, not {_describe(value)}")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, float):
        if not math.isfinite(value) or value <= 0:
            raise DurationError(f"expected {_EXPECTED}, not {_describe(value)}")
        raise DurationError(f"durations are whole seconds: write {math.floor(value)} or a string")
    elif isinstance(value, str):
        parsed = _parse_unsigned_text(value.strip())
        if parsed is None:
            raise DurationError(f"expected {_EXPECTED}, not {_describe(value)}")
        seconds = parsed
    else:
        raise DurationError(f"expected {_EXPECTED}, not {_describe(value)}")
    if seconds <= 0:
        raise DurationError(f"a duration must be greater than zero, not {_describe(value)}")
    if seconds > MAX_SESSION_SECONDS:
        raise DurationError(f"{_describe(value)} is longer than a session may be (24 hours)")
    return seconds


def parse_offset(value: object) -> tuple[str, float]:
    """A cue's `at`: ("start", s), ("end", s) counted back from the phase end, or ("percent", p)."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            number = text[:-1].strip()
            try:
                percent = float(number)
            except ValueError:
                raise DurationError(
                    f'expected a share of the phase like "50%", not {_describe(value)}'
                ) from None
            if not 0 <= percent <= 100 or not math.isfinite(percent):
                raise DurationError(
                    f"a share of the phase is from 0% to below 100%, not {_describe(value)}"
                )
            return ("percent", percent)
        if text.startswith("-"):
            return ("end", float(parse_duration(text[1:].strip())))
        if text in {"0", "0s", "0:00"}:
            return ("start", 0.0)
        return ("start", float(parse_duration(text)))
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            return ("end", float(parse_duration(-value)))
        if value == 0:
            return ("start", 0.0)
        return ("start", float(parse_duration(value)))
    raise DurationError(
        f'expected an offset like "2m", "-30s" (from the end) or "50%", not {_describe(value)}'
    )


def format_clock(seconds: float, *, ceil: bool = False) -> str:
    """`m:ss`, or `h:mm:ss` from an hour on. `ceil` rounds up, as a countdown shows it."""
    whole = math.ceil(seconds - 1e-9) if ceil else math.floor(seconds + 1e-9)
    whole = max(0, whole)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m}:{s:02d}"


def format_hms(seconds: float) -> str:
    """Always `h:mm:ss`, for tables whose columns line up."""
    whole = max(0, math.floor(seconds + 1e-9))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def format_compact(seconds: int) -> str:
    """The shortest unit form that reads back to the same value: "1m30s", "5m", "45s"."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", f"{s}s" if s else ""]
    return "".join(parts) or "0s"


_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """English words for 0..999 ("forty-five"); larger numbers as digits."""
    if n < 0 or n > 999:
        return str(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    head = f"{_ONES[hundreds]} hundred"
    return head if rest == 0 else f"{head} and {number_words(rest)}"


def _unit(n: int, word: str) -> str:
    return f"{number_words(n)} {word}{'' if n == 1 else 's'}"


def say_duration(seconds: float) -> str:
    """A duration as it is spoken: "two minutes thirty", "one hour five minutes", "ten seconds"."""
    whole = max(0, round(seconds))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    if h == 0 and m == 0:
        return _unit(s, "second")
    parts: list[str] = []
    if h:
        parts.append(_unit(h, "hour"))
    if m:
        parts.append(_unit(m, "minute"))
    if s:
        parts.append(number_words(s) if m else _unit(s, "second"))
    return " ".join(parts)
