"""The wording the checker shares: table labels, places, lists and suggestions.

Every sentence is made in the Phrases it is given; table names like [voice] and key names stay
as they are written in a script, in every language.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from walktimer.core.durations import format_clock
from walktimer.core.format.tables import KEYS
from walktimer.core.format.values import show
from walktimer.i18n import ENGLISH, N_, Phrases

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

# How each table is named in a message; the table names themselves are never translated.
TABLE_LABEL = {
    "top": N_("the top level"),
    "voice": "[voice]",
    "sounds": "[sounds]",
    "announce": "[announce]",
    "reminders": "[reminders]",
    "phase": "[[phase]]",
    "cue": "[[phase.cue]]",
}
# The places a problem is found at, before its message: "top level: missing name: ...".
TOP = N_("top level")
FILE = N_("file")
SYNTAX = N_("TOML syntax")
DURATION_HINT = N_('a duration like 90, "90s", "5m", "1m30s", "2:30" or "1:02:30"')


def closest(word: str, options: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def or_list(items: Iterable[str], phrases: Phrases = ENGLISH) -> str:
    """ "a", "a or b", "a, b or c"."""
    words = list(items)
    if len(words) == 1:
        return words[0]
    # Translators: the end of a list of choices, "at the top level, in [voice] or in [cue]".
    return phrases.gettext("{items} or {last}").format(items=", ".join(words[:-1]), last=words[-1])


def homes(key: str, phrases: Phrases = ENGLISH) -> list[str]:
    """Where a key does belong: "at the top level", "in [voice]", ..."""
    t = phrases
    return [
        t.gettext("at the top level")
        if table == "top"
        # Translators: where a key belongs, {table} is a table's name such as [voice].
        else t.gettext("in {table}").format(table=label)
        for table, label in TABLE_LABEL.items()
        if key in KEYS[table]
    ]


def clock(seconds: int) -> str:
    return format_clock(seconds)


def nested(key: str, phrases: Phrases = ENGLISH) -> str | None:
    """The message for `repeat` or `step` inside a step: blocks do not nest."""
    if key == "step":
        return phrases.gettext(
            "a step cannot have steps of its own (blocks do not nest): make it a separate "
            "[[phase]] with repeat and steps"
        )
    if key == "repeat":
        return phrases.gettext(
            "a step cannot have repeat of its own (blocks do not nest): make it a separate "
            "[[phase]] with repeat and steps"
        )
    return None


def where_of(place: str, table: Mapping[str, Any]) -> str:
    name = table.get("name")
    if isinstance(name, str) and name.strip():
        return f"{place} {show(name.strip())}"
    return place
