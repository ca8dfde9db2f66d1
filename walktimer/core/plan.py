"""Session -> Plan: the flat phase list with offsets and the timeline of every cue.

The plan is everything the engine, the screens, `walktimer plan` and the speech pre-renderer
need. It is deterministic: the same session always gives the same plan.

Timeline order is (phase index, position inside the phase, priority, sequence). Each event is
anchored to its phase's start or end, so when the engine lengthens a phase, events counted
from its end move with it and everything after shifts. Events placed at a share of the phase
(percentage `at` cues, "Halfway") carry that share and stay at it when the phase is lengthened.
`t` is the planned session time with manual phases counted as zero seconds long.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from walktimer.core.durations import say_duration
from walktimer.core.script import (
    Block,
    Incline,
    Kind,
    Phase,
    ReminderOrder,
    Session,
    Sound,
    Speed,
)

__all__ = [
    "Anchor",
    "Event",
    "EventKind",
    "Plan",
    "PlannedPhase",
    "TextContext",
    "build_plan",
    "fill_text",
]

REMINDER_MARGIN = 15.0  # no reminder in the first or last 15 s of a phase
NEXT_LEAD = 10.0  # "Next: ..." this long before a phase ends
REMAINING_MARGIN = 30.0  # "One minute left" only in phases at least that long plus this
HALFWAY_MIN = 120.0  # "Halfway" only in phases of at least two minutes
FINISH_TEXT = "Session complete."


class EventKind(StrEnum):
    PHASE_START = "phase"  # the phase-change sound; marks the boundary
    SAY = "say"  # the phase's own `say` text (or its name)
    TARGETS = "targets"  # treadmill speed / incline spoken
    CUE = "cue"  # a script cue (`at` or `every`)
    REMINDER = "reminder"  # a posture reminder
    HALFWAY = "halfway"
    REMAINING = "remaining"  # "One minute left"
    NEXT = "next"  # "Next: Backward walking"
    COUNTDOWN = "countdown"  # a tick in the last seconds
    FINISH = "finish"  # the finish sound and "Session complete."

    @property
    def priority(self) -> int:
        """Order among events due at the same moment (lower first)."""
        return _PRIORITY[self]

    @property
    def spoken(self) -> bool:
        return self not in (EventKind.PHASE_START, EventKind.COUNTDOWN)


_PRIORITY = {
    EventKind.PHASE_START: 0,
    EventKind.SAY: 1,
    EventKind.TARGETS: 2,
    EventKind.COUNTDOWN: 3,
    EventKind.NEXT: 4,
    EventKind.REMAINING: 5,
    EventKind.HALFWAY: 6,
    EventKind.CUE: 7,
    EventKind.REMINDER: 8,
    EventKind.FINISH: 9,
}


class Anchor(StrEnum):
    START = "start"
    END = "end"


@dataclass(frozen=True, slots=True)
class PlannedPhase:
    """One phase as it is played. Inside a repeated block, one round of one step."""

    index: int
    name: str  # as shown: "Backward walking (2/3)" inside a repeated block
    base_name: str  # as written in the script
    kind: Kind
    start: float  # planned session time of its start (manual phases before it count as 0 s)
    duration: float | None  # None: manual, ends when the user presses Next
    say: str  # filled text spoken at its start
    instructions: str | None
    speed: Speed | None
    incline: Incline | None
    countdown: int  # resolved: the phase's own, or announce.countdown; 0 for manual phases
    reminders: bool  # resolved; False without [reminders] and in manual phases
    rep: int | None = None  # 1-based round inside a repeated block
    reps: int | None = None
    block: str | None = None  # the block's name
    source: tuple[int, int | None] = (0, None)  # (script phase index, step index), 0-based

    @property
    def manual(self) -> bool:
        return self.duration is None

    @property
    def end(self) -> float:
        return self.start + (self.duration or 0.0)

    @property
    def spoken_name(self) -> str:
        """The name as it is said: "Backward walking, round 2 of 3"."""
        return _spoken_name(self.base_name, self.rep, self.reps)


class Event(NamedTuple):
    """Something to sound or say at one moment of the session.

    Immutable like the model's dataclasses, but a NamedTuple: a long session has tens of
    thousands of events and a frozen dataclass costs about three times as much to build.
    """

    seq: int  # position in timeline order: 0, 1, 2, ...
    t: float  # planned session time, seconds
    phase: int  # index into Plan.phases
    kind: EventKind
    anchor: Anchor
    offset: float  # seconds after the phase start (START) or before its end (END)
    text: str | None = None  # filled, ready to speak
    sound: Sound | None = None
    template: str | None = None  # the raw text when it uses {remaining} or {elapsed}
    every: float | None = None  # manual phases only: repeats every so many seconds
    share: float | None = None  # at this share (0..1) of the phase's length, however long

    def position(self, duration: float | None) -> float:
        """Seconds after the phase start, for a phase of the given length."""
        if self.anchor is Anchor.START:
            if self.share is not None and duration is not None:
                return duration * self.share
            return self.offset
        return (duration or 0.0) - self.offset


@dataclass(frozen=True, slots=True)
class Plan:
    session: Session
    phases: tuple[PlannedPhase, ...]
    events: tuple[Event, ...]

    @property
    def total(self) -> float:
        """Planned length in seconds; manual phases count as zero ("at least")."""
        return sum(p.duration or 0.0 for p in self.phases)

    @property
    def has_manual(self) -> bool:
        return any(p.manual for p in self.phases)

    def spoken_texts(self) -> list[str]:
        """Every distinct text the plan will speak, in first-use order."""
        seen: dict[str, None] = {}
        for event in self.events:
            if event.text:
                seen.setdefault(event.text, None)
        return list(seen)


@dataclass(frozen=True, slots=True)
class TextContext:
    """What placeholders are filled from."""

    phase: PlannedPhase
    next_name: str | None
    elapsed: float  # seconds into the phase
    remaining: float | None  # seconds left in the phase; None in a manual phase


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
TIME_PLACEHOLDERS = frozenset({"remaining", "elapsed"})


def fill_text(template: str, ctx: TextContext) -> str:
    """Replace {placeholders}; the loader has already refused unknown ones."""
    phase = ctx.phase
    return _fill(
        template, phase.base_name, phase.speed, phase.incline, phase.rep, phase.reps,
        ctx.next_name, ctx.elapsed, ctx.remaining,
    )  # fmt: skip


@lru_cache(maxsize=4096)
def _template(template: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The literal parts of a text and the placeholders between them, as written."""
    parts = _PLACEHOLDER.split(template)
    return tuple(parts[0::2]), tuple(parts[1::2])


def _fill(
    template: str,
    base_name: str,
    speed: Speed | None,
    incline: Incline | None,
    rep: int | None,
    reps: int | None,
    next_name: str | None,
    elapsed: float,
    remaining: float | None,
) -> str:
    """fill_text on the values themselves: the plan fills texts before their phase exists."""
    literals, keys = _template(template)
    if not keys:
        return template
    out = [literals[0]]
    for raw, literal in zip(keys, literals[1:], strict=True):
        key = raw.strip()
        if key == "phase":
            value = base_name
        elif key == "next":
            value = next_name or "the end"
        elif key == "remaining":
            value = say_duration(remaining or 0.0)
        elif key == "elapsed":
            value = say_duration(elapsed)
        elif key == "speed":
            value = speed.spoken if speed else "your own pace"
        elif key == "incline":
            value = incline.spoken if incline else "no incline"
        elif key == "rep":
            value = str(rep or 1)
        elif key == "reps":
            value = str(reps or 1)
        else:
            value = "{" + raw + "}"
        out.append(value)
        out.append(literal)
    return "".join(out)


def uses_time(template: str) -> bool:
    return any(key.strip() in TIME_PLACEHOLDERS for key in _template(template)[1])


def build_plan(session: Session) -> Plan:
    """Expand repeats, resolve defaults, fill placeholders and lay out every event."""
    return _Builder(session).build()


def _targets_text(speed: Speed | None, incline: Incline | None) -> str | None:
    parts = []
    if speed is not None:
        parts.append(f"Speed {speed.spoken}")
    if incline is not None:
        parts.append(f"incline {incline.spoken}" if parts else f"Incline {incline.spoken}")
    return (", ".join(parts) + ".") if parts else None


def _remaining_text(seconds: int) -> str:
    words = say_duration(seconds)
    return f"{words[0].upper()}{words[1:]} left."


# Enum members read from their class cost about 0.1 µs each in CPython 3.11 (a descriptor
# lookup, twice per event); the timeline builder reads them from these names instead.
_COUNTDOWN = EventKind.COUNTDOWN
_CUE = EventKind.CUE
_END = Anchor.END
_FINISH = EventKind.FINISH
_HALFWAY = EventKind.HALFWAY
_NEXT = EventKind.NEXT
_PHASE_START = EventKind.PHASE_START
_REMAINING = EventKind.REMAINING
_REMINDER = EventKind.REMINDER
_SAY = EventKind.SAY
_START = Anchor.START
_TARGETS = EventKind.TARGETS


class _Builder:
    def __init__(self, session: Session) -> None:
        self.session = session
        # One phase's events at a time as (position, priority, counter, Event fields after
        # seq); phases are laid out in order, so sorting each phase's list sorts the timeline.
        self.pending: list[_Pending] = []
        self.fields: list[_EventFields] = []
        self.counter = 0
        self.targets_cache: dict[tuple[Speed | None, Incline | None], str | None] = {}
        texts = list(session.reminders.texts) if session.reminders else []
        if session.reminders and session.reminders.order is ReminderOrder.SHUFFLE:
            # The same file shuffles the same way every run: seed from its own texts.
            random.Random("\n".join(texts)).shuffle(texts)
        self.reminder_texts = texts
        self.reminder_index = 0

    def build(self) -> Plan:
        phases = self._phases()
        last = phases[-1]
        for phase in phases:
            following = phase.index + 1
            next_name = phases[following].spoken_name if following < len(phases) else None
            self._phase_events(phase, next_name)
            if phase is last:
                self._add(phase, _FINISH, _END, 0.0, FINISH_TEXT,
                          self.session.sounds.finish)  # fmt: skip
            self.pending.sort()
            self.fields.extend(item[3] for item in self.pending)
            self.pending.clear()
        new = tuple.__new__  # Event._make without its length check: the fields are ours
        events = tuple(new(Event, (i, *fields)) for i, fields in enumerate(self.fields))
        return Plan(session=self.session, phases=tuple(phases), events=events)

    def _phases(self) -> list[PlannedPhase]:
        out: list[PlannedPhase] = []
        start = 0.0
        flat: list[tuple[Phase, int | None, int | None, str | None, tuple[int, int | None]]] = []
        for i, item in enumerate(self.session.phases):
            if isinstance(item, Block):
                for round_ in range(1, item.repeat + 1):
                    for j, step in enumerate(item.steps):
                        flat.append((step, round_, item.repeat, item.name, (i, j)))
            else:
                flat.append((item, None, None, None, (i, None)))
        has_reminders = bool(self.reminder_texts)
        spoken = [_spoken_name(phase.name, rep, reps) for phase, rep, reps, _b, _s in flat]
        for index, (phase, rep, reps, block, source) in enumerate(flat):
            name = f"{phase.name} ({rep}/{reps})" if rep is not None else phase.name
            duration = float(phase.duration) if phase.duration is not None else None
            countdown = (
                phase.countdown if phase.countdown is not None else self.session.announce.countdown
            )
            if duration is None:
                countdown = 0
            else:
                countdown = min(countdown, int(duration) - 1) if duration > 1 else 0
            say = phase.say
            if say is None:
                # Without `say`, the name as it is spoken, taken literally: a name is no template.
                say = spoken[index]
            elif "{" in say:
                # The following phase is known, so {next} can be filled now, like the rest.
                next_name = spoken[index + 1] if index + 1 < len(spoken) else None
                say = _fill(
                    say, phase.name, phase.speed, phase.incline, rep, reps, next_name, 0.0,
                    duration,
                )  # fmt: skip
            planned = PlannedPhase(
                index=index,
                name=name,
                base_name=phase.name,
                kind=phase.kind,
                start=start,
                duration=duration,
                say=say,
                instructions=phase.instructions,
                speed=phase.speed,
                incline=phase.incline,
                countdown=max(0, countdown),
                reminders=has_reminders and phase.has_reminders and duration is not None,
                rep=rep,
                reps=reps,
                block=block,
                source=source,
            )
            out.append(planned)
            start += duration or 0.0
        self._sources = [item[0] for item in flat]
        return out

    def _add(
        self,
        phase: PlannedPhase,
        kind: EventKind,
        anchor: Anchor,
        offset: float,
        text: str | None,
        sound: Sound | None,
        *,
        template: str | None = None,
        every: float | None = None,
        share: float | None = None,
    ) -> None:
        if text is None and sound is None:
            return
        position = offset if anchor is _START else (phase.duration or 0.0) - offset
        self.counter += 1
        # The finish closes the session even after a manual phase's open-ended cues.
        order = _INF if kind is _FINISH else position
        fields = (phase.start + position, phase.index, kind, anchor, offset, text, sound,
                  template, every, share)  # fmt: skip
        self.pending.append((order, _PRIORITY[kind], self.counter, fields))

    def _text(
        self, template: str, phase: PlannedPhase, next_name: str | None, at: float
    ) -> tuple[str, str | None]:
        if "{" not in template:
            return template, None
        remaining = None if phase.duration is None else max(0.0, phase.duration - at)
        text = _fill(
            template, phase.base_name, phase.speed, phase.incline, phase.rep, phase.reps,
            next_name, at, remaining,
        )  # fmt: skip
        return text, (template if uses_time(template) else None)

    def _phase_events(self, phase: PlannedPhase, next_name: str | None) -> None:
        session = self.session
        announce = session.announce
        sounds = session.sounds
        source = self._sources[phase.index]
        duration = phase.duration

        self._add(phase, _PHASE_START, _START, 0.0, None, sounds.phase)
        self._add(phase, _SAY, _START, 0.0, phase.say, None)
        if announce.targets:
            target_key = (phase.speed, phase.incline)
            if target_key in self.targets_cache:
                targets = self.targets_cache[target_key]
            else:
                targets = self.targets_cache[target_key] = _targets_text(*target_key)
            self._add(phase, _TARGETS, _START, 0.0, targets, None)

        for cue in source.cues:
            if cue.every is not None:
                if duration is None:
                    text, template = (None, None)
                    if cue.say is not None:
                        text, template = self._text(cue.say, phase, next_name, float(cue.every))
                    self._add(
                        phase,
                        _CUE,
                        _START,
                        float(cue.every),
                        text,
                        cue.sound,
                        template=template,
                        every=float(cue.every),
                    )
                    continue
                at = float(cue.every)
                while at < duration:
                    text, template = (None, None)
                    if cue.say is not None:
                        text, template = self._text(cue.say, phase, next_name, at)
                    self._add(phase, _CUE, _START, at, text, cue.sound, template=template)
                    at += cue.every
            elif cue.at is not None:
                share: float | None = None
                if cue.at.anchor == "end":
                    anchor, offset = _END, cue.at.value
                    position = (duration or 0.0) - offset
                elif cue.at.anchor == "percent":
                    share = cue.at.value / 100.0
                    anchor, offset = _START, (duration or 0.0) * share
                    position = offset
                else:
                    anchor, offset = _START, cue.at.value
                    position = offset
                text, template = (None, None)
                if cue.say is not None:
                    text, template = self._text(cue.say, phase, next_name, position)
                self._add(
                    phase, _CUE, anchor, offset, text, cue.sound, template=template,
                    share=share,
                )  # fmt: skip

        if duration is None:
            return

        if phase.reminders and session.reminders is not None:
            every = float(session.reminders.every)
            at = every
            while at <= duration - REMINDER_MARGIN:
                if at >= REMINDER_MARGIN:
                    template = self.reminder_texts[self.reminder_index % len(self.reminder_texts)]
                    self.reminder_index += 1
                    text, tmpl = self._text(template, phase, next_name, at)
                    # The ping comes just before the words: one event carries both.
                    self._add(
                        phase, _REMINDER, _START, at, text, sounds.reminder,
                        template=tmpl,
                    )  # fmt: skip
                at += every

        if announce.halfway and duration >= HALFWAY_MIN:
            self._add(phase, _HALFWAY, _START, duration / 2, "Halfway.", None, share=0.5)

        for left in announce.remaining:
            if duration >= left + REMAINING_MARGIN:
                self._add(phase, _REMAINING, _END, float(left), _remaining_text(left), None)

        if announce.next and next_name is not None and duration > NEXT_LEAD:
            self._add(phase, _NEXT, _END, NEXT_LEAD, f"Next: {next_name}.", None)

        for tick in range(phase.countdown, 0, -1):
            self._add(phase, _COUNTDOWN, _END, float(tick), None, sounds.countdown)


# Event's fields after seq, in order: t, phase, kind, anchor, offset, text, sound, template, every,
# share.
_EventFields = tuple[
    float,
    int,
    EventKind,
    Anchor,
    float,
    str | None,
    Sound | None,
    str | None,
    float | None,
    float | None,
]


_Pending = tuple[float, int, int, _EventFields]
_INF = float("inf")


def _spoken_name(name: str, rep: int | None, reps: int | None) -> str:
    """A phase's name as it is said: "Backward walking, round 2 of 3" inside a block."""
    return name if rep is None else f"{name}, round {rep} of {reps}"
