"""`walktimer doctor` and `walktimer cache`: what works, what does not, with the fixes."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import wave
from array import array
from itertools import pairwise
from pathlib import Path

import pytest

from walktimer.audio import speech
from walktimer.audio.cache import SpeechCache
from walktimer.verbs import cache as cache_verb
from walktimer.verbs import doctor

pytestmark = pytest.mark.slow

DOCTOR = """
import argparse, sys
from walktimer.verbs import doctor
sys.exit(doctor.run(argparse.Namespace(no_render=False)))
"""


def run_doctor() -> tuple[int, str]:
    """In a fresh process: alsa-lib reads its configuration once per process."""
    result = subprocess.run(
        [sys.executable, "-c", DOCTOR],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    return result.returncode, result.stdout


def asoundrc(user_dirs: Path, text: str) -> None:
    alsa = user_dirs / "config" / "alsa"
    alsa.mkdir(parents=True, exist_ok=True)
    (alsa / "asoundrc").write_text(text)


def _peak(path: Path) -> int:
    with wave.open(str(path)) as wav:
        frames = wav.readframes(wav.getnframes())
    samples = array("h", frames[: len(frames) // 2 * 2])
    return max((abs(v) for v in samples), default=0)


def test_the_test_tone_is_audible_and_does_not_click() -> None:
    tone = doctor.doctor_tone()
    samples = array("h", tone.frames)
    assert 0.35 <= tone.seconds <= 0.45
    assert max(samples) > 0.25 * 32767
    assert abs(samples[0]) < 100
    assert abs(samples[-1]) < 100  # faded in and out
    crossings = sum(1 for a, b in pairwise(samples) if a < 0 <= b)
    assert abs(crossings / tone.seconds - doctor.TONE_HZ) < 10


def test_doctor_says_everything_works(user_dirs: Path, tmp_path: Path) -> None:
    asoundrc(
        user_dirs,
        'pcm.!default { type file  slave.pcm "null"  '
        f'file "{tmp_path}/play-%r.wav"  format "wav"  truncate false }}\n',
    )
    code, out = run_doctor()
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("ok    speech engine  espeak-ng ")
    assert "a test phrase rendered" in lines[0]
    assert lines[1].startswith("ok    voices ")
    assert "en-gb" in lines[1]
    assert lines[2].startswith("ok    audio output   played a short test tone ")
    # What reached the device is a tone, not silence: about 30 % of full scale at 880 Hz.
    [played] = [w for w in tmp_path.glob("play-*.wav") if _peak(w) > 0]
    assert 0.25 < _peak(played) / 32767 < 0.35
    assert lines[3].startswith("ok    speech cache ")
    assert str(user_dirs / "cache" / "walktimer" / "speech") in lines[3]
    assert lines[4] == "ok    Qt platform    offscreen (QT_QPA_PLATFORM=offscreen)"
    assert "FAIL" not in out
    assert out.endswith("\nEverything works.\n")
    # The doctor's test phrase does not land in the user's cache.
    assert SpeechCache().usage().files == 0


def test_doctor_names_what_fails_and_the_fix(
    user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asoundrc(user_dirs, "pcm.!default { type hw card 97 }\n")
    monkeypatch.setenv("QT_QPA_PLATFORM", "nosuchplatform")
    code, out = run_doctor()
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("ok    speech engine ")
    audio = next(i for i, line in enumerate(lines) if "audio output" in line)
    assert lines[audio].startswith("FAIL  audio output ")
    assert "fix: connect speakers or headphones" in lines[audio + 1]
    qt = next(line for line in lines if "Qt platform" in line)
    assert qt.startswith("FAIL  Qt platform    QT_QPA_PLATFORM=nosuchplatform: ")
    assert "fix: unset QT_QPA_PLATFORM" in out
    assert "2 checks failed" in out


def test_doctor_without_espeak_ng_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech, "espeak_version", lambda: None)
    [line] = doctor._speech(render=True)
    assert not line.ok
    assert line.fix == "espeak-ng is not installed (sudo apt install espeak-ng)."


def test_cache_shows_and_clears_the_rendered_speech(
    user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = user_dirs / "cache" / "walktimer" / "speech"
    folder.mkdir(parents=True)
    (folder / "a.wav").write_bytes(b"x" * 3000)
    (folder / "b.wav").write_bytes(b"x" * 1000)
    assert cache_verb.run(argparse.Namespace(action="show")) == 0
    assert capsys.readouterr().out.startswith(f"Speech cache: {folder}: 2 files, 3.9 KiB.\n")
    assert cache_verb.run(argparse.Namespace(action="clear")) == 0
    assert capsys.readouterr().out == f"Freed 2 files, 3.9 KiB from the speech cache ({folder}).\n"
    assert list(folder.iterdir()) == []
    assert cache_verb.run(argparse.Namespace(action="clear")) == 0
    assert capsys.readouterr().out == f"The speech cache is already empty ({folder}).\n"


def test_a_speech_cache_on_a_full_disk_fails_the_doctor(
    user_dirs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # An empty probe file fits on a full disk; a cue's worth of bytes does not.
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if len(data) >= doctor.PROBE_BYTES:
            raise OSError(28, os.strerror(28))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    [line] = doctor._cache()
    assert not line.ok
    assert line.text.endswith("is full; spoken cues cannot be kept")
    folder = user_dirs / "cache" / "walktimer" / "speech"
    assert list(folder.iterdir()) == []
    monkeypatch.setattr(doctor, "_speech", lambda render: [doctor.Line(True, "speech", "ok")])
    monkeypatch.setattr(doctor, "_output", lambda: [doctor.Line(True, "audio output", "ok")])
    monkeypatch.setattr(doctor, "_qt", lambda: [doctor.Line(True, "Qt platform", "ok")])
    assert doctor.run(argparse.Namespace(no_render=True)) == 1
    assert "FAIL  speech cache" in capsys.readouterr().out
