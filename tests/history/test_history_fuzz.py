"""Fuzzing what a crash or a damaged disk leaves behind: the resume file and the history
database. Whatever is in them, the next start says at most one sentence, never a traceback,
and the start after that works as if nothing had happened."""

from __future__ import annotations

import functools
import json
import math
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walktimer import resources
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.loader import load_text
from walktimer.core.plan import build_plan
from walktimer.history import resume
from walktimer.history.log import HistoryError, HistoryLog, Walk, WalkEnd
from walktimer.history.terminal import pending_for_terminal

# A bundled session, copied where the test can change it: the resume file names it.
SCRIPT = resources.bundled_session("backward-10.toml").read_text(encoding="utf-8")
ZONE = timezone(timedelta(hours=1))


@contextmanager
def folder() -> Iterator[Path]:
    # One fresh folder per example: hypothesis runs many examples in one test call.
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _point_data(script: Path) -> dict[str, Any]:
    plan = build_plan(load_text(SCRIPT, script))
    engine = Engine(plan, FakeClock())
    engine.start()
    point = resume.ResumePoint(
        run_id="0123abcd",
        script_path=str(script),
        script_sha256=resume.sha256_file(script),
        script_name=plan.session.name,
        phase_index=0,
        phase_name=plan.phases[0].name,
        phase_elapsed=12.5,
        session_elapsed=12.5,
        state="running",
        started="2025-01-06T18:00:00+01:00",
        saved="2025-01-06T18:00:12+01:00",
        saved_unix=1736182812.0,
        record=engine.record(),
    )
    data: dict[str, Any] = json.loads(point.to_json())
    return data


def _is_sentence(text: str) -> bool:
    return "\n" not in text and "Traceback" not in text and text.rstrip().endswith(".")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, -0.0, 2**70])
    | st.floats()
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
TOP = ["version", "run_id", "script_path", "script_sha256", "script_name", "phase_index",
       "phase_name", "phase_elapsed", "session_elapsed", "state", "started", "saved",
       "saved_unix", "record", "speed", "resumes"]  # fmt: skip
RECORD = ["session_name", "planned_seconds", "active_seconds", "phases", "ended", "at_least",
          "dropped"]  # fmt: skip
PHASE = ["index", "name", "status", "planned_seconds", "extended_by", "active_seconds"]
FIELDS = [(key,) for key in TOP] + [("record", key) for key in RECORD]
FIELDS += [("record", "phases", n, key) for n in (0, 1) for key in PHASE]
DELETE = object()
changes = st.lists(
    st.tuples(st.sampled_from(FIELDS), json_values | st.just(DELETE)), min_size=1, max_size=3
)


def _apply(data: dict[str, Any], path: tuple[Any, ...], value: object) -> None:
    where: Any = data
    for step in path[:-1]:
        try:
            where = where[step]
        except (KeyError, IndexError, TypeError):
            return  # an earlier change replaced what this one would go into
    if not isinstance(where, dict | list):
        return
    if value is DELETE:
        if isinstance(where, dict):
            where.pop(path[-1], None)
        return
    if isinstance(where, dict) or (isinstance(path[-1], int) and path[-1] < len(where)):
        where[path[-1]] = value


def _start(base: Path) -> list[str]:
    """What `walktimer run --no-gui` says about a session left behind, with no terminal."""
    said: list[str] = []
    pending_for_terminal(
        resume=False,
        interactive=False,
        say=said.append,
        path=base / "resume.json",
        history_path=base / "history.sqlite3",
    )
    return said


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(changes)
def test_any_value_in_any_field_of_the_resume_file_gives_one_sentence(
    changed: list[tuple[tuple[Any, ...], object]],
) -> None:
    with folder() as base:
        script = base / "short.toml"
        script.write_text(SCRIPT)
        data = _point_data(script)
        for path, value in changed:
            _apply(data, path, value)
        (base / "resume.json").write_text(json.dumps(data))
        said = _start(base)
        assert len(said) == 1, said
        assert _is_sentence(said[0]), said[0]
        assert not (base / "resume.json").exists()
        assert _start(base) == []  # the next run starts as if nothing had happened
        with HistoryLog(base / "history.sqlite3") as history:
            assert len(history.walks()) <= 1


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("phase_elapsed", "NaN"),
        ("phase_elapsed", "1e308"),
        ("session_elapsed", "Infinity"),
        ("saved_unix", "-1e400"),
        ("run_id", DEEP),
        (None, DEEP),
    ],
    ids=["nan", "1e308", "infinity", "minus-infinity", "deep-in-a-field", "deep"],
)
def test_unreadable_numbers_and_deep_nesting_are_moved_aside(
    key: str | None, raw: str, tmp_path: Path
) -> None:
    script = tmp_path / "short.toml"
    script.write_text(SCRIPT)
    if key is None:
        body = raw
    else:
        data = _point_data(script)
        data[key] = "@@"
        body = json.dumps(data).replace('"@@"', raw)
    (tmp_path / "resume.json").write_text(body)
    said = _start(tmp_path)
    assert len(said) == 1
    assert said[0].startswith("The saved session could not be read (")
    assert said[0].endswith("cannot be resumed.")
    assert (tmp_path / "resume.json.bad").read_text() == body
    assert _start(tmp_path) == []


# --- the history database ------------------------------------------------------------------


def _seed_history(path: Path) -> bytes:
    with HistoryLog(path) as history:
        for day in range(3):
            start = datetime(2025, 1, 6 + day, 18, 0, tzinfo=ZONE)
            history.add(Walk(start, "Walk", None, None, 600.0, 600.0, WalkEnd.FINISHED, ()))
    return path.read_bytes()


@functools.cache
def seed() -> bytes:
    with folder() as base:
        return _seed_history(base / "history.sqlite3")


def _open_once(path: Path) -> list[str]:
    """Open the history as a run's end does and log a walk; the sentences it gives."""
    said: list[str] = []
    try:
        with HistoryLog(path, on_notice=said.append) as history:
            history.walks()
            start = datetime(2025, 2, 1, 9, 0, tzinfo=ZONE)
            history.add(Walk(start, "Next walk", None, None, 60.0, 60.0, WalkEnd.FINISHED, ()))
    except HistoryError as error:
        said.append(str(error))
    return said


mutations = st.lists(st.tuples(st.integers(0, 16383), st.integers(0, 255)), max_size=8)


@settings(max_examples=150)
@given(cut=st.one_of(st.none(), st.integers(0, 16384)), mutated=mutations)
def test_a_truncated_or_mutated_history_gives_one_sentence_and_the_next_run_works(
    cut: int | None, mutated: list[tuple[int, int]]
) -> None:
    data = bytearray(seed() if cut is None else seed()[:cut])
    for position, byte in mutated:
        if position < len(data):
            data[position] = byte
    with folder() as base:
        path = base / "history.sqlite3"
        path.write_bytes(bytes(data))
        said = _open_once(path)
        assert len(said) <= 1, said
        assert all(_is_sentence(text) for text in said), said
        again = _open_once(path)
        if said and "written by a newer walktimer" in said[0]:
            assert again == said  # left alone for the newer version, and said again
            return
        assert again == [], again
        with HistoryLog(path) as history:
            assert "Next walk" in [walk.script_name for walk in history.walks()]


def test_a_history_whose_tables_were_damaged_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(seed())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, 'script_name', 'script_nime')")
    conn.commit()
    conn.close()
    said = _open_once(path)
    assert len(said) == 1
    assert said[0].startswith("The walk history could not be read (its tables are not the ones")
    assert list(tmp_path.glob("history.sqlite3.corrupt-*"))
    assert _open_once(path) == []
