"""Single key presses from a terminal (cbreak mode), and the one wait the host loop sleeps in."""

from __future__ import annotations

import contextlib
import os
import select
import signal
from types import FrameType
from typing import Any

__all__ = ["Keyboard", "wait_for_key"]


def wait_for_key(fd: int | None, timeout: float | None) -> bool:
    """Sleep until `fd` has input or `timeout` base seconds pass; True when there is input.

    select() takes its timeout in microseconds (epoll and poll only in milliseconds), which
    is what lets a cue wake-up land within a fraction of a millisecond of its deadline.
    """
    readable, _, _ = select.select([fd] if fd is not None else [], [], [], timeout)
    return bool(readable)


class Keyboard:
    """A terminal on stdin switched to cbreak: keys arrive one by one, unechoed; Ctrl-C still
    interrupts. `close` puts the terminal back as it was; a Ctrl-Z / fg round trip re-applies
    cbreak (the shell restores its own modes while the job is stopped)."""

    def __init__(self, fd: int) -> None:
        import termios
        import tty

        self.fd: int | None = fd
        self._tty_fd = fd
        self._termios = termios
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        self._previous_cont: Any = signal.signal(signal.SIGCONT, self._on_continue)

    def _on_continue(self, signum: int, frame: FrameType | None) -> None:
        if self.fd is not None:
            import tty

            tty.setcbreak(self.fd)

    def read(self) -> str:
        """The keys waiting now ('' when none, or when the terminal went away)."""
        if self.fd is None:
            return ""
        try:
            data = os.read(self.fd, 64)
        except OSError:
            data = b""
        if not data:  # hung up: no more keys
            self.fd = None
            return ""
        return data.decode("utf-8", errors="ignore")

    def close(self) -> None:
        with contextlib.suppress(self._termios.error):  # a terminal that went away stays so
            self._termios.tcsetattr(self._tty_fd, self._termios.TCSADRAIN, self._saved)
        signal.signal(signal.SIGCONT, self._previous_cont)
        self.fd = None
