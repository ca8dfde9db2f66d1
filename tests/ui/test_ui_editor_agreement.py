"""The editor's forms, the JSON schema and the loader accept and refuse the same values.

Each value kind the forms read (durations, speeds, inclines, and the spin boxes' whole numbers
and volume) is tried in all three; the lists hold the values users write, the near misses and
a few hostile ones.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import tomli
from pytestqt.qtbot import QtBot

from walktimer.core.format.tables import BUILTIN_SOUNDS, LIMITS
from walktimer.core.format.values import parse_kind, parse_order, parse_sound
from walktimer.core.loader import check_text
from walktimer.core.schema import build_schema
from walktimer.core.script import Kind, ReminderOrder
from walktimer.ui.editor.forms import (
    BlockForm,
    PhaseForm,
    SessionForm,
    duration_hint,
    duration_value,
    incline_reading,
    speed_reading,
)

VALIDATOR = jsonschema.Draft202012Validator(build_schema())

HEAD = 'format = 1\nname = "Agree"\n\n'
PHASE = '[[phase]]\nname = "Walk"\nduration = "10m"\n'
BASE = HEAD + PHASE


def toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    return repr(value)


# Texts whose shape is right but whose number is out of range: a JSON-schema pattern cannot
# bound the number inside a text, so the schema takes them and only the loader refuses them.
IN_TEXT_OUT_OF_RANGE = {"25h", "1" * 5000 + "s", "9" * 20 + ":00", "40 km/h", "19 mph", "41%"}


def loader_and_schema(text: str, tmp_path: Path, value: object = None) -> bool:
    """The loader's verdict, after checking that the schema gives the same one."""
    verdict = check_text(text, tmp_path / "s.toml") == []
    schema = VALIDATOR.is_valid(tomli.loads(text))
    if isinstance(value, str) and value in IN_TEXT_OUT_OF_RANGE:
        assert schema, text
        assert not verdict, text
    else:
        assert schema == verdict, text
    return verdict


DURATIONS = [
    90, "90s", "5m", "1m30s", "1h5m", "2:30", "1:02:30", " 5m ", "5M", "24h", "0:05",
    0, -5, "0s", "0:00", "5 minutes", "5", "2:60", "1.5m", "", "m", 2.5, True, "s5", "5m5h",
    86401, "25h", "1" * 5000 + "s", "0" * 5000 + "5s", "9" * 20 + ":00", "\u0663m", "\u0663",
    "1" * 5000, "\u00b2",
]  # fmt: skip


@pytest.mark.parametrize("value", DURATIONS, ids=lambda v: repr(v)[:30])
def test_durations(value: object, tmp_path: Path) -> None:
    text = BASE.replace('duration = "10m"', f"duration = {toml(value)}")
    assert duration_hint(value).startswith("= ") == loader_and_schema(text, tmp_path, value)


SPEEDS = [
    4.5, 4, "4.5 km/h", "4.5km/h", "3 KMH", "3 kph", "2.2 mph", "2.2 MPH", " .5 km/h ", 30,
    0.1, "18.6 mph", "fast", "4.5", "4", 0, 31, -1, True, "4,5 km/h", "km/h", "40 km/h",
    "19 mph", "4.5 km/h/h", "1e308 km/h", 1e308, "\u0663 km/h", "1e1 km/h", "1_0 km/h",
]  # fmt: skip


@pytest.mark.parametrize("value", SPEEDS, ids=repr)
def test_speeds(value: object, tmp_path: Path) -> None:
    text = BASE + f"speed = {toml(value)}\n"
    assert (speed_reading(value) is not None) == loader_and_schema(text, tmp_path, value)


OFFSETS = ["50%", "+5%", ".5%", "-30s", 0, "1e1%", "1_0%", "-0%", "\u0663%", "-\u0663s", "inf%"]


@pytest.mark.parametrize("value", OFFSETS, ids=repr)
def test_offsets(value: object, tmp_path: Path) -> None:
    # The forms write a cue's time as typed; the loader and the schema must agree on it.
    text = BASE + f'\n[[phase.cue]]\nat = {toml(value)}\nsay = "Hi."\n'
    loader_and_schema(text, tmp_path, value)


def test_a_speed_is_read_in_its_own_unit() -> None:
    assert speed_reading("2.2 mph") == (2.2, "mph")
    assert speed_reading(" 3 KPH ") == (3.0, "km/h")
    assert speed_reading(4) == (4.0, "km/h")


INCLINES = [
    2, 0, -3, 2.5, "2%", "-3%", " 2 % ", "+1.5%", 40, -10,
    "2", "2 percent", 50, -11, True, "%", "41%", "1e308%", "\u0663%", "1e1%",
]  # fmt: skip


@pytest.mark.parametrize("value", INCLINES, ids=repr)
def test_inclines(value: object, tmp_path: Path) -> None:
    text = BASE + f"incline = {toml(value)}\n"
    assert (incline_reading(value) is not None) == loader_and_schema(text, tmp_path, value)


def spin_takes(spin: object, value: object) -> bool:
    """Whether a spin box can hold `value` exactly (a whole number for a QSpinBox)."""
    from PySide6.QtWidgets import QSpinBox

    assert hasattr(spin, "minimum")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(spin, QSpinBox) and not isinstance(value, int):
        return False
    return bool(spin.minimum() <= value <= spin.maximum())  # type: ignore[attr-defined]


NUMBERS = [-1, 0, 0.5, 1, 3, 60, 61, 79, 80, 170, 400, 401, 1000, 1001, True, "3"]


@pytest.mark.parametrize("value", NUMBERS, ids=repr)
def test_whole_numbers_and_the_volume(value: object, qtbot: QtBot, tmp_path: Path) -> None:
    phase, block, session = PhaseForm(), BlockForm(), SessionForm()
    for form in (phase, block, session):
        qtbot.addWidget(form)
    cases = [
        (phase.countdown, BASE + f"countdown = {toml(value)}\n"),
        (session.countdown, HEAD + f"[announce]\ncountdown = {toml(value)}\n\n" + PHASE),
        (session.rate, HEAD + f"[voice]\nrate = {toml(value)}\n\n" + PHASE),
        (session.volume, HEAD + f"[voice]\nvolume = {toml(value)}\n\n" + PHASE),
        (
            block.repeat,
            BASE.replace('duration = "10m"', f"repeat = {toml(value)}")
            + '\n[[phase.step]]\nname = "S"\nduration = 5\n',
        ),
    ]
    for spin, text in cases:
        assert spin_takes(spin, value) == loader_and_schema(text, tmp_path), text


def test_the_spin_boxes_take_the_format_limits(qtbot: QtBot) -> None:
    phase, block, session = PhaseForm(), BlockForm(), SessionForm()
    for form in (phase, block, session):
        qtbot.addWidget(form)
    spins = {
        "speed": phase.speed,
        "incline": phase.incline,
        "countdown": phase.countdown,
        "repeat": block.repeat,
        "voice.rate": session.rate,
        "voice.volume": session.volume,
    }
    for limit, spin in spins.items():
        assert (spin.minimum(), spin.maximum()) == LIMITS[limit], limit
    assert (session.countdown.minimum(), session.countdown.maximum()) == LIMITS["countdown"]


def test_the_words_the_forms_offer_are_the_ones_the_loader_takes(qtbot: QtBot) -> None:
    phase, session = PhaseForm(), SessionForm()
    for form in (phase, session):
        qtbot.addWidget(form)
    kinds = [phase.kind.itemData(i) for i in range(phase.kind.count())]
    assert [parse_kind(kind) for kind in kinds] == list(Kind)
    orders = [session.order.itemData(i) for i in range(session.order.count())]
    assert [parse_order(order) for order in orders] == list(ReminderOrder)
    for row in session.sounds.values():
        offered = [row.combo.itemText(i) for i in range(row.combo.count())]
        assert offered == list(BUILTIN_SOUNDS)
        for name in offered:
            parse_sound(name)  # raises for a word the loader refuses


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("90", 90),
        ("-30", -30),
        ("- 5", "- 5"),
        ("5m", "5m"),
        ("", None),
        ("\u00b2", "\u00b2"),
        ("\u0663", "\u0663"),
        ("1" * 5000, "1" * 5000),
    ],
    ids=repr,
)
def test_a_typed_duration_is_written_as_the_loader_reads_it(typed: str, written: object) -> None:
    assert duration_value(typed) == written
