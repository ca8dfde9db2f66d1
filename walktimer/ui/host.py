"""The Qt host of a running session: precise timers that pump the engine, and the sink.

One `Qt.PreciseTimer` single-shot QTimer is armed for the engine's next deadline and re-armed
after each batch of fired events; a second one refreshes the display just after each whole
second of the countdown. How long each waits is `walktimer.core.pacing`'s rule, the terminal
runner's too. Neither counts time: each time it fires, the engine reads its clock, so a timer
that fires late (or a laptop that slept) never makes the session drift. The engine never
waits on audio: the sink only queues what it is given.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from walktimer.core.belt_tally import BeltTally
from walktimer.core.clock import Clock
from walktimer.core.engine import Engine, EngineError, Fired, State, View
from walktimer.core.pacing import countdown_wait, cue_wait, display_wait, to_milliseconds
from walktimer.core.ports import CueSink

if TYPE_CHECKING:
    from walktimer.core.engine import RunRecord
    from walktimer.core.treadmill import BeltCompanion, Treadmill

__all__ = ["GET_READY_SECONDS", "SessionHost"]

log = logging.getLogger(__name__)

GET_READY_SECONDS = 3
MAX_TIMER_MS = 60 * 60 * 1000  # re-check at least hourly; QTimer takes int milliseconds
BELT_MS = 500  # how often a connected treadmill's readings are looked at
BELT_MIN_MS = 20  # and never more often than this, even for a deadline that is due


class SessionHost(QObject):
    """Drives one Engine from the Qt event loop and hands what fires to a CueSink.

    Commands (start, toggle, next, ...) come from the window; the engine's refusals
    ("cannot pause: the session has not started") are sent as `refused` sentences.
    `pump()` is what the deadline timer calls; tests with a FakeClock call it directly.
    """

    fired = Signal(list)  # list[Fired], every batch in timeline order
    refreshed = Signal()  # the view may have changed: redraw from engine.view()
    state_changed = Signal(object)  # State
    phase_changed = Signal(int)
    getting_ready = Signal(int)  # seconds left in the get-ready count; 0 when it ends
    finished = Signal(object)  # RunRecord, once, when the session finishes or is stopped
    refused = Signal(str)
    belt_changed = Signal()  # the treadmill's link or reading may have changed

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        sink: CueSink,
        *,
        get_ready: int = GET_READY_SECONDS,
        treadmill: Treadmill | None = None,
        companion: BeltCompanion | None = None,
        parent: QObject | None = None,
    ) -> None:
        """With a `treadmill`, its `companion` decides what is said and asked of the belt
        (as in the terminal), and `tally` sums its distance and speed for the history."""
        super().__init__(parent)
        self.treadmill = treadmill
        self.companion = companion
        self.tally = BeltTally(clock) if treadmill is not None else None
        self._engine = engine
        self._clock = clock
        self._sink = sink
        self._get_ready = max(0, get_ready)
        self._ready_until: float | None = None
        self._start_index = 0
        self._muted = False
        self._ended = False
        self._last_state: State = engine.view().state
        self._last_phase = engine.view().phase_index
        self._last_ready: int | None = None
        self._deadline = self._precise_timer(self.pump)
        self._display = self._precise_timer(self.refresh)
        self._belt = QTimer(self)
        self._belt.setInterval(BELT_MS)
        self._belt.timeout.connect(self.belt_turn)
        if treadmill is not None:
            self._belt.start()
        if companion is not None:
            sink.expect(companion.upcoming_texts())  # its sentences rendered before they are due

    def _precise_timer(self, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(slot)
        return timer

    # What the window reads.

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def sink(self) -> CueSink:
        return self._sink

    @property
    def muted(self) -> bool:
        return self._muted

    def view(self) -> View:
        return self._engine.view()

    def state(self) -> State:
        return self._engine.view().state

    def ready_left(self) -> int | None:
        """Whole seconds left in the 3-2-1 count, or None when no count is on."""
        if self._ready_until is None:
            return None
        return max(0, math.ceil(self._ready_until - self._clock.now() - 1e-9))

    @property
    def active(self) -> bool:
        """A count or a session is under way (running or paused)."""
        return self._ready_until is not None or self.state() in (State.RUNNING, State.PAUSED)

    # Commands.

    def start(self, phase_index: int = 0) -> None:
        """Begin the get-ready count; the session starts (at `phase_index`) when it ends."""
        if self._ready_until is not None:
            return
        self._start_index = phase_index
        if self.state() is not State.READY or self._get_ready == 0:
            self._command(self._begin)
            return
        self._ready_until = self._clock.now() + self._get_ready
        self._after_command()

    def _begin(self) -> list[Fired]:
        return self._engine.start(self._start_index)

    def cancel_get_ready(self) -> bool:
        if self._ready_until is None:
            return False
        self._ready_until = None
        self._last_ready = None
        self.getting_ready.emit(0)
        self._after_command()
        return True

    def toggle(self) -> None:
        """Space: start, pause or resume, whichever fits."""
        if self.cancel_get_ready():
            return
        if self.state() is State.READY:
            self.start()
            return
        self._command(self._engine.toggle)

    def pause(self) -> None:
        if not self.cancel_get_ready():
            self._command(self._engine.pause)

    def resume(self) -> None:
        self._command(self._engine.resume)

    def next(self) -> None:
        self._command(self._engine.next, leap=True)

    def previous(self) -> None:
        self._command(self._engine.previous, leap=True)

    def extend(self, seconds: int = 60) -> None:
        self._command(lambda: self._engine.extend(seconds))
        self._expect()

    def _expect(self) -> None:
        """Hand the words an extend refilled ({remaining}) to the sink, so it renders them
        ahead instead of when they are due (as the terminal runner does)."""
        if self._muted:
            return
        texts = self._engine.upcoming_texts()
        if texts:
            self._sink.expect(texts)

    def jump(self, phase_index: int) -> None:
        self._command(lambda: self._engine.jump(phase_index), leap=True)

    def stop(self) -> None:
        self.cancel_get_ready()
        if self.state() in (State.RUNNING, State.PAUSED):
            self._command(self._engine.stop, leap=True)

    def set_muted(self, muted: bool) -> None:
        """Muted: cues still appear on screen but nothing is sent to the sink."""
        if muted == self._muted:
            return
        self._muted = muted
        if muted:
            self._sink.pause()

    def shutdown(self) -> None:
        """Stop the timers and silence the sink (the window is closing or leaving)."""
        self._deadline.stop()
        self._display.stop()
        self._ready_until = None
        if self.state() in (State.RUNNING, State.PAUSED):
            try:
                self._engine.stop()
            except EngineError as error:
                log.debug("stop on shutdown refused: %s", error)
            self.belt_turn()  # a belt walktimer controls stops with the session
        self._belt.stop()  # after that last turn, which would start it again
        self._sink.stop()

    def belt_turn(self) -> None:
        """Let the companion see the engine, show and sound what it says, and wake again for
        its next deadline (a change said three seconds ahead); sum the belt's reading."""
        if self.treadmill is None:
            return
        engine = self._engine
        if self.tally is not None:
            self.tally.observe(engine.view(), self.treadmill.reading())
        companion = self.companion
        if companion is not None:
            fired = companion.turn(engine)
            if fired:
                self.fired.emit(fired)  # shown like any cue
                if not self._muted:
                    self._sink.play(fired)
            if not self._ended:
                wait = companion.wake_in(engine.view())
                base_ms = BELT_MS
                if wait is not None:
                    base_ms = min(BELT_MS, to_milliseconds(self._clock.to_base(wait)))
                # A deadline that stays due (a start waiting for the link) must not spin.
                self._belt.start(max(BELT_MIN_MS, base_ms))
        self.belt_changed.emit()

    # The pump.

    def pump(self) -> None:
        """Let the engine catch up with its clock; what the deadline timer calls."""
        if self._ready_until is not None:
            if self._clock.now() + 1e-9 >= self._ready_until:
                self._ready_until = None
                self._last_ready = None
                self.getting_ready.emit(0)
                self._command(self._begin)
                return
            self._after_command()
            return
        if self.state() is State.RUNNING:
            self._deliver(self._engine.advance())
            if self.treadmill is not None:
                self.belt_turn()  # a phase change reaches the belt at once
        self._after_command()

    def refresh(self) -> None:
        """Tell the window to redraw, and plan the next redraw."""
        left = self.ready_left()
        if left is not None and left != self._last_ready:
            self._last_ready = left
            self.getting_ready.emit(left)
        self.refreshed.emit()
        self._arm_display()

    # Inside.

    def _command(self, command: Callable[[], Sequence[Fired]], *, leap: bool = False) -> None:
        """Run an engine command and hand on what it fired. `leap`: the walker left the phase
        (next, previous, jump, stop), so what the old phase still says or has queued is
        silenced first, and only the cues of the phase now on screen are sounded."""
        try:
            fired = command()
        except EngineError as error:
            self.refused.emit(str(error))
            return
        if leap:
            self._sink.stop()
        self._deliver(fired, leap=leap)
        if self.treadmill is not None and not self._ended:
            self.belt_turn()
        self._after_command()

    def _deliver(self, fired: Sequence[Fired], *, leap: bool = False) -> None:
        # Arm first: if the sink raises, the session still keeps time.
        self._arm_deadline()
        if fired:
            batch = list(fired)
            self.fired.emit(batch)
            if leap:
                # Cues the old phase owed up to the leap are shown, not sounded.
                stopped = self._engine.view().state is State.STOPPED
                visit = self._engine.visit
                sounded = [f for f in batch if not stopped and f.visit == visit]
            else:
                sounded = batch
            if sounded and not self._muted:
                self._sink.play(sounded)

    def _after_command(self) -> None:
        self._arm_deadline()
        view = self._engine.view()
        if view.state is not self._last_state:
            self._last_state = view.state
            if view.state is State.PAUSED:
                self._sink.pause()
            elif view.state is State.STOPPED:
                self._sink.stop()
            self.state_changed.emit(view.state)
        if view.phase_index != self._last_phase:
            self._last_phase = view.phase_index
            self.phase_changed.emit(view.phase_index)
        self.refresh()
        if view.state in (State.FINISHED, State.STOPPED) and not self._ended:
            self._ended = True
            self._deadline.stop()
            self._display.stop()
            self.belt_turn()  # the belt stops with the session
            self._belt.stop()
            self.finished.emit(self._engine.record())

    def _start(self, timer: QTimer, base_seconds: float) -> None:
        timer.start(min(MAX_TIMER_MS, to_milliseconds(base_seconds)))

    def _arm_deadline(self) -> None:
        if self._ready_until is not None:
            left = max(0.0, self._ready_until - self._clock.now())
            self._start(self._deadline, self._clock.to_base(left))
            return
        wait = cue_wait(self._engine, self._clock, self._clock.to_base)
        if wait is None:
            self._deadline.stop()
            return
        self._start(self._deadline, wait)

    def _arm_display(self) -> None:
        if self._ready_until is not None:
            left = self._ready_until - self._clock.now()
            step = left - math.floor(left)
            self._start(self._display, countdown_wait(step or 1.0, self._clock.to_base))
            return
        view = self._engine.view()
        if view.state is not State.RUNNING:
            self._display.stop()
            return
        self._start(self._display, display_wait(view, self._clock.to_base))

    def finished_record(self) -> RunRecord | None:
        if not self._ended:
            return None
        return self._engine.record()
