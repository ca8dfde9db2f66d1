"""docs/programme-format.md states what the checker and the progression do."""

from __future__ import annotations

from pathlib import Path

from walktimer.programmes.format import KEYS, LIMITS
from walktimer.programmes.progress import ADVICE, HIGH_PAIN, WORSE_BY

DOC = (Path(__file__).resolve().parents[2] / "docs" / "programme-format.md").read_text("utf-8")


def test_every_key_is_documented() -> None:
    for keys in KEYS.values():
        for key in keys:
            assert f"| `{key}` |" in DOC, key


def test_the_limits_in_the_doc_are_the_checkers() -> None:
    low, high = LIMITS["walks"]
    assert f"{low} to {high}" in DOC
    low, high = LIMITS["weeks"]
    assert f"{low} to {high} of them" in DOC


def test_the_safety_rules_and_the_advice_are_stated() -> None:
    flat = " ".join(DOC.replace("> ", "").split())
    assert ADVICE in flat
    assert f"A rating of **{HIGH_PAIN} or more**" in flat
    assert f"each **{WORSE_BY} or more points worse**" in flat
    assert "never increases a programme's load while the diary says pain is rising" in flat
