"""`walktimer plan FILE`: the timeline of a session script, as a table or as JSON."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from walktimer.i18n import N_, interface

if TYPE_CHECKING:
    from walktimer.core.plan import Event, Plan
    from walktimer.i18n import Phrases

HELP = N_("Show when every cue of a session script is spoken or sounded.")

DESCRIPTION = N_("""\
Show when every cue of a session script is spoken or sounded: one line per event, with its
time from the start of the session (h:mm:ss), the phase, the kind of event and what is
said, or the sound played as [name].

Manual phases last until you press Next, so they count as zero seconds here: a time marked
with + comes after a manual phase and is the earliest it can be, and the total is "at least".
A cue that repeats while a manual phase waits says so ("repeats every 25s").

With --json, prints a list of objects {"t": seconds, "phase": name, "kind": event kind,
"text": words or null, "sound": sound name or .wav path, or null}; with manual phases an
event may also carry "at_least": true (the + mark) and "every": seconds (a repeating cue).

Exit status: 0 when the file is valid, 1 when it is not (every problem is printed to
standard error), 2 on a usage error.""")

AT_LEAST_MARK = "+"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t = interface()
    parser.description = t.gettext(DESCRIPTION)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "file",
        metavar="FILE",
        help=t.gettext("a session script (.toml), or a bundled session's name"),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help=t.gettext("print the timeline as JSON instead of a table"),
    )


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    time: str  # "0:05:00", with AT_LEAST_MARK when a manual phase comes before it
    phase: str
    kind: str
    what: str


def _after_manual(plan: Plan) -> list[bool]:
    """Per phase: whether a manual phase comes before it, so its times are only a minimum."""
    out: list[bool] = []
    seen = False
    for phase in plan.phases:
        out.append(seen)
        seen = seen or phase.manual
    return out


def _what(event: Event, t: Phrases) -> str:
    from walktimer.core.durations import format_compact

    parts = []
    if event.sound is not None:
        parts.append(f"[{event.sound.label}]")
    if event.text:
        parts.append(event.text)
    if event.every is not None:
        every = format_compact(round(event.every))
        parts.append(t.gettext("(repeats every {every} until Next)").format(every=every))
    return " ".join(parts)


def rows(plan: Plan) -> Iterator[Row]:
    """The table's lines, in timeline order, made as they are read."""
    from walktimer.core.durations import format_hms

    t = interface()
    late = _after_manual(plan)
    for event, at_least in _marked(plan, late):
        mark = AT_LEAST_MARK if at_least else ""
        phase = plan.phases[event.phase]
        yield Row(format_hms(event.t) + mark, phase.name, event.kind.value, _what(event, t))


def _marked(plan: Plan, late: list[bool]) -> Iterator[tuple[Event, bool]]:
    """Each event, and whether its time is only the earliest it can come."""
    from walktimer.core.plan import EventKind

    for event in plan.iter_events():
        phase = plan.phases[event.phase]
        # After a manual last phase, the finish comes whenever the walker presses Next.
        yield event, late[event.phase] or (phase.manual and event.kind is EventKind.FINISH)


def _widths(plan: Plan, late: list[bool], header: Row) -> tuple[int, int, int]:
    """The widths of the time, phase and event columns, header included, from each phase's
    latest time and kinds of event, without laying out every event."""
    from walktimer.core.durations import format_hms

    widths = [len(header.time), len(header.phase), len(header.kind)]
    finish = plan.finish
    spans = [(plan.timeline(i).span(), late[i]) for i in range(len(plan.phases))]
    spans.append(((finish.t, {finish.kind}), late[-1] or plan.phases[-1].manual))
    for index, ((latest, kinds), marked) in enumerate(spans):
        phase = plan.phases[min(index, len(plan.phases) - 1)]
        # h:mm:ss only grows with the time: the phase's latest event has its widest time.
        widths[0] = max(widths[0], len(format_hms(latest)) + (1 if marked else 0))
        widths[1] = max(widths[1], len(phase.name))
        widths[2] = max(widths[2], *(len(kind.value) for kind in kinds))
    return widths[0], widths[1], widths[2]


def table_lines(plan: Plan) -> Iterator[str]:
    """The whole text output line by line: a heading, the table and, with manual phases, a
    footnote. Lines come as the timeline is read, so a long session starts printing at once."""
    from walktimer.core.durations import format_clock

    t = interface()
    played = len(plan.phases)
    total = format_clock(plan.total)
    if plan.has_manual:
        total = t.gettext("at least {total}").format(total=total)
    phases = t.ngettext("{count} phase", "{count} phases", played).format(count=played)
    count = plan.event_count
    events = t.ngettext("{count} event", "{count} events", count).format(count=count)
    yield f"{plan.session.name}  ({total}, {phases}, {events})"
    yield ""
    # Translators: the table's column headings, in capitals.
    header = Row(t.gettext("TIME"), t.gettext("PHASE"), t.gettext("EVENT"), t.gettext("WHAT"))
    widths = _widths(plan, _after_manual(plan), header)
    for row in chain([header], rows(plan)):
        cells = (
            row.time.ljust(widths[0]),
            row.phase.ljust(widths[1]),
            row.kind.ljust(widths[2]),
            row.what,
        )
        yield "  ".join(cells).rstrip()
    if plan.has_manual:
        note = t.gettext(
            "Manual phases last until you press Next and count as 0 seconds here: times "
            "marked {mark} are the earliest they can come, and the session lasts {total}."
        ).format(mark=AT_LEAST_MARK, total=total)
        yield ""
        yield from textwrap.wrap(note, width=88)


def table(plan: Plan) -> str:
    """The whole text output as one string."""
    return "\n".join(table_lines(plan))


def json_items(plan: Plan) -> Iterator[dict[str, object]]:
    """The timeline as JSON-ready objects: t (seconds), phase, kind, text, sound.

    Sessions with manual phases add what the table shows with its marks: "at_least": true
    where t is only the earliest the event can come (after a manual phase, whose length is
    counted as zero), and "every": seconds for a cue that repeats until the walker presses
    Next.
    """
    for event, at_least in _marked(plan, _after_manual(plan)):
        t: float | int = int(event.t) if float(event.t).is_integer() else round(event.t, 3)
        item: dict[str, object] = {
            "t": t,
            "phase": plan.phases[event.phase].name,
            "kind": event.kind.value,
            "text": event.text,
            "sound": event.sound.label if event.sound is not None else None,
        }
        if at_least:
            item["at_least"] = True
        if event.every is not None:
            item["every"] = int(event.every) if event.every.is_integer() else event.every
        yield item


def as_json(plan: Plan) -> list[dict[str, object]]:
    """json_items, all at once."""
    return list(json_items(plan))


def json_lines(plan: Plan) -> Iterator[str]:
    """The JSON list of json_items line by line as the timeline is read: the same text as
    json.dumps(as_json(plan), indent=2, ensure_ascii=False). Each item is flat, so it is
    written field by field (json's indenting encoder is about ten times slower)."""
    import json

    dumps = json.JSONEncoder(ensure_ascii=False).encode
    yield "["
    comma = ""
    for item in json_items(plan):
        if comma:
            yield comma
        yield "  {"
        fields = [f"    {dumps(key)}: {dumps(value)}" for key, value in item.items()]
        yield ",\n".join(fields)
        comma = "  },"
    yield "  }"
    yield "]"


def run(args: argparse.Namespace) -> int:
    from walktimer.core.format.text import printable
    from walktimer.core.loader import SessionError, load_path
    from walktimer.core.plan import build_plan
    from walktimer.i18n import host_language
    from walktimer.resources import resolve_session

    try:
        session = load_path(resolve_session(args.file) or args.file, phrases=interface())
    except SessionError as error:
        for problem in error.problems:
            print(printable(str(problem)), file=sys.stderr)
        return 1
    plan = build_plan(session, language=host_language(None, os.environ))
    out = sys.stdout
    for line in json_lines(plan) if args.json else table_lines(plan):
        out.write(printable(line, keep_newlines=True) + "\n")
    out.flush()
    return 0
