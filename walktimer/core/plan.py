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

The timeline is made as it is read, never all at once: a 24-hour phase with a cue every second
has tens of thousands of events per cue. Building a plan lays out the phases and counts each
phase's events; `Plan.timeline(i)` then gives one phase's events: the few that happen once
(the phase's start, `at` cues, "Halfway", "remaining", "Next", the countdown) as a list, and the
repeating ones (`every` cues and reminders) generated in order, from any position on. Every
event carries its place in the whole timeline (`seq`), however it was reached.
"""

from __future__ import annotations

import functools
import heapq
import math
import random
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from typing import NamedTuple

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
from walktimer.i18n import ENGLISH, N_, Phrases, choose_language, phrases

__all__ = [
    "Anchor",
    "Event",
    "EventKind",
    "PhaseTimeline",
    "Plan",
    "PlannedPhase",
    "TextContext",
    "build_plan",
    "extension_events",
    "extension_timeline",
    "fill_text",
]

REMINDER_MARGIN = 15.0  # no reminder in the first or last 15 s of a phase
NEXT_LEAD = 10.0  # "Next: ..." this long before a phase ends
REMAINING_MARGIN = 30.0  # "One minute left" only in phases at least that long plus this
HALFWAY_MIN = 120.0  # "Halfway" only in phases of at least two minutes
FINISH_TEXT = N_("Session complete.")  # in English; said through the plan's Phrases


class EventKind(StrEnum):
    PHASE_START = "phase"  # the phase-change sound; marks the boundary
    NAME = "name"  # the phase's name, first in a phase with targets
    TARGETS = "targets"  # treadmill speed / incline spoken
    SAY = "say"  # the phase's own `say` text (or its name)
    CUE = "cue"  # a script cue (`at` or `every`)
    REMINDER = "reminder"  # a posture reminder
    HALFWAY = "halfway"
    REMAINING = "remaining"  # "One minute left"
    NEXT = "next"  # "Next: Backward walking"
    COUNTDOWN = "countdown"  # a tick (or a spoken number) in the last seconds
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
    EventKind.NAME: 1,
    EventKind.TARGETS: 2,
    EventKind.SAY: 3,
    EventKind.COUNTDOWN: 4,
    EventKind.NEXT: 5,
    EventKind.REMAINING: 6,
    EventKind.HALFWAY: 7,
    EventKind.CUE: 8,
    EventKind.REMINDER: 9,
    EventKind.FINISH: 10,
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

    Immutable like the model's dataclasses, but a NamedTuple: `walktimer plan` of a long session
    writes millions of them, and a frozen dataclass costs about three times as much to build.
    Events compare by `seq` first, so streams of one timeline merge in timeline order.
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
class _Layout:
    """What the plan keeps of one played phase to lay out its events when they are asked for."""

    first_seq: int  # seq of the phase's first event
    count: int  # how many events the phase has (the finish not included)
    reminders_before: int  # reminders in the phases before it: where its texts start
    next_name: str | None  # the following phase's name as spoken
    say_template: str | None  # the phase's `say` when it uses time, refilled when spoken


@dataclass(frozen=True, slots=True)
class Plan:
    session: Session
    phases: tuple[PlannedPhase, ...]
    layouts: tuple[_Layout, ...] = field(repr=False)
    event_count: int  # every event of the timeline, the finish included
    finish: Event  # the last: the finish sound and "Session complete."
    phrases: Phrases = ENGLISH  # the language walktimer's own words are said in

    @property
    def total(self) -> float:
        """Planned length in seconds; manual phases count as zero ("at least")."""
        return sum(p.duration or 0.0 for p in self.phases)

    @property
    def has_manual(self) -> bool:
        return any(p.manual for p in self.phases)

    @property
    def events(self) -> tuple[Event, ...]:
        """The whole timeline as one tuple. A long session's timeline is large: code that runs
        or shows a session reads it with iter_events() or one phase at a time (timeline())."""
        return tuple(self.iter_events())

    def iter_events(self) -> Iterator[Event]:
        """Every event of the timeline in order, made as they are read."""
        for index in range(len(self.phases)):
            yield from self.timeline(index).events()
        yield self.finish

    def timeline(self, index: int) -> PhaseTimeline:
        """The events of played phase `index`, laid out now."""
        phase = self.phases[index]
        layout = self.layouts[index]
        return _lay_out(self.session, phase, layout, self.phrases)

    def phase_event_count(self, index: int) -> int:
        """How many events played phase `index` has, without laying them out."""
        return self.layouts[index].count

    def reminders_through(self, index: int) -> int:
        """How many reminders the plan gives up to and including phase `index`."""
        following = index + 1
        if following < len(self.layouts):
            return self.layouts[following].reminders_before
        phase = self.phases[index]
        source = _source(self.session, phase)
        return self.layouts[index].reminders_before + _reminder_count(self.session, phase, source)

    def sounded(self) -> Iterator[tuple[EventKind, str | None, Sound | None]]:
        """Each distinct (kind, text, sound) of the timeline once, in first-use order, without
        laying out every repeat: an `every` cue's words are the same each time unless they use
        {remaining} or {elapsed}, and then each of its events is given."""
        seen: set[tuple[EventKind, str | None, Sound | None]] = set()
        for index in range(len(self.phases)):
            for item in self.timeline(index).distinct():
                if item not in seen:
                    seen.add(item)
                    yield item
        finish = self.finish
        item = (finish.kind, finish.text, finish.sound)
        if item not in seen:
            yield item

    def spoken_texts(self) -> list[str]:
        """Every distinct text the plan will speak, in first-use order."""
        return list(dict.fromkeys(text for _kind, text, _sound in self.sounded() if text))


@dataclass(frozen=True, slots=True)
class TextContext:
    """What placeholders are filled from."""

    phase: PlannedPhase
    next_name: str | None
    elapsed: float  # seconds into the phase
    remaining: float | None  # seconds left in the phase; None in a manual phase
    phrases: Phrases = ENGLISH  # the language placeholders are filled in


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
TIME_PLACEHOLDERS = frozenset({"remaining", "elapsed"})
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)\s*$")  # nothing before, or a sentence's end


def fill_text(template: str, ctx: TextContext) -> str:
    """Replace {placeholders}; the loader has already refused unknown ones."""
    phase = ctx.phase
    return _fill(
        template, phase.base_name, phase.speed, phase.incline, phase.rep, phase.reps,
        ctx.next_name, ctx.elapsed, ctx.remaining, ctx.phrases,
    )  # fmt: skip


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
    phrases: Phrases,
) -> str:
    """fill_text on the values themselves: the plan fills texts before their phase exists."""
    parts = _PLACEHOLDER.split(template)
    if len(parts) == 1:
        return template
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        raw = parts[i]
        key = raw.strip()
        if key == "phase":
            value = base_name
        elif key == "next":
            value = next_name or phrases.gettext("the end")
        elif key == "remaining":
            value = phrases.duration(remaining or 0.0)
        elif key == "elapsed":
            value = phrases.duration(elapsed)
        elif key == "speed":
            value = _speed_words(phrases, speed) if speed else phrases.gettext("your own pace")
        elif key == "incline":
            value = _incline_words(phrases, incline) if incline else phrases.gettext("no incline")
        elif key == "rep":
            value = str(rep or 1)
        elif key == "reps":
            value = str(reps or 1)
        else:
            value = "{" + raw + "}"
        if _SENTENCE_START.search("".join(out)):
            value = value[:1].upper() + value[1:]  # "{remaining} to go." -> "Twenty seconds …"
        out.append(value)
        out.append(parts[i + 1])
    return "".join(out)


def uses_time(template: str) -> bool:
    return any(key.strip() in TIME_PLACEHOLDERS for key in _PLACEHOLDER.findall(template))


def build_plan(session: Session, *, language: str | None = None) -> Plan:
    """Expand repeats, resolve defaults and fill placeholders; count every phase's events,
    which are laid out when they are read (see Plan.timeline).

    walktimer's own words are said in the language of the script's `[voice]` voice, else in
    `language` (the host's choice: the user's setting, then the system locale), else English.
    """
    speech = phrases(choose_language(session.voice.voice, language))
    phases, spoken, say_templates = _phases(session, speech)
    layouts: list[_Layout] = []
    seq = 0
    reminders = 0
    # Phases of one repeated step have the same events but for their words: count them once.
    counted: dict[tuple[tuple[int, int | None], bool], tuple[int, int]] = {}
    for phase in phases:
        following = phase.index + 1
        next_name = spoken[following] if following < len(phases) else None
        layout = _Layout(seq, 0, reminders, next_name, say_templates[phase.index])
        key = (phase.source, next_name is None)
        if key not in counted:
            timeline = _lay_out(session, phase, layout, speech)
            source = _source(session, phase)
            counted[key] = (timeline.count, _reminder_count(session, phase, source))
        count, said = counted[key]
        layouts.append(_Layout(seq, count, reminders, next_name, layout.say_template))
        seq += count
        reminders += said
    last = phases[-1]
    finish = Event(
        seq, last.end, last.index, EventKind.FINISH, Anchor.END, 0.0,
        speech.gettext(FINISH_TEXT), session.sounds.finish,
    )  # fmt: skip
    return Plan(session, tuple(phases), tuple(layouts), seq + 1, finish, speech)


def extension_timeline(
    plan: Plan, index: int, since: float, until: float, *, seq: int, reminders_before: int
) -> PhaseTimeline:
    """The `every` cues and reminders of timed phase `index` lengthened from `since` seconds
    (at least its planned length) to `until`: those that now fall in the added time, in
    timeline order and numbered from `seq` on, made as they are read.

    They follow the plan's rules for the longer phase: an `every` cue repeats until the phase
    ends, a reminder keeps off the phase's first and last REMINDER_MARGIN seconds, and the
    reminders carry on through the texts from where the phase's planned ones left off.
    `reminders_before` is how many reminders the plan gives up to and including this phase.
    Texts are filled for the phase at `until` seconds long; those that use time keep their
    template to be refilled when spoken.
    """
    phase = plan.phases[index]
    layout = plan.layouts[index]
    planned = phase.duration
    words = _Words(phase, layout.next_name, until, plan.phrases)
    runs: list[_Run] = []
    if planned is not None and until > since:
        session = plan.session
        source = _source(session, phase)
        for group, cue in enumerate(source.cues):
            if cue.every is None or (cue.say is None and cue.sound is None):
                continue
            step = float(cue.every)
            k = max(1, math.ceil(since / step))  # the first repeat at or after `since`
            while k > 1 and (k - 1) * step >= since:
                k -= 1
            while k * step < since:
                k += 1
            first = k * step
            runs.append(_Run(group, EventKind.CUE, first, step, _count_below(first, step, until),
                             _texts(words, (cue.say,)), 0, cue.sound))  # fmt: skip
        reminders = session.reminders
        if phase.reminders and reminders is not None:
            every = float(reminders.every)
            # The reminders the planned phase had no room for: from its last REMINDER_MARGIN
            # seconds on. Those that fell before the old end's margin are passed over (but
            # count in the cycle of texts).
            lowest = max(REMINDER_MARGIN, math.nextafter(planned - REMINDER_MARGIN, math.inf))
            j0 = _first_multiple(every, lowest)
            j1 = _first_multiple(
                every, max(lowest, math.nextafter(since - REMINDER_MARGIN, math.inf))
            )
            count = _count_below(
                j1 * every, every, math.nextafter(until - REMINDER_MARGIN, math.inf)
            )
            texts = _reminder_texts(session)
            runs.append(_Run(len(source.cues), EventKind.REMINDER, j1 * every, every, count,
                             _texts(words, texts), reminders_before + j1 - j0,
                             session.sounds.reminder))  # fmt: skip
    return PhaseTimeline(phase, seq, (), (), tuple(runs), words)


def extension_events(
    plan: Plan, index: int, since: float, until: float, *, seq: int, reminders_before: int
) -> list[Event]:
    """extension_timeline's events, all at once."""
    return list(
        extension_timeline(
            plan, index, since, until, seq=seq, reminders_before=reminders_before
        ).events()
    )


class _Words(NamedTuple):
    """What a phase's texts are filled from, but for the moment each is said."""

    phase: PlannedPhase
    next_name: str | None
    length: float | None  # the phase's length for {remaining}; None in a manual phase
    phrases: Phrases

    def fill(self, template: str, at: float) -> tuple[str, str | None]:
        """(text, template): the text filled for `at` seconds into the phase, and its template
        when the words depend on time (they are refilled when spoken)."""
        if "{" not in template:
            return template, None
        phase = self.phase
        remaining = None if self.length is None else max(0.0, self.length - at)
        text = _fill(
            template, phase.base_name, phase.speed, phase.incline, phase.rep, phase.reps,
            self.next_name, at, remaining, self.phrases,
        )  # fmt: skip
        return text, (template if uses_time(template) else None)


class _Text(NamedTuple):
    """One of a run's texts: filled once when it does not depend on time."""

    template: str | None  # None: no words (a sound alone)
    filled: str | None  # the words, when they are the same wherever they fall
    timed: bool  # uses {remaining} or {elapsed}: filled for each event


def _texts(words: _Words, templates: Iterable[str | None]) -> tuple[_Text, ...]:
    out = []
    for template in templates:
        if template is None:
            out.append(_Text(None, None, False))
        elif uses_time(template):
            out.append(_Text(template, None, True))
        else:
            out.append(_Text(template, words.fill(template, 0.0)[0], False))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Run:
    """Events that repeat at a fixed interval in one phase: an `every` cue's, or the reminders.
    Event i is at `first + i * step` seconds into the phase and says texts[(turn + i) % n]."""

    group: int  # its place among the phase's sources of events: breaks ties at one moment
    kind: EventKind
    first: float
    step: float
    count: int
    texts: tuple[_Text, ...]
    turn: int
    sound: Sound | None

    @property
    def timed(self) -> bool:
        return any(text.timed for text in self.texts)

    def position(self, i: int) -> float:
        return self.first + i * self.step

    def through(self, position: float) -> int:
        """How many of its events fall at or before `position`."""
        return _count_below(self.first, self.step, math.nextafter(position, math.inf), self.count)

    def items(self, start: int, words: _Words) -> Iterator[_Item]:
        """(position, priority, group, i, kind, text, sound, template) from event `start` on."""
        priority = self.kind.priority
        group = self.group
        kind = self.kind
        sound = self.sound
        texts = self.texts
        n = len(texts)
        for i in range(start, self.count):
            at = self.first + i * self.step
            text = texts[(self.turn + i) % n]
            if text.timed:
                assert text.template is not None
                said, template = words.fill(text.template, at)
                yield at, priority, group, i, kind, said, sound, template
            else:
                yield at, priority, group, i, kind, text.filled, sound, None


# A run's event before it is numbered: (position, priority, group, i, kind, text, sound,
# template). The first four are its place in timeline order.
_Item = tuple[float, int, int, int, EventKind, str | None, Sound | None, str | None]


def _count_below(first: float, step: float, limit: float, most: int | None = None) -> int:
    """How many of first, first + step, first + 2 step, ... lie below `limit` (at most `most`)."""
    if limit <= first:
        return 0
    if math.isinf(limit):
        assert most is not None, "an unbounded run has no end"
        return most
    n = math.ceil((limit - first) / step)
    while n > 0 and first + (n - 1) * step >= limit:
        n -= 1
    while first + n * step < limit:
        n += 1
    return n if most is None else min(n, most)


def _first_multiple(step: float, lowest: float) -> int:
    """The smallest j >= 1 with j * step >= lowest."""
    j = max(1, math.ceil(lowest / step))
    while j > 1 and (j - 1) * step >= lowest:
        j -= 1
    while j * step < lowest:
        j += 1
    return j


_Key = tuple[float, int, int, int]  # (position, priority, group, order in group): timeline order


class PhaseTimeline:
    """One played phase's events, laid out when the phase is reached.

    `once` holds the events that happen once (a manual phase's `every` cue is one event that
    repeats); the repeating events of a timed phase (its `every` cues and its reminders) are
    made in order by `repeating`, from any position on. Both are numbered as in the whole
    timeline.
    """

    __slots__ = ("_keys", "_once", "_raw", "_runs", "_words", "count", "first_seq", "phase")

    def __init__(
        self,
        phase: PlannedPhase,
        first_seq: int,
        once: tuple[Event, ...],
        keys: tuple[_Key, ...],
        runs: tuple[_Run, ...],
        words: _Words,
    ) -> None:
        self.phase = phase
        self.first_seq = first_seq
        self._keys = keys  # each once event's place in timeline order
        self._runs = tuple(run for run in runs if run.count > 0)
        self._words = words
        self._raw = once
        self._once: tuple[Event, ...] | None = None
        self.count = len(once) + sum(run.count for run in self._runs)

    @property
    def once(self) -> tuple[Event, ...]:
        """Its once events in timeline order, each numbered by its place among them plus the
        repeats before it. Worked out when first read: a plan counts every phase's events
        but reads only the phases that are played or shown."""
        if self._once is None:
            runs = self._runs
            self._once = tuple(
                event._replace(seq=self.first_seq + i + sum(_before(run, key) for run in runs))
                for i, (event, key) in enumerate(zip(self._raw, self._keys, strict=True))
            )
        return self._once

    @property
    def timed(self) -> bool:
        """Whether any of its words depend on time ({remaining}, {elapsed})."""
        return any(e.template is not None for e in self.once) or any(r.timed for r in self._runs)

    def events(self) -> Iterator[Event]:
        """All its events in timeline order."""
        if not self._runs:
            return iter(self.once)
        return heapq.merge(self.once, self.repeating())

    def span(self) -> tuple[float, set[EventKind]]:
        """The planned time of its latest event and the kinds of event it has."""
        latest = max(e.t for e in self.once)  # every phase has its `say`
        kinds = {e.kind for e in self.once}
        for run in self._runs:
            latest = max(latest, self.phase.start + run.position(run.count - 1))
            kinds.add(run.kind)
        return latest, kinds

    def repeating_through(self, position: float) -> int:
        """How many of its repeating events fall at or before `position` seconds into it."""
        return sum(run.through(position) for run in self._runs)

    def repeating(self, after: float = -math.inf) -> Iterator[Event]:
        """Its repeating events that fall after `after` seconds into the phase, in order."""
        runs = self._runs
        if not runs:
            return
        skipped = [run.through(after) for run in runs]
        seq = self.first_seq + sum(skipped)
        keys = self._keys
        placed = bisect_right(keys, (after, math.inf))  # once events up to `after`
        streams = [run.items(start, self._words) for run, start in zip(runs, skipped, strict=True)]
        begin = self.phase.start
        index = self.phase.index
        for at, priority, group, i, kind, text, sound, template in heapq.merge(*streams):
            while placed < len(keys) and keys[placed] < (at, priority, group, i):
                placed += 1
            yield Event(seq + placed, begin + at, index, kind, Anchor.START, at, text, sound,
                        template)  # fmt: skip
            seq += 1

    def templates(self, after: float) -> Iterator[tuple[float, int, str]]:
        """(position, priority, template) of its repeating events after `after` seconds into
        the phase whose words depend on time, in order."""
        streams = [_templates(run, after, self._words) for run in self._runs if run.timed]
        return heapq.merge(*streams)

    def distinct(self) -> Iterator[tuple[EventKind, str | None, Sound | None]]:
        """Its events' (kind, text, sound) in timeline order, each distinct one at least once:
        a repeat whose words do not depend on time says what an earlier one said."""
        streams: list[Iterator[tuple[_Key, EventKind, str | None, Sound | None]]] = [
            ((key, e.kind, e.text, e.sound) for key, e in zip(self._keys, self.once, strict=True))
        ]
        for run in self._runs:
            items = run.items(0, self._words)
            if not run.timed:  # only its first len(texts) can say something new
                items = islice(items, len(run.texts))
            streams.append(
                ((at, priority, group, i), kind, text, sound)
                for at, priority, group, i, kind, text, sound, template in items
                if i < len(run.texts) or template is not None
            )
        for _key, kind, text, sound in heapq.merge(*streams):
            yield kind, text, sound


def _templates(run: _Run, after: float, words: _Words) -> Iterator[tuple[float, int, str]]:
    for at, priority, _group, _i, _kind, _text, _sound, template in run.items(
        run.through(after), words
    ):
        if template is not None:
            yield at, priority, template


def _before(run: _Run, key: _Key) -> int:
    """How many of the run's events come before a once event at `key` in timeline order."""
    position, priority, group, _order = key
    below = _count_below(run.first, run.step, position, run.count)
    tied = below < run.count and run.position(below) == position
    return below + 1 if tied and (run.kind.priority, run.group) < (priority, group) else below


def _source(session: Session, phase: PlannedPhase) -> Phase:
    """The script's phase (or block step) that `phase` plays."""
    item = session.phases[phase.source[0]]
    step = phase.source[1]
    if isinstance(item, Block):
        return item.steps[step or 0]
    return item


def _reminder_count(session: Session, phase: PlannedPhase, source: Phase) -> int:
    """How many reminders a played phase has."""
    reminders = session.reminders
    duration = phase.duration
    if not phase.reminders or reminders is None or duration is None:
        return 0
    every = float(reminders.every)
    first = _first_multiple(every, REMINDER_MARGIN) * every
    return _count_below(first, every, math.nextafter(duration - REMINDER_MARGIN, math.inf))


def _lay_out(
    session: Session, phase: PlannedPhase, layout: _Layout, speech: Phrases
) -> PhaseTimeline:
    """One phase's events: the once events listed with their places in timeline order, the
    `every` cues and reminders of a timed phase as runs. An event with neither text nor sound
    is left out.

    Events at one moment and priority keep the order of their sources: the phase's start, its
    `say`, its targets, its cues as written, reminders, "Halfway", each "remaining", "Next",
    the countdown.
    """
    announce = session.announce
    sounds = session.sounds
    source = _source(session, phase)
    duration = phase.duration
    index = phase.index
    start = phase.start
    end = duration or 0.0  # the position of an END-anchored event is end - offset
    words = _Words(phase, layout.next_name, duration, speech)
    ncues = len(source.cues)
    once: list[tuple[_Key, Event]] = []

    def add(
        position: float, group: int, order: int, kind: EventKind, anchor: Anchor, offset: float,
        text: str | None, sound: Sound | None = None, template: str | None = None,
        every: float | None = None, share: float | None = None,
    ) -> None:  # fmt: skip
        event = Event(0, start + position, index, kind, anchor, offset, text, sound, template,
                      every, share)  # fmt: skip
        once.append(((position, kind.priority, group, order), event))

    if sounds.phase is not None:
        add(0.0, 0, 0, EventKind.PHASE_START, Anchor.START, 0.0, None, sounds.phase)
    targets = _targets_text(speech, phase.speed, phase.incline) if announce.targets else None
    if targets is None:
        add(0.0, 1, 0, EventKind.SAY, Anchor.START, 0.0, phase.say, None, layout.say_template)
    else:
        # The target is what the walker acts on: it follows the phase's name at once, and the
        # round and the phase's own words come after it.
        add(0.0, 1, 0, EventKind.NAME, Anchor.START, 0.0, phase.base_name)
        add(0.0, 2, 0, EventKind.TARGETS, Anchor.START, 0.0, targets)
        rest, rest_template = _after_targets(speech, phase, source, layout.say_template)
        if rest is not None:
            add(0.0, 1, 0, EventKind.SAY, Anchor.START, 0.0, rest, None, rest_template)

    runs: list[_Run] = []
    for i, cue in enumerate(source.cues):
        group = 3 + i
        if cue.say is None and cue.sound is None:
            continue
        text: str | None = None
        template: str | None = None
        if cue.every is not None:
            every = float(cue.every)
            if duration is None:
                if cue.say is not None:
                    text, template = words.fill(cue.say, every)
                add(every, group, 0, EventKind.CUE, Anchor.START, every, text, cue.sound,
                    template, every)  # fmt: skip
            else:
                count = _count_below(every, every, duration)
                runs.append(_Run(group, EventKind.CUE, every, every, count,
                                 _texts(words, (cue.say,)), 0, cue.sound))  # fmt: skip
        elif cue.at is not None:
            share: float | None = None
            if cue.at.anchor == "end":
                anchor, offset = Anchor.END, cue.at.value
                position = end - offset
            elif cue.at.anchor == "percent":
                share = cue.at.value / 100.0
                anchor, offset = Anchor.START, end * share
                position = offset
            else:
                anchor, offset = Anchor.START, cue.at.value
                position = offset
            if cue.say is not None:
                text, template = words.fill(cue.say, position)
            add(position, group, 0, EventKind.CUE, anchor, offset, text, cue.sound, template,
                None, share)  # fmt: skip

    if duration is not None:
        reminders = session.reminders
        if phase.reminders and reminders is not None:
            every = float(reminders.every)
            first = _first_multiple(every, REMINDER_MARGIN) * every
            runs.append(_Run(3 + ncues, EventKind.REMINDER, first, every,
                             _reminder_count(session, phase, source),
                             _texts(words, _reminder_texts(session)), layout.reminders_before,
                             sounds.reminder))  # fmt: skip

        if announce.halfway and duration >= HALFWAY_MIN:
            half = duration / 2
            add(half, 4 + ncues, 0, EventKind.HALFWAY, Anchor.START, half,
                speech.gettext("Halfway."), None, None, None, 0.5)  # fmt: skip

        for j, left in enumerate(announce.remaining):
            if duration >= left + REMAINING_MARGIN:
                offset = float(left)
                add(end - offset, 5 + ncues + j, 0, EventKind.REMAINING, Anchor.END, offset,
                    _remaining_text(speech, left))  # fmt: skip

        later = 5 + ncues + len(announce.remaining)
        next_name = layout.next_name
        if announce.next and next_name is not None and duration > NEXT_LEAD:
            add(end - NEXT_LEAD, later, 0, EventKind.NEXT, Anchor.END, NEXT_LEAD,
                speech.gettext("Next: {name}.").format(name=next_name))  # fmt: skip

        if announce.countdown_voice:
            # Spoken instead of ticked: "three", "two", "one".
            for order, tick in enumerate(range(phase.countdown, 0, -1)):
                offset = float(tick)
                add(end - offset, later + 1, order, EventKind.COUNTDOWN, Anchor.END, offset,
                    speech.number(tick))  # fmt: skip
        elif sounds.countdown is not None:
            for order, tick in enumerate(range(phase.countdown, 0, -1)):
                offset = float(tick)
                add(end - offset, later + 1, order, EventKind.COUNTDOWN, Anchor.END, offset,
                    None, sounds.countdown)  # fmt: skip

    once.sort(key=lambda item: item[0])
    return PhaseTimeline(
        phase, layout.first_seq, tuple(e for _k, e in once), tuple(k for k, _e in once),
        tuple(runs), words,
    )  # fmt: skip


def _phases(
    session: Session, speech: Phrases
) -> tuple[list[PlannedPhase], list[str], list[str | None]]:
    """The played phases, their names as spoken, and each one's `say` when it uses time."""
    flat: list[tuple[Phase, int | None, int | None, str | None, tuple[int, int | None]]] = []
    for i, item in enumerate(session.phases):
        if isinstance(item, Block):
            for round_ in range(1, item.repeat + 1):
                for j, step in enumerate(item.steps):
                    flat.append((step, round_, item.repeat, item.name, (i, j)))
        else:
            flat.append((item, None, None, None, (i, None)))
    has_reminders = bool(_reminder_texts(session))
    default_countdown = session.announce.countdown
    spoken = [_spoken_name(phase.name, rep, reps, speech) for phase, rep, reps, _b, _s in flat]
    out: list[PlannedPhase] = []
    say_templates: list[str | None] = []
    start = 0.0
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
            if uses_time(say):
                # Refilled when spoken: an extended phase has more {remaining}.
                say_template = say
            say = _fill(
                say,
                phase.name,
                phase.speed,
                phase.incline,
                rep,
                reps,
                next_name,
                0.0,
                duration,
                speech,
            )
        say_templates.append(say_template)
        out.append(
            PlannedPhase(
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
        )
        start += duration or 0.0
    return out, spoken, say_templates


def _reminder_texts(session: Session) -> list[str]:
    """The reminder texts in the order they are said, cycled through over the session."""
    reminders = session.reminders
    if reminders is None:
        return []
    return list(_ordered(tuple(reminders.texts), reminders.order is ReminderOrder.SHUFFLE))


@functools.lru_cache(maxsize=64)
def _ordered(texts: tuple[str, ...], shuffle: bool) -> tuple[str, ...]:
    """`texts` in the order they are said. Every phase asks for the same order: seeding a
    random generator per phase cost more than laying the phase out."""
    if not shuffle:
        return texts
    # The same file shuffles the same way every run: seed from its own texts.
    ordered = list(texts)
    random.Random("\n".join(ordered)).shuffle(ordered)
    return tuple(ordered)


def _after_targets(
    speech: Phrases, phase: PlannedPhase, source: Phase, template: str | None
) -> tuple[str | None, str | None]:
    """What a phase with targets says after them, and its template when it uses time: the
    round inside a repeated block (unless its own words say it) and its own words."""
    own = source.say
    mentions_round = own is not None and any(
        key.strip() == "rep" for key in _PLACEHOLDER.findall(own)
    )
    round_ = (
        speech.gettext("Round {rep} of {reps}.").format(rep=phase.rep, reps=phase.reps)
        if phase.rep and not mentions_round
        else None
    )
    if own is None:
        return round_, None
    if round_ is None:
        return phase.say, template
    return f"{round_} {phase.say}", (f"{round_} {template}" if template is not None else None)


def _targets_text(speech: Phrases, speed: Speed | None, incline: Incline | None) -> str | None:
    parts = []
    if speed is not None:
        parts.append(speech.gettext("Speed {speed}").format(speed=_speed_words(speech, speed)))
    if incline is not None:
        words = _incline_words(speech, incline)
        parts.append(
            speech.gettext("incline {incline}").format(incline=words)
            if parts
            else speech.gettext("Incline {incline}").format(incline=words)
        )
    return (", ".join(parts) + ".") if parts else None


def _speed_words(speech: Phrases, speed: Speed) -> str:
    value = speech.decimal(speed.value)
    if speed.unit == "mph":
        return speech.gettext("{value} miles per hour").format(value=value)
    return speech.gettext("{value} kilometres per hour").format(value=value)


def _incline_words(speech: Phrases, incline: Incline) -> str:
    return speech.gettext("{value} percent").format(value=speech.decimal(incline.percent))


def _remaining_text(speech: Phrases, seconds: int) -> str:
    words = speech.duration(seconds)
    # Translators: {duration} is said in words; the plural follows its first number.
    text = speech.ngettext("{duration} left.", "{duration} left.", speech.leading_count(seconds))
    text = text.format(duration=words)
    return f"{text[0].upper()}{text[1:]}"


def _spoken_name(name: str, rep: int | None, reps: int | None, speech: Phrases = ENGLISH) -> str:
    """A phase's name as it is said: "Backward walking, round 2 of 3" inside a block."""
    if rep is None:
        return name
    return speech.gettext("{name}, round {rep} of {reps}").format(name=name, rep=rep, reps=reps)
