"""Durations: show them as clocks and say them as words (parsing lives in core.format)."""

from __future__ import annotations

import math

from walktimer.core.format.tables import MAX_SESSION_SECONDS
from walktimer.core.format.values import DurationError, parse_duration, parse_offset
from walktimer.i18n import ENGLISH

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


def number_words(n: int) -> str:
    """English words for 0..999 ("forty-five"); larger numbers as digits. Other languages:
    walktimer.i18n's Phrases.number."""
    return ENGLISH.number(n)


def say_duration(seconds: float) -> str:
    """A duration as it is said in English: "two minutes thirty", "one hour five minutes",
    "ten seconds". Other languages: walktimer.i18n's Phrases.duration."""
    return ENGLISH.duration(seconds)
