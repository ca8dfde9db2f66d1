"""Media keys for the terminal runner: MPRIS commands become keys on the host loop's one wait.

The host loop sleeps in one select() on its key source. `RemoteKeys` gives it a pipe to wait
on instead; the terminal's keys are copied into it by a small thread, and the session bus's
commands (called on the bus thread) are written into it as the keys they stand for, so every
command is carried out on the loop's own thread, in order with the walker's keys.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from walktimer.desktop.mpris import Controls
    from walktimer.runner.host import KeySource

__all__ = ["PAUSE_KEY", "PLAY_KEY", "STOP_KEY", "RemoteKeys", "controls_for"]

# Keys no keyboard sends: the host reads them as the media commands without a toggle.
PLAY_KEY = "\x11"
PAUSE_KEY = "\x12"
STOP_KEY = "\x13"


class RemoteKeys:
    """A KeySource made of the terminal's keys (`inner`) and commands `send` from any thread."""

    def __init__(self, inner: KeySource) -> None:
        self._inner = inner
        self._read_end, self._write_end = os.pipe()
        os.set_blocking(self._read_end, False)
        self._stop_r, self._stop_w = os.pipe()
        self.fd: int | None = self._read_end
        self._lock = threading.Lock()
        self._closed = False
        self._thread: threading.Thread | None = None
        if inner.fd is not None:
            self._thread = threading.Thread(target=self._copy, name="walktimer-keys", daemon=True)
            self._thread.start()

    def send(self, keys: str) -> None:
        with self._lock:
            if not self._closed:
                os.write(self._write_end, keys.encode("utf-8"))

    def read(self) -> str:
        chunks = []
        while True:
            try:
                data = os.read(self._read_end, 256)
            except BlockingIOError:
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks).decode("utf-8", errors="ignore")

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        os.write(self._stop_w, b"x")
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._inner.close()
        for fd in (self._read_end, self._write_end, self._stop_r, self._stop_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fd = None

    def _copy(self) -> None:
        while True:
            fd = self._inner.fd
            if fd is None:
                return  # the terminal hung up: commands still arrive
            readable, _, _ = select.select([fd, self._stop_r], [], [])
            if self._stop_r in readable:
                return
            keys = self._inner.read()
            if keys:
                self.send(keys)


def controls_for(keys: RemoteKeys) -> Controls:
    """The MPRIS commands as keys: play/pause is Space, next N, previous P."""
    from walktimer.desktop.mpris import Controls

    return Controls(
        play_pause=lambda: keys.send(" "),
        play=lambda: keys.send(PLAY_KEY),
        pause=lambda: keys.send(PAUSE_KEY),
        next=lambda: keys.send("n"),
        previous=lambda: keys.send("p"),
        stop=lambda: keys.send(STOP_KEY),
    )
