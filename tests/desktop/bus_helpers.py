"""Test MPRIS players in their own processes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from walktimer.desktop.bus import Client, open_client

HERE = Path(__file__).resolve().parent


class FakePlayer:
    """One mpris_player.py process, and calls on it."""

    def __init__(self, name: str, volume: float) -> None:
        self.name = f"org.mpris.MediaPlayer2.{name}"
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "mpris_player.py"), name, repr(volume)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"
        self.client: Client = open_client()

    def get(self, prop: str) -> Any:
        return self.client.get(self.name, "/org/mpris/MediaPlayer2",
                               "org.mpris.MediaPlayer2.Player", prop)  # fmt: skip

    @property
    def volume(self) -> float:
        return float(self.get("Volume"))

    @property
    def status(self) -> str:
        return str(self.get("PlaybackStatus"))

    def changes(self) -> list[str]:
        found = self.client.get(self.name, "/org/mpris/MediaPlayer2", "org.walktimer.Test", "x")
        return [str(c) for c in found]

    def set_volume(self, volume: float) -> None:
        self.client.set(self.name, "/org/mpris/MediaPlayer2", "org.mpris.MediaPlayer2.Player",
                        "Volume", "d", volume)  # fmt: skip

    def command(self, member: str) -> None:
        self.client.call(self.name, "/org/mpris/MediaPlayer2", "org.mpris.MediaPlayer2.Player",
                         member)  # fmt: skip

    def close(self) -> None:
        self.client.close()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=5)
        assert self.process.stdout is not None
        self.process.stdout.close()
