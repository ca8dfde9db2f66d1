"""The composition root: `walktimer VERB ...` runs a command-line verb, anything else the GUI."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from walktimer import cli

    if not args or (not cli.is_verb(args[0]) and args[0] not in {"-h", "--help", "--version"}):
        return _gui(args)
    return cli.main(args)


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
