"""Random editing sessions: what is saved is what the editor shows, and undo-all restores
the original bytes."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from walktimer import resources
from walktimer.core.loader import load_path
from walktimer.editing import commands as C
from walktimer.editing.document import Document, Loc
from walktimer.editing.storage import atomic_write

STARTS = [REPO / "tests" / "data" / "editor" / "commented.toml", *resources.bundled_sessions()]

fraction = st.floats(min_value=0.0, max_value=0.999)
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
operation = st.one_of(
    st.tuples(st.just("set"), fraction, st.sampled_from(["name", "say"]), texts),
    st.tuples(st.just("duration"), fraction, st.sampled_from(["90s", "2m", "1:30", 45])),
    st.tuples(st.just("add"), fraction),
    st.tuples(st.just("delete"), fraction),
    st.tuples(st.just("move"), fraction, fraction),
    st.tuples(st.just("duplicate"), fraction),
    st.tuples(st.just("cue"), fraction, texts),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
)


def _pick(fraction: float, count: int) -> int:
    return int(fraction * count)


class Oracle:
    """The same edits on plain Python data: what the saved file must hold."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.done: list[dict[str, Any]] = []
        self.undone: list[dict[str, Any]] = []

    def change(self, new: dict[str, Any]) -> None:
        if new == self.data:
            return
        self.done.append(self.data)
        self.undone.clear()
        self.data = new


def _apply(doc: Document, history: C.History, oracle: Oracle, op: tuple[Any, ...]) -> None:
    phases: list[dict[str, Any]] = oracle.data["phase"]
    count = len(phases)
    new = copy.deepcopy(oracle.data)
    kind = op[0]
    if kind == "undo":
        if history.undo():
            oracle.undone.append(oracle.data)
            oracle.data = oracle.done.pop()
        return
    if kind == "redo":
        if history.redo():
            oracle.done.append(oracle.data)
            oracle.data = oracle.undone.pop()
        return
    if kind == "set":
        index = _pick(op[1], count)
        if op[2] == "say" and "repeat" in phases[index]:
            return
        history.do(C.SetFields(Loc(phase=index), {op[2]: op[3]}))
        new["phase"][index][op[2]] = op[3]
    elif kind == "duration":
        index = _pick(op[1], count)
        if "repeat" in phases[index]:
            return
        history.do(C.SetFields(Loc(phase=index), {"duration": op[2]}))
        new["phase"][index]["duration"] = op[2]
    elif kind == "add":
        index = _pick(op[1], count + 1)
        values = {"name": "Added", "duration": "1m"}
        history.do(C.add_item(doc, Loc(), "phase", index, values))
        new["phase"].insert(index, dict(values))
    elif kind == "delete":
        if count == 1:
            return
        index = _pick(op[1], count)
        history.do(C.delete_item(doc, Loc(), "phase", index))
        del new["phase"][index]
    elif kind == "move":
        index, to = _pick(op[1], count), _pick(op[2], count)
        history.do(C.move_item(doc, Loc(), "phase", index, to))
        new["phase"].insert(to, new["phase"].pop(index))
    elif kind == "duplicate":
        index = _pick(op[1], count)
        history.do(C.duplicate_item(doc, Loc(), "phase", index))
        new["phase"].insert(index + 1, copy.deepcopy(new["phase"][index]))
    elif kind == "cue":
        index = _pick(op[1], count)
        if "repeat" in phases[index] or phases[index].get("duration") == "manual":
            return
        cues = new["phase"][index].setdefault("cue", [])
        values = {"at": "1s", "say": op[2]}
        history.do(C.add_item(doc, Loc(phase=index), "cue", len(cues), values))
        cues.append(dict(values))
    oracle.change(new)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.sampled_from(STARTS),
    ops=st.lists(operation, min_size=1, max_size=12),
)
def test_random_edits_save_what_the_editor_shows(
    start: Path, ops: list[tuple[Any, ...]], tmp_path: Path
) -> None:
    original = start.read_text(encoding="utf-8")
    doc = Document(original, tmp_path / "edited.toml")
    history = C.History(doc)
    oracle = Oracle(tomli.loads(original))
    for op in ops:
        _apply(doc, history, oracle, op)
        assert doc.toml.unwrap() == oracle.data  # what the forms read
    target = tmp_path / "edited.toml"
    atomic_write(target, doc.text().encode("utf-8"), backup=False)
    assert tomli.loads(target.read_text(encoding="utf-8")) == oracle.data
    if not doc.problems():
        assert dataclasses.replace(load_path(target), source=None) == dataclasses.replace(
            doc.to_session(), source=None
        )
    while history.undo():
        pass
    assert doc.text() == original
