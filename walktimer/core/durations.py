"""Durations: show them as clocks and say them as words (parsing lives in core.format)."""

from __future__ import annotations

import math

from walktimer.core.format.tables import MAX_SESSION_SECONDS
from walktimer.core.format.values import DurationError, parse_duration, parse_offset

__all__ = [
    "MAX_SESSION_SECONDS",
    "DurationError",
    "format_clock",
    "format_compact",
    "format_hms",
    "number_words",
    "parse_duration",
    "parse_offset",
    "say_duration",
]


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
