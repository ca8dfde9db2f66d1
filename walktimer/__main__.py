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
    """A sentence when a window cannot be shown here (Linux without X11 or Wayland), since
    Qt's own message then wrongly asks for xcb libraries."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "walktimer: there is no display to open a window on (neither DISPLAY nor "
        "WAYLAND_DISPLAY is set). Start it from a desktop session, or walk in this terminal "
        "with: walktimer run SESSION --no-gui"
    )


def _gui(args: list[str]) -> int:
    import importlib

    try:
        app = importlib.import_module("walktimer.ui.app")
    except ImportError as error:
        print(f"walktimer: the window cannot start: {error}", file=sys.stderr)
        return 1
    code: int = app.run_gui(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
