"""walktimer.core stays pure: no Qt or audio modules, and no clock reads of its own."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import walktimer.core

CORE = Path(walktimer.core.__file__).resolve().parent
FORBIDDEN_ROOTS = ("PySide6", "shiboken6", "pyttsx3", "simpleaudio", "bleak", "bumble")
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
