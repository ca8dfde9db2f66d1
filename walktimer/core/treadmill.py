"""The treadmill port: what a belt reports and may be asked, and the pure decisions about it.

A host (the terminal runner, later the window) holds one `Treadmill` and one `BeltCompanion`.
It hands the companion every engine view; the companion decides, on the injected clock, what
to say ("Set the speed to 4 kilometres per hour.") and, only when the walker allowed control,
what to ask of the belt. Adapters (walktimer/treadmill) only translate to and from Bluetooth.

Safety rules kept here, where they are tested with fakes:
- read-only unless the walker opted in; a read-only companion never calls a command;
- every speed or incline change is spoken `lead` seconds before it is asked for;
- a stopped belt is never started, except by the walker starting the session;
- the maximum speed setting is never exceeded, and a target outside the treadmill's range
  is clamped to it (said once);
- a lost connection is said once and the session carries on on its own timer.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from walktimer.core.engine import Fired, State
from walktimer.core.plan import Anchor, Event, EventKind
from walktimer.core.script import KMH_PER_MPH, Speed
from walktimer.i18n import ENGLISH, Phrases

if TYPE_CHECKING:
    from walktimer.core.clock import Clock
    from walktimer.core.engine import Engine, View
    from walktimer.core.plan import Plan

__all__ = [
    "DEFAULT_MAX_SPEED",
    "OFF_TARGET_KMH",
    "OFF_TARGET_SECONDS",
    "BeltCompanion",
    "BeltReading",
    "Capabilities",
    "Link",
    "OffTargetMonitor",
    "Range",
    "Treadmill",
    "TreadmillError",
    "belt_line",
    "reconnect_delays",
]

DEFAULT_MAX_SPEED = 6.0  # km/h: the settings' default cap
OFF_TARGET_KMH = 0.3  # the belt is "off target" beyond this
OFF_TARGET_SECONDS = 10.0  # ... for this long in a timed phase before walktimer says so
ANNOUNCE_LEAD = 3.0  # seconds between saying a change and asking the belt for it


class TreadmillError(Exception):
    """A treadmill problem worded as one sentence for the walker."""


@dataclass(frozen=True, slots=True)
class BeltReading:
    """What the belt last reported. None: the treadmill does not report that value."""

    speed_kmh: float | None
    incline_percent: float | None = None
    distance_m: int | None = None
    elapsed_s: int | None = None
    running: bool | None = None  # None until the treadmill said whether it runs


@dataclass(frozen=True, slots=True)
class Range:
    """A supported setting range: `low`..`high` in steps of `step`."""

    low: float
    high: float
    step: float

    def clamp(self, value: float) -> float:
        value = min(self.high, max(self.low, value))
        if self.step > 0:
            # Round down to a step so a clamped value never ends above the range.
            steps = math.floor((value - self.low) / self.step + 1e-9)
            value = self.low + steps * self.step
        return round(value, 2)

    def contains(self, value: float) -> bool:
        return self.low - 1e-9 <= value <= self.high + 1e-9


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What one treadmill says it supports."""

    name: str
    address: str
    reports: frozenset[str] = frozenset()  # "speed", "incline", "distance", "elapsed"
    controls: frozenset[str] = frozenset()  # "speed", "incline", "start", "pause"
    speed_range: Range | None = None  # km/h
    incline_range: Range | None = None  # percent

    def describe(self) -> str:
        """One line for `walktimer treadmill scan`."""
        reports = ", ".join(sorted(self.reports)) or "nothing"
        parts = [f"{self.name} ({self.address}): reports {reports}"]
        if self.controls:
            parts.append("can set " + ", ".join(sorted(self.controls)))
        if self.speed_range is not None:
            r = self.speed_range
            parts.append(f"speed {_num(r.low)}-{_num(r.high)} km/h")
        if self.incline_range is not None:
            r = self.incline_range
            parts.append(f"incline {_num(r.low)}-{_num(r.high)}%")
        return "; ".join(parts)


class Link(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"  # was connected; reconnecting with back-off
    CLOSED = "closed"


class Treadmill(Protocol):
    """A connected (or connecting) treadmill. Commands never block: they are queued and a
    refusal or fault comes back later as a sentence from `notices`."""

    @property
    def link(self) -> Link: ...

    @property
    def controllable(self) -> bool:
        """True only when the walker allowed control and the treadmill accepted it."""
        ...

    def capabilities(self) -> Capabilities | None: ...

    def reading(self) -> BeltReading | None: ...

    def start(self) -> None:
        """Start or resume the belt."""
        ...

    def pause(self) -> None: ...

    def stop(self) -> None: ...

    def set_speed(self, kmh: float) -> None: ...

    def set_incline(self, percent: float) -> None: ...

    def notices(self) -> list[str]:
        """Sentences about faults and refusals since the last call, each once."""
        ...

    def close(self) -> None: ...


def reconnect_delays(first: float = 1.0, longest: float = 30.0) -> Iterator[float]:
    """Seconds to wait before each reconnection attempt: 1, 2, 4, ... up to `longest`."""
    delay = first
    while True:
        yield delay
        delay = min(longest, delay * 2)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _set_speed(speech: Phrases, speed: Speed) -> str:
    """What the walker is asked to do: "Set the speed to 4 kilometres per hour."."""
    value = speech.decimal(speed.value)
    if speed.unit == "mph":
        return speech.gettext("Set the speed to {value} miles per hour.").format(value=value)
    return speech.gettext("Set the speed to {value} kilometres per hour.").format(value=value)


class OffTargetMonitor:
    """Says once per phase visit "Set the speed to 4 kilometres per hour." when the belt
    stays more than 0.3 km/h off the target for 10 s in a timed, running phase."""

    def __init__(
        self,
        clock: Clock,
        *,
        tolerance: float = OFF_TARGET_KMH,
        patience: float = OFF_TARGET_SECONDS,
        speech: Phrases = ENGLISH,
    ) -> None:
        self._clock = clock
        self._speech = speech
        self._tolerance = tolerance
        self._patience = patience
        self._visit: int | None = None
        self._off_since: float | None = None
        self._said = False

    def check(self, view: View, visit: int, reading: BeltReading | None) -> str | None:
        now = self._clock.now()
        if visit != self._visit:
            self._visit, self._off_since, self._said = visit, None, False
        timed = view.state is State.RUNNING and view.phase_remaining is not None
        speed = view.speed
        if not timed or speed is None or reading is None or reading.speed_kmh is None:
            self._off_since = None
            return None
        if abs(reading.speed_kmh - speed.kmh) <= self._tolerance + 1e-9:
            self._off_since = None
            return None
        if self._off_since is None:
            self._off_since = now
        if self._said or now - self._off_since < self._patience - 1e-9:
            return None
        self._said = True
        return _set_speed(self._speech, speed)

    def wake_in(self) -> float | None:
        """Seconds until the monitor could speak, so the host wakes for it."""
        if self._off_since is None or self._said:
            return None
        return max(0.0, self._off_since + self._patience - self._clock.now())


@dataclass(slots=True)
class _Change:
    visit: int  # the phase visit this change belongs to
    speed: float | None  # km/h after the cap and clamping
    incline: float | None
    mph: bool = False  # the script gives this speed in mph: said in mph
    apply_at: float | None = None  # clock time; None: at the phase's start
    applied: bool = False


@dataclass(slots=True)
class _Said:
    clamps: set[tuple[str, float]] = field(default_factory=set)
    stopped_belt: bool = False


class BeltCompanion:
    """Everything a host does with a treadmill while a session runs, decided here.

    The host calls `update(view, visit)` after each engine command and each turn of its loop,
    speaks the sentences it returns, and wakes again within `wake_in()` seconds. With
    `control=False` it only reads (the off-target monitor and link notices); with
    `control=True` it also pauses, resumes, stops and sets speed and incline, each change
    spoken `lead` seconds ahead.
    """

    def __init__(
        self,
        plan: Plan,
        treadmill: Treadmill,
        clock: Clock,
        *,
        control: bool = False,
        max_speed: float = DEFAULT_MAX_SPEED,
        lead: float = ANNOUNCE_LEAD,
    ) -> None:
        self._plan = plan
        self._belt = treadmill
        self._clock = clock
        self._control = control
        self._max_speed = max_speed
        self._lead = lead
        self._speech = plan.phrases  # what is said is said in the plan's language
        self._monitor = OffTargetMonitor(clock, speech=self._speech)
        self._state: State | None = None
        self._visit = 0
        self._commanded: tuple[float | None, float | None] = (None, None)
        self._pending: _Change | None = None  # announced, not yet asked of the belt
        self._said = _Said()
        self._link: Link | None = None
        self._started_belt = False  # walktimer just started or resumed the belt
        self._start_at: float | None = None  # when the announced start or resume is made
        self._notes: list[str] = []  # clamp sentences waiting to be said with their change
        self._reenter = False  # resumed: the current phase's target is set again

    @property
    def control(self) -> bool:
        return self._control

    # ------------------------------------------------------------------ the host's calls

    def turn(self, engine: Engine) -> list[Fired]:
        """`update` for the engine's present, with what to say as target cues fired now, for
        a host to sound (and show) like the engine's own."""
        view = engine.view()
        texts = self.update(view, engine.visit)
        if not texts:
            return []
        now = engine.session_elapsed()
        return [
            Fired(
                Event(-1, now, view.phase_index, EventKind.TARGETS, Anchor.START, 0.0, text),
                text,
                now,
                now,
                0.0,
                view.phase_name,
                engine.visit,
            )
            for text in texts
        ]

    def update(self, view: View, visit: int) -> list[str]:
        """Sentences to say now; asks the belt for what is due (control only)."""
        out = self._link_news()
        out += self._belt.notices()
        reading = self._belt.reading()
        if not self._controlling():
            # Read-only, or control refused or lost with the link: the walker sets the belt.
            said = self._monitor.check(view, visit, reading)
            if said is not None:
                out.append(said)
            if self._control:
                # When control returns, the phase's target is said and set again.
                self._commanded, self._pending = (None, None), None
            self._state = view.state
            return out
        out += self._follow_state(view)
        if view.state is State.RUNNING:
            if visit != self._visit or self._reenter:
                self._reenter = False
                out += self._enter(view, visit)
            self._start_due()  # before any speed: a belt is started, then set
            out += self._apply_due(reading, visit)
            out += self._preannounce(view, visit)
        self._state, self._visit = view.state, visit
        return out

    def wake_in(self, view: View) -> float | None:
        """Seconds until the companion has something to do (clock seconds)."""
        now = self._clock.now()
        waits: list[float] = []
        if not self._controlling():
            monitor = self._monitor.wake_in()
            if monitor is not None:
                waits.append(monitor)
        elif view.state is State.RUNNING:
            if self._start_at is not None:
                waits.append(max(0.0, self._start_at - now))
            pending = self._pending
            if (
                pending is not None
                and pending.visit == self._visit
                and pending.apply_at is not None
                and pending.apply_at != math.inf
                and not pending.applied
            ):
                waits.append(max(0.0, pending.apply_at - now))
            # The pre-announcement of the next phase's change, `lead` seconds before its end
            # (already considered by the last update once inside those seconds).
            ahead = None if view.phase_remaining is None else view.phase_remaining - self._lead
            if ahead is not None and ahead > 0 and view.phase_index + 1 < len(self._plan.phases):
                waits.append(ahead)
        return min(waits) if waits else None

    def upcoming_texts(self) -> list[str]:
        """What the companion may say in this session, to render its speech ahead."""
        texts: list[str] = []
        if not self._control:
            speech = self._speech
            texts = [_set_speed(speech, p.speed) for p in self._plan.phases if p.speed is not None]
            return list(dict.fromkeys(texts))
        texts.append(self._starting())
        before: tuple[float | None, float | None] = (None, None)
        for phase in self._plan.phases:
            kmh = phase.speed.kmh if phase.speed else None
            percent = phase.incline.percent if phase.incline else None
            target = self._target_of(kmh, percent, say=False)
            mph = phase.speed is not None and phase.speed.unit == "mph"
            text = self._announcement(before, target, mph=mph)
            if text is not None:
                texts.append(text)
            before = (target[0] if target[0] is not None else before[0],
                      target[1] if target[1] is not None else before[1])  # fmt: skip
        return list(dict.fromkeys(texts))

    def _controlling(self) -> bool:
        return self._control and self._belt.link is Link.CONNECTED and self._belt.controllable

    # ------------------------------------------------------------------ link

    def _link_news(self) -> list[str]:
        link = self._belt.link
        previous, self._link = self._link, link
        if link is previous:
            return []
        if link is Link.LOST:
            return [
                self._speech.gettext(
                    "The treadmill's connection was lost: the session goes on on its timer, "
                    "and walktimer is reconnecting."
                )
            ]
        if link is Link.CONNECTED and previous is Link.LOST:
            return [self._speech.gettext("The treadmill is connected again.")]
        return []

    # ------------------------------------------------------------------ control

    def _follow_state(self, view: View) -> list[str]:
        was, now = self._state, view.state
        if was is now:
            return []
        if now is State.RUNNING and was in (None, State.READY, State.PAUSED):
            # The walker started (or resumed) the session: the one moment walktimer may start
            # the belt, said first like every change.
            self._start_at = self._clock.now() + self._lead
            if was is State.PAUSED:
                # A belt may resume at its slowest: set this phase's target again, said first.
                self._commanded = (None, None)
                self._reenter = True
            return [self._starting()]
        if now is State.PAUSED and was is State.RUNNING:
            # Slowing to a stop is the walker's own command: at once, not announced.
            self._pending, self._start_at = None, None
            self._belt.pause()
        elif now in (State.FINISHED, State.STOPPED):
            self._pending, self._start_at = None, None
            self._belt.stop()
        return []

    def _start_due(self) -> None:
        if self._start_at is not None and self._clock.now() >= self._start_at - 1e-9:
            self._start_at = None
            self._belt.start()
            self._started_belt = True

    def _in_lead(self) -> str:
        return self._speech.seconds(round(self._lead))

    def _starting(self) -> str:
        return self._speech.gettext("Starting the belt in {lead}.").format(lead=self._in_lead())

    def _target_of(
        self, speed: float | None, incline: float | None, *, say: bool = True
    ) -> tuple[float | None, float | None]:
        """The speed and incline the belt is asked for: capped, then clamped to the
        treadmill's ranges. With `say`, the sentences for each cap or clamp not yet said
        wait in `_notes` to be said with the change."""
        caps = self._belt.capabilities()
        notes: list[tuple[str, float, float, Range | None]] = []
        if speed is not None:
            if speed > self._max_speed + 1e-9:
                notes.append(("cap", speed, self._max_speed, None))
                speed = self._max_speed
            r = caps.speed_range if caps is not None else None
            if r is not None and not r.contains(speed):
                clamped = r.clamp(speed)
                notes.append(("speed", speed, clamped, r))
                speed = clamped
        if incline is not None and caps is not None and caps.incline_range is not None:
            r = caps.incline_range
            if not r.contains(incline):
                clamped = r.clamp(incline)
                notes.append(("incline", incline, clamped, r))
                incline = clamped
        if say:
            said = (self._clamp_note(*note) for note in notes)
            self._notes = [text for text in said if text]
        return speed, incline

    def _clamp_note(self, what: str, wanted: float, used: float, r: Range | None = None) -> str:
        key = (what, wanted)
        if key in self._said.clamps:
            return ""
        self._said.clamps.add(key)
        t = self._speech
        said = {"wanted": t.decimal(wanted), "used": t.decimal(used)}
        if what == "cap":
            return t.gettext(
                "The speed is capped at {used} kilometres per hour by the maximum speed "
                "setting: {wanted} is set as {used}."
            ).format(**said)
        assert r is not None
        low, high = t.decimal(r.low), t.decimal(r.high)
        if what == "speed":
            text = t.gettext(
                "This treadmill's speed goes from {low} to {high} kilometres per hour: "
                "{wanted} is set as {used}."
            )
        else:
            text = t.gettext(
                "This treadmill's incline goes from {low} to {high} percent: "
                "{wanted} is set as {used}."
            )
        return text.format(low=low, high=high, **said)

    def _phase_change(self, index: int, visit: int) -> _Change | None:
        phase = self._plan.phases[index]
        speed = phase.speed.kmh if phase.speed is not None else None
        incline = phase.incline.percent if phase.incline is not None else None
        if speed is None and incline is None:
            return None
        target = self._target_of(speed, incline)
        mph = phase.speed is not None and phase.speed.unit == "mph"
        return _Change(visit, target[0], target[1], mph)

    def _announcement(
        self,
        before: tuple[float | None, float | None],
        after: tuple[float | None, float | None],
        *,
        mph: bool = False,
    ) -> str | None:
        t = self._speech
        # (to a first value, up, down) for the speed and for the incline
        wordings = (
            (t.gettext("speed going to {value}"), t.gettext("speed going up to {value}"),
             t.gettext("speed going down to {value}")),
            (t.gettext("incline going to {value} percent"),
             t.gettext("incline going up to {value} percent"),
             t.gettext("incline going down to {value} percent")),
        )  # fmt: skip
        parts: list[str] = []
        for i, (first, up, down) in enumerate(wordings):
            old, new = before[i], after[i]
            if new is None or (old is not None and abs(old - new) < 1e-9):
                continue
            wording = first if old is None else (up if new > old else down)
            shown = new / KMH_PER_MPH if mph and i == 0 else new
            parts.append(wording.format(value=t.decimal(shown)))
        if not parts:
            return None
        text = (
            parts[0]
            if len(parts) == 1
            else t.gettext("{speed} and {incline}").format(speed=parts[0], incline=parts[1])
        )
        said = t.gettext("{change} in {lead}.").format(change=text, lead=self._in_lead())
        return f"{said[:1].upper()}{said[1:]}"

    def _announce(self, change: _Change) -> tuple[list[str], str | None]:
        """The clamp sentences for `change`, and the change as it is said (None: the belt
        already runs at it)."""
        text = self._announcement(self._commanded, (change.speed, change.incline), mph=change.mph)
        notes, self._notes = self._notes, []
        return notes, text

    def _enter(self, view: View, visit: int) -> list[str]:
        """A new phase visit: ask now what was announced for it, else announce it now."""
        pending = self._pending
        if pending is not None and pending.visit == visit and pending.apply_at is None:
            pending.apply_at = self._clock.now()
            return []
        change = self._phase_change(view.phase_index, visit)
        self._pending = None
        if change is None:
            return []
        if self._belt_stopped():
            change.apply_at = math.inf
            self._pending = change
            return self._stopped_note()
        notes, text = self._announce(change)
        # Said now, asked for `lead` seconds later (the walker skipped or went back).
        change.apply_at = self._clock.now() + (self._lead if text is not None else 0.0)
        self._pending = change
        return [*notes, text] if text is not None else notes

    def _preannounce(self, view: View, visit: int) -> list[str]:
        """In a timed phase's last `lead` seconds, say what the next phase will change."""
        remaining = view.phase_remaining
        if remaining is None or remaining > self._lead + 1e-9:
            return []
        if self._pending is not None and self._pending.visit == visit + 1:
            return []
        index = view.phase_index + 1
        if index >= len(self._plan.phases):
            return []
        change = self._phase_change(index, visit + 1)
        if change is None:
            return []
        if self._belt_stopped():
            return []  # said when the phase begins
        self._pending = change
        notes, text = self._announce(change)
        return [*notes, text] if text is not None else notes

    def _belt_stopped(self) -> bool:
        reading = self._belt.reading()
        starting = self._started_belt or self._start_at is not None
        return reading is not None and reading.running is False and not starting

    def _stopped_note(self) -> list[str]:
        if self._said.stopped_belt:
            return []
        self._said.stopped_belt = True
        return [
            self._speech.gettext(
                "The belt is stopped, so walktimer leaves it alone: start it yourself and "
                "walktimer sets this phase's speed after saying it."
            )
        ]

    def _apply_due(self, reading: BeltReading | None, visit: int) -> list[str]:
        pending = self._pending
        if pending is None or pending.applied or pending.visit != visit:
            return []
        now = self._clock.now()
        stopped = reading is not None and reading.running is False
        if pending.apply_at == math.inf:  # waiting for the walker to start the belt
            if stopped:
                return []
            pending.apply_at = now + self._lead
            _, text = self._announce(pending)
            return [text] if text is not None else []
        if pending.apply_at is None or now < pending.apply_at - 1e-9:
            return []
        if self._belt_stopped():
            # The walker stopped the belt: setting a speed could start it again. Wait until
            # they start it, then say the change again before asking for it.
            pending.apply_at = math.inf
            return self._stopped_note()
        pending.applied = True
        speed, incline = self._commanded
        if pending.speed is not None and pending.speed != speed:
            self._belt.set_speed(pending.speed)
            speed = pending.speed
        if pending.incline is not None and pending.incline != incline:
            self._belt.set_incline(pending.incline)
            incline = pending.incline
        self._commanded = (speed, incline)
        self._started_belt = False
        return []


def belt_line(
    link: Link,
    reading: BeltReading | None,
    view: View,
    *,
    control: bool,
    speech: Phrases = ENGLISH,
) -> str:
    """The treadmill line: the belt's actual speed beside the target, incline, distance."""
    t = speech
    if link is Link.CONNECTING:
        return t.gettext("treadmill: connecting…")
    if link is Link.LOST:
        return t.gettext("treadmill: connection lost, reconnecting…")
    if link is Link.CLOSED:
        return t.gettext("treadmill: not connected")
    if reading is None:
        return t.gettext("treadmill: connected, waiting for the belt's data")
    parts = []
    if reading.speed_kmh is not None:
        speed = t.gettext("belt {speed} km/h").format(speed=f"{reading.speed_kmh:.1f}")
        if view.speed is not None:
            speed += " " + t.gettext("(target {target})").format(target=view.speed.text)
        parts.append(speed)
    if reading.incline_percent is not None:
        parts.append(t.gettext("incline {value}%").format(value=f"{reading.incline_percent:g}"))
    if reading.distance_m is not None:
        metres = reading.distance_m
        parts.append(f"{metres} m" if metres < 1000 else f"{metres / 1000:.2f} km")
    if reading.running is False:
        parts.append(t.gettext("stopped"))
    parts.append(t.gettext("control on") if control else t.gettext("read-only"))
    return t.gettext("treadmill: {parts}").format(parts=" · ".join(parts))
