"""Where the terminal runner sends fired events: the sink (sound, and printed cue lines) and
the `--events` JSON-lines log."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from walktimer.core.ports import SilentSink
from walktimer.runner.display import cue_line

if TYPE_CHECKING:
    import argparse

    from walktimer.audio.sink import Ducking
    from walktimer.core.engine import Fired
    from walktimer.core.plan import Plan
    from walktimer.core.ports import CueSink, ProgressCallback
    from walktimer.core.script import Session

__all__ = ["EventLog", "FanOutSink", "PrintingSink", "RenderProgress", "make_sink"]

Printer = Callable[[str], None]


class PrintingSink(SilentSink):
    """A CueSink that prints every fired cue as a line: `0:05:00  Warm-up  say  Warm up.`"""

    def __init__(self, printer: Printer) -> None:
        self._print = printer

    def play(self, fired: Sequence[Fired]) -> None:
        for item in fired:
            self._print(cue_line(item))


class FanOutSink:
    """Several sinks as one, each given every call in order."""

    def __init__(self, sinks: Sequence[CueSink]) -> None:
        self.sinks = list(sinks)

    def prepare(self, plan: Plan, progress: ProgressCallback | None = None) -> None:
        for sink in self.sinks:
            sink.prepare(plan, progress)

    def play(self, fired: Sequence[Fired]) -> None:
        for sink in self.sinks:
            sink.play(fired)

    def expect(self, texts: Sequence[str]) -> None:
        """Words needed soon (refilled after an extend): rendered ahead by sinks that speak."""
        for sink in self.sinks:
            sink.expect(texts)

    def pause(self) -> None:
        for sink in self.sinks:
            sink.pause()

    def stop(self) -> None:
        for sink in self.sinks:
            sink.stop()

    def notices(self) -> list[str]:
        return [notice for sink in self.sinks for notice in sink.notices()]

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()


def make_sink(
    args: argparse.Namespace,
    session: Session,
    printer: Printer,
    *,
    ducking: Ducking | None = None,
    duck_tones: bool = True,
) -> CueSink:
    """The sink for a terminal run: the one place where sound is chosen.

    Cue lines are always printed. Unless `args.mute`, the audio package's sink plays them
    too; it goes first so that printing never delays a sound, and its notices (speech off,
    no device) are printed as lines, on this thread, when they arise. `ducking` has other
    players step aside while cues sound.
    """
    sinks: list[CueSink] = []
    if not args.mute:
        from walktimer.audio.sink import build_sink

        sinks.append(
            build_sink(
                session, mute=False, on_notice=printer, ducking=ducking, duck_tones=duck_tones
            )
        )
    sinks.append(PrintingSink(printer))
    return FanOutSink(sinks)


class RenderProgress:
    """Rendering the spoken cues, for the terminal: a line while it takes a while, and one
    when they are ready. Nothing when there is nothing to render (muted, speech off)."""

    def __init__(
        self, printer: Printer, *, now: Callable[[], float] = time.monotonic, every: float = 2.0
    ) -> None:
        self._print = printer
        self._now = now
        self._every = every
        self._start: float | None = None
        self._last: float | None = None

    def __call__(self, done: int, total: int) -> None:
        if total == 0:
            return
        now = self._now()
        if self._start is None:
            self._start = now
        if done >= total:
            noun = "cue" if total == 1 else "cues"
            self._print(f"Spoken {noun} ready: {total} ({now - self._start:.1f} s).")
            return
        waited = now - (self._last if self._last is not None else self._start)
        if waited >= (self._every if self._last is not None else 0.3):
            self._print(f"Preparing the spoken cues: {done} of {total}...")
            self._last = now


class EventLog:
    """`--events FILE`: one JSON object per fired event, per line, written and flushed as the
    events fire, so a run killed at any moment (kill -9 included) leaves every line fired
    before it. A pipe or device (/dev/stdout, a FIFO) is written to the same way, never
    replaced by a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("w", encoding="utf-8")

    def write(self, fired: Sequence[Fired]) -> None:
        if not fired:
            return
        lines = "".join(json.dumps(item.as_json(), ensure_ascii=False) + "\n" for item in fired)
        self._file.write(lines)
        self._file.flush()

    def close(self) -> None:
        self._file.close()
