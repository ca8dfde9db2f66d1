"""The JSON Schema of format 1: complete, valid draft 2020-12, and agreeing with the loader."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from walktimer.core.durations import DurationError, parse_duration
from walktimer.core.loader import KEYS, check_text
from walktimer.core.schema import DESCRIPTIONS, DURATION_PATTERN, build_schema
from walktimer.resources import asset

SCHEMA = build_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def table_schemas() -> dict[str, dict[str, Any]]:
    top = SCHEMA["properties"]
    defs = SCHEMA["$defs"]
    return {
        "top": SCHEMA,
        "voice": top["voice"],
        "sounds": top["sounds"],
        "announce": top["announce"],
        "reminders": top["reminders"],
        "phase": defs["phase"],
        "step": defs["step"],
        "block": defs["block"],
        "cue": defs["cue"],
    }


def test_every_loader_table_and_key_is_in_the_schema_and_nothing_else() -> None:
    tables = table_schemas()
    phase_keys = set(tables["phase"]["properties"]) | set(tables["block"]["properties"])
    assert phase_keys == set(KEYS["phase"])
    for name, keys in KEYS.items():
        if name == "phase":
            continue
        assert list(tables[name]["properties"]) == list(keys), name


def test_every_key_has_a_tooltip() -> None:
    for name, schema in table_schemas().items():
        for key, prop in schema["properties"].items():
            assert prop["description"] == DESCRIPTIONS[name][key]
            assert len(prop["description"]) > 15, (name, key)
    assert set(DESCRIPTIONS) == set(KEYS)
    for name, keys in KEYS.items():
        assert set(DESCRIPTIONS[name]) == set(keys), name


def objects(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


def test_every_table_refuses_unknown_keys() -> None:
    found = list(objects(SCHEMA))
    assert len(found) == 9
    assert all(node["additionalProperties"] is False for node in found)


def test_defaults_quote_the_model() -> None:
    props = SCHEMA["properties"]
    assert props["voice"]["properties"]["rate"]["default"] == 170
    assert "(default 170)" in props["voice"]["properties"]["rate"]["description"]
    assert props["announce"]["properties"]["remaining"]["default"] == ["1m"]
    assert props["sounds"]["properties"]["phase"]["default"] == "bell"
    assert props["announce"]["properties"]["countdown"]["maximum"] == 60


# -- agreement with the loader ------------------------------------------------------------------

BASE = """\
format = 1
name = "Agree"

[reminders]
every = "1m"
texts = ["Head up."]

[[phase]]
name = "Walk"
duration = "10m"
"""


def schema_ok(text: str) -> bool:
    return VALIDATOR.is_valid(tomli.loads(text))


def loader_ok(text: str, tmp_path: Path) -> bool:
    return check_text(text, tmp_path / "s.toml") == []


def agree(text: str, tmp_path: Path) -> bool:
    verdict = loader_ok(text, tmp_path)
    assert schema_ok(text) == verdict, text
    return verdict


def toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    return repr(value)


DURATIONS = [
    (90, True), ("90s", True), ("5m", True), ("1m30s", True), ("1h5m", True), ("2:30", True),
    ("1:02:30", True), (" 5m ", True), ("5M", True), ("1m 30s", True), ("manual", True),
    (" Manual ", True), ("24h", True), ("0:05", True),
    (0, False), (-5, False), ("0s", False), ("0:00", False), ("5 minutes", False), ("5", False),
    ("2:60", False), ("1.5m", False), ("", False), ("m", False), (2.5, False), (True, False),
    ("s5", False), ("5m5h", False), (86401, False), ("manually", False),
]  # fmt: skip


@pytest.mark.parametrize(("value", "valid"), DURATIONS)
def test_phase_durations(value: object, valid: bool, tmp_path: Path) -> None:
    text = BASE.replace('duration = "10m"', f"duration = {toml(value)}")
    assert agree(text, tmp_path) is valid


OFFSETS = [
    ("2m", True), ("-30s", True), ("50%", True), ("0", True), ("0s", True), ("0:00", True),
    (0, True), (30, True), (-30, True), ("12.5%", True), ("99.9%", True), (" 50 % ", True),
    ("1:00", True), ("- 30s", True), ("+5%", True),
    ("100%", False), ("-0s", False), ("abc", False), ("-50%", False), ("50", False),
    ("00:00", False), (1.5, False), (False, False), ("half", False),
]  # fmt: skip


@pytest.mark.parametrize(("value", "valid"), OFFSETS)
def test_cue_offsets(value: object, valid: bool, tmp_path: Path) -> None:
    text = BASE + f'\n[[phase.cue]]\nat = {toml(value)}\nsay = "Hi."\n'
    assert agree(text, tmp_path) is valid


SPEEDS = [
    (4.5, True), (4, True), ("4.5 km/h", True), ("4.5km/h", True), ("3 KMH", True),
    ("3 kph", True), ("2.2 mph", True), ("2.2 MPH", True), (" .5 km/h ", True), (30, True),
    ("fast", False), ("4.5", False), (0, False), (31, False), (-1, False), (True, False),
    ("4,5 km/h", False), ("km/h", False),
]  # fmt: skip


@pytest.mark.parametrize(("value", "valid"), SPEEDS)
def test_speeds(value: object, valid: bool, tmp_path: Path) -> None:
    text = BASE + f"speed = {toml(value)}\n"
    assert agree(text, tmp_path) is valid


INCLINES = [
    (2, True), (0, True), (-3, True), (2.5, True), ("2%", True), ("-3%", True), (" 2 % ", True),
    ("2", False), ("2 percent", False), (50, False), (True, False), ("%", False),
]  # fmt: skip


@pytest.mark.parametrize(("value", "valid"), INCLINES)
def test_inclines(value: object, valid: bool, tmp_path: Path) -> None:
    text = BASE + f"incline = {toml(value)}\n"
    assert agree(text, tmp_path) is valid


SOUNDS = [
    ("bell", True), ("BELL", True), (" ping ", True), ("none", True), ("chime", True),
    ("ding.wav", True), ("ding.WAV", True),
    ("bel", False), ("foo", False), ("ding.mp3", False), (3, False), ("", False),
]  # fmt: skip


@pytest.mark.parametrize(("value", "valid"), SOUNDS)
def test_sounds(value: object, valid: bool, tmp_path: Path) -> None:
    (tmp_path / "ding.wav").write_bytes(asset("audio", "bell.wav").read_bytes())
    (tmp_path / "ding.WAV").write_bytes(asset("audio", "bell.wav").read_bytes())
    text = BASE.replace("[reminders]", f"[sounds]\nphase = {toml(value)}\n\n[reminders]")
    assert agree(text, tmp_path) is valid


KINDS = [
    ("walk", True), ("WALK", True), (" stretch ", True), ("cooldown", True), ("rest", True),
    ("walking", False), ("cool-down", False), (1, False),
]  # fmt: skip


@pytest.mark.parametrize(("value", "valid"), KINDS)
def test_kinds(value: object, valid: bool, tmp_path: Path) -> None:
    text = BASE + f"kind = {toml(value)}\n"
    assert agree(text, tmp_path) is valid


D = 'duration = "10m"'
CUE = D + "\n[[phase.cue]]\n"
R = "[reminders]"
T = 'texts = ["Head up."]'
N = 'name = "Agree"'
STEP = '\n[[phase.step]]\nname = "S"\nduration = 5'
ANNOUNCE = "[announce]\ncountdown = 0\nremaining = ['2m', 30]\nhalfway = true\nnext = false\n"

STRUCTURES = [
    ("valid as it is", "", "", True),
    ("unknown top-level key", "format = 1", "format = 1\nauthr = 'x'", False),
    ("unknown phase key", D, D + '\ndurtion = "5m"', False),
    ("newer format", "format = 1", "format = 2", False),
    ("no phases", '[[phase]]\nname = "Walk"\n' + D + "\n", "", False),
    ("duration and repeat", D, D + "\nrepeat = 2", False),
    ("a repeated block", D, "repeat = 2" + STEP, True),
    ("a step with its own repeat", D, "repeat = 2" + STEP + "\nrepeat = 2", False),
    ("a block without steps", D, "repeat = 2", False),
    ("repeat zero", D, "repeat = 0" + STEP, False),
    ("cue with at and every", D, CUE + 'at = "1m"\nevery = "1m"\nsay = "x"', False),
    ("cue without a time", D, CUE + 'say = "x"', False),
    ("cue with nothing to play", D, CUE + 'at = "1m"', False),
    ("cue with only a sound", D, CUE + 'every = "1m"\nsound = "beep"', True),
    ("reminders without texts", T, "", False),
    ("empty reminder texts", T, "texts = []", False),
    ("reminder order", T, T + '\norder = "shuffle"', True),
    ("bad reminder order", T, T + '\norder = "random"', False),
    ("empty name", N, 'name = ""', False),
    ("blank name", N, 'name = "   "', False),
    ("long name", N, f'name = "{"x" * 81}"', False),
    ("80 characters", N, f'name = "{"x" * 80}"', True),
    ("tags", N, N + '\ntags = ["a", "b"]', True),
    ("blank tag", N, N + '\ntags = ["a", " "]', False),
    ("voice", R, "[voice]\nrate = 120\nvolume = 0.5\nvoice = 'en'\n" + R, True),
    ("slow voice", R, "[voice]\nrate = 79\n" + R, False),
    ("loud voice", R, "[voice]\nvolume = 1.5\n" + R, False),
    ("announce", R, ANNOUNCE + "targets = false\n" + R, True),
    ("announce countdown too long", R, "[announce]\ncountdown = 61\n" + R, False),
    ("announce remaining not a list", R, "[announce]\nremaining = '1m'\n" + R, False),
    ("phase countdown", D, D + "\ncountdown = 5", True),
    ("phase reminders", D, D + "\nreminders = false", True),
    ("phase reminders not a bool", D, D + '\nreminders = "no"', False),
    ("instructions", D, D + '\ninstructions = "Tall."', True),
    ("empty say", D, D + '\nsay = ""', False),
]


@pytest.mark.parametrize(
    ("old", "new", "valid"), [s[1:] for s in STRUCTURES], ids=[s[0] for s in STRUCTURES]
)
def test_structure(old: str, new: str, valid: bool, tmp_path: Path) -> None:
    assert old in BASE
    text = BASE.replace(old, new)
    assert agree(text, tmp_path) is valid


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789hmsHMS: ", min_size=1, max_size=9))
def test_duration_pattern_matches_what_parse_duration_takes(text: str) -> None:
    try:
        parse_duration(text)
        accepted = True
    except DurationError as error:
        # The schema cannot add up a whole session; the loader refuses more than 24 hours.
        accepted = "longer than a session" in str(error)
    if " " in text.strip():
        # The loader also ignores spaces inside a number ("1 0m"); the schema allows them only
        # around units. Anything the schema accepts, the loader still does.
        if re.search(DURATION_PATTERN, text):
            assert accepted, text
        return
    assert bool(re.search(DURATION_PATTERN, text)) == accepted, text
