"""`walktimer cache [clear]`: where the rendered speech is kept, how big it is, and emptying it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from walktimer.i18n import N_, interface

if TYPE_CHECKING:
    from walktimer.audio.cache import CacheUsage
    from walktimer.i18n import Phrases

HELP = N_("Show or empty the cache of rendered speech.")

DESCRIPTION = N_("""\
Spoken cues are rendered to WAV files once and kept in the user cache directory, so a
session starts at once the next time. `walktimer cache` shows where and how much;
`walktimer cache clear` deletes them all (they are rendered again when needed).""")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t = interface()
    parser.description = t.gettext(DESCRIPTION)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "action",
        nargs="?",
        choices=("show", "clear"),
        default="show",
        help=t.gettext("show (the default) or clear"),
    )


def _amount(t: Phrases, usage: CacheUsage) -> str:
    """ "3 files, 1.2 MiB" in the terminal's language."""
    from walktimer.audio.cache import format_bytes

    files = t.ngettext("{count} file", "{count} files", usage.files).format(count=usage.files)
    size = usage.bytes
    if size < 1024:
        amount = t.ngettext("{count} byte", "{count} bytes", size).format(count=size)
    else:
        amount = format_bytes(size).replace(".", t.decimal_mark)  # "1.5 MiB", "1,5 MiB"
    return f"{files}, {amount}"


def run(args: argparse.Namespace) -> int:
    from walktimer.audio.cache import SpeechCache

    t = interface()
    cache = SpeechCache()
    folder = cache.folder
    if args.action == "clear":
        try:
            freed = cache.clear()
        except OSError as error:
            print(
                t.gettext("walktimer: could not empty the speech cache {folder}: {reason}.").format(
                    folder=folder, reason=error.strerror
                )
            )
            return 1
        if freed.files == 0:
            print(t.gettext("The speech cache is already empty ({folder}).").format(folder=folder))
        else:
            print(
                t.gettext("Freed {size} from the speech cache ({folder}).").format(
                    size=_amount(t, freed), folder=folder
                )
            )
        return 0
    usage = cache.usage()
    print(
        t.gettext("Speech cache: {folder}: {usage}.").format(folder=folder, usage=_amount(t, usage))
    )
    if usage.files:
        print(t.gettext("`walktimer cache clear` empties it; cues are rendered again when needed."))
    return 0
