"""Random and mutated .zwo bytes: always a script that loads, or one sentence; never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from walktimer.core.loader import load_text
from walktimer.core.script import Speed
from walktimer.importing.zwo import ZwoError, convert_zwo

DATA = Path(__file__).resolve().parent.parent / "data" / "zwo"
SEEDS = [path.read_bytes() for path in sorted(DATA.glob("*.zwo"))]

# Number texts past what floats, ints and the format hold, and texts float() reads oddly.
NUMBERS = [
    "1e308", "-1e308", "1e309", "1e-320", "4.9e-324", "nan", "inf", "-inf", "1" * 5000,
    "0." + "0" * 4000 + "1", "0x10", "1_000", "\u0663", "1e9", "999999999", "1000000001",
    "86400", "86401", "0", "-0", "0.4", "0.5", "1000", "1001", "", " ", "3.0000001", "-1",
]  # fmt: skip
ENCODINGS = ["x-bogus", "TF-8", "utf-32", "shift_jis", "rot13", "latin-1", "utf-16", "ascii", ""]
_VALUE = re.compile(rb'="[^"]*"')


def outcome(data: bytes, reference: Speed | None) -> str:
    """'script' or 'refused'; anything else raises and fails the test."""
    try:
        text, warnings = convert_zwo(data, "fuzz.zwo", reference)
    except ZwoError as error:
        message = str(error)
        assert message
        assert "\n" not in message
        assert len(message) < 600, message
        return "refused"
    load_text(text)  # the script loads: a SessionError here would be an importer bug
    assert all(warning and "\n" not in warning and len(warning) < 600 for warning in warnings)
    return "script"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        how = draw(st.sampled_from(["number", "truncate", "flip", "insert", "repeat", "encoding"]))
        if how == "number":
            values = list(_VALUE.finditer(bytes(data)))
            if values:
                spot = draw(st.sampled_from(values))
                new = f'="{draw(st.sampled_from(NUMBERS))}"'.encode()
                data[spot.start() : spot.end()] = new
        elif how == "truncate" and data:
            del data[draw(st.integers(min_value=0, max_value=len(data) - 1)) :]
        elif how == "flip" and data:
            spot = draw(st.integers(min_value=0, max_value=len(data) - 1))
            data[spot] = draw(st.integers(min_value=0, max_value=255))
        elif how == "insert":
            spot = draw(st.integers(min_value=0, max_value=len(data)))
            data[spot:spot] = draw(st.binary(max_size=8))
        elif how == "repeat" and data:
            start = draw(st.integers(min_value=0, max_value=len(data) - 1))
            end = draw(st.integers(min_value=start, max_value=min(len(data), start + 200)))
            data[start:start] = data[start:end] * draw(st.integers(min_value=1, max_value=50))
        elif how == "encoding":
            name = draw(st.sampled_from(ENCODINGS))
            declaration = f'<?xml version="1.0" encoding="{name}"?>'.encode()
            data[0:0] = declaration
    return bytes(data)


ATTRIBUTES = [
    "Duration", "Power", "PowerLow", "PowerHigh", "Repeat", "OnDuration", "OffDuration",
    "OnPower", "OffPower", "PowerOnLow", "PowerOffHigh", "Cadence", "pace",
]  # fmt: skip
REFERENCES = st.sampled_from([None, Speed(kmh=6.0), Speed(kmh=30.0), Speed(kmh=1.0, unit="km/h")])


@settings(max_examples=400)
@given(data=mutated(), reference=REFERENCES)
def test_mutated_workouts_give_a_script_or_one_sentence(
    data: bytes, reference: Speed | None
) -> None:
    assert outcome(data, reference) in ("script", "refused")


@settings(max_examples=150)
@given(data=st.binary(max_size=300), reference=REFERENCES)
def test_random_bytes_give_a_script_or_one_sentence(data: bytes, reference: Speed | None) -> None:
    assert outcome(data, reference) in ("script", "refused")


@settings(max_examples=150)
@given(
    tag=st.sampled_from(["SteadyState", "Warmup", "Cooldown", "Ramp", "IntervalsT", "FreeRide"]),
    attrs=st.dictionaries(
        st.sampled_from(ATTRIBUTES),
        st.sampled_from(NUMBERS) | st.floats().map(repr),
        max_size=6,
    ),
    offsets=st.lists(st.sampled_from(NUMBERS) | st.floats().map(repr), max_size=3),
    distance=st.booleans(),
    reference=REFERENCES,
)
def test_any_numbers_in_a_block_give_a_script_or_one_sentence(
    tag: str,
    attrs: dict[str, str],
    offsets: list[str],
    distance: bool,
    reference: Speed | None,
) -> None:
    written = " ".join(f'{key}="{value}"' for key, value in attrs.items())
    key = "distoffset" if distance else "timeoffset"
    events = "".join(f'<textevent {key}="{o}" message="Cue {i}."/>' for i, o in enumerate(offsets))
    data = (
        "<workout_file><sportType>run</sportType>"
        f"<durationType>{'distance' if distance else 'time'}</durationType>"
        f'<workout><{tag} {written}>{events}</{tag}><SteadyState Duration="60"/>'
        "</workout></workout_file>"
    ).encode()
    assert outcome(data, reference) in ("script", "refused")
