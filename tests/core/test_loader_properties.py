"""Property tests: no input, however broken, makes the loader raise anything but SessionError.

Three sources of input: random bytes, random TOML documents shaped roughly like scripts, and
small mutations of real scripts (the bundled sessions and the test scripts). Whatever loads
must also plan, with a sorted timeline that ends with the finish at the session's total.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomli
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walktimer.core.loader import KEYS, Problem, SessionError, load_bytes, load_text
from walktimer.core.plan import EventKind, build_plan
from walktimer.core.script import Session
from walktimer.resources import bundled_sessions

DATA = Path(__file__).resolve().parents[1] / "data"
# Sound paths in generated scripts resolve against a folder that does not exist.
NOWHERE = Path("/nonexistent-walktimer-test/script.toml")
SEEDS = [*bundled_sessions(), DATA / "good" / "complex.toml", DATA / "good" / "format-example.toml"]
SEED_DOCS = [tomli.loads(path.read_text(encoding="utf-8")) for path in SEEDS]
LINE = re.compile(r"^(?P<file>[^\n]+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: error: .+: .+$")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(load: Any, *args: Any) -> Session | SessionError:
    """Load, and check whatever comes out: a plannable Session or well-formed problems."""
    error: SessionError | None = None
    try:
        session: Session = load(*args)
    except SessionError as caught:
        error = caught
    if error is not None:
        assert error.problems
        text = args[0] if isinstance(args[0], str) else None
        lines = text.replace("\r\n", "\n").split("\n") if text is not None else None
        for problem in error.problems:
            assert isinstance(problem, Problem)
            assert problem.where
            assert problem.what
            assert "\n" not in str(problem)
            assert LINE.match(str(problem)), str(problem)
            if problem.line is not None and lines is not None:
                assert 1 <= problem.line <= len(lines)
                assert problem.col is not None
                assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1
        return error
    plan = build_plan(session)
    if not session.has_manual:  # manual phases count as 0 s, so their cues stick out
        times = [event.t for event in plan.events]
        assert times == sorted(times)
    assert plan.events[-1].kind is EventKind.FINISH
    assert plan.events[-1].t == session.total_seconds
    return session


# -- random bytes ----------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_session_error(data: bytes) -> None:
    outcome(load_bytes, data, NOWHERE)


@FAST
@given(st.text(max_size=300))
def test_random_text_never_raises_anything_but_session_error(text: str) -> None:
    outcome(load_text, text, NOWHERE)


# -- random TOML documents -------------------------------------------------------------------------

ALL_KEYS = sorted({key for keys in KEYS.values() for key in keys})
key_names = st.one_of(st.sampled_from(ALL_KEYS), st.text(min_size=1, max_size=8))
scalars = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "5m",
            "1m30s",
            "2:30",
            "-30s",
            "50%",
            "manual",
            "3.5 km/h",
            "2 mph",
            "2%",
            "bell",
            "none",
            "x.wav",
            "{remaining}",
            "{rep} of {reps}",
            "{nope}",
            "cycle",
            "shuffle",
            "walk",
            "stretch",
            "",
        ]
    ),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(key_names, inner, max_size=5),
    ),
    max_leaves=25,
)


def table_of(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.one_of(st.sampled_from(KEYS[kind]), key_names), values, max_size=6)


def phase_tables() -> st.SearchStrategy[dict[str, Any]]:
    cues = st.lists(table_of("cue"), max_size=3)
    step = st.builds(lambda t, c: {**t, "cue": c}, table_of("step"), cues)
    steps = st.lists(step, max_size=3)
    return st.one_of(
        st.builds(lambda t, c: {**t, "cue": c}, table_of("phase"), cues),
        st.builds(lambda t, s: {**t, "step": s}, table_of("block"), steps),
        table_of("phase"),
    )


documents = st.fixed_dictionaries(
    {},
    optional={
        "format": st.one_of(st.just(1), scalars),
        "name": st.one_of(st.just("Walk"), scalars),
        "description": scalars,
        "tags": st.one_of(st.lists(st.text(max_size=5), max_size=3), scalars),
        "voice": st.one_of(table_of("voice"), scalars),
        "sounds": table_of("sounds"),
        "announce": table_of("announce"),
        "reminders": table_of("reminders"),
        "phase": st.one_of(st.lists(phase_tables(), max_size=4), phase_tables(), scalars),
        "extra": values,
    },
)


@FAST
@given(documents)
def test_random_toml_documents_never_raise_anything_but_session_error(doc: dict[str, Any]) -> None:
    try:
        text = tomlkit.dumps(doc)
    except (ValueError, TypeError):  # a value tomlkit cannot write: nothing to load
        return
    outcome(load_text, text, NOWHERE)


# -- mutations of real scripts ---------------------------------------------------------------------


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a parsed document (dict keys and list indexes)."""
    out: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        path = (*prefix, key)
        out.append(path)
        if isinstance(child, dict | list):
            out.extend(paths_in(child, path))
    return out


def parent_and_key(doc: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    return parent, path[-1]


replacements = st.one_of(
    scalars, st.just([]), st.just({}), st.lists(scalars, max_size=2), st.just({"x": 1})
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    import copy

    doc = copy.deepcopy(draw(st.sampled_from(SEED_DOCS)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = paths_in(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = parent_and_key(doc, path)
        action = draw(st.sampled_from(["delete", "retype", "rename"]))
        if action == "delete":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(replacements)
        elif isinstance(parent, dict):
            new = draw(st.one_of(key_names, st.just(key[:-1] or "x"), st.just(key + "s")))
            parent[new] = parent.pop(key)
    return tomlkit.dumps(doc)


@FAST
@given(mutated())
def test_mutated_scripts_never_raise_anything_but_session_error(text: str) -> None:
    outcome(load_text, text, NOWHERE)


@FAST
@given(st.sampled_from(SEEDS), st.data())
def test_duplicated_tables_and_lines_give_problems_not_exceptions(
    seed: Path, data: st.DataObject
) -> None:
    lines = seed.read_text(encoding="utf-8").split("\n")
    starts = [i for i, line in enumerate(lines) if line.strip().startswith("[")] or [0]
    start = data.draw(st.sampled_from(starts))
    end = start + data.draw(st.integers(min_value=1, max_value=12))
    where = data.draw(st.integers(min_value=0, max_value=len(lines)))
    text = "\n".join([*lines[:where], *lines[start:end], *lines[where:]])
    outcome(load_text, text, seed)


def test_a_duplicated_table_is_a_syntax_error_with_its_position() -> None:
    text = (DATA / "good" / "format-example.toml").read_text(encoding="utf-8")
    doubled = text.replace("[announce]", "[voice]\nrate = 150\n\n[announce]", 1)
    result = outcome(load_text, doubled, "x.toml")
    assert isinstance(result, SessionError)
    assert [str(p) for p in result.problems] == [
        "x.toml:19:7: error: TOML syntax: this table is declared twice: merge the two into one "
        "(the TOML parser says: Cannot declare ('voice',) twice)"
    ]


def test_every_seed_is_valid_so_mutations_start_from_a_good_script() -> None:
    for seed in SEEDS:
        assert isinstance(outcome(load_text, seed.read_text(encoding="utf-8"), seed), Session)
