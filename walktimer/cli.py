"""The command-line verbs: one parser, each verb in its own module under walktimer.verbs.

A verb module provides HELP (one line), add_arguments(parser) and run(args) -> exit code.
Every verb logs to the window's rotating log file; `--debug` (before or after the verb) logs
everything, to that file and to stderr.
Exit codes: 0 success, 1 invalid input (a bad script, a failed check), 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from walktimer import __version__
from walktimer.i18n import N_, interface

# The verbs in the order `walktimer --help` lists them.
VERBS: tuple[str, ...] = (
    "run",
    "check",
    "plan",
    "schema",
    "history",
    "programme",
    "today",
    "import",
    "doctor",
    "treadmill",
    "cache",
    "install-desktop",
)
# Verbs whose module has another name ("import" is a Python keyword).
_MODULES = {"import": "import_zwo"}

DEBUG_HELP = N_("log everything, to the log file and to the terminal")

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _verb_module(name: str) -> ModuleType:
    module = _MODULES.get(name, name.replace("-", "_"))
    return importlib.import_module(f"walktimer.verbs.{module}")


def build_parser() -> argparse.ArgumentParser:
    t = interface()
    parser = _Parser(
        prog="walktimer",
        description=t.gettext("A guided walking timer that speaks your session script."),
    )
    parser.add_argument("--version", action="version", version=f"walktimer {__version__}")
    parser.add_argument("--debug", action="store_true", help=t.gettext(DEBUG_HELP))
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for name in VERBS:
        module = _verb_module(name)
        summary = t.gettext(module.HELP)
        verb_parser = sub.add_parser(name, help=summary, description=summary)
        module.add_arguments(verb_parser)
        # After the verb too; SUPPRESS keeps a --debug given before it.
        verb_parser.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=t.gettext(DEBUG_HELP)
        )
        verb_parser.set_defaults(_run=module.run)
    return parser


def is_verb(word: str) -> bool:
    return word in VERBS


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verb is None:
        parser.print_help()
        return EXIT_USAGE
    from walktimer.logs import setup_logging

    # The same log file as the window's; on the terminal only the verbs' own sentences.
    setup_logging(debug=args.debug, console=False)
    logging.getLogger(__name__).debug("walktimer %s %s", __version__, args.verb)
    try:
        code: int = args._run(args)
    except KeyboardInterrupt:
        print(interface().gettext("walktimer: interrupted."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code
