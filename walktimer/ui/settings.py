"""The user's preferences: every setting declared once, typed, and stored with QSettings."""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar, cast, overload

from PySide6.QtCore import QByteArray, QSettings

from walktimer import paths
from walktimer.core.format.tables import LIMITS
from walktimer.i18n import N_

# km/h: the range the maximum belt speed may be set in (no walking treadmill goes faster),
# and its default, walktimer.core.treadmill.DEFAULT_MAX_SPEED (not imported: the settings are
# read before the first paint, the treadmill code only when a treadmill is used).
MIN_BELT_CAP = 0.5
BELT_TOP_SPEED = 25.0
DEFAULT_MAX_SPEED = 6.0

__all__ = [
    "BELT_TOP_SPEED",
    "DEFAULT_MAX_SPEED",
    "MAX_RECENT",
    "MIN_BELT_CAP",
    "Ducking",
    "Settings",
    "Theme",
    "Verbosity",
]

log = logging.getLogger(__name__)

MAX_RECENT = 10
T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


class Verbosity(StrEnum):
    """How much is spoken during a session."""

    ALL = "all"  # every cue, reminder and countdown
    PHASES = "phases"  # phase changes only
    SILENT = "silent"

    @property
    def label(self) -> str:
        return {
            Verbosity.ALL: N_("All cues"),
            Verbosity.PHASES: N_("Phase changes only"),
            Verbosity.SILENT: N_("Silent"),
        }[self]


class Ducking(StrEnum):
    """What other media players do while a cue is spoken."""

    LOWER = "lower"  # their volume goes down, and back exactly afterwards
    PAUSE = "pause"  # they pause, and the ones walktimer paused play on afterwards
    OFF = "off"

    @property
    def label(self) -> str:
        return {
            Ducking.LOWER: N_("Lower other players' volume"),
            Ducking.PAUSE: N_("Pause other players"),
            Ducking.OFF: N_("Leave other players alone"),
        }[self]


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"

    @property
    def label(self) -> str:
        return {Theme.SYSTEM: N_("System"), Theme.LIGHT: N_("Light"), Theme.DARK: N_("Dark")}[self]


class _Setting(Generic[T]):
    """One key with its type and default; a descriptor on Settings."""

    def __init__(self, key: str, default: T, kind: type[Any], lo: Any = None, hi: Any = None):
        self.key = key
        self.default = default
        self.kind = kind
        self.lo = lo
        self.hi = hi

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> _Setting[T]: ...
    @overload
    def __get__(self, obj: Settings, owner: type[Any]) -> T: ...
    def __get__(self, obj: Settings | None, owner: type[Any]) -> T | _Setting[T]:
        if obj is None:
            return self
        return obj.read(self)

    def __set__(self, obj: Settings, value: T) -> None:
        obj.write(self, value)

    def clamp(self, value: Any) -> Any:
        if self.lo is not None and value < self.lo:
            return self.lo
        if self.hi is not None and value > self.hi:
            return self.hi
        return value


class Settings:
    """Typed access to the settings file. Values keep their types on disk (QSettings writes
    booleans as true/false and numbers as numbers), and a value of the wrong type or range
    falls back to its default instead of breaking the program."""

    voice = _Setting[str]("voice/voice", "", str)  # "" = the script's own choice
    # words per minute; 0 = the script's
    rate = _Setting[int]("voice/rate", 0, int, 0, int(LIMITS["voice.rate"][1]))
    volume = _Setting[float]("voice/volume", 1.0, float, 0.0, 1.0)  # scales the script's volume
    mute = _Setting[bool]("voice/mute", False, bool)
    verbosity = _Setting[Verbosity]("voice/verbosity", Verbosity.ALL, Verbosity)
    ducking = _Setting[Ducking]("sound/ducking", Ducking.LOWER, Ducking)
    duck_tones = _Setting[bool]("sound/duck_tones", True, bool)  # tones too, not only speech
    theme = _Setting[Theme]("display/theme", Theme.SYSTEM, Theme)
    font_scale = _Setting[float]("display/font_scale", 1.0, float, 0.6, 2.0)
    safety_acknowledged = _Setting[bool]("general/safety_acknowledged", False, bool)
    # The window's treadmill: "" = none; else a name or address as `walktimer treadmill scan`
    # shows it. Control (setting the belt's speed) only with the walker's explicit consent.
    treadmill = _Setting[str]("treadmill/device", "", str)
    treadmill_control = _Setting[bool]("treadmill/control", False, bool)
    treadmill_max_speed = _Setting[float](
        "treadmill/max_speed", DEFAULT_MAX_SPEED, float, MIN_BELT_CAP, BELT_TOP_SPEED
    )  # km/h
    geometry = _Setting[QByteArray]("window/geometry", QByteArray(), QByteArray)

    def __init__(self, file: Path | None = None) -> None:
        self.file = file if file is not None else paths.config_dir() / "settings.ini"
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self._store = QSettings(str(self.file), QSettings.Format.IniFormat)

    @classmethod
    def declared(cls) -> list[_Setting[Any]]:
        return [v for v in vars(cls).values() if isinstance(v, _Setting)]

    def read(self, setting: _Setting[T]) -> T:
        if not self._store.contains(setting.key):
            return setting.default
        kind = setting.kind
        try:
            if issubclass(kind, StrEnum):
                return cast(T, kind(str(self._store.value(setting.key, type=str))))
            raw = self._store.value(setting.key, setting.default, type=kind)
        except (ValueError, TypeError):
            raw = None
        if not isinstance(raw, kind) or (kind is not bool and isinstance(raw, bool)):
            log.warning("setting %s has an unusable value; using its default", setting.key)
            return setting.default
        return cast(T, setting.clamp(raw))

    def write(self, setting: _Setting[T], value: T) -> None:
        if setting.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = cast(T, float(value))
        if not isinstance(value, setting.kind):
            raise TypeError(f"{setting.key} takes a {setting.kind.__name__}, not {value!r}")
        stored: Any = value.value if isinstance(value, StrEnum) else setting.clamp(value)
        self._store.setValue(setting.key, stored)

    def reset(self, setting: _Setting[Any]) -> None:
        self._store.remove(setting.key)

    # Recent files: a list kept apart from the scalar settings above.

    def recent_files(self) -> list[Path]:
        size = self._store.beginReadArray("recent")
        out: list[Path] = []
        for i in range(size):
            self._store.setArrayIndex(i)
            text = self._store.value("path", "", type=str)
            if isinstance(text, str) and text:
                out.append(Path(text))
        self._store.endArray()
        return out

    def add_recent(self, path: Path) -> None:
        path = path.resolve()
        files = [path] + [p for p in self.recent_files() if p != path]
        self._write_recent(files[:MAX_RECENT])

    def remove_recent(self, path: Path) -> None:
        self._write_recent([p for p in self.recent_files() if p != path.resolve()])

    def _write_recent(self, files: list[Path]) -> None:
        self._store.remove("recent")
        self._store.beginWriteArray("recent", len(files))
        for i, file in enumerate(files):
            self._store.setArrayIndex(i)
            self._store.setValue("path", str(file))
        self._store.endArray()

    def sync(self) -> None:
        self._store.sync()
