"""What the editor's structure view shows, read from a document that may not be valid yet,
and the way back from a problem's key path to the place it names."""

from __future__ import annotations

from dataclasses import dataclass

from walktimer.core.durations import DurationError, format_clock, parse_duration
from walktimer.core.positions import KeyPath
from walktimer.core.script import Kind
from walktimer.editing.document import Document, Loc
from walktimer.i18n import ENGLISH, Phrases

__all__ = ["Outline", "OutlineItem", "outline", "place_of"]


@dataclass(frozen=True, slots=True)
class OutlineItem:
    """A phase, a repeated block or a step, as the structure view lists it."""

    loc: Loc
    name: str
    kind: Kind
    seconds: int | None  # one play of it; None: manual or not (yet) a valid duration
    duration_text: str  # "5:00", "manual", "?" while the value is not valid, "3 × 4:00"
    manual: bool = False
    repeat: int | None = None  # blocks only
    steps: tuple[OutlineItem, ...] = ()

    @property
    def is_block(self) -> bool:
        return self.repeat is not None


@dataclass(frozen=True, slots=True)
class Outline:
    items: tuple[OutlineItem, ...]

    def played(self) -> list[OutlineItem]:
        """Every phase in play order, blocks expanded."""
        out: list[OutlineItem] = []
        for item in self.items:
            if item.is_block:
                for _ in range(item.repeat or 0):
                    out.extend(item.steps)
            else:
                out.append(item)
        return out

    @property
    def total(self) -> int:
        return sum(item.seconds or 0 for item in self.played())

    @property
    def open_ended(self) -> bool:
        """A manual or not yet valid phase: the total is then "at least"."""
        return any(item.seconds is None for item in self.played())

    def total_text(self, phrases: Phrases = ENGLISH) -> str:
        clock = format_clock(self.total)
        if self.open_ended:
            return phrases.gettext("at least {clock}").format(clock=clock)
        return clock


def _kind(value: object) -> Kind:
    try:
        return Kind(str(value))
    except ValueError:
        return Kind.WALK


def _name(value: object, fallback: str) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else fallback


def _phase_item(loc: Loc, values: dict[str, object], fallback: str) -> OutlineItem:
    raw = values.get("duration")
    manual = isinstance(raw, str) and raw.strip().lower() == "manual"
    seconds: int | None = None
    if manual:
        text = "manual"
    else:
        try:
            seconds = parse_duration(raw)
            text = format_clock(seconds)
        except DurationError:
            text = "?"
    return OutlineItem(
        loc=loc,
        name=_name(values.get("name"), fallback),
        kind=_kind(values.get("kind", "walk")),
        seconds=seconds,
        duration_text=text,
        manual=manual,
    )


def outline(doc: Document) -> Outline:
    """The phases of the document as they stand; empty while the text does not parse."""
    if not doc.parsed:
        return Outline(())
    items: list[OutlineItem] = []
    phases = doc.get(Loc(), "phase", [])
    if not isinstance(phases, list):
        return Outline(())
    for index, values in enumerate(phases):
        if not isinstance(values, dict):
            continue
        loc = Loc(phase=index)
        fallback = f"Phase {index + 1}"
        if "repeat" in values or "step" in values:
            raw_steps = values.get("step", [])
            steps = tuple(
                _phase_item(Loc(phase=index, step=number), step, f"Step {number + 1}")
                for number, step in enumerate(raw_steps if isinstance(raw_steps, list) else [])
                if isinstance(step, dict)
            )
            repeat = values.get("repeat")
            times = repeat if isinstance(repeat, int) and not isinstance(repeat, bool) else 1
            times = max(times, 0)
            one_round = sum(step.seconds or 0 for step in steps)
            open_ended = any(step.seconds is None for step in steps)
            text = f"{times} × {format_clock(one_round)}" + ("+" if open_ended else "")
            items.append(
                OutlineItem(
                    loc=loc,
                    name=_name(values.get("name"), fallback),
                    kind=steps[0].kind if steps else Kind.WALK,
                    seconds=None if open_ended else one_round * times,
                    duration_text=text,
                    repeat=times,
                    steps=steps,
                )
            )
        else:
            items.append(_phase_item(loc, values, fallback))
    return Outline(tuple(items))


_SESSION_TABLES = frozenset({"voice", "sounds", "announce", "reminders"})


def place_of(key: KeyPath | None) -> tuple[Loc | None, str | None]:
    """The place and key a problem's key path names: ("phase", 1, "cue", 0, "at") ->
    (Loc(phase=1, cue=0), "at"). (None, None) for the file as a whole or its syntax."""
    if key is None:
        return None, None
    if not key:
        return Loc(), None
    head = key[0]
    if head in _SESSION_TABLES:
        name = next((part for part in key[1:2] if isinstance(part, str)), None)
        return Loc(table=str(head)), name
    if head != "phase" or len(key) < 2 or not isinstance(key[1], int):
        return Loc(), str(head)
    numbers: dict[str, int] = {"phase": key[1]}
    rest = key[2:]
    while len(rest) >= 2 and rest[0] in ("step", "cue") and isinstance(rest[1], int):
        numbers[str(rest[0])] = rest[1]
        rest = rest[2:]
    name = str(rest[0]) if rest and isinstance(rest[0], str) else None
    return Loc(phase=numbers["phase"], step=numbers.get("step"), cue=numbers.get("cue")), name
