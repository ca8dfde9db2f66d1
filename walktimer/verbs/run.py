"""`walktimer run [FILE]`: run a session in the window, or in the terminal with --no-gui."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from walktimer.i18n import N_

if TYPE_CHECKING:
    from walktimer.history.resume import ResumePoint

HELP = N_("Run a session: in the window, or in this terminal with --no-gui.")

DESCRIPTION = """\
Run a session script. FILE is a .toml script or the name of a bundled session
(back-care-30, beginner-15, ...); without FILE, the default bundled session.

With --no-gui the session runs in this terminal. On a terminal it shows the phase, the
time left in big digits, what comes next and a progress bar, and takes keys:
  space  pause / resume      n  next phase       p  back (restart the phase, or the one before)
  +      one more minute     q  stop (asks first)
Without a terminal (output to a pipe or file) keys are off and each phase and each cue is
printed as a line. Ctrl-C stops the session.

Before and after a real walk on a terminal it asks for the pain in your back, 0 (none) to
10 (the worst imaginable), and a short note, for the pain diary: type the number and Enter,
or just Enter to skip (--no-diary never asks). Without a terminal, for a demo (--speed) or
a resumed walk nothing is asked.

While a session runs, where it is is saved every few seconds; a finished or stopped session
is added to the history (`walktimer history`). If the last session died instead (a crash, a
power cut, kill -9), --no-gui deals with it first: with --resume it carries on where it
stopped, without asking (FILE is then not needed); on a terminal without --resume it asks
whether to resume it, log it as interrupted or ignore it; with no terminal and no --resume
it is logged as interrupted and FILE starts afresh. A session whose script has changed
since cannot be resumed and is logged as interrupted. The window offers the same choice
when it opens.

Exit status: 0 when the session finished or was stopped with q, 1 when the script is not
valid (every problem is printed) or cannot be found, 2 on a usage error, 130 on Ctrl-C."""

MAX_SPEED = 10_000.0
DEFAULT_MAX_SPEED = 6.0  # km/h; walktimer.core.treadmill.DEFAULT_MAX_SPEED
BELT_TOP_SPEED = 25.0  # km/h: no walking treadmill goes faster


def _number(text: str, top: float, refusal: str) -> float:
    """`text` as a number greater than 0 and at most `top`; else `refusal` (with the text)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= top):
        raise argparse.ArgumentTypeError(f"{refusal}, not {text!r}")
    return value


def _max_speed(text: str) -> float:
    return _number(
        text,
        BELT_TOP_SPEED,
        f"the maximum speed is in km/h, greater than 0 and at most {BELT_TOP_SPEED:g}, like 6",
    )


def _speed(text: str) -> float:
    return _number(
        text,
        MAX_SPEED,
        f"the speed must be a number greater than 0 and at most {MAX_SPEED:g}, "
        "like 60 (a minute a second)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "file", metavar="FILE", nargs="?", help="a session script, or a bundled session's name"
    )
    parser.add_argument("--no-gui", action="store_true", help="run in this terminal")
    parser.add_argument("--mute", action="store_true", help="no sound (cues are still printed)")
    parser.add_argument(
        "--speed",
        metavar="FACTOR",
        type=_speed,
        default=1.0,
        help="run the clock FACTOR times faster, for demos and tests; "
        "the history keeps such a run as a demo that counts towards no goal",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="carry on an interrupted session without asking (--no-gui only)",
    )
    parser.add_argument(
        "--duck",
        choices=("lower", "pause", "off"),
        default="lower",
        help="what other media players do while a cue is spoken: lower their volume "
        "(the default), pause, or nothing (--no-gui only; the window has a setting)",
    )
    parser.add_argument(
        "--duck-tones",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="duck other players for tones too, not only for speech (the default)",
    )
    parser.add_argument(
        "--no-diary",
        action="store_true",
        help="do not ask for the pain before and after the walk (--no-gui only; it is never "
        "asked without a terminal or for a demo)",
    )
    parser.add_argument(
        "--treadmill",
        metavar="NAME|ADDRESS|auto",
        help="connect to a Bluetooth FTMS treadmill and show its belt beside the targets "
        "(--no-gui only); read-only unless --treadmill-control",
    )
    parser.add_argument(
        "--treadmill-control",
        action="store_true",
        help="let walktimer start, pause, stop the belt and set each phase's speed and "
        "incline, each change said three seconds ahead",
    )
    parser.add_argument(
        "--max-speed",
        metavar="KMH",
        type=_max_speed,
        default=DEFAULT_MAX_SPEED,
        help=f"with --treadmill-control, never set the belt faster (default {DEFAULT_MAX_SPEED:g})",
    )
    parser.add_argument(
        "--events",
        metavar="FILE",
        help="write one JSON line per fired cue to FILE: t_plan, t_fired, late_ms, kind, "
        "phase, text (--no-gui only)",
    )


def resolve(name: str | None) -> Path | None:
    """The script FILE names: a path, or a bundled session by name; None when neither."""
    from walktimer import resources

    return resources.resolve_session(name)


def _not_found(name: str) -> str:
    from walktimer import resources

    names = ", ".join(p.stem for p in resources.bundled_sessions())
    return (
        f"walktimer run: there is no file {name!r} and no bundled session of that name. "
        f"Give the path of a .toml script, or one of: {names}."
    )


def _pending(args: argparse.Namespace) -> ResumePoint | None:
    """The interrupted session to carry on, after asking if need be."""
    from walktimer.history.terminal import pending_for_terminal

    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    return pending_for_terminal(resume=args.resume, interactive=interactive)


def run(args: argparse.Namespace) -> int:
    point = _pending(args) if args.no_gui else None
    if point is not None:
        args.file = point.script_path  # a point offered for resuming always has its script
    elif args.no_gui and args.resume and args.file is None:
        message = "there is no interrupted session to resume; give a FILE to start one."
        print(f"walktimer run: {message}", file=sys.stderr)
        return 1
    path = resolve(args.file)
    if path is None:
        print(_not_found(args.file), file=sys.stderr)
        return 1
    if not args.no_gui:
        terminal_only = [
            option
            for option, given in (
                ("--events", args.events is not None),
                ("--resume", args.resume),
                ("--duck", args.duck != "lower"),
                ("--no-duck-tones", not args.duck_tones),
                ("--treadmill", args.treadmill is not None),
            )
            if given
        ]
        if terminal_only:
            print(
                f"walktimer run: {' and '.join(terminal_only)} "
                f"work{'s' if len(terminal_only) == 1 else ''} only with --no-gui; "
                "add --no-gui to run in the terminal.",
                file=sys.stderr,
            )
            return 2
        return _gui(path, debug=args.debug, mute=args.mute, speed=args.speed)
    if args.treadmill_control and args.treadmill is None:
        print(
            "walktimer run: --treadmill-control needs --treadmill NAME, ADDRESS or auto.",
            file=sys.stderr,
        )
        return 2

    from walktimer.core.format.text import printable
    from walktimer.core.loader import SessionError, load_path
    from walktimer.i18n import interface
    from walktimer.runner import run_terminal

    try:
        session = load_path(path, phrases=interface())
    except SessionError as error:
        for problem in error.problems:
            print(printable(str(problem)), file=sys.stderr)
        return 1
    return run_terminal(args, session, path=path, resume_from=point, diary=not args.no_diary)


def _gui(path: Path, *, debug: bool = False, mute: bool = False, speed: float = 1.0) -> int:
    try:
        from walktimer.ui.app import run_gui  # Qt: only when the window is wanted
    except ImportError as error:
        print(
            f"walktimer run: the window cannot start ({error}); "
            "add --no-gui to run in the terminal.",
            file=sys.stderr,
        )
        return 1
    options = ["--debug"] if debug else []
    if mute:
        options.append("--mute")
    if speed != 1.0:
        options += ["--speed", repr(speed)]
    return run_gui([*options, str(path)])
