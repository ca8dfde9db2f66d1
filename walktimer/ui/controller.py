"""The life of the session open in the window, without the window: open, prepare its sound,
start, the walker's commands, finish, close.

`RunController` builds one SessionHost per session with a DeferredSink whose real sink is
made on a PrepareThread once the first frame is up, holds the screen on while a session is
under way, and reports through signals what the window shows. Questions that need a yes
come back through `confirm`, so the controller never opens a dialog itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from walktimer.core.clock import Clock
from walktimer.core.engine import Engine, Fired, RunRecord, State
from walktimer.core.plan import Plan
from walktimer.core.ports import CueSink
from walktimer.core.script import Session, Voice
from walktimer.i18n import speech_voice
from walktimer.ui.host import GET_READY_SECONDS, SessionHost
from walktimer.ui.inhibit import Inhibitor
from walktimer.ui.prepare import DeferredSink, PrepareThread
from walktimer.ui.settings import Settings, Verbosity

if TYPE_CHECKING:
    from walktimer.core.treadmill import BeltCompanion
    from walktimer.ui.treadmill_picker import BeltConnection, Connect

__all__ = ["EXTEND_SECONDS", "Confirm", "OpenRun", "RunController", "SinkFactory"]

log = logging.getLogger(__name__)

EXTEND_SECONDS = 60
PREPARE_PANEL_DELAY_MS = 250  # warm caches finish at once: only show the bar after a moment

# (title, text, action) -> True to go ahead.
Confirm = Callable[[str, str, str], bool]


class SinkFactory(Protocol):
    """walktimer.audio.build_sink, or a fake in tests."""

    def __call__(self, session: Session, *, mute: bool, verbosity: Verbosity) -> CueSink: ...


@dataclass(slots=True)
class OpenRun:
    """The session open in the run view."""

    session: Session
    plan: Plan
    path: Path | None
    host: SessionHost
    sink: DeferredSink
    prepare: PrepareThread | None = None
    prepared: bool = False
    start_when_prepared: bool = False
    start_at: int = 0
    belt: BeltConnection | None = None  # the treadmill chosen in Settings, while the run is open


class RunController(QObject):
    """The open session's lifecycle. Signals the window (and others) follow:

    - `opened(plan, path)`: a session is open in the run view, not yet prepared;
      `closed()`: it was closed (silenced and released).
    - `started(host, plan, path)`: its 3-2-1 count began (or it was restored and resumed);
      connect to `host.refreshed` / `host.state_changed` to follow it.
    - `finished(record, plan, path)`: it finished or was stopped (`record.ended` says which).
    - `refreshed()`: redraw from `run.host.view()`; `fired(batch)`: cues just fired;
      `changed()`: what the commands can do may have changed (state, phase, prepared).
    - `preparing(done, total)` while the sound is prepared, `prepare_ended()` once it is.
    - `notice(text)`: a sentence for the walker; `refused(text)`: a command was refused.
    """

    opened = Signal(object, object)  # Plan, Path | None
    closed = Signal()
    started = Signal(object, object, object)  # SessionHost, Plan, Path | None
    finished = Signal(object, object, object)  # RunRecord, Plan, Path | None
    refreshed = Signal()
    fired = Signal(list)  # list[Fired]
    changed = Signal()
    preparing = Signal(int, int)
    prepare_ended = Signal()
    notice = Signal(str)
    refused = Signal(str)

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        sink_factory: SinkFactory,
        inhibitor: Inhibitor,
        confirm: Confirm,
        get_ready: int = GET_READY_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.clock = clock
        self.sink_factory = sink_factory
        self.inhibitor = inhibitor
        self.confirm = confirm
        self.get_ready = get_ready
        self.muted = settings.mute  # for the sessions opened from now on
        self.run: OpenRun | None = None
        self._inhibited = False
        self._inhibit_noted = False
        self._retired: set[PrepareThread] = set()
        self.treadmill_connect: Connect | None = None  # None: Bluetooth (tests give the rig)

    # ------------------------------------------------------------------ opening and closing

    def open(
        self, session: Session, plan: Plan, path: Path | None, engine: Engine | None = None,
        *, start: bool = False,
    ) -> OpenRun:  # fmt: skip
        """Close the open session and open this one (`engine`: restored where it was).
        `start`: begin the 3-2-1 count as soon as the sound is prepared. Preparing begins
        with `prepare(run)`, once the window has shown it."""
        self.close()
        # Always a sounding sink: muting is done by the host, so M can unmute mid-session.
        voiced = self._sink_session(session, plan)
        verbosity = self.settings.verbosity
        factory = self.sink_factory
        sink = DeferredSink(lambda: factory(voiced, mute=False, verbosity=verbosity))
        engine = engine if engine is not None else Engine(plan, self.clock)
        made = self._open_treadmill(plan)
        connection, companion = made if made is not None else (None, None)
        host = SessionHost(
            engine, self.clock, sink, get_ready=self.get_ready, parent=self,
            treadmill=connection.treadmill if connection is not None else None,
            companion=companion,
        )  # fmt: skip
        host.set_muted(self.muted or self.settings.mute)
        run = OpenRun(session, plan, path, host, sink, start_when_prepared=start)
        run.belt = connection
        self.run = run
        host.refreshed.connect(self._refreshed)
        host.fired.connect(self._fired)
        host.state_changed.connect(self._changed)
        host.phase_changed.connect(self._changed)
        host.refused.connect(self.refused)
        host.finished.connect(self._finished)
        return run

    def _open_treadmill(self, plan: Plan) -> tuple[BeltConnection, BeltCompanion] | None:
        """The treadmill chosen in Settings for this run, connecting in the background, and
        the companion that follows it; None without one."""
        if not self.settings.treadmill.strip():
            return None
        from walktimer.ui.treadmill_picker import window_treadmill

        try:
            made = window_treadmill(self.settings, plan, self.clock, connect=self.treadmill_connect)
        except Exception:  # Bluetooth is optional: the walk goes on without the belt
            log.exception("the treadmill could not be opened")
            self.notice.emit("The treadmill cannot be used; the session runs without it.")
            return None
        return made

    def announce(self, run: OpenRun) -> None:
        """Tell followers the run is open, and draw it for the first time."""
        self.opened.emit(run.plan, run.path)
        run.host.refresh()

    def close(self) -> None:
        """Silence and release the open session's sink and timers."""
        run = self.run
        if run is None:
            return
        self.run = None
        self._hold_screen(False)
        run.host.refreshed.disconnect(self._refreshed)
        run.host.shutdown()
        if run.belt is not None:
            run.belt.close()  # after the stop, which the belt hears first
        thread = run.prepare
        if thread is not None and thread.isRunning():
            # Closing the sink makes prepare return; keep the thread until it does.
            thread.prepared.disconnect(self._on_prepared)
            self._retired.add(thread)
            thread.finished.connect(lambda: self._retired.discard(thread))
        run.sink.close()
        run.host.deleteLater()
        self.prepare_ended.emit()
        self.closed.emit()

    def shutdown(self) -> None:
        """Close, and wait (briefly) for preparing threads that are still ending."""
        self.close()
        for thread in list(self._retired):
            thread.wait(3000)

    def confirm_leave(self) -> bool:
        """Before the open session is left: stop it if it runs (asking first); True to go on."""
        run = self.run
        if run is None or not run.host.active:
            return True
        if run.host.ready_left() is not None:
            run.host.cancel_get_ready()
            return True
        if not self.confirm("Stop the session?", "A session is running. Stop it?", "Stop"):
            return False
        run.host.stop()
        return True

    def _sink_session(self, session: Session, plan: Plan) -> Session:
        """The session as the sink should voice it: the user's voice settings override; with
        no voice chosen, one for the language the plan's words are in."""
        s = self.settings
        voice = session.voice
        new = Voice(
            rate=s.rate if s.rate >= 80 else voice.rate,
            volume=max(0.0, min(1.0, voice.volume * s.volume)),
            voice=speech_voice(s.voice or voice.voice, plan.phrases.language),
        )
        return session if new == voice else replace(session, voice=new)

    # ------------------------------------------------------------------ preparing the sound

    def prepare(self, run: OpenRun) -> None:
        if self.run is not run:
            return  # closed before it got going
        if run.host.muted:
            # Nothing is heard, so nothing is rendered and no speech worker starts; unmuting
            # prepares the sound in the background while the session goes on.
            self._ready_to_start(run)
            return
        self._start_prepare(run)

    def _start_prepare(self, run: OpenRun) -> None:
        thread = PrepareThread(run.sink, run.plan)
        run.prepare = thread
        thread.progress.connect(self._on_prepare_progress)
        thread.prepared.connect(self._on_prepared)
        QTimer.singleShot(PREPARE_PANEL_DELAY_MS, self._show_prepare_panel)
        thread.start()

    def _show_prepare_panel(self) -> None:
        run = self.run
        if run is not None and not run.prepared and run.prepare is not None:
            self.preparing.emit(0, 0)

    def _on_prepare_progress(self, done: int, total: int) -> None:
        run = self.run
        if run is not None and self.sender() is run.prepare and total and not run.prepared:
            self.preparing.emit(done, total)

    def _on_prepared(self, error: str) -> None:
        run = self.run
        thread = self.sender()
        if run is None or thread is not run.prepare:
            return
        run.prepare = None
        if isinstance(thread, PrepareThread):
            thread.wait()
            thread.deleteLater()
        self.prepare_ended.emit()
        if error:
            self.notice.emit(error)
        self._collect_notices()
        self._ready_to_start(run)

    def _ready_to_start(self, run: OpenRun) -> None:
        """The sound is ready (or not wanted: muted): Space may start the session."""
        if run.prepared:
            return  # sound prepared after unmuting, with the session already going
        run.prepared = True
        if run.start_when_prepared:
            run.start_when_prepared = False
            run.host.start(run.start_at)
            self._began(run)
        self.changed.emit()

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute the open session and those opened later; the sound is prepared on
        first unmuting."""
        self.muted = muted
        run = self.run
        if run is None:
            return
        run.host.set_muted(muted)
        if not muted and run.prepared and run.prepare is None and run.sink.real is None:
            self._start_prepare(run)

    # ------------------------------------------------------------------ the walker's commands

    def toggle(self) -> None:
        """Space: start, pause or resume; in a manual phase, done."""
        run = self.run
        if run is None:
            return
        if not run.prepared:
            run.start_when_prepared = not run.start_when_prepared
            self.refused.emit(
                "Starting as soon as the spoken cues are ready…"
                if run.start_when_prepared
                else "Press Space to start"
            )
            return
        if run.host.state() is State.RUNNING and run.host.view().waiting:
            run.host.next()
            return
        was_ready = run.host.state() is State.READY and run.host.ready_left() is None
        run.host.toggle()
        if was_ready and run.host.active:
            self._began(run)

    def next_phase(self) -> None:
        if self.run is not None:
            self.run.host.next()

    def previous_phase(self) -> None:
        if self.run is not None:
            self.run.host.previous()

    def extend_phase(self) -> None:
        if self.run is not None:
            self.run.host.extend(EXTEND_SECONDS)

    def stop(self) -> None:
        """Stop the session (asking first); a 3-2-1 count is only called off."""
        run = self.run
        if run is None or not run.host.active:
            return
        if run.host.ready_left() is not None:
            run.host.cancel_get_ready()
            return
        if self.confirm(
            "Stop the session?", "Stop this session now? It is logged as stopped.", "Stop"
        ):
            run.host.stop()

    def jump(self, index: int) -> None:
        """Go to phase `index` (asking first), or start there if the session has not begun."""
        run = self.run
        if run is None or not (0 <= index < len(run.plan.phases)):
            return
        name = run.plan.phases[index].name
        state = run.host.state()
        if state in (State.RUNNING, State.PAUSED):
            if self.confirm(
                "Jump to another phase?", f"Jump to phase {index + 1}, “{name}”?", "Jump"
            ):
                run.host.jump(index)
        elif (
            state is State.READY
            and run.host.ready_left() is None
            and self.confirm(
                "Start from another phase?", f"Start at phase {index + 1}, “{name}”?",
                "Start here",
            )
        ):  # fmt: skip
            run.start_at = index
            if run.prepared:
                run.host.start(index)
                self._began(run)
            else:
                run.start_when_prepared = True

    # ------------------------------------------------------------------ following the host

    def _began(self, run: OpenRun) -> None:
        self.started.emit(run.host, run.plan, run.path)

    def _collect_notices(self) -> None:
        run = self.run
        if run is None:
            return
        for notice in run.sink.notices():
            self.notice.emit(notice)

    def _refreshed(self) -> None:
        run = self.run
        if run is None:
            return
        self.refreshed.emit()
        self._hold_screen(run.host.active)

    def _fired(self, batch: list[Fired]) -> None:
        self.fired.emit(batch)
        self._collect_notices()

    def _changed(self, *_args: object) -> None:
        self.changed.emit()

    def _finished(self, record: RunRecord) -> None:
        run = self.run
        if run is None:
            return
        self._hold_screen(False)
        self.finished.emit(record, run.plan, run.path)

    def _hold_screen(self, on: bool) -> None:
        """Keep the screen from blanking while a session is under way."""
        if on and not self._inhibited:
            self._inhibited = True
            problem = self.inhibitor.inhibit("A walking session is running")
            if problem and not self._inhibit_noted:
                self._inhibit_noted = True
                self.notice.emit(problem)
        elif not on and self._inhibited:
            self._inhibited = False
            self.inhibitor.release()
