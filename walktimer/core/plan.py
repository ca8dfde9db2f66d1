"""Session -> Plan: the flat phase list with offsets and the timeline of every cue.

The plan is everything the engine, the screens, `walktimer plan` and the speech pre-renderer
need. It is deterministic: the same session always gives the same plan.

Timeline order is (phase index, position inside the phase, priority, sequence). Each event is
anchored to its phase's start or end, so when the engine lengthens a phase, events counted
from its end move with it and everything after shifts. Events placed at a share of the phase
(percentage `at` cues, "Halfway") carry that share and stay at it when the phase is lengthened.
A timed phase's `every` cues and reminders are laid out up to its planned length; for a
lengthened phase, extension_events gives those that fall in the added time.
`t` is the planned session time with manual phases counted as zero seconds long.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import count, repeat
from operator import add, itemgetter
from typing import NamedTuple, cast

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
    _slots_of,
)

__all__ = [
    "Anchor",
    "Event",
    "EventKind",
    "Plan",
    "PlannedPhase",
    "TextContext",
    "build_plan",
    "extension_events",
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
            value = _say_duration(remaining or 0.0)
        elif key == "elapsed":
            value = _say_duration(elapsed)
        elif key == "speed":
            value = _spoken(speed) if speed else "your own pace"
        elif key == "incline":
            value = _spoken(incline) if incline else "no incline"
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


# Filling a long plan's texts asks for the same few spoken durations and targets many times.
# say_duration depends only on the value (it rounds to whole seconds), and a target's spoken
# form only on its fields, so equal arguments always give the same words.
_uses_time = lru_cache(maxsize=4096)(uses_time)
_say_duration = lru_cache(maxsize=4096)(say_duration)


@lru_cache(maxsize=1024)
def _spoken(target: Speed | Incline) -> str:
    return target.spoken


def build_plan(session: Session) -> Plan:
    """Expand repeats, resolve defaults, fill placeholders and lay out every event."""
    return _Builder(session).build()


def extension_events(
    plan: Plan, index: int, since: float, until: float, *, seq: int, reminders_before: int
) -> list[Event]:
    """The `every` cues and reminders of timed phase `index` lengthened from `since` seconds
    (at least its planned length) to `until`: those that now fall in the added time, in
    timeline order and numbered from `seq` on.

    They follow the plan's rules for the longer phase: an `every` cue repeats until the phase
    ends, a reminder keeps off the phase's first and last REMINDER_MARGIN seconds, and the
    reminders carry on through the texts from where the phase's planned ones left off.
    `reminders_before` is how many reminders the plan gives up to and including this phase.
    Texts are filled for the phase at `until` seconds long; those that use time keep their
    template to be refilled when spoken.
    """
    phase = plan.phases[index]
    planned = phase.duration
    if planned is None or until <= since:
        return []
    session = plan.session
    item = session.phases[phase.source[0]]
    step = phase.source[1]
    source = item.steps[step] if isinstance(item, Block) and step is not None else item
    if isinstance(source, Block):  # a block is always played through its steps
        return []
    following = index + 1
    next_name = plan.phases[following].spoken_name if following < len(plan.phases) else None

    def text_at(template: str, at: float) -> tuple[str, str | None]:
        if "{" not in template:
            return template, None
        text = _fill(
            template, phase.base_name, phase.speed, phase.incline, phase.rep, phase.reps,
            next_name, at, max(0.0, until - at),
        )  # fmt: skip
        return text, (template if _uses_time(template) else None)

    # (position, priority, order added, kind, text, sound, template)
    found: list[tuple[float, int, int, EventKind, str | None, Sound | None, str | None]] = []
    for cue in source.cues:
        if cue.every is None or (cue.say is None and cue.sound is None):
            continue
        step_by = float(cue.every)
        k = max(1, math.ceil(since / step_by))
        while k > 1 and (k - 1) * step_by >= since:
            k -= 1
        at = k * step_by
        while at < since:
            k += 1
            at = k * step_by
        while at < until:
            text, template = text_at(cue.say, at) if cue.say is not None else (None, None)
            found.append((at, _P_CUE, len(found), _CUE, text, cue.sound, template))
            k += 1
            at = k * step_by

    reminders = session.reminders
    if phase.reminders and reminders is not None:
        texts = _reminder_texts(session)
        every = float(reminders.every)
        turn = reminders_before  # the next text in the cycle
        at = every
        while at <= until - REMINDER_MARGIN:
            if at >= REMINDER_MARGIN and not at <= planned - REMINDER_MARGIN:
                if not at <= since - REMINDER_MARGIN:
                    text, template = text_at(texts[turn % len(texts)], at)
                    found.append((at, _P_REMINDER, len(found), _REMINDER, text,
                                  session.sounds.reminder, template))  # fmt: skip
                turn += 1
            at += every

    found.sort(key=itemgetter(0, 1, 2))
    return [
        Event(seq + n, phase.start + at, index, kind, _START, at, text, sound, template)
        for n, (at, _priority, _order, kind, text, sound, template) in enumerate(found)
    ]


def _reminder_texts(session: Session) -> list[str]:
    """The reminder texts in the order they are said, cycled through over the session."""
    texts = list(session.reminders.texts) if session.reminders else []
    if session.reminders and session.reminders.order is ReminderOrder.SHUFFLE:
        # The same file shuffles the same way every run: seed from its own texts.
        random.Random("\n".join(texts)).shuffle(texts)
    return texts


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

_REMINDERS_BY_KIND = {kind: kind.reminders_by_default for kind in Kind}
_P_COUNTDOWN = _PRIORITY[_COUNTDOWN]
_P_CUE = _PRIORITY[_CUE]
_P_HALFWAY = _PRIORITY[_HALFWAY]
_P_NEXT = _PRIORITY[_NEXT]
_P_PHASE_START = _PRIORITY[_PHASE_START]
_P_REMAINING = _PRIORITY[_REMAINING]
_P_REMINDER = _PRIORITY[_REMINDER]
_P_SAY = _PRIORITY[_SAY]
_P_TARGETS = _PRIORITY[_TARGETS]

# PlannedPhase(...) without the frozen dataclass's per-field object.__setattr__: the same object,
# built about five times faster (see the fast construction notes in walktimer.core.script).
_PlannedPhaseSlots = _slots_of(PlannedPhase)


def _new_planned(
    index: int,
    name: str,
    base_name: str,
    kind: Kind,
    start: float,
    duration: float | None,
    say: str,
    instructions: str | None,
    speed: Speed | None,
    incline: Incline | None,
    countdown: int,
    reminders: bool,
    rep: int | None,
    reps: int | None,
    block: str | None,
    source: tuple[int, int | None],
) -> PlannedPhase:
    obj = _PlannedPhaseSlots()
    obj.index = index
    obj.name = name
    obj.base_name = base_name
    obj.kind = kind
    obj.start = start
    obj.duration = duration
    obj.say = say
    obj.instructions = instructions
    obj.speed = speed
    obj.incline = incline
    obj.countdown = countdown
    obj.reminders = reminders
    obj.rep = rep
    obj.reps = reps
    obj.block = block
    obj.source = source
    obj.__class__ = PlannedPhase
    return cast(PlannedPhase, obj)


class _Builder:
    def __init__(self, session: Session) -> None:
        self.session = session
        # One phase's events at a time as (position, priority, counter, Event fields after
        # seq); phases are laid out in order, so sorting each phase's list sorts the timeline.
        # The counter is the event's place in its phase's list: the order it was added in.
        self.pending: list[_Pending] = []
        self.fields: list[_EventFields] = []
        self.targets_cache: dict[tuple[Speed | None, Incline | None], str | None] = {}
        self.remaining_cache: dict[int, str] = {}
        self.reminder_texts = _reminder_texts(session)
        self.reminder_index = 0
        self.spoken: list[str] = []
        self._sources: list[Phase] = []
        self._say_templates: list[str | None] = []  # each phase's `say` when it uses time

    def build(self) -> Plan:
        phases = self._phases()
        spoken = self.spoken
        played = len(phases)
        pending = self.pending
        fields = self.fields
        for phase in phases:
            following = phase.index + 1
            self._phase_events(phase, spoken[following] if following < played else None)
            pending.sort()
            fields.extend(map(_FIELDS_OF, pending))
            pending.clear()
        # The finish closes the session, after everything else in the last phase (even a manual
        # phase's open-ended cues), so it comes last without sorting.
        last = phases[-1]
        finish = self.session.sounds.finish
        fields.append((last.start + (last.duration or 0.0), last.index, _FINISH, _END, 0.0,
                       FINISH_TEXT, finish, None, None, None))  # fmt: skip
        # Event(seq, *fields) for each, in C: (seq,) + fields, made an Event without
        # Event._make's length check (the fields are ours).
        events = tuple(map(tuple.__new__, repeat(Event), map(add, zip(count()), fields)))
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
        default_countdown = self.session.announce.countdown
        by_kind = _REMINDERS_BY_KIND
        spoken = [_spoken_name(phase.name, rep, reps) for phase, rep, reps, _b, _s in flat]
        for index, (phase, rep, reps, block, source) in enumerate(flat):
            name = f"{phase.name} ({rep}/{reps})" if rep is not None else phase.name
            duration = float(phase.duration) if phase.duration is not None else None
            countdown = phase.countdown if phase.countdown is not None else default_countdown
            if duration is None:
                countdown = 0
            else:
                countdown = min(countdown, int(duration) - 1) if duration > 1 else 0
            say = phase.say
            say_template = None
            if say is None:
                # Without `say`, the name as it is spoken, taken literally: a name is no template.
                say = spoken[index]
            elif "{" in say:
                # The following phase is known, so {next} can be filled now, like the rest.
                next_name = spoken[index + 1] if index + 1 < len(spoken) else None
                if _uses_time(say):
                    # Refilled when spoken: an extended phase has more {remaining}.
                    say_template = say
                say = _fill(
                    say, phase.name, phase.speed, phase.incline, rep, reps, next_name, 0.0,
                    duration,
                )  # fmt: skip
            self._say_templates.append(say_template)
            # phase.has_reminders, without two property calls and two enum lookups a phase.
            reminders = (
                has_reminders
                and (phase.reminders if phase.reminders is not None else by_kind[phase.kind])
                and duration is not None
            )
            planned = _new_planned(
                index, name, phase.name, phase.kind, start, duration, say, phase.instructions,
                phase.speed, phase.incline, max(0, countdown), reminders, rep, reps, block, source,
            )  # fmt: skip
            out.append(planned)
            start += duration or 0.0
        self._sources = [item[0] for item in flat]
        self.spoken = spoken
        return out

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
        return text, (template if _uses_time(template) else None)

    def _phase_events(self, phase: PlannedPhase, next_name: str | None) -> None:
        """Queue one phase's events in `pending`.

        Each is (position, priority, counter, fields), with fields as Event's after seq:
        (t, phase, kind, anchor, offset, text, sound, template, every, share). An event with
        neither text nor sound is left out. Written out in full rather than through a helper:
        a long session has tens of thousands of events, and a call per event is a third of
        the cost of planning.
        """
        session = self.session
        announce = session.announce
        sounds = session.sounds
        source = self._sources[phase.index]
        duration = phase.duration
        index = phase.index
        start = phase.start
        end = duration or 0.0  # the position of an END-anchored event is end - offset
        pending = self.pending
        append = pending.append

        sound = sounds.phase
        if sound is not None:
            append((0.0, _P_PHASE_START, len(pending),
                    (start + 0.0, index, _PHASE_START, _START, 0.0, None, sound, None, None,
                     None)))  # fmt: skip
        append((0.0, _P_SAY, len(pending),
                (start + 0.0, index, _SAY, _START, 0.0, phase.say, None,
                 self._say_templates[index], None, None)))  # fmt: skip
        if announce.targets:
            target_key = (phase.speed, phase.incline)
            if target_key in self.targets_cache:
                targets = self.targets_cache[target_key]
            else:
                targets = self.targets_cache[target_key] = _targets_text(*target_key)
            if targets is not None:
                append((0.0, _P_TARGETS, len(pending),
                        (start + 0.0, index, _TARGETS, _START, 0.0, targets, None, None, None,
                         None)))  # fmt: skip

        for cue in source.cues:
            say = cue.say
            sound = cue.sound
            if say is None and sound is None:
                continue
            text: str | None = None
            template: str | None = None
            if cue.every is not None:
                if duration is None:
                    every = float(cue.every)
                    if say is not None:
                        text, template = self._text(say, phase, next_name, every)
                    append((every, _P_CUE, len(pending),
                            (start + every, index, _CUE, _START, every, text, sound, template,
                             every, None)))  # fmt: skip
                    continue
                at = float(cue.every)
                while at < duration:
                    if say is not None:
                        text, template = self._text(say, phase, next_name, at)
                    append((at, _P_CUE, len(pending),
                            (start + at, index, _CUE, _START, at, text, sound, template, None,
                             None)))  # fmt: skip
                    at += cue.every
            elif cue.at is not None:
                share: float | None = None
                if cue.at.anchor == "end":
                    anchor, offset = _END, cue.at.value
                    position = end - offset
                elif cue.at.anchor == "percent":
                    share = cue.at.value / 100.0
                    anchor, offset = _START, end * share
                    position = offset
                else:
                    anchor, offset = _START, cue.at.value
                    position = offset
                if say is not None:
                    text, template = self._text(say, phase, next_name, position)
                append((position, _P_CUE, len(pending),
                        (start + position, index, _CUE, anchor, offset, text, sound, template,
                         None, share)))  # fmt: skip

        if duration is None:
            return

        if phase.reminders and session.reminders is not None:
            every = float(session.reminders.every)
            texts = self.reminder_texts
            sound = sounds.reminder
            at = every
            while at <= duration - REMINDER_MARGIN:
                if at >= REMINDER_MARGIN:
                    text, template = self._text(
                        texts[self.reminder_index % len(texts)], phase, next_name, at
                    )
                    self.reminder_index += 1
                    # The ping comes just before the words: one event carries both.
                    append((at, _P_REMINDER, len(pending),
                            (start + at, index, _REMINDER, _START, at, text, sound, template,
                             None, None)))  # fmt: skip
                at += every

        if announce.halfway and duration >= HALFWAY_MIN:
            half = duration / 2
            append((half, _P_HALFWAY, len(pending),
                    (start + half, index, _HALFWAY, _START, half, "Halfway.", None, None, None,
                     0.5)))  # fmt: skip

        for left in announce.remaining:
            if duration >= left + REMAINING_MARGIN:
                said = self.remaining_cache.get(left)
                if said is None:
                    said = self.remaining_cache[left] = _remaining_text(left)
                offset = float(left)
                position = end - offset
                append((position, _P_REMAINING, len(pending),
                        (start + position, index, _REMAINING, _END, offset, said, None, None,
                         None, None)))  # fmt: skip

        if announce.next and next_name is not None and duration > NEXT_LEAD:
            position = end - NEXT_LEAD
            append((position, _P_NEXT, len(pending),
                    (start + position, index, _NEXT, _END, NEXT_LEAD, f"Next: {next_name}.", None,
                     None, None, None)))  # fmt: skip

        sound = sounds.countdown
        if sound is not None:
            for tick in range(phase.countdown, 0, -1):
                offset = float(tick)
                position = end - offset
                append((position, _P_COUNTDOWN, len(pending),
                        (start + position, index, _COUNTDOWN, _END, offset, None, sound, None,
                         None, None)))  # fmt: skip


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
_FIELDS_OF = itemgetter(3)


def _spoken_name(name: str, rep: int | None, reps: int | None) -> str:
    """A phase's name as it is said: "Backward walking, round 2 of 3" inside a block."""
    return name if rep is None else f"{name}, round {rep} of {reps}"
