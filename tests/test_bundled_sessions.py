"""The bundled sessions: valid, well planned, schema-valid, safe to walk, and worth hearing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import tomli

from walktimer.core.loader import load_path
from walktimer.core.plan import Anchor, EventKind, Plan, build_plan
from walktimer.core.schema import build_schema
from walktimer.core.script import Kind
from walktimer.resources import DEFAULT_SESSION, bundled_session, bundled_sessions

EXPECTED = {
    "back-care-30.toml",
    "backward-10.toml",
    "beginner-15.toml",
    "cooldown-stretches.toml",
    "de-ruecken-20.toml",
    "es-espalda-20.toml",
    "figure-8-floor.toml",
    "posture-focus.toml",
    "side-step.toml",
}
SESSIONS = bundled_sessions()
IDS = [path.name for path in SESSIONS]


def plan_of(path: Path) -> Plan:
    return build_plan(load_path(path))


def test_the_bundled_set_is_complete() -> None:
    assert set(IDS) >= EXPECTED


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_loads_with_a_description_and_tags(path: Path) -> None:
    session = load_path(path)
    assert session.description is not None
    assert len(session.description) >= 60
    assert len(session.tags) >= 3
    assert session.source == path


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_timeline_is_ordered_and_ends_with_the_finish_at_the_total(path: Path) -> None:
    plan = plan_of(path)
    events = plan.events
    assert [e.seq for e in events] == list(range(len(events)))
    assert [e.phase for e in events] == sorted(e.phase for e in events)
    for index, phase in enumerate(plan.phases):
        inside = [e for e in events if e.phase == index and e.kind is not EventKind.FINISH]
        positions = [e.position(phase.duration) for e in inside]
        assert positions == sorted(positions), phase.name
        assert inside[0].position(phase.duration) == 0
    if not plan.has_manual:
        assert [e.t for e in events] == sorted(e.t for e in events)
    assert events[-1].kind is EventKind.FINISH
    assert sum(e.kind is EventKind.FINISH for e in events) == 1
    assert events[-1].t == plan.total == plan.session.total_seconds


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_validates_against_the_json_schema(path: Path) -> None:
    with path.open("rb") as stream:
        document = tomli.load(stream)
    jsonschema.Draft202012Validator(build_schema()).validate(document)


def entry_point() -> list[str]:
    script = Path(sys.executable).with_name("walktimer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "walktimer"]


@pytest.mark.slow
def test_walktimer_check_accepts_them_all(tmp_path: Path) -> None:
    result = subprocess.run(
        [*entry_point(), "check", *map(str, SESSIONS)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(SESSIONS)
    assert all(line.startswith("OK  ") for line in lines)
    assert "OK  Back-care walk, 30 minutes  (30:00, 9 phases)" in lines
    assert "OK  Cool-down stretches  (at least 3:50, 8 phases)" in lines


def test_the_default_is_the_thirty_minute_back_care_walk() -> None:
    assert bundled_session() == bundled_session(DEFAULT_SESSION)
    assert bundled_session().name == "back-care-30.toml"
    plan = plan_of(bundled_session())
    assert 29 * 60 <= plan.total <= 31 * 60
    assert not plan.has_manual
    assert "back-care" in plan.session.tags
    kinds = [p.kind for p in plan.phases]
    assert kinds[0] is Kind.WARMUP
    assert Kind.STRETCH in kinds
    assert any("backward" in p.name.lower() for p in plan.phases)


# -- safety ---------------------------------------------------------------------------------------

SAFETY_WORDS = ("doctor", "dizzy", "off balance", "pain")


def has_backward_or_side_steps(plan: Plan) -> bool:
    words = " ".join(f"{p.name} {p.say} {p.instructions or ''}" for p in plan.phases).lower()
    return "backward" in words or "side-step" in words or "sideways" in words


def test_backward_and_side_step_sessions_are_the_expected_ones() -> None:
    found = {path.name for path in SESSIONS if has_backward_or_side_steps(plan_of(path))}
    assert found >= {"back-care-30.toml", "backward-10.toml", "side-step.toml"}
    assert "figure-8-floor.toml" not in found


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_backward_and_side_step_sessions_open_with_a_safety_note(path: Path) -> None:
    plan = plan_of(path)
    if not has_backward_or_side_steps(plan):
        return
    first_words = [e.text for e in plan.events if e.text and e.phase == 0 and e.t == 0]
    note = " ".join(first_words).lower()
    for word in SAFETY_WORDS:
        assert word in note, f"{path.name}: the opening words do not mention {word!r}"


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_backward_walking_on_a_treadmill_is_very_slow(path: Path) -> None:
    for phase in plan_of(path).phases:
        if "backward" in phase.base_name.lower() and phase.speed is not None:
            assert phase.speed.kmh <= 2.0, phase.name
        if "side-step" in phase.base_name.lower() and phase.speed is not None:
            assert phase.speed.kmh <= 2.0, phase.name


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_speeds_are_walking_speeds_and_floor_sessions_have_none(path: Path) -> None:
    plan = plan_of(path)
    speeds = [p.speed.kmh for p in plan.phases if p.speed is not None]
    if "treadmill" in plan.session.tags:
        assert speeds, "a treadmill session sets speeds"
    if "floor" in plan.session.tags and "treadmill" not in plan.session.tags:
        assert speeds == []
    assert all(1.0 <= kmh <= 6.5 for kmh in speeds)


# -- what is heard --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_spoken_texts_are_short_whole_sentences(path: Path) -> None:
    for text in plan_of(path).spoken_texts():
        assert "{" not in text, text
        assert "}" not in text, text
        assert len(text.split()) <= 30, text
        assert "  " not in text, text
        assert text == text.strip(), text
        assert not re.search(r"\b(km/h|mph)\b", text), f"units are spoken as words: {text}"


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_spoken_cues_do_not_land_on_each_other(path: Path) -> None:
    """Away from a phase start (sound, intro, targets), no two spoken events share a moment."""
    plan = plan_of(path)
    seen: dict[tuple[int, float], str] = {}
    for event in plan.events:
        if not event.text or event.kind is EventKind.FINISH:
            continue
        if event.anchor is Anchor.START and event.offset == 0:
            continue
        key = (event.phase, event.position(plan.phases[event.phase].duration))
        assert key not in seen, f"{event.text!r} falls on {seen[key]!r}"
        seen[key] = event.text


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_every_timed_phase_of_a_minute_or_more_says_something_beyond_its_intro(
    path: Path,
) -> None:
    plan = plan_of(path)
    for phase in plan.phases:
        spoken = [
            e
            for e in plan.events
            if e.phase == phase.index and e.text and e.kind is not EventKind.FINISH
        ]
        if phase.duration is not None and phase.duration >= 60:
            assert len(spoken) >= 2, phase.name


def test_the_stretch_session_holds_stretches_until_next_with_repeating_prompts() -> None:
    plan = plan_of(bundled_session("cooldown-stretches.toml"))
    assert plan.has_manual
    manual = [p for p in plan.phases if p.manual]
    assert len(manual) >= 4
    assert all(p.kind is Kind.STRETCH for p in manual)
    for phase in manual:
        repeating = [e for e in plan.events if e.phase == phase.index and e.every]
        assert repeating, phase.name
        assert all(e.text for e in repeating)
    assert all(p.kind in (Kind.STRETCH, Kind.REST) for p in plan.phases)


def test_the_posture_walk_has_dense_reminders() -> None:
    plan = plan_of(bundled_session("posture-focus.toml"))
    reminders = [e for e in plan.events if e.kind is EventKind.REMINDER]
    walking = sum(p.duration or 0 for p in plan.phases if p.reminders)
    assert walking >= 10 * 60
    assert len(reminders) >= walking / 45
    assert len({e.text for e in reminders}) >= 10


def test_the_figure_8_session_is_on_the_floor() -> None:
    plan = plan_of(bundled_session("figure-8-floor.toml"))
    assert "floor" in plan.session.tags
    assert "treadmill" not in plan.session.tags
    assert all(p.speed is None and p.incline is None for p in plan.phases)
    assert not plan.session.announce.targets
