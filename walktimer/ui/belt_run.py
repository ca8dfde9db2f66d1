"""The treadmill beside a session in the window: the companion's turns on the Qt loop.

`BeltRun` follows a SessionHost through its signals (every command and redraw) and gives
the BeltCompanion a turn each time, plus one precise wake-up for the companion's own next
deadline (a speed change said three seconds ahead). What the companion says is sounded and
shown like a target cue, as the terminal runner does. The run view reads `treadmill` for its
connection indicator.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

from walktimer.core.pacing import to_milliseconds

if TYPE_CHECKING:
    from walktimer.core.treadmill import BeltCompanion, Treadmill
    from walktimer.ui.host import SessionHost
    from walktimer.ui.treadmill_picker import BeltConnection

__all__ = ["BeltRun"]

log = logging.getLogger(__name__)

MAX_WAIT = 1.0  # base seconds: while a treadmill is attached, look at it at least this often


class BeltRun(QObject):
    """The treadmill of one run in the window; `close()` when the run closes."""

    def __init__(
        self, host: SessionHost, connection: BeltConnection, companion: BeltCompanion
    ) -> None:
        super().__init__(host)
        self.host = host
        self.connection = connection
        self.companion = companion
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.turn)
        host.refreshed.connect(self.turn)
        host.sink.expect(companion.upcoming_texts())
        self.turn()

    @property
    def treadmill(self) -> Treadmill:
        return self.connection.treadmill

    @property
    def control(self) -> bool:
        """walktimer may set the belt (the walker allowed it, and the treadmill granted it)."""
        return self.companion.control and self.treadmill.controllable

    def turn(self) -> None:
        """Let the companion see the engine, say what it returns, and wake for its next."""
        if self._closed:
            return
        host = self.host
        engine = host.engine
        batch = self.companion.turn(engine)
        if batch:
            host.fired.emit(batch)  # shown like any cue
            if not host.muted:
                host.sink.play(batch)
        wait = self.companion.wake_in(engine.view())
        base = MAX_WAIT if wait is None else min(MAX_WAIT, host.clock.to_base(wait))
        self._timer.start(to_milliseconds(base))

    def close(self) -> None:
        """A last turn (a stopped walk stops the belt), then let go of the treadmill."""
        if self._closed:
            return
        try:
            self.turn()
        except Exception:  # closing must not fail on a belt that already went away
            log.exception("the treadmill's last turn failed")
        self._closed = True
        self._timer.stop()
        self.host.refreshed.disconnect(self.turn)
        self.connection.close()
