"""Shared test fakes. Audio: a recording output device and a speech renderer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from walktimer.audio.clip import Clip
from walktimer.audio.player import OutputError, Playing
from walktimer.audio.speech import Done


@dataclass
class Played:
    label: str
    rate: int
    frames: int
    started: float


class _Handle:
    def __init__(self, hold: threading.Event | None) -> None:
        self._hold = hold
        self.stopped = False

    def is_playing(self) -> bool:
        return not self.stopped and self._hold is not None and not self._hold.is_set()

    def stop(self) -> None:
        self.stopped = True


class RecordingOutput:
    """Records every clip it is asked to play. Clips end at once unless `hold` is set: then
    they play until `release()` or until the player stops them."""

    def __init__(self, *, fail: str | None = None, hold: bool = False) -> None:
        self.played: list[Played] = []
        self.handles: list[_Handle] = []
        self.fail = fail
        self._release = threading.Event() if hold else None
        self.started = threading.Event()

    def play(self, clip: Clip) -> Playing:
        if self.fail is not None:
            raise OutputError(self.fail)
        self.played.append(Played(clip.label, clip.rate, len(clip.frames) // 2, time.monotonic()))
        handle = _Handle(self._release)
        self.handles.append(handle)
        self.started.set()
        return handle

    def release(self) -> None:
        if self._release is not None:
            self._release.set()

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.played]


def tone_clip(label: str, seconds: float = 0.05, rate: int = 22050) -> Clip:
    count = int(rate * seconds)
    frames = b"".join(
        (1000 if i % 20 < 10 else -1000).to_bytes(2, "little", signed=True) for i in range(count)
    )
    return Clip(frames, rate, 1, label)


class FakeRenderer:
    """Renders any text at once into a short clip labelled with the text, or, with `manual`,
    only when the test calls `finish(text)`. Counts renders and can be switched off."""

    def __init__(self, *, manual: bool = False, failure: str | None = None) -> None:
        self.manual = manual
        self._failure = failure
        self.rendered: list[str] = []
        self.requests: list[tuple[str, bool]] = []
        self.waiting: dict[str, list[Done]] = {}
        self.closed = False

    def cached(self, text: str) -> Clip | None:
        return None

    def request(self, text: str, done: Done, *, urgent: bool = False) -> None:
        self.requests.append((text, urgent))
        if self._failure is not None:
            done(text, None)
            return
        if self.manual:
            self.waiting.setdefault(text, []).append(done)
            return
        self.rendered.append(text)
        done(text, tone_clip(text))

    def finish(self, text: str) -> None:
        self.rendered.append(text)
        for done in self.waiting.pop(text):
            done(text, tone_clip(text))

    def failure(self) -> str | None:
        return self._failure

    def close(self) -> None:
        self.closed = True


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll a condition another thread makes true (the player's thread)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.001)
    return predicate()
