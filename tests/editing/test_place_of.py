"""From a problem's key path to the editor's place and key, for every kind of path the loader
reports, and the key paths the loader gives its problems."""

from __future__ import annotations

import pytest

from walktimer.core.loader import check_text
from walktimer.core.positions import KeyPath
from walktimer.editing.document import Loc
from walktimer.editing.outline import place_of


@pytest.mark.parametrize(
    ("key", "place"),
    [
        (None, (None, None)),
        ((), (Loc(), None)),
        (("name",), (Loc(), "name")),
        (("tags", 2), (Loc(), "tags")),
        (("phase",), (Loc(), "phase")),
        (("voice",), (Loc(table="voice"), None)),
        (("voice", "rate"), (Loc(table="voice"), "rate")),
        (("reminders", "texts", 1), (Loc(table="reminders"), "texts")),
        (("phase", 2), (Loc(phase=2), None)),
        (("phase", 2, "duration"), (Loc(phase=2), "duration")),
        (("phase", 2, "cue"), (Loc(phase=2), "cue")),
        (("phase", 2, "cue", 0), (Loc(phase=2, cue=0), None)),
        (("phase", 2, "cue", 1, "at"), (Loc(phase=2, cue=1), "at")),
        (("phase", 1, "step", 0, "speed"), (Loc(phase=1, step=0), "speed")),
        (("phase", 1, "step", 0, "cue", 3, "say"), (Loc(phase=1, step=0, cue=3), "say")),
    ],
)
def test_key_paths_map_to_places(key: KeyPath | None, place: tuple[Loc | None, str | None]) -> None:
    assert place_of(key) == place


def test_the_loader_gives_each_problem_its_key_path() -> None:
    text = (
        'format = 1\nname = "Paths"\n\n[voice]\nrate = 20\n\n[[phase]]\nname = "Walk"\n\n'
        '[[phase]]\nname = "Block"\nrepeat = 2\n\n  [[phase.step]]\n  name = "S"\n'
        '  duration = 5\n\n    [[phase.step.cue]]\n    at = "9m"\n    say = "Late."\n'
    )
    found = {problem.what.split(":")[0]: problem.key for problem in check_text(text)}
    assert found == {
        "rate": ("voice", "rate"),
        "missing duration": ("phase", 0, "duration"),
        "at": ("phase", 1, "step", 0, "cue", 0, "at"),
    }


def test_syntax_problems_have_no_key_path() -> None:
    (problem,) = check_text("format = = 1\n")
    assert problem.key is None
