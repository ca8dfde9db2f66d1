"""`walktimer check FILE...`: say whether session scripts are valid, and every problem if not."""

from __future__ import annotations

import argparse
import shlex
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from walktimer.core.script import Session

HELP = "Check session scripts and list every problem in them."

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
    from walktimer.core.loader import SessionError, load_path
    from walktimer.resources import resolve_session

    status = 0
    for name in args.files:
        if name.lower().endswith(".zwo"):
            status = 1
            print(printable(_zwo_sentence(name)))
            continue
        try:
            session = load_path(resolve_session(name) or name)
        except SessionError as error:
            status = 1
            for problem in error.problems:
                print(printable(str(problem)))
            continue
        print(printable(summary(session), keep_newlines=True))
    return status


def _zwo_sentence(name: str) -> str:
    """What `check` says of a Zwift workout: it is not a script, and how to make one."""
    quoted = shlex.quote(name)
    return (
        f"{name}: this is a Zwift workout, not a session script: "
        f"convert it with `walktimer import {quoted}`, then check the .toml it writes."
    )
