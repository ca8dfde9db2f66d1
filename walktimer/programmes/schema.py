"""The JSON Schema (draft 2020-12) of programme format 1, built from the checker's tables.

Editors use it to complete keys and underline values that cannot be right. The checker
stays the authority: that a named session exists and loads, and that a duration can be
built from it, only `walktimer programme check` can tell.
"""

from __future__ import annotations

from typing import Any

from walktimer.core.durations import format_compact
from walktimer.programmes.format import FORMAT_VERSION, KEYS, LIMITS

__all__ = ["SCHEMA_ID", "build_schema"]

SCHEMA_ID = "urn:walktimer:programme-format-1"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
_DURATION_PATTERN = (
    r"^\s*(?=\d)(?:\d+h)?(?:\d+m)?(?:\d+s)?\s*$|^\s*\d+(?::[0-5]\d){1,2}\s*$|^\s*\d+\s*$"
)


def build_schema() -> dict[str, Any]:
    name_low, name_high = LIMITS["name"]
    weeks_low, weeks_high = LIMITS["weeks"]
    walks_low, walks_high = LIMITS["walks"]
    low, high = LIMITS["duration"]
    note_low, note_high = LIMITS["note"]
    week: dict[str, Any] = {
        "type": "object",
        "description": "One week of the programme.",
        "additionalProperties": False,
        "required": ["walks", "session"],
        "properties": {
            "walks": {
                "type": "integer",
                "minimum": walks_low,
                "maximum": walks_high,
                "description": "How many walks the week has (one a day counts).",
            },
            "session": {
                "type": "string",
                "minLength": 1,
                "description": "The session each walk runs: a bundled session's name "
                "(beginner-15), one of your own sessions, or a .toml file beside the programme.",
            },
            "duration": {
                "description": f"Build each walk to this length ({format_compact(low)} to "
                f"{format_compact(high)}) from the session, by lengthening or shortening its "
                'walking phases: seconds, or text like "20m".',
                "oneOf": [
                    {"type": "integer", "minimum": low, "maximum": high},
                    {"type": "string", "pattern": _DURATION_PATTERN},
                ],
            },
            "note": {
                "type": "string",
                "minLength": note_low,
                "maxLength": note_high,
                "description": "A sentence shown with the week's walks.",
            },
        },
    }
    assert set(week["properties"]) == set(KEYS["week"])
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "walktimer programme, format 1",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "name", "week"],
        "properties": {
            "format": {"const": FORMAT_VERSION, "description": "Always 1."},
            "name": {
                "type": "string",
                "minLength": name_low,
                "maxLength": name_high,
                "description": "The programme's name, shown with every walk.",
            },
            "description": {"type": "string", "description": "What the programme is for."},
            "week": {
                "type": "array",
                "minItems": weeks_low,
                "maxItems": weeks_high,
                "items": week,
                "description": "The weeks, in order: one [[week]] table each.",
            },
        },
    }
    assert set(schema["properties"]) == set(KEYS["top"])
    return schema
