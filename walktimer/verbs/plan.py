"""`walktimer plan FILE`: the timeline of a session script, as a table or as JSON."""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from walktimer.core.plan import Event, Plan

HELP = "Show when every cue of a session script is spoken or sounded."

DESCRIPTION = """\
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
standard error), 2 on a usage error."""

AT_LEAST_MARK = "+"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "file", metavar="FILE", help="a session script (.toml), or a bundled session's name"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the timeline as JSON instead of a table"
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


def _what(event: Event) -> str:
    from walktimer.core.durations import format_compact

    parts = []
    if event.sound is not None:
        parts.append(f"[{event.sound.label}]")
    if event.text:
        parts.append(event.text)
    if event.every is not None:
        parts.append(f"(repeats every {format_compact(round(event.every))} until Next)")
    return " ".join(parts)


def rows(plan: Plan) -> list[Row]:
    """The table's lines, in timeline order."""
    from walktimer.core.durations import format_hms
    from walktimer.core.plan import EventKind

    late = _after_manual(plan)
    out = []
    for event in plan.events:
        phase = plan.phases[event.phase]
        # After a manual last phase, the finish comes whenever the walker presses Next.
        at_least = late[event.phase] or (phase.manual and event.kind is EventKind.FINISH)
        mark = AT_LEAST_MARK if at_least else ""
        out.append(Row(format_hms(event.t) + mark, phase.name, event.kind.value, _what(event)))
    return out


def table(plan: Plan) -> str:
    """The whole text output: a heading, the table and, with manual phases, a footnote."""
    from walktimer.core.durations import format_clock

    body = rows(plan)
    played = len(plan.phases)
    total = format_clock(plan.total)
    if plan.has_manual:
        total = f"at least {total}"
    noun = "phase" if played == 1 else "phases"
    lines = [f"{plan.session.name}  ({total}, {played} {noun}, {len(body)} events)", ""]
    header = Row("TIME", "PHASE", "EVENT", "WHAT")
    widths = [max(len(getattr(r, f)) for r in (header, *body)) for f in ("time", "phase", "kind")]
    for row in (header, *body):
        cells = (
            row.time.ljust(widths[0]),
            row.phase.ljust(widths[1]),
            row.kind.ljust(widths[2]),
            row.what,
        )
        lines.append("  ".join(cells).rstrip())
    if plan.has_manual:
        note = (
            f"Manual phases last until you press Next and count as 0 seconds here: times "
            f"marked {AT_LEAST_MARK} are the earliest they can come, and the session lasts "
            f"{total}."
        )
        lines.extend(["", *textwrap.wrap(note, width=88)])
    return "\n".join(lines)


def as_json(plan: Plan) -> list[dict[str, object]]:
    """The timeline as JSON-ready objects: t (seconds), phase, kind, text, sound.

    Sessions with manual phases add what the table shows with its marks: "at_least": true
    where t is only the earliest the event can come (after a manual phase, whose length is
    counted as zero), and "every": seconds for a cue that repeats until the walker presses
    Next.
    """
    from walktimer.core.plan import EventKind

    late = _after_manual(plan)
    out: list[dict[str, object]] = []
    for event in plan.events:
        t: float | int = int(event.t) if float(event.t).is_integer() else round(event.t, 3)
        phase = plan.phases[event.phase]
        item: dict[str, object] = {
            "t": t,
            "phase": phase.name,
            "kind": event.kind.value,
            "text": event.text,
            "sound": event.sound.label if event.sound is not None else None,
        }
        if late[event.phase] or (phase.manual and event.kind is EventKind.FINISH):
            item["at_least"] = True
        if event.every is not None:
            item["every"] = int(event.every) if event.every.is_integer() else event.every
        out.append(item)
    return out


def run(args: argparse.Namespace) -> int:
    import json

    from walktimer.core.format.text import printable
    from walktimer.core.loader import SessionError, load_path
    from walktimer.core.plan import build_plan
    from walktimer.resources import resolve_session

    try:
        session = load_path(resolve_session(args.file) or args.file)
    except SessionError as error:
        for problem in error.problems:
            print(printable(str(problem)), file=sys.stderr)
        return 1
    plan = build_plan(session)
    if args.json:
        text = json.dumps(as_json(plan), indent=2, ensure_ascii=False)
        print(printable(text, keep_newlines=True))
    else:
        print(printable(table(plan), keep_newlines=True))
    return 0
