"""When a host wakes next: one wait per engine deadline, plus a slower display refresh.

Both hosts follow the same rule (DESIGN.md, "Run"): arm one precise single-shot wait for the
engine's next deadline, call `engine.advance()` when it ends and re-arm; separately, refresh the
display just after the shown second changes. No wait ever counts time: each wake-up reads the
clock, so a wait that ends late never shifts what follows. Any wake-up may call `advance()`;
it only returns what is due.

Waits are in seconds of the host's *base* clock (the one its timer or `select` runs on): with
`--speed`, the engine's clock is a ScaledClock and `to_base` converts.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from walktimer.core.clock import Clock
from walktimer.core.engine import Engine, View

__all__ = [
    "DISPLAY_SLACK",
    "MAX_DISPLAY_WAIT",
    "MIN_DISPLAY_WAIT",
    "countdown_wait",
    "cue_wait",
    "display_wait",
    "to_milliseconds",
    "wake_in",
]

DISPLAY_SLACK = 0.005  # redraw this long after a second boundary, so the digit has changed
MIN_DISPLAY_WAIT = 0.05  # base seconds: at high --speed, no more than 20 redraws a second
MAX_DISPLAY_WAIT = 1.0

ToBase = Callable[[float], float]


def _same(seconds: float) -> float:
    return seconds


def cue_wait(engine: Engine, clock: Clock, to_base: ToBase | None = None) -> float | None:
    """Base-clock seconds until the engine's next deadline (0 when already due); None when
    nothing is due (not running, or a manual phase with nothing left to say)."""
    deadline = engine.next_deadline()
    if deadline is None:
        return None
    return max(0.0, (to_base or _same)(deadline - clock.now()))


def _to_next_second(seconds: float) -> float:
    """How long until a count going up from `seconds` reaches its next whole second."""
    left = 1.0 - (seconds - math.floor(seconds))
    return 1.0 if left <= 1e-6 or left > 1.0 else left


def display_wait(view: View, to_base: ToBase | None = None) -> float:
    """Base-clock seconds until a whole second shown for `view` changes: the phase's count
    (or, where a manual phase ended off the second, the session's elapsed time)."""
    if view.phase_remaining is not None:
        # A countdown shows remaining time rounded up: it changes when it reaches an integer.
        phase = view.phase_remaining - math.floor(view.phase_remaining)
        phase = 1.0 if phase <= 1e-6 else phase
    else:
        # A manual phase counts up, rounded down.
        phase = _to_next_second(view.phase_elapsed)
    return countdown_wait(min(phase, _to_next_second(view.session_elapsed)), to_base)


def countdown_wait(seconds: float, to_base: ToBase | None = None) -> float:
    """Base-clock seconds to wait for a change of the shown second that is `seconds` of
    session time away (the 3-2-1 count before a session uses it too)."""
    wait = (to_base or _same)(seconds) + DISPLAY_SLACK
    return min(MAX_DISPLAY_WAIT, max(MIN_DISPLAY_WAIT, wait))


def wake_in(
    engine: Engine,
    clock: Clock,
    to_base: ToBase | None = None,
    *,
    display: bool = False,
    longest: float | None = None,
) -> float | None:
    """How long a host that both plays cues and (optionally) redraws may sleep, in base
    seconds; None means "until something else happens" (a key press). `longest` caps the
    wait: a guard for timers that stop while a laptop is suspended."""
    waits = [w for w in (cue_wait(engine, clock, to_base), longest) if w is not None]
    if display:
        waits.append(display_wait(engine.view(), to_base))
    return min(waits) if waits else None


def to_milliseconds(seconds: float) -> int:
    """A wait for a millisecond timer (QTimer), rounded up so it never wakes early."""
    return max(0, math.ceil(seconds * 1000.0 - 1e-6))
