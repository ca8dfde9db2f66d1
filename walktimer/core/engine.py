"""The session state machine: runs a Plan against an injected Clock and says, as data, what is due.

The engine never sleeps, plays or draws. A host (the terminal runner, the Qt window) gives it
commands and calls `advance()` when `next_deadline()` says the next event is due; every call
returns the events that became due, in timeline order, as `Fired` objects.

Session time is the time spent running: it stands still while paused. Each phase visit starts at
a session time; an event is due at that start plus its position in the phase (when the phase is
extended, events counted from its end move with the end, and events at a share of it, such as
"Halfway" and percentage cues, stay at that share of the longer phase). Remaining time always
comes from these deadlines and the clock, never from counting ticks, so a late wake-up never
shifts what follows.

A host that wakes late (a frozen process, a suspended laptop) does not get a burst of stale cues:
whatever is more than `STALL_LIMIT` seconds late is dropped, except the start of the phase that
is now current (so the walker hears where they are) and the finish.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import Any, NamedTuple

from walktimer.core.clock import Clock
from walktimer.core.plan import (
    Anchor,
    Event,
    EventKind,
    PhaseTimeline,
    Plan,
    PlannedPhase,
    TextContext,
    extension_timeline,
    fill_text,
)
from walktimer.core.script import Incline, Kind, Sound, Speed
from walktimer.i18n import N_, Phrases

__all__ = [
    "RESTART_AFTER",
    "STALL_LIMIT",
    "Engine",
    "EngineError",
    "Fired",
    "PhaseRecord",
    "PhaseStatus",
    "RunEnd",
    "RunRecord",
    "Snapshot",
    "State",
    "View",
]

STALL_LIMIT = 2.0  # cues later than this are dropped (except the current phase's start)
RESTART_AFTER = 3.0  # `previous` restarts the current phase when this far into it
EPSILON = 1e-6  # seconds: what counts as "at the same moment" on a float clock
UPCOMING_REPEATS = 200  # upcoming_texts() looks this many `every` cues and reminders ahead

# The events that open a phase: replayed after a stall or a restore so the walker knows where
# they are.
START_KINDS = frozenset({EventKind.PHASE_START, EventKind.NAME, EventKind.TARGETS, EventKind.SAY})


class State(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"

    @property
    def active(self) -> bool:
        """Started and not yet over (running or paused)."""
        return self in (State.RUNNING, State.PAUSED)


class EngineError(Exception):
    """A command that does not fit the engine's state; the message is a sentence for the user."""


class RunEnd(StrEnum):
    FINISHED = "finished"
    STOPPED = "stopped"


class PhaseStatus(StrEnum):
    DONE = "done"  # played to its end (a manual phase: ended with Next)
    EXTENDED = "extended"  # played to its end after being lengthened
    SKIPPED = "skipped"  # entered but left before its end (next, previous or jump)
    STOPPED = "stopped"  # being walked when the session was stopped (active_seconds: how long)
    NOT_REACHED = "not reached"


@dataclass(frozen=True, slots=True)
class Fired:
    """One event that became due, as the host should sound and show it."""

    event: Event
    text: str | None  # filled at fire time: may differ from event.text after an extend
    t_plan: float  # session time it was due in this run
    t_fired: float  # session time when the engine returned it
    late: float  # seconds, t_fired - t_plan (never negative)
    phase_name: str  # as shown: "Backward walking (2/3)"
    visit: int = 1  # which entry into a phase this belongs to (1, 2, ... over the run)
    repeat: int = 0  # 0 the first time in a visit; counts `every` repeats and re-armed cues

    @property
    def kind(self) -> EventKind:
        return self.event.kind

    @property
    def sound(self) -> Sound | None:
        return self.event.sound

    @property
    def phase_index(self) -> int:
        return self.event.phase

    @property
    def late_ms(self) -> float:
        return self.late * 1000.0

    def as_json(self) -> dict[str, Any]:
        """The `--events` line: plain JSON types only."""
        return {
            "t_plan": round(self.t_plan, 6),
            "t_fired": round(self.t_fired, 6),
            "late_ms": round(self.late_ms, 3),
            "kind": str(self.kind),
            "phase": self.phase_name,
            "text": self.text,
            "sound": self.sound.label if self.sound is not None else None,
            "phase_index": self.phase_index,
            "seq": self.event.seq,
            "visit": self.visit,
            "repeat": self.repeat,
        }


@dataclass(frozen=True, slots=True)
class View:
    """What a screen shows at one moment. Times are session seconds."""

    state: State
    phase_index: int
    phase_count: int
    phase_name: str
    kind: Kind
    phase_elapsed: float
    phase_remaining: float | None  # None in a manual phase
    phase_duration: float | None  # with extensions; None in a manual phase
    session_elapsed: float  # time spent running
    session_remaining: float  # the rest of the plan from here (manual phases count 0)
    session_total: float  # the planned length with extensions (manual phases count 0)
    at_least: bool  # manual phases present: totals are "at least"
    next_name: str | None
    progress: float  # 0..1 through the plan
    speed: Speed | None
    incline: Incline | None
    instructions: str | None
    waiting: bool  # a manual phase waiting for the user to press Next


@dataclass(frozen=True, slots=True)
class PhaseRecord:
    index: int
    name: str
    status: PhaseStatus
    planned_seconds: float | None  # None for a manual phase
    extended_by: float = 0.0
    active_seconds: float = 0.0  # time spent running in it, all visits together

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "status": str(self.status),
            "planned_seconds": self.planned_seconds,
            "extended_by": self.extended_by,
            "active_seconds": self.active_seconds,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhaseRecord:
        planned = data.get("planned_seconds")
        return cls(
            index=int(data["index"]),
            name=str(data["name"]),
            status=PhaseStatus(data["status"]),
            planned_seconds=None if planned is None else float(planned),
            extended_by=float(data.get("extended_by", 0.0)),
            active_seconds=float(data.get("active_seconds", 0.0)),
        )


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What one run of a session amounted to (the history stores it)."""

    session_name: str
    planned_seconds: float  # the plan's length; manual phases count 0 (see at_least)
    active_seconds: float  # time spent running
    phases: tuple[PhaseRecord, ...]
    ended: RunEnd | None  # None while the session is still going
    at_least: bool = False
    dropped: int = 0  # cues dropped because the host woke up too late

    def count(self, status: PhaseStatus) -> int:
        return sum(1 for p in self.phases if p.status is status)

    @property
    def extended_seconds(self) -> float:
        return sum(p.extended_by for p in self.phases)

    def as_dict(self) -> dict[str, Any]:
        return {
            "session_name": self.session_name,
            "planned_seconds": self.planned_seconds,
            "active_seconds": self.active_seconds,
            "phases": [p.as_dict() for p in self.phases],
            "ended": None if self.ended is None else str(self.ended),
            "at_least": self.at_least,
            "dropped": self.dropped,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunRecord:
        ended = data.get("ended")
        return cls(
            session_name=str(data["session_name"]),
            planned_seconds=float(data["planned_seconds"]),
            active_seconds=float(data["active_seconds"]),
            phases=tuple(PhaseRecord.from_dict(p) for p in data["phases"]),
            ended=None if ended is None else RunEnd(ended),
            at_least=bool(data.get("at_least", False)),
            dropped=int(data.get("dropped", 0)),
        )


class Snapshot(NamedTuple):
    """Where a run is, for the crash-resume file: `Engine.restore` takes it back."""

    phase_index: int
    phase_elapsed: float
    session_elapsed: float
    state: State


# Why a command is refused, by state. A few (command, state) pairs read better worded apart.
# The refusal is "REFUSED: REASON.", from a refused command ("cannot pause") and this reason.
_STATE_REASON = {
    State.READY: N_("the session has not started"),
    State.RUNNING: N_("the session is already running"),
    State.PAUSED: N_("the session is paused"),
    State.FINISHED: N_("the session has finished"),
    State.STOPPED: N_("the session was stopped"),
}
_SPECIAL_REASON = {
    (N_("cannot pause"), State.PAUSED): N_("the session is already paused"),
    (N_("cannot resume"), State.RUNNING): N_("the session is not paused"),
    (N_("cannot start"), State.RUNNING): N_("the session has already started"),
    (N_("cannot start"), State.PAUSED): N_("the session has already started; resume it instead"),
}


@dataclass(slots=True)
class _Slot:
    """A pending occurrence of an event in the current phase visit."""

    event: Event
    repeat: int = 0


class _Repeats:
    """The repeating events (`every` cues and reminders of a timed phase) of the current phase
    visit still to come, made as the run reaches them: the phase's own, then those of any time
    an extend added. They are all counted from the phase start, so their positions never move.
    """

    def __init__(self) -> None:
        # (position, priority, seq, event, source): the next event of each source.
        self._heap: list[tuple[float, int, int, Event, _Source]] = []

    def add(self, timeline: PhaseTimeline, after: float = -math.inf) -> None:
        """Take on a timeline's repeating events after `after` seconds into the phase."""
        source = _Source(timeline, timeline.repeating(after), timeline.repeating_through(after))
        self._push(source)

    def head(self) -> Event | None:
        return self._heap[0][3] if self._heap else None

    def pop(self) -> Event:
        *_, event, source = heapq.heappop(self._heap)
        source.passed += 1
        self._push(source)
        return event

    def skip_through(self, position: float) -> int:
        """Pass over every event at or before `position`; returns how many were passed."""
        sources = [entry[4] for entry in self._heap]
        self._heap = []
        passed = 0
        for source in sources:
            through = source.timeline.repeating_through(position)
            if through > source.passed:
                passed += through - source.passed
                source.passed = through
                source.events = source.timeline.repeating(position)
                self._push(source)
            else:
                self._push_back(source)
        return passed

    def templates(self, after: float) -> Iterator[tuple[float, int, str]]:
        """(position, priority, template) of those after `after` seconds whose words depend
        on time, in order."""
        return heapq.merge(*(entry[4].timeline.templates(after) for entry in self._heap))

    def _push(self, source: _Source) -> None:
        event = next(source.events, None)
        if event is not None:
            source.head = event
            heapq.heappush(
                self._heap, (event.offset, event.kind.priority, event.seq, event, source)
            )

    def _push_back(self, source: _Source) -> None:
        event = source.head
        assert event is not None
        heapq.heappush(self._heap, (event.offset, event.kind.priority, event.seq, event, source))


@dataclass(slots=True, eq=False)
class _Source:
    timeline: PhaseTimeline
    events: Iterator[Event]
    passed: int  # how many of its repeating events are behind (fired, dropped or skipped)
    head: Event | None = None


class Engine:
    """Runs one Plan against a Clock. Create one per run."""

    def __init__(
        self,
        plan: Plan,
        clock: Clock,
        *,
        stall_limit: float = STALL_LIMIT,
        phrases: Phrases | None = None,
    ) -> None:
        """`stall_limit`: how late (session seconds) a cue may still fire. A host on a sped-up
        clock scales it by the factor, so a hiccup of a few real milliseconds is no stall.
        `phrases` words a refused command's EngineError (the plan's own by default)."""
        if not plan.phases:
            raise ValueError("a plan has at least one phase")
        self.plan = plan
        self.t = plan.phrases if phrases is None else phrases
        self.clock = clock
        self.stall_limit = stall_limit
        self._has_manual = plan.has_manual
        count = len(plan.phases)
        self._durations: list[float | None] = [p.duration for p in plan.phases]
        self._extended = [0.0] * count
        self._entered = [False] * count
        self._completed = [False] * count
        self._active = [0.0] * count
        self._finish_event = plan.finish
        # `every` cues and reminders in a lengthened phase's added time are made as needed,
        # numbered after the plan's events (see _extension).
        self._next_seq = plan.event_count

        self._state = State.READY
        self._ended: RunEnd | None = None
        self._stopped_in: int | None = None  # the phase the walker stopped the session in
        self._dropped = 0
        self._outbox: list[Fired] = []
        # Session time: `_base` at clock time `_resumed_at`, moving with the clock while running.
        self._base = 0.0
        self._resumed_at = clock.now()
        # The current phase visit.
        self._index = 0
        self._visit = 0
        self._phase_start = 0.0  # session time the visit began
        self._accounted = 0.0  # session time up to which `_active` counts this visit
        self._timeline: PhaseTimeline | None = None  # the current phase's events
        self._timed = False  # words in this visit depend on time: see upcoming_texts()
        # What is still to come in this visit: the events that happen once (and a manual
        # phase's repeats), and the repeating events of a timed phase, made as they come.
        self._pending: list[_Slot] = []
        self._repeats = _Repeats()
        self._fired_count: dict[int, int] = {}  # once events' seq -> times fired or dropped

    # ----------------------------------------------------------------- queries

    @property
    def state(self) -> State:
        return self._state

    @property
    def phase_index(self) -> int:
        return self._index

    @property
    def visit(self) -> int:
        """How many times a phase has been entered so far (Fired.visit of the current one)."""
        return self._visit

    def session_elapsed(self) -> float:
        """Session time now: the time spent running. Between a deadline and the host's next
        call it never runs past the point where the session ends by itself."""
        now = self._clock_session()
        if self._state is State.RUNNING:
            rest = self._durations[self._index :]
            if None not in rest:
                now = min(now, self._phase_start + sum(d or 0.0 for d in rest))
        return now

    def _clock_session(self) -> float:
        """Session time straight from the clock, whatever is still to be caught up."""
        if self._state is State.RUNNING:
            return self._base + (self.clock.now() - self._resumed_at)
        return self._base

    def phase_duration(self, index: int) -> float | None:
        """A phase's length with any extension; None for a manual phase."""
        return self._durations[index]

    def next_deadline(self) -> float | None:
        """Clock time of the next due event or phase end; None when nothing is due (not
        running, or a manual phase with nothing left to say)."""
        if self._state is not State.RUNNING:
            return None
        if self._outbox:
            return self.clock.now()
        duration = self._durations[self._index]
        candidates: list[float] = []
        if self._pending:
            candidates.append(self._position(self._pending[0]))
        repeat = self._repeats.head()
        if repeat is not None:
            candidates.append(repeat.offset)
        if duration is not None:
            candidates.append(duration)
        if not candidates:
            return None
        due = self._phase_start + min(candidates)
        return self._resumed_at + (due - self._base)

    def view(self) -> View:
        """What a screen shows now. A pure query: it never fires anything."""
        plan = self.plan
        index = self._index
        phase = plan.phases[index]
        duration = self._durations[index]
        total = sum(d or 0.0 for d in self._durations)
        state = self._state
        if state is State.READY:
            elapsed = 0.0
        elif state is State.FINISHED:
            elapsed = duration if duration is not None else self._base - self._phase_start
        else:
            elapsed = max(0.0, self.session_elapsed() - self._phase_start)
        if duration is not None:
            elapsed = min(elapsed, duration)
        remaining = None if duration is None else max(0.0, duration - elapsed)
        before = sum(d or 0.0 for d in self._durations[:index])
        after = sum(d or 0.0 for d in self._durations[index + 1 :])
        position = before + (0.0 if duration is None else elapsed)
        if state is State.FINISHED:
            progress = 1.0
            session_remaining = 0.0
        else:
            session_remaining = (remaining or 0.0) + after
            if total > 0:
                progress = min(1.0, max(0.0, position / total))
            else:
                progress = index / len(plan.phases)
        following = index + 1
        return View(
            state=state,
            phase_index=index,
            phase_count=len(plan.phases),
            phase_name=phase.name,
            kind=phase.kind,
            phase_elapsed=elapsed,
            phase_remaining=remaining,
            phase_duration=duration,
            session_elapsed=self.session_elapsed(),
            session_remaining=session_remaining,
            session_total=total,
            at_least=self._has_manual,
            next_name=plan.phases[following].name if following < len(plan.phases) else None,
            progress=progress,
            speed=phase.speed,
            incline=phase.incline,
            instructions=phase.instructions,
            waiting=duration is None and state.active,
        )

    def snapshot(self) -> Snapshot:
        """(phase_index, phase_elapsed, session_elapsed, state) for the resume file."""
        now = self.session_elapsed()
        elapsed = 0.0 if self._state is State.READY else max(0.0, now - self._phase_start)
        duration = self._durations[self._index]
        if duration is not None:
            elapsed = min(elapsed, duration)
        return Snapshot(self._index, elapsed, now, self._state)

    def record(self) -> RunRecord:
        """The run so far (or as it ended)."""
        active = list(self._active)
        if self._state.active:
            active[self._index] += max(0.0, self.session_elapsed() - self._accounted)
        phases = tuple(
            PhaseRecord(
                index=p.index,
                name=p.name,
                status=self._status(p.index),
                planned_seconds=p.duration,
                extended_by=self._extended[p.index],
                active_seconds=active[p.index],
            )
            for p in self.plan.phases
        )
        return RunRecord(
            session_name=self.plan.session.name,
            planned_seconds=self.plan.total,
            active_seconds=self.session_elapsed(),
            phases=phases,
            ended=self._ended,
            at_least=self.plan.has_manual,
            dropped=self._dropped,
        )

    def upcoming_texts(self) -> list[str]:
        """The words still to come in this phase that depend on time ({remaining}, {elapsed}),
        filled as they will be spoken given the phase's length now: after an extend they differ
        from the plan's, and a sink can render them ahead. A pure query; usually empty."""
        if not (self._state.active and self._timed):
            return []
        phase = self.plan.phases[self._index]
        duration = self._durations[self._index]
        # (position, priority, order, template): the once events, then the repeating ones as
        # far as UPCOMING_REPEATS of them (a long phase can have one every second, and a host
        # asks again as the run goes on).
        found: list[tuple[float, int, int, str]] = []
        for slot in self._pending:
            event = slot.event
            if event.template is not None:
                found.append(
                    (self._position(slot), event.kind.priority, len(found), event.template)
                )
        elapsed = max(0.0, self.session_elapsed() - self._phase_start)
        repeats = islice(self._repeats.templates(elapsed), UPCOMING_REPEATS)
        found.extend((at, priority, len(found) + n, template)
                     for n, (at, priority, template) in enumerate(repeats))  # fmt: skip
        found.sort()
        texts: dict[str, None] = {}
        for position, _priority, _order, template in found:
            remaining = None if duration is None else max(0.0, duration - position)
            texts[fill_text(template, self._context(phase, position, remaining))] = None
        return list(texts)

    # ----------------------------------------------------------------- commands

    def advance(self) -> list[Fired]:
        """Every event that became due since the last call, in timeline order. Never raises."""
        self._catch_up()
        return self._drain()

    def start(self, phase_index: int = 0) -> list[Fired]:
        """Begin the session (at its first phase, or at `phase_index`)."""
        self._require(N_("cannot start"), State.READY)
        self._check_index(
            phase_index,
            N_("cannot start at phase {number}: the session has phases 1 to {count}."),
        )
        self._state = State.RUNNING
        self._resumed_at = self.clock.now()
        self._enter(phase_index, self._base)
        self._catch_up()
        return self._drain()

    def pause(self) -> list[Fired]:
        """Stop session time. Returns what was due up to this moment."""
        self._require(N_("cannot pause"), State.RUNNING)
        self._catch_up()
        if self._state is State.RUNNING:
            self._base = self._clock_session()
            self._state = State.PAUSED
        return self._drain()

    def resume(self) -> list[Fired]:
        self._require(N_("cannot resume"), State.PAUSED)
        self._resumed_at = self.clock.now()
        self._state = State.RUNNING
        self._catch_up()
        return self._drain()

    def toggle(self) -> list[Fired]:
        """Start, pause or resume, as the one play/pause button does."""
        if self._state is State.READY:
            return self.start()
        if self._state is State.RUNNING:
            return self.pause()
        if self._state is State.PAUSED:
            return self.resume()
        raise EngineError(self._reason(N_("cannot pause or resume")))

    def next(self) -> list[Fired]:
        """Go to the next phase's start; on the last phase, finish. Ends a manual phase."""
        self._require(N_("cannot go to the next phase"), State.RUNNING, State.PAUSED)
        self._catch_up()
        if self._state.active:
            now = self.session_elapsed()
            last = self._index == len(self.plan.phases) - 1
            self._leave(now, completed=self._durations[self._index] is None)
            if last:
                self._finish(now, now)
            else:
                self._enter(self._index + 1, now)
            self._catch_up()
        return self._drain()

    def previous(self) -> list[Fired]:
        """Restart the current phase when more than RESTART_AFTER seconds into it, else go to
        the previous phase's start (the first phase restarts)."""
        self._require(N_("cannot go back"), State.RUNNING, State.PAUSED)
        self._catch_up()
        if self._state.active:
            now = self.session_elapsed()
            elapsed = now - self._phase_start
            target = self._index if elapsed > RESTART_AFTER else max(0, self._index - 1)
            self._leave(now, completed=False)
            self._enter(target, now)
            self._catch_up()
        return self._drain()

    def jump(self, phase_index: int) -> list[Fired]:
        """Go to the start of any phase (a click on the timeline)."""
        self._require(N_("cannot jump to a phase"), State.RUNNING, State.PAUSED)
        self._check_index(
            phase_index,
            N_("cannot jump to phase {number}: the session has phases 1 to {count}."),
        )
        self._catch_up()
        if self._state.active:
            now = self.session_elapsed()
            self._leave(now, completed=False)
            self._enter(phase_index, now)
            self._catch_up()
        return self._drain()

    def extend(self, seconds: float) -> list[Fired]:
        """Lengthen the current phase: its end and cues counted from its end move later, and
        cues at a share of it ("Halfway", percentages) still to come stay at that share. A cue
        counted from the end that already sounded comes round again; one at a share does not.
        `every` cues and reminders go on at their interval into the added time."""
        self._require(N_("cannot extend the phase"), State.RUNNING, State.PAUSED)
        if not (math.isfinite(seconds) and seconds > 0):
            raise EngineError(
                self.t.gettext(
                    "cannot extend the phase by {seconds} seconds: give a time greater than zero."
                ).format(seconds=f"{seconds:g}")
            )
        self._catch_up()
        if not self._state.active:
            return self._drain()
        index = self._index
        duration = self._durations[index]
        if duration is None:
            raise EngineError(
                self.t.gettext(
                    "cannot extend the phase: a manual phase lasts until you press Next."
                )
            )
        self._durations[index] = duration + seconds
        self._extended[index] += seconds
        # Cues counted from the end that already sounded come round again at the new end.
        elapsed = self.session_elapsed() - self._phase_start
        queued = {slot.event.seq for slot in self._pending}
        assert self._timeline is not None
        for event in self._timeline.once:
            if (
                event.anchor is Anchor.END
                and event.seq in self._fired_count
                and event.seq not in queued
                and event.position(self._durations[index]) > elapsed + EPSILON
            ):
                self._pending.append(_Slot(event, self._fired_count[event.seq]))
        # `every` cues and reminders go on into the added time. A reminder the old end kept
        # away from a moment already past is not said late.
        self._repeats.add(self._extension(index, duration, duration + seconds), elapsed + EPSILON)
        self._sort_pending()
        return self._drain()

    def stop(self) -> list[Fired]:
        """End the session early. Returns what was still due up to this moment."""
        self._require(N_("cannot stop"), State.RUNNING, State.PAUSED)
        self._catch_up()
        if self._state.active:
            now = self.session_elapsed()
            self._leave(now, completed=False)
            self._stopped_in = self._index
            self._base = now
            self._state = State.STOPPED
            self._ended = RunEnd.STOPPED
            self._pending = []
            self._repeats = _Repeats()
        return self._drain()

    # ----------------------------------------------------------------- restore

    @classmethod
    def restore(
        cls,
        plan: Plan,
        clock: Clock,
        phase_index: int,
        phase_elapsed: float,
        record_so_far: RunRecord | None = None,
        *,
        session_elapsed: float | None = None,
        stall_limit: float = STALL_LIMIT,
        phrases: Phrases | None = None,
    ) -> Engine:
        """A paused engine at `phase_elapsed` seconds into phase `phase_index`, to pick a run
        up after a crash. `record_so_far` (from the resume file) carries over the outcomes,
        extensions and active time; without it, earlier phases count as done. On resume the
        phase's start is announced again; cues before `phase_elapsed` are not."""
        engine = cls(plan, clock, stall_limit=stall_limit, phrases=phrases)
        engine._check_index(
            phase_index,
            N_("cannot resume at phase {number}: the session has phases 1 to {count}."),
        )
        if not (math.isfinite(phase_elapsed) and phase_elapsed >= 0):
            raise EngineError(
                engine.t.gettext(
                    "cannot resume at {seconds} seconds into a phase: give a time of zero or more."
                ).format(seconds=f"{phase_elapsed:g}")
            )
        if record_so_far is not None:
            if len(record_so_far.phases) != len(plan.phases):
                raise EngineError(
                    engine.t.gettext(
                        "cannot resume: the saved run has {saved} phases but the session now has "
                        "{count}."
                    ).format(saved=len(record_so_far.phases), count=len(plan.phases))
                )
            for outcome in record_so_far.phases:
                i = outcome.index
                engine._extended[i] = outcome.extended_by
                duration = engine._durations[i]
                if duration is not None:
                    engine._durations[i] = duration + outcome.extended_by
                engine._completed[i] = outcome.status in (PhaseStatus.DONE, PhaseStatus.EXTENDED)
                engine._entered[i] = outcome.status is not PhaseStatus.NOT_REACHED
                engine._active[i] = outcome.active_seconds
            engine._dropped = record_so_far.dropped
        else:
            for i in range(phase_index):
                engine._entered[i] = engine._completed[i] = True
                engine._active[i] = engine._durations[i] or 0.0
            engine._active[phase_index] = phase_elapsed
        duration = engine._durations[phase_index]
        if duration is not None:
            phase_elapsed = min(phase_elapsed, duration)
        if session_elapsed is None:
            if record_so_far is not None:
                session_elapsed = record_so_far.active_seconds
            else:
                session_elapsed = sum(d or 0.0 for d in engine._durations[:phase_index])
                session_elapsed += phase_elapsed
        session_elapsed = max(session_elapsed, phase_elapsed)
        engine._state = State.PAUSED
        engine._base = session_elapsed
        engine._enter(phase_index, session_elapsed - phase_elapsed)
        engine._accounted = session_elapsed
        if phase_elapsed > 0:
            kept: list[_Slot] = []
            for slot in engine._pending:
                event = slot.event
                if event.every is not None:
                    # The first repeat that is still to come.
                    k = math.floor((phase_elapsed - event.offset) / event.every) + 1
                    kept.append(_Slot(event, max(0, k)))
                elif event.kind in START_KINDS or engine._position(slot) > phase_elapsed:
                    kept.append(slot)
                else:
                    engine._fired_count[event.seq] = 1
            engine._pending = kept
            engine._sort_pending()
            engine._repeats.skip_through(phase_elapsed)
        return engine

    # ----------------------------------------------------------------- internals

    def _require(self, action: str, *states: State) -> None:
        if self._state not in states:
            raise EngineError(self._reason(action))

    def _reason(self, refused: str) -> str:
        """Why `refused` ("cannot pause", marked with N_) is refused now, in a sentence."""
        why = _SPECIAL_REASON.get((refused, self._state), _STATE_REASON[self._state])
        # Translators: {refused} is a refused command ("cannot pause"), {reason} why.
        return self.t.gettext("{refused}: {reason}.").format(
            refused=self.t.gettext(refused), reason=self.t.gettext(why)
        )

    def _check_index(self, index: int, message: str) -> None:
        """Refuse a phase number the plan does not have; `message` has {number} and {count}."""
        count = len(self.plan.phases)
        if not 0 <= index < count:
            raise EngineError(self.t.gettext(message).format(number=index + 1, count=count))

    def _status(self, index: int) -> PhaseStatus:
        if self._completed[index]:
            return PhaseStatus.EXTENDED if self._extended[index] > 0 else PhaseStatus.DONE
        if index == self._stopped_in:
            return PhaseStatus.STOPPED
        if self._entered[index]:
            return PhaseStatus.SKIPPED
        return PhaseStatus.NOT_REACHED

    def _position(self, slot: _Slot) -> float:
        """Seconds after the phase start the slot is due, for the phase's current length."""
        event = slot.event
        if event.every is not None:
            return event.offset + slot.repeat * event.every
        duration = self._durations[event.phase]
        position = event.position(duration)
        return position if duration is None else min(position, duration)

    def _sort_pending(self) -> None:
        self._pending.sort(key=lambda s: (self._position(s), s.event.kind.priority, s.event.seq))

    def _enter(self, index: int, at: float) -> None:
        self._index = index
        self._visit += 1
        self._phase_start = at
        self._accounted = at
        self._entered[index] = True
        self._fired_count = {}
        timeline = self._timeline = self.plan.timeline(index)
        self._timed = timeline.timed
        self._pending = [_Slot(e) for e in timeline.once]
        self._repeats = _Repeats()
        self._repeats.add(timeline)
        planned = self.plan.phases[index].duration
        duration = self._durations[index]
        if planned is not None and duration is not None and duration > planned:
            self._repeats.add(self._extension(index, planned, duration))
        self._sort_pending()

    def _extension(self, index: int, since: float, until: float) -> PhaseTimeline:
        """The `every` cues and reminders of phase `index` between `since` and `until` seconds
        into it, for a phase lengthened past its plan (which lays them out only up to its
        planned length)."""
        added = extension_timeline(
            self.plan, index, since, until,
            seq=self._next_seq, reminders_before=self.plan.reminders_through(index),
        )  # fmt: skip
        self._next_seq += added.count
        self._timed = self._timed or added.timed
        return added

    def _leave(self, at: float, *, completed: bool) -> None:
        self._active[self._index] += max(0.0, at - self._accounted)
        self._accounted = at
        if completed:
            self._completed[self._index] = True
        self._pending = []
        self._repeats = _Repeats()

    def _finish(self, at: float, now: float) -> None:
        """The session reached its end at session time `at` (noticed at `now`)."""
        self._base = at
        self._state = State.FINISHED
        self._ended = RunEnd.FINISHED
        self._pending = []
        self._repeats = _Repeats()
        if self._finish_event is not None:
            self._outbox.append(self._fire(self._finish_event, 0, at, now))

    def _drain(self) -> list[Fired]:
        out, self._outbox = self._outbox, []
        return out

    def _fire(self, event: Event, repeat: int, due: float, now: float) -> Fired:
        phase = self.plan.phases[event.phase]
        text = event.text
        if event.template is not None:
            duration = self._durations[event.phase]
            position = due - self._phase_start
            remaining = None if duration is None else max(0.0, duration - position)
            text = fill_text(event.template, self._context(phase, position, remaining))
        return Fired(
            event=event,
            text=text,
            t_plan=due,
            t_fired=max(now, due),
            late=max(0.0, now - due),
            phase_name=phase.name,
            visit=self._visit,
            repeat=repeat,
        )

    def _context(self, phase: PlannedPhase, elapsed: float, remaining: float | None) -> TextContext:
        plan = self.plan
        # The following phase's name as the plan says it, in the plan's language.
        next_name = plan.layouts[phase.index].next_name
        return TextContext(phase, next_name, elapsed, remaining, plan.phrases)

    def _catch_up(self) -> None:
        """Move the run up to the clock: fire what is due, cross phase ends, finish."""
        if self._state is not State.RUNNING:
            return
        now = self._clock_session()
        last = len(self.plan.phases) - 1
        while True:
            index = self._index
            duration = self._durations[index]
            elapsed = now - self._phase_start
            ends = duration is not None and elapsed + EPSILON >= duration
            horizon = elapsed if duration is None else min(elapsed, duration)
            self._fire_due(now, horizon, current=not ends)
            if not ends or duration is None:
                return
            end = self._phase_start + duration
            self._leave(end, completed=True)
            following = index + 1
            # After a long stall, phases that ended long ago are passed over whole.
            while following <= last and (passed := self._pass_stale(following, end, now)):
                end = passed
                following += 1
            if following > last:
                self._finish(end, now)
                return
            self._enter(following, end)

    def _pass_stale(self, index: int, at: float, now: float) -> float | None:
        """Enter phase `index` at session time `at` and leave it at its end, when that end is
        more than the stall limit before `now`: everything in it is stale, so its events are
        counted as dropped without being laid out. Returns its end, or None (nothing done)
        when the phase is manual or ends later."""
        duration = self._durations[index]
        if duration is None or now - (at + duration) <= self.stall_limit:
            return None
        self._index = index
        self._visit += 1
        self._phase_start = self._accounted = at
        self._entered[index] = True
        self._fired_count = {}
        self._timeline = None
        self._dropped += self.plan.phase_event_count(index)
        planned = self.plan.phases[index].duration
        if planned is not None and duration > planned:
            self._dropped += self._extension(index, planned, duration).count
        self._leave(at + duration, completed=True)
        return at + duration

    def _fire_due(self, now: float, horizon: float, *, current: bool) -> None:
        """Fire (or drop, when stale) what is due in this visit up to `horizon` seconds into it,
        in timeline order: the once events and the repeats merged."""
        pending = self._pending
        repeats = self._repeats
        while True:
            repeat = repeats.head()
            if pending:
                slot = pending[0]
                position = self._position(slot)
                if repeat is None or (position, slot.event.kind.priority, slot.event.seq) < (
                    repeat.offset, repeat.kind.priority, repeat.seq,
                ):  # fmt: skip
                    if position > horizon + EPSILON:
                        return
                    pending.pop(0)
                    self._due(slot, now, current=current)
                    continue
            if repeat is None or repeat.offset > horizon + EPSILON:
                return
            due = self._phase_start + repeat.offset
            if now - due > self.stall_limit:
                # Pass over every repeat already too late at once: after a long stall in a
                # long phase there can be very many.
                stale = math.nextafter(now - self.stall_limit - self._phase_start, -math.inf)
                self._dropped += repeats.skip_through(max(repeat.offset, stale))
                continue
            repeats.pop()
            self._outbox.append(self._fire(repeat, 0, due, now))

    def _due(self, slot: _Slot, now: float, *, current: bool) -> None:
        """Fire (or, when stale, drop) one pending slot that has come due."""
        event = slot.event
        due = self._phase_start + self._position(slot)
        stale = now - due > self.stall_limit and not (current and event.kind in START_KINDS)
        if event.every is not None:
            following = slot.repeat + 1
            if stale:
                # Skip straight past every repeat that is already too late.
                fresh = (now - self.stall_limit - self._phase_start - event.offset) / event.every
                following = max(following, math.ceil(fresh - EPSILON))
                self._dropped += following - slot.repeat
            else:
                self._outbox.append(self._fire(event, slot.repeat, due, now))
            self._pending.append(_Slot(event, following))
            self._sort_pending()
            return
        self._fired_count[event.seq] = self._fired_count.get(event.seq, 0) + 1
        if stale:
            self._dropped += 1
        else:
            self._outbox.append(self._fire(event, slot.repeat, due, now))
