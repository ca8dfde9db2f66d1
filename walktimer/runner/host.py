"""The terminal host loop: one wait per engine deadline, keys from stdin, a slower redraw.

Each turn sleeps in one select() on stdin (or on nothing, without a TTY) for exactly as long
as `walktimer.core.pacing.wake_in` says: until the engine's next deadline, or until the
shown second changes on a live screen, whichever is first. Waking early or late shifts
nothing: the engine reads the clock. A wait never exceeds `SUSPEND_GUARD` base seconds,
because select() sleeps on a clock that stops while a laptop is suspended and the walk's
clock does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from walktimer.core.belt_tally import BeltTally
from walktimer.core.clock import Clock
from walktimer.core.engine import Engine, EngineError, Fired, RunRecord, State, View
from walktimer.core.pacing import wake_in
from walktimer.core.ports import CueSink
from walktimer.runner.display import Screen, belt_line, phase_line
from walktimer.runner.keys import wait_for_key
from walktimer.runner.output import EventLog
from walktimer.runner.remote import PAUSE_KEY, PLAY_KEY, STOP_KEY

if TYPE_CHECKING:
    from walktimer.core.treadmill import BeltCompanion, Treadmill
    from walktimer.history.keeper import RunKeeper

__all__ = ["EXTEND_SECONDS", "SUSPEND_GUARD", "KeySource", "NoKeys", "RunResult", "TerminalHost"]

SUSPEND_GUARD = 1.0  # base seconds: the longest single wait
EXTEND_SECONDS = 60.0  # what `+` adds to the current phase
MESSAGE_SECONDS = 4.0  # how long a refusal or a note stays in the status block


class KeySource(Protocol):
    """What the loop reads keys from: a cbreak Keyboard, or nothing."""

    @property
    def fd(self) -> int | None:
        """The descriptor to wait on, or None when there are no keys."""
        ...

    def read(self) -> str: ...

    def close(self) -> None: ...


class NoKeys:
    """No terminal on stdin: keys are off."""

    fd: int | None = None

    def read(self) -> str:
        return ""

    def close(self) -> None:
        pass


@dataclass(frozen=True, slots=True)
class RunResult:
    record: RunRecord
    interrupted: bool  # Ctrl-C or SIGTERM


class TerminalHost:
    """Runs one engine to its end in a terminal."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        sink: CueSink,
        screen: Screen,
        keys: KeySource,
        log: EventLog | None = None,
        to_base: Callable[[float], float] | None = None,
        wait: Callable[[int | None, float | None], bool] = wait_for_key,
        monotonic: Callable[[], float] = time.monotonic,
        keeper: RunKeeper | None = None,
        observer: Callable[[View], None] | None = None,
        treadmill: Treadmill | None = None,
        companion: BeltCompanion | None = None,
    ) -> None:
        """`wait(fd, seconds)` sleeps until input or the timeout (tests pass one that moves a
        FakeClock instead); `monotonic` times the status messages. `keeper` saves the resume
        file each turn; the loop wakes when its next save is due. `observer` sees the view
        after every turn (the desktop's media widget). With a `treadmill`, its `companion`
        decides what is said and asked of the belt; the screen shows the belt, and `tally`
        sums its distance and speed for the history."""
        self.observer = observer
        self.engine = engine
        self.clock = clock
        self.sink = sink
        self.screen = screen
        self.keys = keys
        self.log = log
        self.to_base = to_base
        self.wait = wait
        self.monotonic = monotonic
        self.keeper = keeper
        self.treadmill = treadmill
        self.companion = companion
        self.tally = BeltTally(clock) if treadmill is not None else None
        self._shown_visit = 0
        self._expected: set[str] = set()
        self._confirming = False
        self._message: str | None = None
        self._message_until = 0.0

    # ------------------------------------------------------------------ the loop

    def run(self) -> RunResult:
        engine = self.engine
        interrupted = False
        try:
            # A run restored after a crash starts paused: it carries on where it was.
            self.deliver(engine.resume() if engine.state is State.PAUSED else engine.start())
            self.refresh()
            while engine.state.active:
                wait = wake_in(
                    engine,
                    self.clock,
                    self.to_base,
                    display=self.screen.live and engine.state is State.RUNNING,
                    longest=SUSPEND_GUARD,
                )
                save = self.keeper.wake_in(engine) if self.keeper is not None else None
                if save is not None:
                    save = self.to_base(save) if self.to_base is not None else save
                    wait = save if wait is None else min(wait, save)
                belt = self._belt_wait()
                if belt is not None:
                    wait = belt if wait is None else min(wait, belt)
                has_keys = self.wait(self.keys.fd, wait)
                # Cues first: they are what must be on time.
                self.deliver(engine.advance())
                if has_keys:
                    for key in self.keys.read():
                        self.on_key(key)
                self.refresh()
        except KeyboardInterrupt:
            interrupted = True
            if engine.state.active:
                self.deliver(engine.stop())
                self.sink.stop()
            self._belt_turn()  # the belt stops with the session
        return RunResult(engine.record(), interrupted)

    def deliver(self, fired: list[Fired]) -> None:
        """Hand a batch to the sink (which also prints it) and the log; phase headers first."""
        if not fired:
            self._announce_phase()
            self._expect()
            return
        start = 0
        for i, item in enumerate(fired):
            if item.visit != self._shown_visit:
                if i > start:
                    self.sink.play(fired[start:i])
                self._shown_visit = item.visit
                self.screen.phase_started(self._phase_text(item.phase_index))
                start = i
        self.sink.play(fired[start:])
        if self.log is not None:
            self.log.write(fired)
        self._announce_phase()
        self._expect()

    def _expect(self) -> None:
        """Have words that an extend changed ({remaining} filled anew) rendered ahead, so they
        are ready when due instead of rendered then."""
        texts = [t for t in self.engine.upcoming_texts() if t not in self._expected]
        if texts:
            self._expected.update(texts)
            self.sink.expect(texts)

    def _announce_phase(self) -> None:
        """A phase entered with nothing fired (a stall dropped its start) still gets a line."""
        engine = self.engine
        if engine.state.active and engine.visit != self._shown_visit:
            self._shown_visit = engine.visit
            self.screen.phase_started(self._phase_text(engine.phase_index))

    def _phase_text(self, index: int) -> str:
        plan = self.engine.plan
        return phase_line(plan.phases[index], len(plan.phases), self.engine.phase_duration(index))

    # ------------------------------------------------------------------ treadmill

    BELT_REDRAW = 0.5  # base seconds between redraws of the belt's readings

    def _belt_wait(self) -> float | None:
        if self.companion is None:
            return None
        wait = self.companion.wake_in(self.engine.view())
        if wait is not None and self.to_base is not None:
            wait = self.to_base(wait)
        if self.screen.live:
            wait = self.BELT_REDRAW if wait is None else min(wait, self.BELT_REDRAW)
        return wait

    def _belt_turn(self) -> None:
        """Let the companion see the engine; say what it returns, as the treadmill's cue."""
        if self.tally is not None and self.treadmill is not None:
            self.tally.observe(self.engine.view(), self.treadmill.reading())
        if self.companion is None:
            return
        fired = self.companion.turn(self.engine)
        if fired:
            self.sink.play(fired)

    def _belt_text(self) -> str | None:
        belt = self.treadmill
        if belt is None:
            return None
        control = self.companion is not None and self.companion.control and belt.controllable
        return belt_line(belt.link, belt.reading(), self.engine.view(), control=control)

    def refresh(self) -> None:
        if self._message is not None and self.monotonic() >= self._message_until:
            self._message = None
        self._belt_turn()
        view = self.engine.view()
        self.screen.show(view, self._message, self._belt_text())
        if self.observer is not None:
            self.observer(view)
        if self.keeper is not None:
            self.keeper.update(self.engine)

    def say(self, message: str, *, sticky: bool = False) -> None:
        """Show a short message in place of the key hints."""
        self._message = message
        self._message_until = float("inf") if sticky else self.monotonic() + MESSAGE_SECONDS

    # ------------------------------------------------------------------ keys

    def on_key(self, key: str) -> None:
        engine = self.engine
        if self._confirming:
            self._confirming = False
            if key in ("y", "Y"):
                self.deliver(engine.stop())
                self.sink.stop()
                self.say("Stopped.")
            else:
                self.say("Carrying on.")
            return
        if key == STOP_KEY:  # a media widget's Stop: a choice already made
            if engine.state.active:
                self.deliver(engine.stop())
                self.sink.stop()
                self.say("Stopped.")
            return
        if key == PLAY_KEY and engine.state is not State.PAUSED:
            return
        if key == PAUSE_KEY and engine.state is not State.RUNNING:
            return
        if key in ("q", "Q"):
            self._confirming = True
            self.say("Stop the session? y = stop, any other key = carry on", sticky=True)
            return
        command: Callable[[], list[Fired]] | None = {
            " ": engine.toggle,
            PLAY_KEY: engine.toggle,
            PAUSE_KEY: engine.toggle,
            "n": engine.next,
            "N": engine.next,
            "p": engine.previous,
            "P": engine.previous,
            "+": lambda: engine.extend(EXTEND_SECONDS),
            "=": lambda: engine.extend(EXTEND_SECONDS),
        }.get(key)
        if command is None:
            return
        was = engine.state
        try:
            fired = command()
        except EngineError as refused:
            text = str(refused)
            self.say(text[:1].upper() + text[1:])
            return
        if was is State.RUNNING and engine.state is State.PAUSED:
            self.sink.pause()
        if key in ("n", "N", "p", "P"):
            # The walker left the phase: what it still says or has queued is silenced
            # before the next phase's cues are sounded.
            self.sink.stop()
        if key in ("+", "="):
            self.say("One more minute.")
        if engine.state is State.PAUSED:
            self.deliver(fired)  # what was due before the pause, then "Paused."
            self.refresh()
        else:
            self.refresh()  # "Resumed." before the cues it lets through
            self.deliver(fired)
