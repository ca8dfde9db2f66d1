"""Runs CueSink.prepare (rendering the session's speech) on a worker thread with progress."""

from __future__ import annotations

import logging

from PySide6.QtCore import QThread, Signal

from walktimer.core.plan import Plan
from walktimer.core.ports import CueSink

__all__ = ["PrepareThread"]

log = logging.getLogger(__name__)


class PrepareThread(QThread):
    """`progress(done, total)` while it works, then `prepared(error)`: "" on success, else a
    sentence. Cancel by closing the sink (CueSink.prepare returns early when it is closed)."""

    progress = Signal(int, int)
    prepared = Signal(str)

    def __init__(self, sink: CueSink, plan: Plan) -> None:
        super().__init__()
        self._sink = sink
        self._plan = plan
        self.cancelled = False

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
