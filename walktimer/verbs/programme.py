"""`walktimer programme ...`: choose a programme of weeks, and see, pause or leave it."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

from walktimer.i18n import N_, interface

if TYPE_CHECKING:
    from walktimer.programmes.format import Programme
    from walktimer.programmes.progress import Status
    from walktimer.programmes.store import Enrolment, Programmes

HELP = N_("Follow a programme of weeks that builds up your walks: list, start, pause, leave.")

DESCRIPTION = N_("""\
Follow a programme: weeks of walks that build up slowly, as the back-care guidance asks
(start with 10-15 minutes, build up to 30 minutes a day on five days a week).

  list              the bundled programmes
  show NAME         a programme's weeks (NAME: a bundled programme or a .toml file)
  check FILE        check a programme file: every problem as FILE:LINE:COL
  start NAME        follow NAME from its first week (choose is the same)
  status            where you are, and why the programme waits if it does
  pause / resume    stop counting walks for a while, and carry on
  restart           the same programme again from week 1
  leave             follow no programme (the walks stay in the history)

`walktimer today` says the next walk, and `walktimer today --run` walks it in this
terminal and counts it for the programme.

A week moves on when its walks are done (one a day counts). It stays when the pain diary
says walking made things worse: more pain after the last walk than before it, or more pain
after it than after the one before. A rating of 7 or more, or two walks in a row each 2 or
more points worse after than before, also holds the week and advises rest and a talk with
your doctor or physiotherapist. The format is in docs/programme-format.md.

Exit status: 0 on success, 1 when a programme is not valid or cannot be found, or the
choice or the history cannot be read, 2 on a usage error.""")

NO_PROGRAMME = N_(
    "You follow no programme: `walktimer programme list` shows them, and "
    "`walktimer programme start NAME` chooses one."
)
ACTIONS: tuple[str, ...] = ("list", "show", "check", "start", "choose", "status", "pause")
ACTIONS += ("resume", "restart", "leave", "schema")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t = interface()
    parser.description = t.gettext(DESCRIPTION)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("action", metavar="ACTION", choices=ACTIONS, help=", ".join(ACTIONS))
    parser.add_argument(
        "name", metavar="NAME", nargs="?", help=t.gettext("a programme's name or file")
    )


def _today() -> date:
    """The walker's calendar day, read here at the edge (tests replace it)."""
    return datetime.now().astimezone().date()


def _err(text: str) -> None:
    print(f"walktimer: {text}", file=sys.stderr)


def service() -> Programmes:
    from walktimer.programmes.store import Programmes

    return Programmes()


def run(args: argparse.Namespace) -> int:
    from walktimer.history.log import HistoryError
    from walktimer.programmes.format import ProgrammeError
    from walktimer.programmes.store import EnrolmentError

    t = interface()
    needs_name = args.action in ("show", "check", "start", "choose")
    if needs_name and not args.name:
        message = t.gettext(
            "`walktimer programme {action}` needs a NAME; `programme list` shows them."
        )
        _err(message.format(action=args.action))
        return 2
    if not needs_name and args.name:
        _err(t.gettext("`walktimer programme {action}` takes no NAME.").format(action=args.action))
        return 2
    try:
        return _act(args.action, args.name, service())
    except ProgrammeError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except (EnrolmentError, HistoryError) as error:
        _err(str(error))
        return 1


def _act(action: str, name: str | None, programmes: Programmes) -> int:
    t = interface()
    today = _today()
    if action == "list":
        return _list(programmes)
    if action == "schema":
        import json

        from walktimer.programmes.schema import build_schema

        print(json.dumps(build_schema(), indent=2))
        return 0
    if action in ("show", "check"):
        assert name is not None
        programme = programmes.load(name)
        if action == "check":
            weeks = len(programme.weeks)
            ok = t.ngettext(
                "{file}: OK, {name}: {weeks} week.", "{file}: OK, {name}: {weeks} weeks.", weeks
            )
            print(ok.format(file=name, name=programme.name, weeks=weeks))
        else:
            print("\n".join(describe(programme)))
        return 0
    if action in ("start", "choose", "restart"):
        if action == "restart":
            _, programme = programmes.restart(today)
        else:
            assert name is not None
            _, programme = programmes.start(name, today)
        print(t.gettext("You now follow {name}, from week 1.").format(name=programme.name))
        return _status(programmes, today)
    if action == "pause":
        programmes.pause()
        print(
            t.gettext("The programme is paused: walks count for it again after `programme resume`.")
        )
        return 0
    if action == "resume":
        programmes.resume()
        print(t.gettext("The programme carries on."))
        return _status(programmes, today)
    if action == "leave":
        left = programmes.leave()
        if left is None:
            print(t.gettext("You follow no programme."))
        else:
            print(t.gettext("You follow no programme now; its walks stay in the history."))
        return 0
    return _status(programmes, today)


def _list(programmes: Programmes) -> int:
    from walktimer import resources

    t = interface()
    current = programmes.current()
    for path in resources.bundled_programmes():
        programme = programmes.load(path.stem)
        first = programme.weeks[0].planned_seconds // 60
        last = programme.weeks[-1].planned_seconds // 60
        mark = "*" if current is not None and current.programme == path.stem else " "
        weeks = len(programme.weeks)
        span = t.ngettext(
            "{name}: {weeks} week, {first} to {last} minutes",
            "{name}: {weeks} weeks, {first} to {last} minutes",
            weeks,
        )
        span = span.format(name=programme.name, weeks=weeks, first=first, last=last)
        print(f"{mark} {path.stem:<18} {span}")
    if current is not None:
        print(t.gettext("(* the programme you follow)"))
    return 0


def describe(programme: Programme) -> list[str]:
    t = interface()
    lines = [programme.name]
    if programme.description:
        lines.append(" ".join(programme.description.split()))
    for week in programme.weeks:
        walks = t.ngettext("{n} walk", "{n} walks", week.walks).format(n=week.walks)
        heading = t.gettext("Week {number}: {walks}: {session}")
        lines.append(
            "  " + heading.format(number=week.number, walks=walks, session=week.session_name)
        )
        if week.note:
            lines.append(f"          {week.note}")
    return lines


def status_lines(enrolment: Enrolment, where: Status, today: date) -> list[str]:
    """What `programme status` and `today` print about where the walker is."""
    t = interface()
    lines = []
    if enrolment.paused:
        lines.append(
            t.gettext(
                "{name} is paused (walks do not count for it); "
                "`walktimer programme resume` carries on."
            ).format(name=where.programme.name)
        )
    if where.finished:
        another = t.gettext("Choose another with `walktimer programme start NAME`.")
        lines.append(f"{where.headline} {another}")
        return lines
    lines.append(where.headline)
    lines += where.reasons
    if where.advice is not None:
        lines.append(where.advice)
    return lines


def _status(programmes: Programmes, today: date) -> int:
    found = programmes.status(today)
    if found is None:
        print(interface().gettext(NO_PROGRAMME))
        return 0
    enrolment, where = found
    print("\n".join(status_lines(enrolment, where, today)))
    return 0
