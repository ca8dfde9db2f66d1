"""The composition root: `walktimer VERB ...` runs a command-line verb, anything else the GUI."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Sequence

EXIT_USAGE = 2
EXIT_NO_DISPLAY = 1
_CLI_OPTIONS = {"-h", "--help", "--version"}
_SESSION_SUFFIXES = (".toml", ".zwo")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from walktimer import cli

    debug = [a for a in args if a == "--debug"]  # for the window as for every verb
    rest = [a for a in args if a != "--debug"]
    if rest and (cli.is_verb(rest[0]) or rest[0] in _CLI_OPTIONS):
        return cli.main(args)
    if rest and not rest[0].startswith("-") and not _names_a_session(rest[0]):
        print(_unknown_word(rest[0], cli.VERBS), file=sys.stderr)
        return EXIT_USAGE
    problem = _no_display()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    if rest and not rest[0].startswith("-"):
        rest[0] = _session_path(rest[0])
    return _gui(debug + rest)


def _names_a_session(word: str) -> bool:
    """Whether the GUI should try to open `word`: an existing path, something that looks like
    a script or workout file (the window then says what is wrong with it), or a bundled name."""
    from walktimer import resources

    if word.lower().endswith(_SESSION_SUFFIXES) or os.sep in word:
        return True
    return resources.resolve_session(word) is not None


def _session_path(word: str) -> str:
    """A bundled session's name becomes its path; anything else is passed on as written."""
    from walktimer import resources

    path = resources.resolve_session(word)
    return str(path) if path is not None else word


def _unknown_word(word: str, verbs: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, verbs, n=1)
    hint = f' Did you mean "walktimer {close[0]}"?' if close else ""
    return (
        f'walktimer: "{word}" is neither a command nor a session file.{hint} '
        f"Commands: {', '.join(verbs)}; see walktimer --help."
    )


def _no_display() -> str | None:
    """A sentence when a window cannot be shown here, asked before Qt is imported (run_gui
    asks again, for the other ways into the window)."""
    from walktimer.ui.display import no_display

    return no_display()


def _gui(args: list[str]) -> int:
    try:
        from walktimer.ui.app import run_gui  # Qt: only when the window is wanted
    except ImportError as error:
        print(f"walktimer: the window cannot start: {error}", file=sys.stderr)
        return 1
    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
