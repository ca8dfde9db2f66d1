"""Gets a session's sound ready off the GUI thread: builds the sink, then renders its speech.

The window shows the run view first and builds the real sink (which starts the speech worker
and opens the audio device) on a worker thread afterwards, so neither delays the first frame.
Until then a DeferredSink stands in for it; nothing is played before preparing ends, because
a session starts only once it has.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QThread, Signal

from walktimer.core.plan import Plan
from walktimer.core.ports import CueSink, ProgressCallback

if TYPE_CHECKING:
    from walktimer.core.engine import Fired

__all__ = ["DeferredSink", "PrepareThread"]

log = logging.getLogger(__name__)


class DeferredSink:
    """A CueSink whose real sink is built later, by `build()` (on the prepare thread).

    Calls before then are dropped; `close()` before then makes `build()` close what it builds.
    """

    def __init__(self, factory: Callable[[], CueSink]) -> None:
        self._factory = factory
        self._real: CueSink | None = None
        self._closed = False
        self._lock = threading.Lock()

    @property
    def real(self) -> CueSink | None:
        return self._real

    def build(self) -> CueSink | None:
        """Make the real sink (once); None when the sink was closed first."""
        with self._lock:
            if self._real is not None or self._closed:
                return self._real
        real = self._factory()
        if self._keep(real):
            return real
        real.close()
        return None

    def _keep(self, real: CueSink) -> bool:
        with self._lock:
            if self._closed:
                return False
            self._real = real
            return True

    def prepare(self, plan: Plan, progress: ProgressCallback | None = None) -> None:
        real = self.build()
        if real is not None:
            real.prepare(plan, progress)

    def play(self, fired: Sequence[Fired]) -> None:
        if self._real is not None:
            self._real.play(fired)

    def expect(self, texts: Sequence[str]) -> None:
        """Words needed soon (refilled after an extend): passed to a sink that renders ahead."""
        if self._real is not None:
            self._real.expect(texts)

    def pause(self) -> None:
        if self._real is not None:
            self._real.pause()

    def stop(self) -> None:
        if self._real is not None:
            self._real.stop()

    def notices(self) -> list[str]:
        return self._real.notices() if self._real is not None else []

    def close(self) -> None:
        with self._lock:
            self._closed = True
            real = self._real
        if real is not None:
            real.close()


class PrepareThread(QThread):
    """`progress(done, total)` while it works, then `prepared(error)`: "" on success, else a
    sentence. Cancel by closing the sink (CueSink.prepare returns early when it is closed)."""

    progress = Signal(int, int)
    prepared = Signal(str)

    def __init__(self, sink: CueSink, plan: Plan) -> None:
        super().__init__()
        self._sink = sink
        self._plan = plan

    def run(self) -> None:
        try:
            self._sink.prepare(self._plan, self._report)
        except Exception as error:
            # A thread boundary: the traceback goes to the log and the walk goes on with the
            # cues shown on screen (a full disk, an unwritable cache, a broken voice).
            log.exception("preparing the spoken cues failed")
            self.prepared.emit(
                f"The spoken cues could not be prepared ({error}); they are shown on screen."
            )
            return
        self.prepared.emit("")

    def _report(self, done: int, total: int) -> None:
        self.progress.emit(done, total)
