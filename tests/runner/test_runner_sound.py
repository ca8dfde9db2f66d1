"""`walktimer run --no-gui` with sound: the audio sink plugged into the terminal runner."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from walktimer.audio.sink import AudioSink
from walktimer.core.loader import load_path
from walktimer.core.plan import build_plan
from walktimer.resources import bundled_session
from walktimer.runner.output import FanOutSink, PrintingSink, RenderProgress, make_sink


def test_mute_prints_only() -> None:
    session = load_path(bundled_session("backward-10.toml"))
    sink = make_sink(argparse.Namespace(mute=True), session, print)
    assert isinstance(sink, FanOutSink)
    assert [type(s) for s in sink.sinks] == [PrintingSink]


def test_sound_plays_first_and_prints_too() -> None:
    session = load_path(bundled_session("backward-10.toml"))
    sink = make_sink(argparse.Namespace(mute=False), session, print)
    try:
        assert isinstance(sink, FanOutSink)
        assert [type(s) for s in sink.sinks] == [AudioSink, PrintingSink]
    finally:
        sink.close()


def test_render_progress_says_when_the_cues_are_ready() -> None:
    lines: list[str] = []
    now = [0.0]
    progress = RenderProgress(lines.append, now=lambda: now[0])
    progress(1, 41)
    now[0] = 0.5
    progress(5, 41)
    now[0] = 1.0
    progress(9, 41)
    now[0] = 2.6
    progress(30, 41)
    now[0] = 3.0
    progress(41, 41)
    assert lines == [
        "Preparing the spoken cues: 5 of 41...",
        "Preparing the spoken cues: 30 of 41...",
        "Spoken cues ready: 41 (3.0 s).",
    ]
    quiet: list[str] = []
    RenderProgress(quiet.append)(0, 0)  # muted or speech off: nothing to say
    assert quiet == []


@pytest.mark.slow
def test_a_terminal_run_is_heard(user_dirs: Path, tmp_path: Path) -> None:
    device = tmp_path / "device"
    device.mkdir()
    alsa = user_dirs / "config" / "alsa"
    alsa.mkdir(parents=True)
    (alsa / "asoundrc").write_text(
        'pcm.!default { type file  slave.pcm "null"  '
        f'file "{device}/play-%r.wav"  format "wav"  truncate false }}\n'
    )
    script = bundled_session("backward-10.toml")
    result = subprocess.run(
        [sys.executable, "-m", "walktimer", "run", str(script), "--no-gui", "--speed", "600"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    plan = build_plan(load_path(script))
    texts = len(plan.spoken_texts())
    assert f"Spoken cues ready: {texts} (" in result.stdout
    assert "No sound" not in result.stdout
    assert "Speech is off" not in result.stdout
    heard = [e for e in plan.events if e.sound is not None] + [e for e in plan.events if e.text]
    assert len(list(device.iterdir())) == len(heard)
    assert result.stderr == ""
