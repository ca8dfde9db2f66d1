"""`walktimer schema`: print the JSON Schema of session scripts, for editors."""

from __future__ import annotations

import argparse

from walktimer.i18n import N_, interface

HELP = N_("Print the JSON Schema of session scripts (format 1), for editors.")

DESCRIPTION = N_("""\
Print the JSON Schema (draft 2020-12) of session scripts, format 1. Editors with TOML
support use it to complete keys, show what each key means and underline wrong values.

Save it once:
  walktimer schema > walktimer-session.schema.json
then point your editor at it. With VS Code's "Even Better TOML" (taplo), put this line at
the top of a script:
  #:schema ./walktimer-session.schema.json

The schema catches most mistakes as you type; `walktimer check FILE` catches all of them
(for example a cue that falls outside its phase, or a sound file that does not exist).""")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = interface().gettext(DESCRIPTION)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


def run(args: argparse.Namespace) -> int:
    import json

    from walktimer.core.schema import build_schema

    print(json.dumps(build_schema(), indent=2, ensure_ascii=False))
    return 0
