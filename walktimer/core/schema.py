"""The JSON Schema (draft 2020-12) of format 1, built from the format's own tables.

Editors with TOML support (VS Code's Even Better TOML, taplo, JetBrains) use it to complete
keys, show each key's meaning as a tooltip and underline values that cannot be right. The
keys and ranges come from `walktimer.core.format.tables`, the value shapes from the parsers'
own fragments in `walktimer.core.format.values`, enums from the model, so the schema follows
the loader. The loader stays the authority: a few rules the schema cannot
express (a cue inside its phase, {remaining} outside manual phases, sound files that exist,
the 24-hour session limit) are checked only by `walktimer check`.
"""

from __future__ import annotations

import json
from typing import Any

from walktimer.core.durations import format_compact
from walktimer.core.format.tables import FORMAT_VERSION, KEYS, LIMITS, PLACEHOLDERS
from walktimer.core.format.values import (
    DURATION_PATTERN,
    MANUAL_PATTERN,
    NOT_BLANK,
    duration_schema,
    incline_schema,
    kind_schema,
    offset_schema,
    order_schema,
    sound_schema,
    speed_schema,
    whole_schema,
)
from walktimer.core.script import (
    Announce,
    Sounds,
    Voice,
)

__all__ = ["DESCRIPTIONS", "DURATION_PATTERN", "SCHEMA_ID", "build_schema"]

SCHEMA_ID = "urn:walktimer:session-format-1"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

_PLACEHOLDER_LIST = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
_SPOKEN = (
    f" Placeholders: {_PLACEHOLDER_LIST} ({{rep}} and {{reps}} only inside a repeated block; "
    "{remaining} not in a manual phase)."
)

_VOICE, _SOUNDS, _ANNOUNCE = Voice(), Sounds(), Announce()


def _num(value: float) -> str:
    return f"{value:g}"


def _sound_default(key: str) -> str:
    sound = getattr(_SOUNDS, key)
    return "none" if sound is None else str(sound.label)


def _bool(value: bool) -> str:
    return "true" if value else "false"


_RATE = LIMITS["voice.rate"]
_VOLUME = LIMITS["voice.volume"]
_COUNT = LIMITS["countdown"]
_NAME = LIMITS["name"]
_REMAINING_DEFAULT = [format_compact(seconds) for seconds in _ANNOUNCE.remaining]

# Tooltips, by table (as in the format's KEYS) and key. A test checks that every key has one.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "top": {
        "format": f"The format version of this script: always {FORMAT_VERSION}.",
        "name": "The session's name, shown in the library and the history "
        f"({_num(_NAME[0])} to {_num(_NAME[1])} characters).",
        "description": "A sentence or two about the session, shown in the library.",
        "tags": 'Words to find the session by, e.g. ["treadmill", "beginner"].',
        "author": "Who wrote the script.",
        "voice": "How cues are spoken: speech rate, volume and voice.",
        "sounds": "The sounds played at phase changes, countdowns, reminders and the finish.",
        "announce": "What walktimer announces by itself: countdown ticks, time left, "
        "halfway, the next phase, treadmill targets.",
        "reminders": "Posture reminders, spoken every so often inside walking phases.",
        "phase": "The phases of the session, in order. Each is timed (duration), manual "
        '(duration = "manual", ends when you press Next) or a repeated block (repeat + '
        "[[phase.step]]).",
    },
    "voice": {
        "rate": f"Speech rate in words per minute, {_num(_RATE[0])} to {_num(_RATE[1])} "
        f"(default {_VOICE.rate}).",
        "volume": f"Speech volume from {_VOLUME[0]:.1f} (silent) to {_VOLUME[1]:.1f} (full) "
        f"(default {_VOICE.volume:.1f}).",
        "voice": 'The speech engine\'s voice id or language, e.g. "en-gb". Default: the '
        "engine's own.",
    },
    "sounds": {
        "phase": f'Played at every phase change (default "{_sound_default("phase")}").',
        "countdown": "Played on each countdown tick before a phase ends "
        f'(default "{_sound_default("countdown")}").',
        "finish": f'Played when the session ends (default "{_sound_default("finish")}").',
        "reminder": "Played just before a posture reminder is spoken "
        f'(default "{_sound_default("reminder")}").',
    },
    "announce": {
        "countdown": f"Seconds of ticks before each phase ends, {_num(_COUNT[0])} to "
        f"{_num(_COUNT[1])}; 0 turns them off (default {_ANNOUNCE.countdown}).",
        "remaining": 'Say "One minute left" (etc.) this long before each phase ends, in '
        "phases at least that long plus 30 s "
        f"(default {json.dumps(_REMAINING_DEFAULT)}; [] for none).",
        "halfway": 'Say "Halfway." in each phase of 2 minutes or more '
        f"(default {_bool(_ANNOUNCE.halfway)}).",
        "next": 'Say "Next: <name>" 10 seconds before each timed phase ends '
        f"(default {_bool(_ANNOUNCE.next)}).",
        "targets": "Speak the treadmill speed and incline when a phase begins "
        f"(default {_bool(_ANNOUNCE.targets)}).",
        "countdown_voice": 'Speak the countdown ("three, two, one") instead of playing the '
        f"countdown sound (default {_bool(_ANNOUNCE.countdown_voice)}).",
    },
    "reminders": {
        "every": "How often a reminder is spoken, counted from the start of each phase that "
        "has reminders; never in a phase's first or last 15 seconds.",
        "order": '"cycle" speaks the texts in turn; "shuffle" in a mixed order that is the '
        "same every time the file is walked (default cycle).",
        "texts": "The reminders: short sentences that make sense heard once, mid-stride. "
        "Placeholders: {phase}, {next}, {remaining}, {elapsed}, {speed}, {incline}.",
    },
    "phase": {
        "name": 'The phase\'s name, shown on screen and announced ("Next: Warm-up").',
        "kind": "What the phase is for: warmup, walk (default), technique, stretch, cooldown "
        "or rest. Sets its colour, and walk and technique have reminders by default.",
        "duration": 'How long the phase lasts: 90, "90s", "5m", "1m30s", "1h5m", "2:30" or '
        '"1:02:30"; or "manual" for a phase that lasts until you press Next.',
        "say": "Spoken when the phase begins (default: its name)." + _SPOKEN,
        "instructions": "Shown on screen during the phase; not spoken.",
        "speed": 'Treadmill speed target: a number in km/h, or "3.5 km/h" or "2.2 mph".',
        "incline": 'Treadmill incline target in percent: 2 or "2%".',
        "countdown": f"Seconds of countdown ticks before this phase ends, {_num(_COUNT[0])} "
        f"to {_num(_COUNT[1])}; overrides [announce] countdown. Not in a manual phase.",
        "reminders": "Whether posture reminders are spoken in this phase. Default: true for "
        "walk and technique phases, false otherwise. Needs a [reminders] table; a manual "
        "phase has none.",
        "cue": "Extra cues inside the phase: at a time (at) or repeating (every).",
        "repeat": "Makes this phase a repeated block: its [[phase.step]] tables are played "
        'this many times, shown as "Backward walking (2/3)".',
        "step": "The steps of a repeated block, each a phase of its own (no repeat or nested "
        "steps).",
    },
    "cue": {
        "at": 'When the cue comes, once: from the phase start ("2m"), from its end when '
        'negative ("-30s"), or as a share of the phase ("50%"). A manual phase allows only '
        "times from its start.",
        "every": 'Repeats the cue: first at this time after the phase start ("1m"), then '
        "again each time it comes round, until the phase ends (or, in a manual phase, until "
        "you press Next).",
        "say": "Text to speak." + _SPOKEN,
        "sound": "A sound to play.",
    },
}
DESCRIPTIONS["step"] = {key: DESCRIPTIONS["phase"][key] for key in KEYS["step"]}
DESCRIPTIONS["block"] = {
    "name": "The block's name.",
    "repeat": DESCRIPTIONS["phase"]["repeat"],
    "step": DESCRIPTIONS["phase"]["step"],
}


def _described(table: str, key: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": DESCRIPTIONS[table][key], **schema}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _text() -> dict[str, Any]:
    return {"type": "string", "pattern": NOT_BLANK}


def _defs() -> dict[str, Any]:
    return {
        "duration": duration_schema(),
        "offset": offset_schema(),
        "sound": sound_schema(),
        "speed": speed_schema(),
        "incline": incline_schema(),
        "cue": _cue(),
        "phase": _phase("phase", KEYS["step"]),
        "step": _phase("step", KEYS["step"]),
        "block": _block(),
    }


def _phase_properties(table: str, keys: tuple[str, ...]) -> dict[str, Any]:
    shapes: dict[str, dict[str, Any]] = {
        "name": _text(),
        "kind": kind_schema(),
        "duration": {
            "anyOf": [_ref("duration"), {"type": "string", "pattern": MANUAL_PATTERN}],
            "examples": ["5m", "2:30", "manual"],
        },
        "say": _text(),
        "instructions": _text(),
        "speed": _ref("speed"),
        "incline": _ref("incline"),
        "countdown": whole_schema("countdown"),
        "reminders": {"type": "boolean"},
        "cue": {"type": "array", "items": _ref("cue")},
    }
    return {key: _described(table, key, shapes[key]) for key in keys}


def _phase(table: str, keys: tuple[str, ...]) -> dict[str, Any]:
    what = "step of a repeated block" if table == "step" else "timed or manual phase"
    return {
        "title": table,
        "description": f"A {what}: a name and a duration.",
        "type": "object",
        "properties": _phase_properties(table, keys),
        "required": ["name", "duration"],
        "additionalProperties": False,
    }


def _block() -> dict[str, Any]:
    shapes: dict[str, dict[str, Any]] = {
        "name": _text(),
        "repeat": whole_schema("repeat"),
        "step": {"type": "array", "items": _ref("step"), "minItems": 1},
    }
    return {
        "title": "repeated block",
        "description": "A phase with repeat and [[phase.step]] tables: the steps are played "
        "repeat times. It has no duration of its own.",
        "type": "object",
        "properties": {key: _described("block", key, shapes[key]) for key in KEYS["block"]},
        "required": ["name", "repeat", "step"],
        "additionalProperties": False,
    }


def _cue() -> dict[str, Any]:
    shapes: dict[str, dict[str, Any]] = {
        "at": _ref("offset"),
        "every": _ref("duration"),
        "say": _text(),
        "sound": _ref("sound"),
    }
    return {
        "title": "cue",
        "description": "An extra cue: exactly one of at or every, and say, sound or both.",
        "type": "object",
        "properties": {key: _described("cue", key, shapes[key]) for key in KEYS["cue"]},
        "oneOf": [{"required": ["at"]}, {"required": ["every"]}],
        "anyOf": [{"required": ["say"]}, {"required": ["sound"]}],
        "additionalProperties": False,
    }


def _table(name: str, properties: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {key: _described(name, key, properties[key]) for key in KEYS[name]},
        "additionalProperties": False,
        **extra,
    }


def build_schema() -> dict[str, Any]:
    """The whole schema as a JSON-ready dict."""
    top: dict[str, dict[str, Any]] = {
        "format": {"const": FORMAT_VERSION},
        "name": {
            "type": "string",
            "minLength": int(_NAME[0]),
            "maxLength": int(_NAME[1]),
            "pattern": NOT_BLANK,
        },
        "description": _text(),
        "tags": {"type": "array", "items": _text()},
        "author": _text(),
        "voice": _table(
            "voice",
            {
                "rate": whole_schema("voice.rate", default=_VOICE.rate),
                "volume": {
                    "type": "number",
                    "minimum": _VOLUME[0],
                    "maximum": _VOLUME[1],
                    "default": _VOICE.volume,
                },
                "voice": _text(),
            },
        ),
        "sounds": _table(
            "sounds",
            {key: {**_ref("sound"), "default": _sound_default(key)} for key in KEYS["sounds"]},
        ),
        "announce": _table(
            "announce",
            {
                "countdown": whole_schema("countdown", default=_ANNOUNCE.countdown),
                "remaining": {
                    "type": "array",
                    "items": _ref("duration"),
                    "default": _REMAINING_DEFAULT,
                },
                "halfway": {"type": "boolean", "default": _ANNOUNCE.halfway},
                "next": {"type": "boolean", "default": _ANNOUNCE.next},
                "targets": {"type": "boolean", "default": _ANNOUNCE.targets},
                "countdown_voice": {"type": "boolean", "default": _ANNOUNCE.countdown_voice},
            },
        ),
        "reminders": _table(
            "reminders",
            {
                "every": _ref("duration"),
                "order": order_schema(),
                "texts": {"type": "array", "items": _text(), "minItems": 1},
            },
            required=["every", "texts"],
        ),
        "phase": {
            "type": "array",
            "minItems": 1,
            "items": {"oneOf": [_ref("phase"), _ref("block")]},
        },
    }
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": f"walktimer session script, format {FORMAT_VERSION}",
        "description": "A guided walk for walktimer: its phases in order, what is spoken and "
        "sounded, and optional treadmill targets. Check a script with `walktimer check FILE`.",
        "type": "object",
        "properties": {key: _described("top", key, top[key]) for key in KEYS["top"]},
        "required": ["format", "name", "phase"],
        "additionalProperties": False,
        "$defs": _defs(),
    }
