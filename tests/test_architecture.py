"""walktimer.core stays pure: no Qt, audio or importer modules, and no clock reads of its own."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import walktimer.core

CORE = Path(walktimer.core.__file__).resolve().parent
FORBIDDEN_ROOTS = ("PySide6", "shiboken6", "pyttsx3", "simpleaudio", "jeepney", "bleak", "bumble")
# Calls that read the wall clock or wait; core code gets time from an injected Clock.
FORBIDDEN_CALLS = {
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "monotonic"),
    ("time", "monotonic_ns"),
    ("time", "perf_counter"),
    ("time", "sleep"),
    ("time", "clock_gettime"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
}


def core_modules() -> list[str]:
    return sorted(f"walktimer.core.{info.name}" for info in pkgutil.iter_modules([str(CORE)]))


def test_core_has_modules_to_check() -> None:
    names = core_modules()
    assert "walktimer.core.loader" in names
    assert "walktimer.core.plan" in names


def test_importing_every_core_module_loads_no_qt_or_audio_module() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert "walktimer.core.loader" in loaded
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN_ROOTS]
    assert bad == []
    edge = [m for m in loaded if f"{m}.".startswith(tuple(f"{p}." for p in EDGE_PACKAGES))]
    assert edge == []


def _attribute_chain(node: ast.expr) -> tuple[str, ...]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return tuple(reversed(parts))


def clock_calls(source: str) -> list[str]:
    """`time.monotonic()`, `datetime.now()`, `sleep()` imported from time, ... in a source."""
    tree = ast.parse(source)
    imported: dict[str, tuple[str, str]] = {}  # local name -> (module, name)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        chain = _attribute_chain(node.func)
        if not chain:
            continue
        if len(chain) == 1 and chain[0] in imported and imported[chain[0]][0] == "time":
            pair = imported[chain[0]]
        else:
            pair = (chain[-2], chain[-1]) if len(chain) >= 2 else ("", chain[0])
        if pair in FORBIDDEN_CALLS:
            found.append(f"line {node.lineno}: {'.'.join(chain)}()")
    return found


def test_the_clock_call_finder_finds_what_it_should() -> None:
    source = (
        "import time\nfrom time import sleep as nap\nimport datetime as dt\n"
        "from datetime import datetime\n"
        "time.monotonic()\nnap(1)\ndt.datetime.now()\ndatetime.now()\nclock.now()\n"
    )
    assert clock_calls(source) == [
        "line 5: time.monotonic()",
        "line 6: nap()",
        "line 7: dt.datetime.now()",
        "line 8: datetime.now()",
    ]


def test_no_core_module_reads_the_clock_or_sleeps() -> None:
    offenders = {}
    for path in sorted(CORE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        found = clock_calls(source)
        if path.name == "clock.py":
            # The one allowed reader: SystemClock, behind the Clock protocol.
            lines = _class_lines(source, "SystemClock")
            found = [f for f in found if int(f.split(":")[0].split()[1]) not in lines]
        if found:
            offenders[path.name] = found
    assert offenders == {}


def _class_lines(source: str, name: str) -> range:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == name:
            return range(node.lineno, (node.end_lineno or node.lineno) + 1)
    raise AssertionError(f"no class {name}")


# Packages at the edge: the core never imports them, neither at load time nor lazily.
EDGE_PACKAGES = ("walktimer.importing", "walktimer.ui", "walktimer.audio")


def edge_imports(source: str, module: str) -> list[str]:
    """Imports of an edge package in `source`, the text of module `module` (relative ones too)."""
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        if any(
            name == edge or name.startswith(edge + ".") for name in names for edge in EDGE_PACKAGES
        ):
            found.append(f"line {node.lineno}")
    return found


def test_the_edge_import_finder_finds_what_it_should() -> None:
    source = (
        "import walktimer.ui.app\nfrom walktimer.importing.zwo import convert_zwo\n"
        "from walktimer import audio\nfrom ... import ui\nfrom ...importing import zwo\n"
        "from ..importing import x\n"
        "import walktimer.core.plan\nfrom walktimer.core import durations\nfrom . import plan\n"
        "def later():\n    from walktimer.ui import mainwindow\n"
    )
    found = edge_imports(source, "walktimer.core.format.speed")
    assert found == ["line 1", "line 2", "line 3", "line 4", "line 5", "line 11"]


def test_no_core_module_imports_the_importers_the_ui_or_the_audio() -> None:
    offenders = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(CORE.parent.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if parts[-1] == "__init__":
            module += ".__init__"
        found = edge_imports(path.read_text(encoding="utf-8"), module)
        if found:
            offenders[str(path.relative_to(CORE))] = found
    assert offenders == {}


# --- nothing imports the window but the window and the entry points ----------------------------

PACKAGE = CORE.parent
# The entry points that start the window: `walktimer [FILE]` and `walktimer run FILE`.
MAY_IMPORT_UI = {"__main__.py", "verbs/run.py"}


def ui_imports(source: str) -> list[str]:
    """Every import of walktimer.ui in a source: import statements, and import_module calls
    with a literal name (the lazy way the entry points load the window)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and _attribute_chain(node.func)[-1:] in (("import_module",), ("__import__",))
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        if any(name == "walktimer.ui" or name.startswith("walktimer.ui.") for name in names):
            found.append(f"line {node.lineno}")
    return found


def test_the_ui_import_finder_finds_what_it_should() -> None:
    source = (
        "import walktimer.ui.app\nfrom walktimer.ui import dialogs\nfrom walktimer import ui\n"
        "importlib.import_module('walktimer.ui.app')\nfrom walktimer.uikit import x\n"
        "import walktimer.core\n'walktimer.ui in a docstring'\n"
    )
    assert ui_imports(source) == ["line 1", "line 2", "line 3", "line 4"]


def test_nothing_outside_the_ui_imports_it_but_the_entry_points() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("ui/") or relative in MAY_IMPORT_UI:
            continue
        found = ui_imports(path.read_text(encoding="utf-8"))
        if found:
            offenders[relative] = found
    assert offenders == {}
    assert all((PACKAGE / name).is_file() for name in MAY_IMPORT_UI)
