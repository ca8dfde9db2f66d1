"""The one player: a single thread owns the output device and plays a queue of clips in order.

Nothing else in walktimer opens the device. Clips never overlap: each one is played to its end
(or until `stop`) before the next starts. Every clip gets a `PlaybackReport` saying when it
really started and ended, on the monotonic clock.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from walktimer.audio.clip import Clip

__all__ = [
    "ClipFate",
    "Output",
    "OutputError",
    "PlaybackReport",
    "Player",
    "Playing",
    "SimpleaudioOutput",
    "open_simpleaudio",
]

log = logging.getLogger(__name__)

POLL = 0.002  # how often the playback thread checks whether a clip has ended
REPORTS_KEPT = 1000  # reports nobody collected are forgotten, oldest first


class OutputError(Exception):
    """The device could not be opened or vanished; the message says what the library said."""


class Playing(Protocol):
    """A clip being played by an Output."""

    def is_playing(self) -> bool: ...

    def stop(self) -> None: ...


class Output(Protocol):
    """An audio device. Only the player's thread calls it."""

    def play(self, clip: Clip) -> Playing:
        """Start playing `clip` and return at once; raise OutputError when that fails."""
        ...


class SimpleaudioOutput:
    """The real device through simpleaudio (ALSA "default" on Linux)."""

    def __init__(self) -> None:
        import simpleaudio
        from simpleaudio import _simpleaudio

        self._play_buffer = simpleaudio.play_buffer
        self._error: type[Exception] = _simpleaudio.SimpleaudioError
        _quiet_alsa()

    def play(self, clip: Clip) -> Playing:
        try:
            played: Playing = self._play_buffer(clip.frames, clip.channels, 2, clip.rate)
        except self._error as error:
            raise OutputError(str(error).split("ALSA lib")[0].strip()) from error
        return played


def open_simpleaudio() -> Output:
    """SimpleaudioOutput, or OutputError when simpleaudio itself cannot be loaded."""
    try:
        return SimpleaudioOutput()
    except ImportError as error:
        raise OutputError(
            f"simpleaudio could not be loaded ({error}); reinstall walktimer "
            "(it needs gcc, python3-dev and libasound2-dev to build)"
        ) from error


# alsa-lib prints every failed open of "default" on stderr; the player already says once, in a
# sentence, that there is no sound. The handler has to stay referenced while the library lives.
_ALSA_HANDLER: object | None = None


def _quiet_alsa() -> None:
    global _ALSA_HANDLER  # noqa: PLW0603
    if _ALSA_HANDLER is not None:
        return
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        lib = ctypes.CDLL("libasound.so.2")
    except OSError:
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )

    def ignore(
        file: bytes | None, line: int, function: bytes | None, err: int, fmt: bytes | None
    ) -> None:
        return None

    handler = handler_type(ignore)
    lib.snd_lib_error_set_handler(handler)
    _ALSA_HANDLER = handler


class ClipFate(StrEnum):
    PLAYING = "playing"  # started, not ended yet (the start notification)
    PLAYED = "played"  # played to its end
    STOPPED = "stopped"  # cut short by stop()
    DROPPED = "dropped"  # never started: stop() cleared it from the queue
    FAILED = "failed"  # the device refused it


@dataclass(frozen=True, slots=True)
class PlaybackReport:
    """What became of one queued clip. Times are `time.monotonic()` seconds."""

    label: str
    kind: str  # "tone" or "speech"
    text: str | None  # the words, for speech
    due: float  # when it should have started
    started: float | None
    ended: float | None
    outcome: ClipFate
    error: str | None = None

    @property
    def latency(self) -> float | None:
        return None if self.started is None else self.started - self.due


@dataclass(slots=True)
class _Item:
    clip: Clip
    kind: str
    text: str | None
    due: float
    generation: int


_CLOSE = object()

Listener = Callable[[PlaybackReport], None]


class Player:
    """Plays clips one after another on its own thread.

    `output` is created on that thread (it owns the device) by calling `open_output`.
    `on_start` and `on_end` are called on the playback thread; keep them short.
    """

    def __init__(
        self,
        open_output: Callable[[], Output] = open_simpleaudio,
        *,
        volume: float = 1.0,
        on_start: Listener | None = None,
        on_end: Listener | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._open_output = open_output
        self._volume = max(0.0, min(1.0, volume))
        self._on_start = on_start
        self._on_end = on_end
        self._now = now
        self._queue: queue.SimpleQueue[_Item | object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._generation = 0
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._scaled: dict[Clip, Clip] = {}
        self._reports: deque[PlaybackReport] = deque(maxlen=REPORTS_KEPT)
        self._device_error: str | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="walktimer-player", daemon=True)
        self._thread.start()

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def device_error(self) -> str | None:
        """The last reason the device refused a clip, or None while everything played."""
        return self._device_error

    def scale(self, clip: Clip) -> Clip:
        """`clip` at the player's volume; remembered, so scaling ahead makes playing instant."""
        if self._volume >= 1.0:
            return clip
        with self._lock:
            done = self._scaled.get(clip)
        if done is None:
            done = clip.scaled(self._volume)
            with self._lock:
                self._scaled[clip] = done
        return done

    def enqueue(
        self, clip: Clip, *, kind: str = "tone", text: str | None = None, due: float | None = None
    ) -> None:
        """Play `clip` after everything queued before it. Returns at once."""
        with self._lock:
            if self._closed:
                return
            self._pending += 1
            self._idle.clear()
            item = _Item(clip, kind, text, self._now() if due is None else due, self._generation)
        self._queue.put(item)

    def stop(self) -> None:
        """Silence what is playing at once and drop everything queued."""
        with self._lock:
            self._generation += 1
        self._wake.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the queue is empty and nothing plays (tests, the end of a terminal run)."""
        return self._idle.wait(timeout)

    def idle(self) -> bool:
        return self._idle.is_set()

    def reports(self) -> list[PlaybackReport]:
        """Every finished report since the last call, oldest first."""
        with self._lock:
            out = list(self._reports)
            self._reports.clear()
        return out

    def close(self) -> None:
        """Stop, and end the playback thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._generation += 1
        self._wake.set()
        self._queue.put(_CLOSE)
        self._thread.join(timeout=2.0)

    # The playback thread.

    def _run(self) -> None:
        output: Output | None = None
        open_error: str | None = None
        try:
            output = self._open_output()
        except OutputError as error:
            open_error = str(error)
        while True:
            item = self._queue.get()
            if item is _CLOSE:
                break
            assert isinstance(item, _Item)
            self._play(output, open_error, item)
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()

    def _play(self, output: Output | None, open_error: str | None, item: _Item) -> None:
        base = PlaybackReport(
            label=item.clip.label,
            kind=item.kind,
            text=item.text,
            due=item.due,
            started=None,
            ended=None,
            outcome=ClipFate.DROPPED,
        )
        if item.generation != self._generation:
            self._finish(base)
            return
        clip = self.scale(item.clip)
        if output is None:
            self._fail(base, open_error or "no audio output")
            return
        try:
            playing = output.play(clip)
        except OutputError as error:
            self._fail(base, str(error))
            return
        except Exception as error:  # the thread must outlive a broken device driver
            log.exception("the audio output failed")
            self._fail(base, f"{type(error).__name__}: {error}")
            return
        started = self._now()
        self._device_error = None
        report = replace(base, started=started, outcome=ClipFate.PLAYING)
        self._notify(self._on_start, report)
        outcome = ClipFate.PLAYED
        while playing.is_playing():
            if self._wake.wait(POLL):
                self._wake.clear()
                if item.generation != self._generation:
                    playing.stop()
                    outcome = ClipFate.STOPPED
                    break
        self._finish(replace(report, ended=self._now(), outcome=outcome))

    def _fail(self, base: PlaybackReport, error: str) -> None:
        self._device_error = error
        self._finish(replace(base, outcome=ClipFate.FAILED, error=error))

    def _finish(self, report: PlaybackReport) -> None:
        with self._lock:
            self._reports.append(report)
        self._notify(self._on_end, report)

    @staticmethod
    def _notify(listener: Listener | None, report: PlaybackReport) -> None:
        if listener is None:
            return
        try:
            listener(report)
        except Exception:  # a listener's bug must not end playback for the session
            log.exception("a playback listener failed")
