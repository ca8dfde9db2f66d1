"""The format's value patterns and numeric limits are written once, in walktimer.core.format.

Every other module imports them. This scans the package's source for the tell-tale signs of a
copy: a regular expression for a speed, an incline, a duration or a number with a unit; a pair
of numbers equal to one of the format's ranges; a spin box range written with a literal
bound of a limit; the session's 24 hours or the WAV rates retyped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from walktimer.core.format.tables import LIMITS, MAX_SESSION_SECONDS, WAV_RATES

PACKAGE = Path(__file__).resolve().parent.parent / "walktimer"
FORMAT = PACKAGE / "core" / "format"

# Fragments that only a pattern for one of the format's values contains.
PATTERN_SIGNS = (
    "km/h|",
    "|mph",
    "kph",
    r"\d+(?:\.\d+)?",
    "[0-9]+(?:\\.[0-9]+)?",
    r"[0-5]\d",
    "[0-5][0-9]",
    r"\s*%",
)
RANGES = {tuple(float(bound) for bound in limit) for limit in LIMITS.values()}
HIGHEST = {float(high) for _, high in LIMITS.values()}
SINGLE_NUMBERS = {MAX_SESSION_SECONDS}


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if FORMAT not in path.parents)


def _number(node: ast.AST) -> float | None:
    """The value of a literal number, of -number, or of a product of literals (24 * 3600)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        left, right = _number(node.left), _number(node.right)
        return None if left is None or right is None else left * right
    return None


def copies(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for sign in PATTERN_SIGNS:
                if sign in node.value:
                    yield node.lineno, f"a value pattern ({sign!r} in {node.value[:50]!r})"
        elif isinstance(node, ast.Tuple | ast.List):
            numbers = [_number(element) for element in node.elts]
            if len(numbers) == 2 and None not in numbers and tuple(numbers) in RANGES:
                yield node.lineno, f"a range of the format {tuple(numbers)}"
            if numbers == [float(rate) for rate in WAV_RATES]:
                yield node.lineno, "the WAV sample rates"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            numbers = [_number(argument) for argument in node.args]
            literal = len(numbers) == 2 and None not in numbers
            if node.func.attr == "setRange" and literal and numbers[1] in HIGHEST:
                yield node.lineno, f"a spin box range written as literals {tuple(numbers)}"
        if isinstance(node, ast.BinOp | ast.Constant) and _number(node) in SINGLE_NUMBERS:
            yield getattr(node, "lineno", 0), f"a limit of the format ({_number(node):g})"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_outside_the_format_package_copies_a_pattern_or_a_limit(path: Path) -> None:
    found = sorted(set(copies(ast.parse(path.read_text(encoding="utf-8")))))
    assert found == [], f"{path.relative_to(PACKAGE)}: " + "; ".join(
        f"line {line}: {what}" for line, what in found
    )


def test_the_scan_finds_the_copies_it_looks_for() -> None:
    source = (
        "import re\n"
        "SPEED = re.compile(r'(\\d+(?:\\.\\d+)?)\\s*(km/h|mph)')\n"
        "LIMIT = (0.1, 30.0)\n"
        "spin.setRange(0, 60)\n"
        "DAY = 24 * 3600\n"
    )
    lines = sorted({line for line, _ in copies(ast.parse(source))})
    assert lines == [2, 3, 4, 5]
