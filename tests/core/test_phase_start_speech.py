"""At a phase start the walker hears the phase's name, then the target, then the phase's words,
and in every bundled session the target starts within 3 s of its phase at the script's rate.

Speech length is estimated from words and rate: each text takes `words * 60 / rate` seconds
plus SPEECH_PAD for the pauses the speech engine leaves around and inside an utterance
(espeak-ng at 160 words per minute renders "Brisk walk" in 1.03 s, "Backward walking, very
slow" in 2.27 s: 0.3 to 0.8 s more than the words alone). Tones last as long as their files.
Clips never overlap (one player plays them in order), so a clip starts when it is due or when
the one before it has ended, whichever is later.
"""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from walktimer.core.loader import load_path, load_text
from walktimer.core.plan import EventKind, Plan, build_plan
from walktimer.core.script import Sound
from walktimer.resources import asset, bundled_sessions

SESSIONS = bundled_sessions()
IDS = [path.name for path in SESSIONS]
SPEECH_PAD = 0.6  # seconds an utterance takes beyond its words
TARGET_LIMIT = 3.0  # seconds after a phase's start by which its target has begun


def speech_seconds(text: str, rate: int) -> float:
    return len(text.split()) * 60.0 / rate + SPEECH_PAD


def tone_seconds(sound: Sound) -> float:
    path = sound.path if sound.path is not None else asset("audio", f"{sound.name}.wav")
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def target_starts(plan: Plan) -> dict[int, float]:
    """Each phase with a spoken target: how long after the phase's start the target begins."""
    rate = plan.session.voice.rate
    busy = 0.0  # when the clip playing now ends, in planned session time
    starts: dict[int, float] = {}
    for event in plan.iter_events():
        phase = plan.phases[event.phase]
        after_manual = event.phase > 0 and plan.phases[event.phase - 1].manual
        if event.kind is EventKind.PHASE_START and after_manual:
            busy = 0.0  # Next ends a manual phase: its time is the walker's
        if phase.manual and event.t > phase.start:
            continue  # after a manual phase's start nothing has a fixed time
        begin = max(event.t, busy)
        if event.kind is EventKind.TARGETS:
            starts[event.phase] = begin - phase.start
        if event.sound is not None:
            begin += tone_seconds(event.sound)
        if event.text is not None:
            begin += speech_seconds(event.text, rate)
        busy = begin
    return starts


def test_the_estimate_is_within_reach_of_rendered_speech() -> None:
    # Measured with espeak-ng -s 160: the estimate must not be shorter than these by much.
    assert speech_seconds("Brisk walk", 160) == pytest.approx(1.03, abs=0.4)
    assert speech_seconds("Backward walking, very slow", 160) == pytest.approx(2.27, abs=0.4)


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_phase_start_speaks_name_then_target_then_words(path: Path) -> None:
    plan = build_plan(load_path(path))
    for index, phase in enumerate(plan.phases):
        start = [e for e in plan.timeline(index).once if e.t == phase.start]
        spoken = [e.kind for e in start if e.kind in (EventKind.NAME, EventKind.TARGETS,
                                                       EventKind.SAY)]  # fmt: skip
        if EventKind.TARGETS in spoken:
            assert spoken[:2] == [EventKind.NAME, EventKind.TARGETS], phase.name
            assert spoken[2:] in ([], [EventKind.SAY]), phase.name
            assert start[1].text == phase.base_name
        else:
            assert spoken == [EventKind.SAY], phase.name


@pytest.mark.parametrize("path", SESSIONS, ids=IDS)
def test_no_target_is_spoken_later_than_three_seconds_into_its_phase(path: Path) -> None:
    plan = build_plan(load_path(path))
    late = {
        plan.phases[i].name: round(after, 2)
        for i, after in target_starts(plan).items()
        if after > TARGET_LIMIT
    }
    assert late == {}


def test_a_late_target_is_caught() -> None:
    """The check can fail: a long phase name before the target delays it past the limit."""
    path = next(p for p in SESSIONS if p.name == "backward-10.toml")
    text = path.read_text(encoding="utf-8").replace(
        'name = "Forward finish"', 'name = "Forward finish, walking easy to the end of it all"'
    )
    plan = build_plan(load_text(text, path))
    assert any(after > TARGET_LIMIT for after in target_starts(plan).values())
