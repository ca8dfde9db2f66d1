"""The terminal runner on a private session bus: a media widget sees the walk and drives it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fakes import wait_for

from walktimer.desktop.bus import BusError, Client
from walktimer.desktop.mpris import BUS_NAME, OBJECT_PATH

PLAYER = "org.mpris.MediaPlayer2.Player"

pytestmark = pytest.mark.slow


def test_media_keys_pause_resume_skip_and_stop_a_terminal_walk(client: Client) -> None:
    walk = subprocess.Popen(
        [sys.executable, "-m", "walktimer", "run", "backward-10", "--no-gui", "--mute"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )

    def get(name: str) -> object:
        return client.get(BUS_NAME, OBJECT_PATH, PLAYER, name)

    def status_soon() -> object:
        """The status, or None while the walk is still starting and does not answer yet
        (its name is on the bus before its first answer; media widgets ask again too)."""
        try:
            return get("PlaybackStatus")
        except BusError:
            return None

    def title() -> object:
        meta = get("Metadata")
        assert isinstance(meta, dict)
        return meta["xesam:title"][1]

    def command(member: str) -> None:
        client.call(BUS_NAME, OBJECT_PATH, PLAYER, member)

    try:
        assert wait_for(lambda: BUS_NAME in client.names(), 20)
        assert wait_for(lambda: status_soon() == "Playing", 20)
        assert title() == "Forward warm-up"
        assert get("Metadata")["xesam:album"][1] == "Backward walking, 10 minutes"  # type: ignore[index]
        command("PlayPause")
        assert wait_for(lambda: get("PlaybackStatus") == "Paused")
        command("Pause")  # already paused: stays so
        command("Play")
        assert wait_for(lambda: get("PlaybackStatus") == "Playing")
        command("Play")  # already playing: stays so
        command("Next")
        assert wait_for(lambda: title() == "Slow backward walk")
        command("Previous")
        assert wait_for(lambda: title() == "Forward warm-up")
        assert get("PlaybackStatus") == "Playing"
        command("Stop")
        out, err = walk.communicate(timeout=30)
    finally:
        if walk.poll() is None:
            walk.kill()
            walk.communicate()
    assert walk.returncode == 0, err
    assert "Stopped." in out or "Session stopped" in out
    assert "Media keys" not in out  # the bus was there: no sentence about it
    assert "Traceback" not in err
    assert wait_for(lambda: BUS_NAME not in client.names())
