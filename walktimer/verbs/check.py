"""`walktimer check FILE...`: say whether session scripts are valid, and every problem if not."""

from __future__ import annotations

import argparse
import shlex
from typing import TYPE_CHECKING

from walktimer.i18n import N_

if TYPE_CHECKING:
    from walktimer.core.script import Session

HELP = N_("Check session scripts and list every problem in them.")

DESCRIPTION = """\
Check session scripts and list every problem in them.

For each valid file it prints
  OK  NAME  (TOTAL, N phases)
where TOTAL is the planned length ("at least 12:00" when the script has manual phases,
which last as long as you need) and N counts the phases as they are played: a repeated
block with repeat = 3 and two steps counts as 6.

For each invalid file it prints every problem, one per line, as
  FILE:LINE:COL: error: WHERE: WHAT
(LINE:COL is left out where no position is known).

A valid file can also get warnings, printed below its OK line as
  FILE:LINE:COL: warning: WHERE: WHAT
for a cue that would still be speaking when the next sound is due (at the script's
rate, or at the one --rate gives). The session still runs; the warnings do not change
the exit status.

Exit status: 0 when every file is valid, 1 when any is not, 2 on a usage error."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="a session script (.toml), or a bundled session's name",
    )
    parser.add_argument(
        "--rate",
        type=_rate,
        metavar="WPM",
        help="time the cues at this speaking rate (words per minute) instead of the script's",
    )


def _rate(text: str) -> int:
    from walktimer.core.format.tables import LIMITS

    slowest, fastest = (int(bound) for bound in LIMITS["voice.rate"])
    try:
        rate = int(text)
    except ValueError:
        rate = 0
    if not slowest <= rate <= fastest:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a speaking rate: give a whole number of words per minute "
            f"from {slowest} to {fastest}"
        )
    return rate


def summary(session: Session) -> str:
    """`OK  NAME  (TOTAL, N phases)` for a loaded session."""
    from walktimer.core.durations import format_clock

    played = len(session.flat_phases())
    total = format_clock(session.total_seconds)
    if session.has_manual:
        total = f"at least {total}"
    noun = "phase" if played == 1 else "phases"
    return f"OK  {session.name}  ({total}, {played} {noun})"


def run(args: argparse.Namespace) -> int:
    from walktimer.core.format.text import printable
    from walktimer.core.loader import SessionError, load_path, overlap_warnings
    from walktimer.i18n import interface
    from walktimer.resources import resolve_session

    t = interface()
    status = 0
    for name in args.files:
        if name.lower().endswith(".zwo"):
            status = 1
            print(printable(_zwo_sentence(name)))
            continue
        try:
            session = load_path(resolve_session(name) or name, phrases=t)
        except SessionError as error:
            status = 1
            for problem in error.problems:
                print(printable(str(problem)))
            continue
        print(printable(summary(session), keep_newlines=True))
        for warning in overlap_warnings(session, _text(session), args.rate, phrases=t):
            print(printable(str(warning)))
    return status


def _text(session: Session) -> str | None:
    """The script's text again, for the warnings' line numbers (None when it is gone)."""
    if session.source is None:
        return None
    try:
        return session.source.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _zwo_sentence(name: str) -> str:
    """What `check` says of a Zwift workout: it is not a script, and how to make one."""
    quoted = shlex.quote(name)
    return (
        f"{name}: this is a Zwift workout, not a session script: "
        f"convert it with `walktimer import {quoted}`, then check the .toml it writes."
    )
