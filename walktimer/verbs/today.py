"""`walktimer today`: the next walk of the programme you follow, and --run to walk it here."""

from __future__ import annotations

import argparse
import sys

from walktimer.i18n import N_, interface

HELP = N_("Say the next walk of your programme, or walk it in this terminal with --run.")

DESCRIPTION = N_("""\
Say the next walk of the programme you follow ("Week 2 - walk 3 of 5: Beginner walk,
15 minutes"), and why the programme waits if it does.

With --run the walk runs in this terminal (as `walktimer run --no-gui`) and counts for the
programme when it ends; on a terminal it asks for the pain before and after it. When the
pain diary advises rest, the advice is shown before the walk, and said once.

Exit status: 0 on success, 1 when you follow no programme (with --run), the programme or
its session is not valid, or the history cannot be read; 130 on Ctrl-C.""")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t = interface()
    parser.description = t.gettext(DESCRIPTION)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--run", action="store_true", help=t.gettext("walk it now, in this terminal")
    )
    parser.add_argument(
        "--mute", action="store_true", help=t.gettext("no sound (cues are still printed)")
    )
    parser.add_argument(
        "--no-diary",
        action="store_true",
        help=t.gettext("do not ask for the pain before and after"),
    )


def run(args: argparse.Namespace) -> int:
    from walktimer.history.log import HistoryError
    from walktimer.programmes.build import speak_first
    from walktimer.programmes.format import ProgrammeError
    from walktimer.programmes.store import EnrolmentError
    from walktimer.verbs import programme as verb

    programmes = verb.service()
    today = verb._today()
    try:
        walk = programmes.today(today)
    except ProgrammeError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except (EnrolmentError, HistoryError) as error:
        verb._err(str(error))
        return 1
    if walk is None:
        print(interface().gettext(verb.NO_PROGRAMME))
        return 1 if args.run else 0
    lines = verb.status_lines(walk.enrolment, walk.status, today)
    print("\n".join(lines))
    if not args.run:
        return 0
    if walk.status.finished:
        return 0
    if walk.enrolment.paused:
        message = N_("The programme is paused; `walktimer programme resume` first, to walk it.")
        verb._err(interface().gettext(message))
        return 1
    advice = walk.advice_to_say  # shown above; spoken once, before the walk
    if advice is not None and walk.status.hold is not None:
        try:
            programmes.advice_said(walk.status.hold.since_walk)
        except EnrolmentError as error:
            verb._err(str(error))
    from walktimer.runner import run_terminal

    session = walk.session if advice is None else speak_first(walk.session, advice)
    terminal = argparse.Namespace(
        mute=args.mute, speed=1.0, events=None, duck="lower", duck_tones=True
    )
    return run_terminal(
        terminal,
        session,
        path=walk.session_path,
        programme=walk.tag,
        diary=not args.no_diary,
    )
