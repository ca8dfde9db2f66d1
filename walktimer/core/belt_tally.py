"""What the belt did during a walk, per phase: the distance covered and the average speed.

A host shows each turn's reading to a `BeltTally`; at the end the tally says, for the walk
and for each phase it saw running, how far the belt went and how fast on average. Only the
time the session ran counts: a pause's metres and seconds belong to no phase. A treadmill
that reports no distance (or no speed) leaves that figure None, never a made-up 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from walktimer.core.clock import Clock
from walktimer.core.engine import State, View
from walktimer.core.treadmill import BeltReading, Link

__all__ = ["LINK_WORDS", "BeltTally", "PhaseBelt", "WalkBelt"]

# How a screen says a link that is not up (the terminal's belt line, the run view's indicator).
LINK_WORDS = {
    Link.CONNECTING: "connecting…",
    Link.LOST: "connection lost, reconnecting…",
    Link.CLOSED: "not connected",
}


@dataclass(frozen=True, slots=True)
class PhaseBelt:
    index: int
    distance_m: float | None
    avg_speed_kmh: float | None


@dataclass(frozen=True, slots=True)
class WalkBelt:
    distance_m: float | None
    avg_speed_kmh: float | None
    phases: tuple[PhaseBelt, ...]


@dataclass(slots=True)
class _Sums:
    metres: float = 0.0
    has_metres: bool = False
    speed_seconds: float = 0.0  # km/h x seconds
    seconds: float = 0.0  # seconds with a speed reading


class BeltTally:
    """Sums the readings a host sees, crediting each interval to the phase it began in."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sums: dict[int, _Sums] = {}
        self._last: tuple[float, int, bool, BeltReading | None] | None = None
        self._distance: int | None = None  # the belt's counter at the last reading with one

    def observe(self, view: View, reading: BeltReading | None) -> None:
        now = self._clock.now()
        running = view.state is State.RUNNING
        last = self._last
        if last is not None:
            at, index, was_running, before = last
            if was_running:
                sums = self._sums.setdefault(index, _Sums())
                if before is not None and before.speed_kmh is not None and now > at:
                    sums.speed_seconds += before.speed_kmh * (now - at)
                    sums.seconds += now - at
                metres = None if reading is None else reading.distance_m
                if metres is not None and self._distance is not None:
                    # A counter that went back was reset by the treadmill: count from 0.
                    gone = metres - self._distance
                    sums.metres += gone if gone >= 0 else metres
                    sums.has_metres = True
        if reading is not None and reading.distance_m is not None:
            self._distance = reading.distance_m
        self._last = (now, view.phase_index, running, reading)

    def totals(self) -> WalkBelt | None:
        """The walk's figures, or None when the belt never reported while the session ran."""
        phases = []
        metres, has_metres, speed_seconds, seconds = 0.0, False, 0.0, 0.0
        for index in sorted(self._sums):
            s = self._sums[index]
            if not s.has_metres and s.seconds <= 0:
                continue
            phases.append(
                PhaseBelt(
                    index,
                    round(s.metres, 1) if s.has_metres else None,
                    round(s.speed_seconds / s.seconds, 2) if s.seconds > 0 else None,
                )
            )
            metres += s.metres
            has_metres = has_metres or s.has_metres
            speed_seconds += s.speed_seconds
            seconds += s.seconds
        if not phases:
            return None
        return WalkBelt(
            round(metres, 1) if has_metres else None,
            round(speed_seconds / seconds, 2) if seconds > 0 else None,
            tuple(phases),
        )
