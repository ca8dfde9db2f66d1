"""`walktimer import FILE.zwo`: turn a Zwift workout into a session script beside it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from walktimer.i18n import N_

HELP = N_("Import a Zwift workout (.zwo) as a session script.")

DESCRIPTION = """\
Import a Zwift workout (.zwo) as a session script.

Each block becomes a phase (an IntervalsT a repeated block of an on and an off step) and
each text event a spoken cue. Intensities are shares of FTP (bike) or of a reference pace
(run); without --reference-speed they are written into each phase's instructions, with it
they become treadmill speeds. Distance workouts need --reference-speed to turn metres into
times.

The script is written to OUT.toml (default: FILE with .toml, in the same folder); an
existing file is replaced only with --force. Use -o - to print it instead.

Exit status: 0 when the script was written, 1 when the file cannot be imported or the
output exists, 2 on a usage error."""


_EXISTS = "this file already exists: choose another name with -o, or add --force to replace it"


# A verb is edge code, like the window, so it may import walktimer.importing (noqa: TID251);
# ruff's banned-api keeps the importers out of the core and the other packages.
def _reference_speed(text: str) -> object:
    from walktimer.importing.zwo import ZwoError, parse_reference_speed  # noqa: TID251

    try:
        return parse_reference_speed(text)
    except ZwoError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("file", metavar="FILE.zwo", help="the Zwift workout to import")
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.toml",
        help="where to write the script (default: FILE with .toml); - prints it",
    )
    parser.add_argument(
        "--reference-speed",
        metavar="SPEED",
        type=_reference_speed,
        help='the speed that 100%% stands for, like "6 km/h" or "3.7 mph"; sets speed targets',
    )
    parser.add_argument(
        "-f", "--force", action="store_true", help="replace OUT.toml if it already exists"
    )


def run(args: argparse.Namespace) -> int:
    from walktimer.core.durations import format_clock
    from walktimer.core.loader import load_text
    from walktimer.importing.zwo import ZwoError, import_zwo_file  # noqa: TID251

    source = str(args.file)
    out = None if args.output == "-" else Path(args.output or Path(source).with_suffix(".toml"))
    if out is not None and out.exists() and not args.force and not out.is_dir():
        print(f"{out}: error: {_EXISTS}", file=sys.stderr)
        return 1
    try:
        result = import_zwo_file(source, args.reference_speed)
    except ZwoError as error:
        print(f"{source}: error: {error}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"{source}: warning: {warning}", file=sys.stderr)
    if out is None:
        sys.stdout.write(result.toml_text)
        return 0
    problem = _write(out, result.toml_text, force=args.force)
    if problem is not None:
        print(f"{out}: error: {problem}", file=sys.stderr)
        return 1
    session = load_text(result.toml_text, out)
    total = format_clock(session.total_seconds)
    played = len(session.flat_phases())
    noun = "phase" if played == 1 else "phases"
    print(f"Wrote {out}: {session.name} ({total}, {played} {noun})")
    return 0


def _write(out: Path, text: str, *, force: bool) -> str | None:
    """Write `text` to `out` in one step; None when done, else why not (one sentence)."""
    from walktimer import files

    folder = out.parent
    if out.is_dir():
        return "this is a folder: give the path of the .toml file to write with -o"
    if not folder.is_dir():
        return f"the folder {folder} does not exist: create it, or choose another with -o"
    if out.exists() and not force:
        return _EXISTS
    try:
        # Without --force a file that appeared meanwhile is never replaced.
        files.write_atomic(out, text.encode("utf-8"), overwrite=force)
    except FileExistsError:
        return _EXISTS
    except OSError as error:
        return f"cannot write the script ({error.strerror or error}): check the folder"
    return None
