"""`walktimer cache [clear]`: where the rendered speech is kept, how big it is, and emptying it."""

from __future__ import annotations

import argparse

HELP = "Show or empty the cache of rendered speech."

DESCRIPTION = """\
Spoken cues are rendered to WAV files once and kept in the user cache directory, so a
session starts at once the next time. `walktimer cache` shows where and how much;
`walktimer cache clear` deletes them all (they are rendered again when needed)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "action",
        nargs="?",
        choices=("show", "clear"),
        default="show",
        help="show (the default) or clear",
    )


def run(args: argparse.Namespace) -> int:
    from walktimer.audio.cache import SpeechCache

    cache = SpeechCache()
    if args.action == "clear":
        try:
            freed = cache.clear()
        except OSError as error:
            print(f"walktimer: could not empty the speech cache {cache.folder}: {error.strerror}.")
            return 1
        if freed.files == 0:
            print(f"The speech cache is already empty ({cache.folder}).")
        else:
            print(f"Freed {freed} from the speech cache ({cache.folder}).")
        return 0
    usage = cache.usage()
    print(f"Speech cache: {cache.folder}: {usage}.")
    if usage.files:
        print("`walktimer cache clear` empties it; cues are rendered again when needed.")
    return 0
