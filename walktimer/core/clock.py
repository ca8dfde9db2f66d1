"""Clocks: the protocol the engine reads time through, the system clock, and a fake for tests."""

from __future__ import annotations

import sys
import time
from typing import Protocol

__all__ = ["Clock", "FakeClock", "RealTime", "ScaledClock", "SystemClock"]


class Clock(Protocol):
    """Session time. A host's own timer (a QTimer, `select`) runs on a *base* clock; with
    `--speed` the session clock runs faster than it, and `to_base` converts a wait."""

    def now(self) -> float:
        """Seconds on a clock that never goes backwards; only differences matter."""
        ...

    @property
    def factor(self) -> float:
        """Seconds of this clock per second of the base clock: 1 in real time."""
        ...

    def to_base(self, seconds: float) -> float:
        """How long `seconds` of this clock take on the base clock."""
        ...


class RealTime:
    """The part of a Clock that runs at the speed of its base: factor 1, waits unchanged."""

    @property
    def factor(self) -> float:
        return 1.0

    def to_base(self, seconds: float) -> float:
        return seconds


class SystemClock(RealTime):
    """Counts time a laptop spends suspended (CLOCK_BOOTTIME on Linux) so a resumed walk
    shows where it really is; elsewhere the monotonic clock."""

    def __init__(self) -> None:
        boottime = getattr(time, "CLOCK_BOOTTIME", None)
        self._clock_id: int | None = boottime if sys.platform.startswith("linux") else None

    def now(self) -> float:
        if self._clock_id is not None:
            return time.clock_gettime(self._clock_id)
        return time.monotonic()


class ScaledClock:
    """Another clock sped up by a factor, for demos and tests (`--speed 60`)."""

    def __init__(self, base: Clock, factor: float) -> None:
        if factor <= 0:
            raise ValueError("the speed factor must be greater than zero")
        self._base = base
        self._factor = factor
        self._origin = base.now()

    @property
    def factor(self) -> float:
        return self._factor

    def now(self) -> float:
        return self._origin + (self._base.now() - self._origin) * self._factor

    def to_base(self, seconds: float) -> float:
        """How long `seconds` of this clock take on the base clock."""
        return seconds / self._factor


class FakeClock(RealTime):
    """A clock moved by hand. Tests call `advance`; nothing ever sleeps."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock never goes backwards")
        self._now += seconds

    def set(self, now: float) -> None:
        if now < self._now:
            raise ValueError("a clock never goes backwards")
        self._now = now
