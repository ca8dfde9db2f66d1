"""Where the terminal runner sends fired events: the sink (sound, and printed cue lines) and
the `--events` JSON-lines log."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from walktimer.runner.display import cue_line

if TYPE_CHECKING:
    import argparse

    from walktimer.core.engine import Fired
    from walktimer.core.plan import Plan
    from walktimer.core.ports import CueSink, Progress
    from walktimer.core.script import Session

__all__ = ["EventLog", "FanOutSink", "PrintingSink", "make_sink"]

Printer = Callable[[str], None]


class PrintingSink:
    """A CueSink that prints every fired cue as a line: `0:05:00  Warm-up  say  Warm up.`"""

    def __init__(self, printer: Printer) -> None:
        self._print = printer

    def prepare(self, plan: Plan, progress: Progress | None = None) -> None:
        pass

    def play(self, fired: Sequence[Fired]) -> None:
        for item in fired:
            self._print(cue_line(item))

    def pause(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def notices(self) -> list[str]:
        return []

    def close(self) -> None:
        pass


class FanOutSink:
    """Several sinks as one, each given every call in order."""

    def __init__(self, sinks: Sequence[CueSink]) -> None:
        self.sinks = list(sinks)

    def prepare(self, plan: Plan, progress: Progress | None = None) -> None:
        for sink in self.sinks:
            sink.prepare(plan, progress)

    def play(self, fired: Sequence[Fired]) -> None:
        for sink in self.sinks:
            sink.play(fired)

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


def make_sink(args: argparse.Namespace, session: Session, printer: Printer) -> CueSink:
    """The sink for a terminal run: the one place where sound is chosen.

    Cue lines are always printed. Sound joins them here: unless `args.mute`, append the
    audio package's sink (walktimer.audio.sink.build_sink) to `sinks`.
    """
    sinks: list[CueSink] = [PrintingSink(printer)]
    return FanOutSink(sinks)


class EventLog:
    """`--events FILE`: one JSON object per fired event, per line. Written to a temporary file
    beside FILE and moved into place when the run ends, so FILE is never half-written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self._file = self._temp.open("w", encoding="utf-8")

    def write(self, fired: Sequence[Fired]) -> None:
        for item in fired:
            self._file.write(json.dumps(item.as_json(), ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._file.closed:
            return
        self._file.close()
        os.replace(self._temp, self.path)
