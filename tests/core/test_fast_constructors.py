"""The loader's fast constructors build exactly what the dataclasses build.

They fill a plain class with the same slots and then switch its class, so a field added to a
dataclass but forgotten in its fast constructor would be left unset; these tests catch that.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from walktimer.core import script
from walktimer.core.script import Cue, Incline, Kind, Offset, Phase, Sound, Speed

CASES: list[tuple[type, Callable[..., Any]]] = [
    (Phase, script._new_phase),
    (Cue, script._new_cue),
]


@pytest.mark.parametrize(("cls", "make"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_the_fast_constructor_takes_every_field_in_order(
    cls: type, make: Callable[..., Any]
) -> None:
    fields = [f.name for f in dataclasses.fields(cls)]
    assert list(inspect.signature(make).parameters) == fields


def _sample(cls: type) -> dict[str, Any]:
    cue = Cue(at=Offset("end", 30.0), say="Soon", sound=Sound(name="beep"))
    values: dict[type, dict[str, Any]] = {
        Phase: {
            "name": "Brisk",
            "kind": Kind.TECHNIQUE,
            "duration": 90,
            "say": "Go",
            "instructions": "Tall",
            "speed": Speed(4.5),
            "incline": Incline(2.0),
            "countdown": 5,
            "reminders": False,
            "cues": (cue,),
        },
        Cue: {"at": None, "every": 20, "say": "Breathe", "sound": None},
    }
    return values[cls]


@pytest.mark.parametrize(("cls", "make"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_the_fast_constructor_builds_an_equal_frozen_object(
    cls: type, make: Callable[..., Any]
) -> None:
    values = _sample(cls)
    fast = make(*values.values())
    slow = cls(**values)
    assert type(fast) is cls
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert repr(fast) == repr(slow)
    first = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(fast, first, values[first])
