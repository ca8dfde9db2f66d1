"""`walktimer import FILE.zwo`: turn a Zwift workout into a session script beside it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from walktimer.i18n import N_, interface

HELP = N_("Import a Zwift workout (.zwo) as a session script.")

DESCRIPTION = N_("""\
Import a Zwift workout (.zwo) as a session script.

Each block becomes a phase (an IntervalsT a repeated block of an on and an off step) and
each text event a spoken cue. Intensities are shares of FTP (bike) or of a reference pace
(run); without --reference-speed they are written into each phase's instructions, with it
they become treadmill speeds. Distance workouts need --reference-speed to turn metres into
times.

The script is written to OUT.toml (default: FILE with .toml, in the same folder); an
existing file is replaced only with --force. Use -o - to print it instead.

Exit status: 0 when the script was written, 1 when the file cannot be imported or the
output exists, 2 on a usage error.""")


_EXISTS = N_("this file already exists: choose another name with -o, or add --force to replace it")


# A verb is edge code, like the window, so it may import walktimer.importing (noqa: TID251);
# ruff's banned-api keeps the importers out of the core and the other packages.
def _reference_speed(text: str) -> object:
    from walktimer.importing.zwo import ZwoError, parse_reference_speed  # noqa: TID251

    try:
        return parse_reference_speed(text)
    except ZwoError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t = interface()
    parser.description = t.gettext(DESCRIPTION)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("file", metavar="FILE.zwo", help=t.gettext("the Zwift workout to import"))
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.toml",
        help=t.gettext("where to write the script (default: FILE with .toml); - prints it"),
    )
    parser.add_argument(
        "--reference-speed",
        metavar="SPEED",
        type=_reference_speed,
        help=t.gettext(
            'the speed that 100%% stands for, like "6 km/h" or "3.7 mph"; sets speed targets'
        ),
    )
    parser.add_argument(
        "-f",
        "--force",
        action="store_true",
        help=t.gettext("replace OUT.toml if it already exists"),
    )


def run(args: argparse.Namespace) -> int:
    from walktimer.core.durations import format_clock
    from walktimer.core.loader import load_text
    from walktimer.importing.zwo import ZwoError, import_zwo_file  # noqa: TID251

    t = interface()
    error_line = t.gettext("{file}: error: {problem}")
    source = str(args.file)
    out = None if args.output == "-" else Path(args.output or Path(source).with_suffix(".toml"))
    if out is not None and out.exists() and not args.force and not out.is_dir():
        print(error_line.format(file=out, problem=t.gettext(_EXISTS)), file=sys.stderr)
        return 1
    try:
        result = import_zwo_file(source, args.reference_speed)
    except ZwoError as error:
        print(error_line.format(file=source, problem=error), file=sys.stderr)
        return 1
    for warning in result.warnings:
        warning_line = t.gettext("{file}: warning: {problem}")
        print(warning_line.format(file=source, problem=warning), file=sys.stderr)
    if out is None:
        sys.stdout.write(result.toml_text)
        return 0
    problem = _write(out, result.toml_text, force=args.force)
    if problem is not None:
        print(error_line.format(file=out, problem=problem), file=sys.stderr)
        return 1
    session = load_text(result.toml_text, out)
    total = format_clock(session.total_seconds)
    played = len(session.flat_phases())
    wrote = t.ngettext(
        "Wrote {file}: {name} ({total}, {count} phase)",
        "Wrote {file}: {name} ({total}, {count} phases)",
        played,
    )
    print(wrote.format(file=out, name=session.name, total=total, count=played))
    return 0


def _write(out: Path, text: str, *, force: bool) -> str | None:
    """Write `text` to `out` in one step; None when done, else why not (one sentence)."""
    from walktimer import files

    t = interface()
    folder = out.parent
    if out.is_dir():
        return t.gettext("this is a folder: give the path of the .toml file to write with -o")
    if not folder.is_dir():
        message = t.gettext(
            "the folder {folder} does not exist: create it, or choose another with -o"
        )
        return message.format(folder=folder)
    if out.exists() and not force:
        return t.gettext(_EXISTS)
    try:
        # Without --force a file that appeared meanwhile is never replaced.
        files.write_atomic(out, text.encode("utf-8"), overwrite=force)
    except FileExistsError:
        return t.gettext(_EXISTS)
    except OSError as error:
        message = t.gettext("cannot write the script ({reason}): check the folder")
        return message.format(reason=error.strerror or error)
    return None
