"""No user-visible English literal in a translated module escapes the translation layer.

A translated module's prose (a literal with words in it) must sit inside gettext(), ngettext()
or N_(); docstrings, assert messages and log calls are for developers and are left alone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import walktimer

PACKAGE = Path(walktimer.__file__).resolve().parent
# The modules whose every user-visible text goes through walktimer.i18n.
TRANSLATED = [
    "core/engine.py",
    "core/format/text.py",
    "core/format/values.py",
    "core/loader/__init__.py",
    "core/loader/checker.py",
    "core/loader/messages.py",
    "core/loader/reading.py",
    "core/loader/syntax.py",
    "core/loader/wav.py",
    "core/plan.py",
    "core/script.py",
    "core/treadmill.py",
    "cli.py",
    "editing/commands.py",
    "editing/document.py",
    "editing/outline.py",
    "editing/scriptfile.py",
    "editing/storage.py",
    "files.py",
    "verbs/cache.py",
    "verbs/history.py",
    "verbs/import_zwo.py",
    "verbs/plan.py",
    "verbs/programme.py",
    "verbs/schema.py",
    "verbs/today.py",
    "ui/dialogs.py",
    "ui/settings_dialog.py",
    "ui/treadmill_picker.py",
    "ui/words.py",
    "ui/editor/forms.py",
    "ui/editor/source.py",
    "ui/editor/structure.py",
    "ui/editor/support.py",
    "ui/editor/window.py",
]
# Functions (or classes) of those modules not translated yet, each with the reason.
NOT_YET = {
    "core/treadmill.py": {"describe"},  # `walktimer treadmill scan`'s lines: the terminal only
    # The phases' statuses are values the history stores; __init__ refuses a plan without
    # phases, which is a programming error.
    "core/engine.py": {"PhaseStatus", "__init__"},
    # A Sound that is both or neither of a name and a path is a programming error.
    "core/script.py": {"__post_init__"},
    # Undo before apply and an unknown session table are programming errors.
    "editing/commands.py": {"undo", "__init__"},
    # A Loc that is no list element is a programming error.
    "editing/document.py": {"parent_list"},
    # The JSON schema's descriptions: the schema is English data for text editors.
    "core/format/values.py": {
        "duration_schema",
        "incline_schema",
        "offset_schema",
        "sound_schema",
        "speed_schema",
    },
    # tomli's own English messages, matched against and never shown (the hints are marked).
    "core/loader/syntax.py": {"_hints"},
}
MARKERS = {"gettext", "ngettext", "pgettext", "N_"}
LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical"}
# Calls whose text the user never reads (a style sheet).
NOT_SHOWN = {"setStyleSheet"}
# Calls that match a text against another's start or end: the text is compared, not shown.
MATCHED = {"endswith", "removeprefix", "removesuffix", "startswith"}
# Words with spaces between them ("Next: the end"), or a capitalised sentence ("Halfway.").
# In an f-string, a value between two words counts as a space ("Freed {} files.").
PROSE = re.compile(r"[A-Za-z]{2,}[,:;.!?]?( +| *\{\} *)[A-Za-z]{2,}|^[A-Z][a-z]+[.!?]$")


def _called(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return ""


def unwrapped(source: str, not_yet: frozenset[str] = frozenset()) -> list[str]:
    """`line N: text` for each prose literal outside the translation layer, but in the
    functions named in `not_yet`."""
    tree = ast.parse(source)
    skip: set[int] = set()

    def leave_out(node: ast.AST) -> None:
        skip.update(id(inner) for inner in ast.walk(node))

    for node in ast.walk(tree):
        name = _called(node)
        if (
            name in MARKERS
            or name in NOT_SHOWN
            or (
                name in LOG_CALLS
                and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name | ast.Call)
                and _called(node.func.value) != "print"
            )
        ):
            leave_out(node)
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in not_yet:
            leave_out(node)
        if isinstance(node, ast.Assert) and node.msg is not None:
            leave_out(node.msg)
        if isinstance(node, ast.Compare) or name in MATCHED:
            # A value compared with is a key ("TOML syntax"), not a text shown.
            leave_out(node)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                leave_out(body[0])
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            # An f-string is read whole, its values standing in as "{}".
            leave_out(node)
            text = "".join(
                str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if PROSE.search(text):
            found.append(f"line {node.lineno}: {text!r}")
    return sorted(found, key=lambda line: int(line.split(":")[0].split()[1]))


def test_the_finder_finds_unwrapped_prose_and_passes_wrapped_prose() -> None:
    source = (
        '"""A docstring, left alone."""\n'
        "import logging\n"
        'HELP = N_("Wrapped help.")\n'
        'DESCRIPTION = "Plain help text."\n'
        "def f(t, n):\n"
        '    """Also a docstring."""\n'
        '    print(t.gettext("Next: {name}.").format(name="the end"))\n'
        '    print(f"Freed {n} files.")\n'
        '    logging.getLogger(__name__).debug("a log line for developers")\n'
        '    assert n, "a message for developers"\n'
        '    return "Halfway."\n'
        '    x = "walktimer.verbs.cache"\n'
        '    y = t.ngettext("{n} file", "{n} files", n)\n'
        '    w.setStyleSheet("#banner { border: 1px solid red; }")\n'
        '    z = n.where == "TOML syntax"\n'
    )
    assert unwrapped(source) == [
        "line 4: 'Plain help text.'",
        "line 7: 'the end'",
        "line 8: 'Freed {} files.'",
        "line 11: 'Halfway.'",
    ]


@pytest.mark.parametrize("module", TRANSLATED)
def test_every_user_visible_literal_is_translated(module: str) -> None:
    source = (PACKAGE / module).read_text(encoding="utf-8")
    assert unwrapped(source, frozenset(NOT_YET.get(module, ()))) == []
