"""The keys each table of a format-1 script may hold, and every limit the format sets."""

from __future__ import annotations

__all__ = [
    "BUILTIN_SOUNDS",
    "FORMAT_VERSION",
    "KEYS",
    "KMH_PER_MPH",
    "LIMITS",
    "MAX_FILE_BYTES",
    "MAX_SESSION_SECONDS",
    "MIB",
    "PLACEHOLDERS",
    "WAV_RATES",
]

FORMAT_VERSION = 1
MIB = 1024 * 1024
MAX_FILE_BYTES = MIB
MAX_SESSION_SECONDS = 24 * 3600
BUILTIN_SOUNDS = ("bell", "beep", "tick", "chime", "ping", "none")
PLACEHOLDERS = ("phase", "next", "remaining", "elapsed", "speed", "incline", "rep", "reps")
KMH_PER_MPH = 1.609344

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
    "announce": ("countdown", "remaining", "halfway", "next", "targets", "countdown_voice"),
    "reminders": ("every", "order", "texts"),
    "phase": (*_PHASE_KEYS, "repeat", "step"),
    "block": ("name", "repeat", "step"),
    "step": _PHASE_KEYS,
    "cue": ("at", "every", "say", "sound"),
}

# Ranges the loader enforces, for the docs, the schema and the editor to quote.
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
