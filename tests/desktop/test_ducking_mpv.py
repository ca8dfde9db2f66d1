"""Ducking a real player: mpv with its MPRIS plugin on the private bus, checked with playerctl."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import wait_for

from walktimer.desktop.bus import Client
from walktimer.desktop.ducking import DUCK_LEVEL, Ducker, Journal

pytestmark = pytest.mark.slow

MPV = "org.mpris.MediaPlayer2.mpv"
PLAYER = "org.mpris.MediaPlayer2.Player"


@pytest.fixture
def mpv(session_bus: str, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """mpv playing a quiet tone in a loop at volume 65, with no audio device (--ao=null)."""
    tone = tmp_path / "tone.wav"
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", str(tone), "synth", "30", "sine",
                    "440", "vol", "0.1"], check=True, capture_output=True)  # fmt: skip
    player = subprocess.Popen(
        ["mpv", "--no-config", "--no-video", "--ao=null", "--loop=inf", "--volume=65",
         "--script=/usr/lib/mpv-mpris/mpris.so", "--really-quiet", str(tone)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield player
    finally:
        player.terminate()
        player.wait(timeout=10)


def playerctl(*args: str) -> str:
    done = subprocess.run(["playerctl", "-p", "mpv", *args], capture_output=True, text=True,
                          timeout=10, check=True)  # fmt: skip
    return done.stdout.strip()


def test_mpv_is_lowered_during_a_cue_and_restored(
    mpv: subprocess.Popen[bytes], client: Client, tmp_path: Path
) -> None:
    def volume() -> float:
        return float(client.get(MPV, "/org/mpris/MediaPlayer2", PLAYER, "Volume"))

    assert wait_for(lambda: MPV in client.names(), 20)
    assert wait_for(lambda: playerctl("status") == "Playing", 20)
    before = volume()
    assert before == pytest.approx(0.65)
    duck = Ducker("lower", journal=Journal(tmp_path / "ducked.json"), linger=0.05)
    try:
        duck.begin()
        assert wait_for(lambda: abs(volume() - before * DUCK_LEVEL) < 1e-9)
        assert float(playerctl("volume")) == pytest.approx(before * DUCK_LEVEL, abs=1e-6)
        duck.end()
        assert wait_for(lambda: not duck.ducked)
    finally:
        duck.close()
    assert volume() == before  # exactly what it was
    assert playerctl("volume") == "0.650000"
    assert playerctl("status") == "Playing"


def test_mpv_is_paused_during_a_cue_and_plays_on(
    mpv: subprocess.Popen[bytes], client: Client, tmp_path: Path
) -> None:
    assert wait_for(lambda: MPV in client.names(), 20)
    assert wait_for(lambda: playerctl("status") == "Playing", 20)
    duck = Ducker("pause", journal=Journal(tmp_path / "ducked.json"), linger=0.05)
    try:
        duck.begin()
        assert wait_for(lambda: playerctl("status") == "Paused")
        duck.end()
        assert wait_for(lambda: playerctl("status") == "Playing")
    finally:
        duck.close()
