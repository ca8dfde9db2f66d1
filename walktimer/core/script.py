"""The format-1 session model: frozen dataclasses that a valid script loads into.

Every value here is already validated and normalised (durations in seconds, speeds in km/h,
sounds resolved to a built-in name or a file path). The loader builds these; nothing else does
except tests and importers, which then still go through the loader's rules via `check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from walktimer.core.format.tables import (
    BUILTIN_SOUNDS,
    FORMAT_VERSION,
    KMH_PER_MPH,
    MAX_FILE_BYTES,
    PLACEHOLDERS,
)
from walktimer.i18n import ENGLISH, Phrases

__all__ = [
    "BUILTIN_SOUNDS",
    "FORMAT_VERSION",
    "KMH_PER_MPH",
    "MAX_FILE_BYTES",
    "PLACEHOLDERS",
    "Announce",
    "Block",
    "Cue",
    "Incline",
    "Kind",
    "Offset",
    "Phase",
    "ReminderOrder",
    "Reminders",
    "Session",
    "Sound",
    "Sounds",
    "Speed",
    "Voice",
]


class Kind(StrEnum):
    """What a phase is for; it sets its colour and whether reminders are on by default."""

    WARMUP = "warmup"
    WALK = "walk"
    TECHNIQUE = "technique"
    STRETCH = "stretch"
    COOLDOWN = "cooldown"
    REST = "rest"

    @property
    def reminders_by_default(self) -> bool:
        return self in (Kind.WALK, Kind.TECHNIQUE)


class ReminderOrder(StrEnum):
    CYCLE = "cycle"
    SHUFFLE = "shuffle"


@dataclass(frozen=True, slots=True)
class Sound:
    """A sound to play: a built-in tone by name, or a WAV file. `none` is represented as None."""

    name: str | None = None
    path: Path | None = None

    def __post_init__(self) -> None:
        if (self.name is None) == (self.path is None):
            raise ValueError("a Sound is either a built-in name or a path")

    @property
    def label(self) -> str:
        return self.name if self.name is not None else str(self.path)


@dataclass(frozen=True, slots=True)
class Speed:
    """A treadmill speed target, kept in km/h with the unit the script wrote it in."""

    kmh: float
    unit: str = "km/h"  # "km/h" or "mph"

    @property
    def value(self) -> float:
        """The number in the script's own unit."""
        return self.kmh / KMH_PER_MPH if self.unit == "mph" else self.kmh

    @property
    def text(self) -> str:
        return f"{_trim(self.value)} {self.unit}"

    @property
    def spoken(self) -> str:
        return self.said(ENGLISH)

    def said(self, phrases: Phrases) -> str:
        """The speed as it is said: "3.5 kilometres per hour"."""
        if self.unit == "mph":
            message = phrases.gettext("{value} miles per hour")
        else:
            message = phrases.gettext("{value} kilometres per hour")
        return message.format(value=_trim(self.value).replace(".", phrases.decimal_mark))


@dataclass(frozen=True, slots=True)
class Incline:
    """A treadmill incline target in percent."""

    percent: float

    @property
    def text(self) -> str:
        return f"{_trim(self.percent)}%"

    @property
    def spoken(self) -> str:
        return f"{_trim(self.percent)} percent"


def _trim(number: float) -> str:
    """3.0 -> "3", 2.50 -> "2.5"."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


@dataclass(frozen=True, slots=True)
class Voice:
    rate: int = 170
    volume: float = 1.0
    voice: str | None = None


@dataclass(frozen=True, slots=True)
class Sounds:
    phase: Sound | None = Sound(name="bell")
    countdown: Sound | None = Sound(name="tick")
    finish: Sound | None = Sound(name="chime")
    reminder: Sound | None = Sound(name="ping")


@dataclass(frozen=True, slots=True)
class Announce:
    countdown: int = 3
    remaining: tuple[int, ...] = (60,)
    halfway: bool = False
    next: bool = True
    targets: bool = True
    countdown_voice: bool = False  # the countdown spoken ("three, two, one") instead of ticks


@dataclass(frozen=True, slots=True)
class Reminders:
    every: int
    order: ReminderOrder = ReminderOrder.CYCLE
    texts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Offset:
    """Where an `at` cue falls: seconds from the start, seconds before the end, or a percent."""

    anchor: str  # "start" | "end" | "percent"
    value: float


@dataclass(frozen=True, slots=True)
class Cue:
    """An extra cue inside a phase: once (`at`) or repeatedly (`every`)."""

    at: Offset | None = None
    every: int | None = None
    say: str | None = None
    sound: Sound | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    """One timed (or manual) stretch of the walk. `duration` None means a manual phase."""

    name: str
    kind: Kind = Kind.WALK
    duration: int | None = 60
    say: str | None = None
    instructions: str | None = None
    speed: Speed | None = None
    incline: Incline | None = None
    countdown: int | None = None
    reminders: bool | None = None
    cues: tuple[Cue, ...] = ()

    @property
    def manual(self) -> bool:
        return self.duration is None

    @property
    def spoken_intro(self) -> str:
        """What is said when the phase begins: its `say`, or its name."""
        return self.say if self.say is not None else self.name

    @property
    def has_reminders(self) -> bool:
        return self.reminders if self.reminders is not None else self.kind.reminders_by_default


@dataclass(frozen=True, slots=True)
class Block:
    """A repeated block: its steps are played in order, `repeat` times."""

    name: str
    repeat: int
    steps: tuple[Phase, ...]


@dataclass(frozen=True, slots=True)
class Session:
    """A whole, valid session script."""

    name: str
    phases: tuple[Phase | Block, ...]
    format: int = FORMAT_VERSION
    description: str | None = None
    tags: tuple[str, ...] = ()
    author: str | None = None
    voice: Voice = field(default_factory=Voice)
    sounds: Sounds = field(default_factory=Sounds)
    announce: Announce = field(default_factory=Announce)
    reminders: Reminders | None = None
    source: Path | None = None

    def flat_phases(self) -> tuple[Phase, ...]:
        """Every phase in play order, with repeated blocks expanded (names unchanged)."""
        out: list[Phase] = []
        for item in self.phases:
            if isinstance(item, Block):
                for _ in range(item.repeat):
                    out.extend(item.steps)
            else:
                out.append(item)
        return tuple(out)

    @property
    def has_manual(self) -> bool:
        return any(p.manual for p in self.flat_phases())

    @property
    def total_seconds(self) -> int:
        """Planned length; manual phases count as zero (the total is then "at least")."""
        return sum(p.duration or 0 for p in self.flat_phases())


def _slots_of(cls: type) -> Any:
    """A plain class with the same slots as the frozen, slotted dataclass `cls` (the plan's
    PlannedPhase constructor still fills one and then assigns it the real class)."""
    slots = cls.__dict__["__slots__"]
    return type(f"_{cls.__name__}Slots", (), {"__slots__": slots})
