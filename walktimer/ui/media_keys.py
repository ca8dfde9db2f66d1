"""The window's MPRIS player: media keys and headset buttons from any window reach the walk.

`MediaKeys` owns one `walktimer.desktop.mpris.MprisService` while a run is open. The bus
calls its controls on the bus thread; here they become a queued signal, so the window's
commands always run on the GUI thread. `publish` shows the walk's view in media widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, Signal

from walktimer.desktop.mpris import Controls, MprisService, player_state

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from walktimer.core.engine import State, View

__all__ = ["MediaKeys", "MediaKeysPort", "NoMediaKeys", "WalkCommands", "window_controls"]

_NAMES = ("play_pause", "play", "pause", "next", "previous", "stop", "raise_window")


class MediaKeysPort(Protocol):
    """What the window needs: open with its commands, publish views, close."""

    def open(self, controls: Controls) -> str | None:
        """Register on the bus; None, or one sentence saying why media keys are off."""
        ...

    def publish(self, session: str, view: View) -> None: ...

    def close(self) -> None: ...


class MediaKeys(QObject):
    """The real port: an MprisService whose commands arrive on the GUI thread."""

    _command = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        service: Callable[[Controls], MprisService] = MprisService,
    ) -> None:
        super().__init__(parent)
        self._make = service
        self._service: MprisService | None = None
        self._controls: Controls | None = None
        self._command.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def open(self, controls: Controls) -> str | None:
        self.close()
        self._controls = controls

        def post(name: str) -> Callable[[], None]:
            return lambda: self._command.emit(name)

        on_bus = Controls(*(post(name) for name in _NAMES))
        service = self._make(on_bus)
        problem = service.start()
        if problem is None:
            self._service = service
        return problem

    def publish(self, session: str, view: View) -> None:
        if self._service is not None:
            self._service.publish(player_state(session, view))

    def close(self) -> None:
        service, self._service = self._service, None
        if service is not None:
            service.close()

    def _run(self, name: str) -> None:
        controls = self._controls
        if controls is None or self._service is None:
            return  # closed meanwhile
        command: Callable[[], None] | None = getattr(controls, name)
        if command is not None:
            command()


class NoMediaKeys:
    """A port that registers nothing: for windows that must stay off the bus (screenshots)."""

    def open(self, controls: Controls) -> str | None:
        return None

    def publish(self, session: str, view: View) -> None:
        """Nothing is shown."""

    def close(self) -> None:
        """Nothing is held."""


class WalkCommands(Protocol):
    """The window's commands that media keys stand for: Space, N, P and Stop."""

    def toggle(self) -> None: ...

    def next_phase(self) -> None: ...

    def previous_phase(self) -> None: ...

    def stop_session(self) -> None: ...


def window_controls(
    window: QWidget, commands: WalkCommands, state: Callable[[], State | None]
) -> Controls:
    """What media keys and headset buttons do: what Space, N, P and Stop do in `window`.
    Play and Pause act only when the walk is paused or running (`state`); Raise shows it."""
    from walktimer.core.engine import State

    def when(wanted: State) -> Callable[[], None]:
        def toggle_if() -> None:
            if state() is wanted:
                commands.toggle()

        return toggle_if

    def raise_window() -> None:
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()

    return Controls(
        play_pause=commands.toggle, play=when(State.PAUSED), pause=when(State.RUNNING),
        next=commands.next_phase, previous=commands.previous_phase, stop=commands.stop_session,
        raise_window=raise_window,
    )  # fmt: skip
