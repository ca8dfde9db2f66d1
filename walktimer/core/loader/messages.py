"""The wording the checker shares: table labels, places, lists and suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from walktimer.core.durations import format_clock
from walktimer.core.format.tables import KEYS
from walktimer.core.format.values import show

__all__ = [
    "DURATION_HINT",
    "FILE",
    "SYNTAX",
    "TABLE_LABEL",
    "TOP",
    "clock",
    "closest",
    "homes",
    "nested",
    "or_list",
    "show",
    "where_of",
]

TABLE_LABEL = {
    "top": "the top level",
    "voice": "[voice]",
    "sounds": "[sounds]",
    "announce": "[announce]",
    "reminders": "[reminders]",
    "phase": "[[phase]]",
    "cue": "[[phase.cue]]",
}
TOP = "top level"
FILE = "file"
SYNTAX = "TOML syntax"
DURATION_HINT = 'a duration like 90, "90s", "5m", "1m30s", "2:30" or "1:02:30"'


def closest(word: str, options: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def or_list(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def homes(key: str) -> list[str]:
    """Where a key does belong: "at the top level", "in [voice]", ..."""
    return [
        ("at " if table == "top" else "in ") + label
        for table, label in TABLE_LABEL.items()
        if key in KEYS[table]
    ]


def clock(seconds: int) -> str:
    return format_clock(seconds)


def nested(key: str) -> str | None:
    """The message for `repeat` or `step` inside a step: blocks do not nest."""
    if key not in ("repeat", "step"):
        return None
    return (
        f"a step cannot have {'steps' if key == 'step' else key} of its own (blocks do not "
        "nest): make it a separate [[phase]] with repeat and steps"
    )


def where_of(place: str, table: Mapping[str, Any]) -> str:
    name = table.get("name")
    if isinstance(name, str) and name.strip():
        return f"{place} {show(name.strip())}"
    return place
