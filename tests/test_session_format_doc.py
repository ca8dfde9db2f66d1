"""docs/session-format.md cannot drift from the code: keys, defaults, ranges, rules, example."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli

from walktimer.core.format.tables import (
    BUILTIN_SOUNDS,
    KEYS,
    LIMITS,
    MAX_FILE_BYTES,
    MAX_SESSION_SECONDS,
    PLACEHOLDERS,
    WAV_RATES,
)
from walktimer.core.format.values import parse_duration
from walktimer.core.loader import load_text
from walktimer.core.plan import (
    FINISH_TEXT,
    HALFWAY_MIN,
    NEXT_LEAD,
    REMAINING_MARGIN,
    REMINDER_MARGIN,
    EventKind,
    build_plan,
)
from walktimer.core.schema import build_schema
from walktimer.core.script import Kind, ReminderOrder
from walktimer.verbs.check import summary
from walktimer.verbs.plan import table

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "session-format.md"
DOC = DOC_PATH.read_text(encoding="utf-8")

# The section of the page that documents each table of the format's KEYS.
SECTIONS = {
    "top": "## Top level",
    "voice": "## [voice]",
    "sounds": "## [sounds]",
    "announce": "## [announce]",
    "reminders": "## [reminders]",
    "phase": "## [[phase]]",
    "block": "## Repeated blocks: repeat and [[phase.step]]",
    "cue": "## [[phase.cue]]",
}


def section(heading: str) -> str:
    start = DOC.index("\n" + heading + "\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end > 0 else len(DOC)]


def rows(table: str) -> dict[str, list[str]]:
    """The key rows of a section's table: key -> its cells after the key."""
    out = {}
    for line in section(SECTIONS[table]).splitlines():
        match = re.match(r"^\| `(\w+)` \|(.*)\|$", line)
        if match:
            out[match.group(1)] = [cell.strip() for cell in match.group(2).split(" | ")]
    return out


@pytest.mark.parametrize("table", list(SECTIONS))
def test_every_key_of_each_table_is_documented_in_its_section(table: str) -> None:
    assert set(rows(table)) == set(KEYS[table])


def test_steps_take_the_phase_keys_but_repeat_and_step() -> None:
    assert "A step takes every key of a phase except `repeat` and `step`" in DOC
    assert set(KEYS["step"]) == set(KEYS["phase"]) - {"repeat", "step"}


def schema_tables() -> dict[str, dict[str, Any]]:
    schema = build_schema()
    top = schema["properties"]
    return {
        "top": schema,
        "voice": top["voice"],
        "sounds": top["sounds"],
        "announce": top["announce"],
        "reminders": top["reminders"],
        "phase": {
            "properties": {
                **schema["$defs"]["phase"]["properties"],
                **schema["$defs"]["block"]["properties"],
            }
        },
        "block": schema["$defs"]["block"],
        "cue": schema["$defs"]["cue"],
    }


def as_toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(as_toml(v) for v in value) + "]"
    return repr(value)


@pytest.mark.parametrize("table", list(SECTIONS))
def test_schema_keys_and_defaults_match_the_page(table: str) -> None:
    documented = rows(table)
    properties = schema_tables()[table]["properties"]
    assert set(properties) == set(documented)
    for key, prop in properties.items():
        if "default" in prop:
            default_cell = documented[key][1]
            assert f"`{as_toml(prop['default'])}`" in default_cell, (table, key, default_cell)


def row(table: str, key: str) -> str:
    return " | ".join(rows(table)[key])


def span(low: float, high: float) -> str:
    return f"{low:g} to {high:g}"


def test_ranges_match_the_loader() -> None:
    assert span(*LIMITS["name"]) in row("top", "name")
    assert span(*LIMITS["voice.rate"]) in row("voice", "rate")
    low, high = LIMITS["voice.volume"]
    assert f"{low:.1f} to {high:.1f}" in row("voice", "volume")
    assert span(*LIMITS["countdown"]) in row("announce", "countdown")
    assert span(*LIMITS["countdown"]) in row("phase", "countdown")
    assert span(*LIMITS["speed"]) in row("phase", "speed")
    assert span(*LIMITS["incline"]) in row("phase", "incline")
    assert span(*LIMITS["repeat"]) in row("phase", "repeat")
    assert span(*LIMITS["repeat"]) in row("block", "repeat")
    assert f"at most {LIMITS['played_phases'][1]:,.0f} phases" in DOC


def test_allowed_words_match_the_model() -> None:
    for kind in Kind:
        assert f'`"{kind.value}"`' in row("phase", "kind")
    for order in ReminderOrder:
        assert f'`"{order.value}"`' in row("reminders", "order")
    sounds = section(SECTIONS["sounds"])
    for name in BUILTIN_SOUNDS:
        assert f"`{name}`" in sounds
    for rate in WAV_RATES:
        assert str(rate) in sounds


def test_every_placeholder_is_explained() -> None:
    placeholders = section("## Placeholders")
    explained = re.findall(r"^\| `\{(\w+)\}` \|", placeholders, re.MULTILINE)
    assert explained == list(PLACEHOLDERS)


def test_duration_examples_parse() -> None:
    durations = section("## Durations")
    examples = re.findall(r"^\| `([^`]+)` \|", durations, re.MULTILINE)
    assert len(examples) == 7
    for example in examples:
        assert parse_duration(tomli.loads(f"x = {example}")["x"]) > 0


def test_timeline_rules_quote_the_plan_constants() -> None:
    assert f"never in its first or last {REMINDER_MARGIN:g} seconds" in DOC
    assert f"plus {REMAINING_MARGIN:g} seconds" in DOC
    assert NEXT_LEAD == 10
    assert "**Next**, ten seconds before the end" in DOC
    assert HALFWAY_MIN == 120
    assert "phase lasts two minutes or more" in DOC
    assert f'"{FINISH_TEXT}"' in DOC


def test_same_moment_order_matches_the_plan() -> None:
    words = {
        EventKind.PHASE_START: "the phase sound",
        EventKind.NAME: "the phase's name",
        EventKind.TARGETS: "the targets",
        EventKind.SAY: "the phase's words",
        EventKind.COUNTDOWN: "a countdown tick",
        EventKind.NEXT: '"Next"',
        EventKind.REMAINING: "time left",
        EventKind.HALFWAY: '"Halfway"',
        EventKind.CUE: "your cues",
        EventKind.REMINDER: "a reminder",
        EventKind.FINISH: "the finish",
    }
    in_order = ", ".join(words[kind] for kind in sorted(EventKind, key=lambda k: k.priority))
    assert f"in this order: {in_order}." in " ".join(DOC.split())


# -- the worked example ---------------------------------------------------------------------------


def code_blocks(after: str) -> list[str]:
    """The fenced blocks of the worked-example section after a marker sentence."""
    text = section("## A worked example")
    text = text[text.index(after) :]
    return re.findall(r"```(?:toml)?\n(.*?)```", text, re.DOTALL)


def test_the_worked_example_loads_plans_and_checks_as_the_page_says(tmp_path: Path) -> None:
    example = code_blocks("## A worked example")[0]
    session = load_text(example, tmp_path / "example.toml")
    plan = build_plan(session)
    said = re.search(r"`walktimer check` says `([^`]+)`", DOC)
    assert said is not None
    assert said.group(1) == summary(session)
    assert plan.has_manual
    assert plan.events[-1].kind is EventKind.FINISH


def keys_used(node: object, table: str, found: dict[str, set[str]]) -> dict[str, set[str]]:
    if isinstance(node, dict):
        found.setdefault(table, set()).update(node)
        for key, value in node.items():
            child = {"phase": "phase", "step": "step", "cue": "cue"}.get(key, key)
            if table == "top" and key in ("voice", "sounds", "announce", "reminders"):
                keys_used(value, key, found)
            elif key in ("phase", "step", "cue") and isinstance(value, list):
                for item in value:
                    kind = "block" if key == "phase" and "repeat" in item else child
                    keys_used(item, kind, found)
    return found


def test_the_worked_example_shows_every_key() -> None:
    """Each key is used, or shown in a comment (`# voice = "en-gb"`) where using it would tie
    the example to one speech engine."""
    example = code_blocks("## A worked example")[0]
    used = keys_used(tomli.loads(example), "top", {})
    # A step is written like a phase: together they show the phase keys.
    used["phase"] = used["step"] = used["phase"] | used["step"] | used["block"]
    for name, keys in KEYS.items():
        for key in set(keys) - used[name]:
            assert re.search(rf"^\s*# {key} = ", example, re.MULTILINE), (name, key)


def test_the_worked_example_is_valid_against_the_schema() -> None:
    document = tomli.loads(code_blocks("## A worked example")[0])
    jsonschema.Draft202012Validator(build_schema()).validate(document)


def test_the_plan_excerpts_are_what_walktimer_plan_prints(tmp_path: Path) -> None:
    blocks = code_blocks("## A worked example")
    example, excerpts = blocks[0], blocks[1:3]
    printed = table(build_plan(load_text(example, tmp_path / "example.toml"))).splitlines()
    for excerpt in excerpts:
        lines = excerpt.rstrip("\n").splitlines()
        assert len(lines) >= 4
        start = printed.index(lines[0])
        assert printed[start : start + len(lines)] == lines


def test_file_and_session_limits_match_the_format() -> None:
    assert f"at most {MAX_FILE_BYTES // (1024 * 1024)} MiB" in section("## The file")
    assert f"at most {MAX_SESSION_SECONDS // 3600} hours" in DOC


def test_the_texts_that_may_run_over_lines_are_the_documented_ones() -> None:
    from walktimer.core.format.text import MULTI_LINE_TEXTS

    rule = section("## The file")
    assert "control characters" in rule
    for key in MULTI_LINE_TEXTS:
        assert f"`{key}`" in rule
