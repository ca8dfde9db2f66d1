"""Shared test fakes. Audio: a recording output device and a speech renderer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from walktimer.audio.clip import Clip
from walktimer.audio.player import OutputError, Playing
from walktimer.audio.speech import Done
from walktimer.core.treadmill import BeltReading, Capabilities, Link


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


class RecordingSink:
    """A CueSink that records what it is given. `hold=True` makes `prepare` wait (reporting
    progress 1 of `steps`) until `release()` or `close()`, like rendering that takes a while."""

    def __init__(self, *, hold: bool = False, steps: int = 4, notices: list[str] | None = None):
        self.played: list[Any] = []  # every Fired, in order
        self.queued: list[Any] = []  # what a real sink would still have to sound
        self.expected: list[list[str]] = []  # each expect() call's texts
        self.batches = 0
        self.paused = 0
        self.stopped = 0
        self.closed = False
        self.prepared = False
        self.steps = steps
        self._notices = list(notices or [])
        self._gate = threading.Event()
        if not hold:
            self._gate.set()

    def prepare(self, plan: object, progress: Callable[[int, int], None] | None = None) -> None:
        if progress is not None:
            progress(1, self.steps)
        self._gate.wait(10.0)
        if progress is not None and not self.closed:
            progress(self.steps, self.steps)
        self.prepared = not self.closed

    def release(self) -> None:
        self._gate.set()

    def play(self, fired: Sequence[Any]) -> None:
        self.batches += 1
        self.played.extend(fired)
        self.queued.extend(fired)

    def expect(self, texts: Sequence[str]) -> None:
        self.expected.append(list(texts))

    def pause(self) -> None:
        self.paused += 1
        self.queued.clear()

    def stop(self) -> None:
        self.stopped += 1
        self.queued.clear()

    def notices(self) -> list[str]:
        out, self._notices = self._notices, []
        return out

    def close(self) -> None:
        self.closed = True
        self._gate.set()

    @property
    def texts(self) -> list[str]:
        return [f.text for f in self.played if f.text]


@dataclass
class FakeBelt:
    """A Treadmill that records every command; the test sets what it reports."""

    link: Link = Link.CONNECTED
    speed: float = 0.0
    running: bool | None = None
    caps: Capabilities | None = None
    calls: list[tuple[str, float | None]] = field(default_factory=list)
    pending_notices: list[str] = field(default_factory=list)
    granted: bool = True  # the treadmill accepted control
    distance: int | None = None  # metres on the belt's counter; None: not reported

    @property
    def controllable(self) -> bool:
        return self.granted and self.link is Link.CONNECTED

    def capabilities(self) -> Capabilities | None:
        return self.caps

    def reading(self) -> BeltReading | None:
        return BeltReading(self.speed, distance_m=self.distance, running=self.running)

    def start(self) -> None:
        self.calls.append(("start", None))
        self.running = True

    def pause(self) -> None:
        self.calls.append(("pause", None))

    def stop(self) -> None:
        self.calls.append(("stop", None))

    def set_speed(self, kmh: float) -> None:
        self.calls.append(("speed", kmh))
        self.speed = kmh

    def set_incline(self, percent: float) -> None:
        self.calls.append(("incline", percent))

    def notices(self) -> list[str]:
        out, self.pending_notices = self.pending_notices, []
        return out

    def close(self) -> None:
        pass
