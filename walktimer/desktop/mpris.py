"""walktimer as an MPRIS2 media player on the session bus, while a walk runs.

Desktop media widgets then show the session and its phase, and media keys and headset buttons
(which desktops route to MPRIS players) pause, resume and skip the walk from any window. The
service runs its own receive thread: the `Controls` callables are called on that thread, so a
host hands in callables that only post the command to its own loop. `publish` may be called
from any thread; it sends PropertiesChanged for what changed.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from walktimer.desktop.bus import BusError, open_threaded

if TYPE_CHECKING:
    from walktimer.core.engine import View

__all__ = [
    "BUS_NAME",
    "OBJECT_PATH",
    "Controls",
    "MprisService",
    "PlayerState",
    "Status",
    "player_state",
]

log = logging.getLogger(__name__)

BUS_NAME = "org.mpris.MediaPlayer2.walktimer"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT = "org.mpris.MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"
TRACK_PREFIX = "/org/walktimer/WalkTimer/phase/"

Status = Literal["Playing", "Paused", "Stopped"]
Command = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Controls:
    """What the media keys do. Each is called on the bus thread and must return at once."""

    play_pause: Command
    play: Command
    pause: Command
    next: Command
    previous: Command
    stop: Command
    raise_window: Command | None = None


@dataclass(frozen=True, slots=True)
class PlayerState:
    """What the desktop's media widget shows: the walk as an album, each phase a track."""

    status: Status = "Stopped"
    session: str = ""
    phase: str = ""
    phase_number: int = 0  # 1-based; 0 before the walk begins
    phase_count: int = 0
    phase_seconds: float | None = None  # None for a manual phase
    can_go_next: bool = False
    can_go_previous: bool = False
    position: float = 0.0  # seconds into the phase; read by widgets, never signalled

    def metadata(self) -> dict[str, tuple[str, Any]]:
        meta: dict[str, tuple[str, Any]] = {
            "mpris:trackid": ("o", f"{TRACK_PREFIX}{max(self.phase_number, 0)}"),
            "xesam:title": ("s", self.phase or self.session),
            "xesam:album": ("s", self.session),
            "xesam:artist": ("as", ["WalkTimer"]),
        }
        if self.phase_count:
            meta["xesam:trackNumber"] = ("i", self.phase_number)
        if self.phase_seconds is not None:
            meta["mpris:length"] = ("x", round(self.phase_seconds * 1_000_000))
        return meta


def _introspection() -> str:
    def prop(name: str, kind: str, access: str = "read") -> str:
        opening = f'<property name="{name}" type="{kind}" access="{access}"'
        if name == "Position":  # read when wanted, never signalled (the MPRIS spec)
            quiet = "org.freedesktop.DBus.Property.EmitsChangedSignal"
            return f'{opening}><annotation name="{quiet}" value="false"/></property>'
        return f"{opening}/>"

    def method(name: str, args: str = "") -> str:
        return f'<method name="{name}">{args}</method>'

    root_props = "".join(
        prop(n, t)
        for n, t in (
            ("CanQuit", "b"),
            ("CanRaise", "b"),
            ("HasTrackList", "b"),
            ("Identity", "s"),
            ("DesktopEntry", "s"),
            ("SupportedUriSchemes", "as"),
            ("SupportedMimeTypes", "as"),
        )
    )
    player_props = "".join(
        prop(n, t)
        for n, t in (
            ("PlaybackStatus", "s"),
            ("Rate", "d"),
            ("Metadata", "a{sv}"),
            ("Position", "x"),
            ("MinimumRate", "d"),
            ("MaximumRate", "d"),
            ("CanGoNext", "b"),
            ("CanGoPrevious", "b"),
            ("CanPlay", "b"),
            ("CanPause", "b"),
            ("CanSeek", "b"),
            ("CanControl", "b"),
        )
    ) + prop("Volume", "d", "readwrite")
    player_methods = "".join(
        method(n) for n in ("Next", "Previous", "Pause", "PlayPause", "Stop", "Play")
    )
    player_methods += method("Seek", '<arg name="Offset" type="x" direction="in"/>')
    player_methods += method(
        "SetPosition",
        '<arg name="TrackId" type="o" direction="in"/>'
        '<arg name="Position" type="x" direction="in"/>',
    )
    player_methods += method("OpenUri", '<arg name="Uri" type="s" direction="in"/>')
    return (
        '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n'
        ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n'
        "<node>"
        f'<interface name="{INTROSPECTABLE}">'
        '<method name="Introspect"><arg name="xml" type="s" direction="out"/></method>'
        "</interface>"
        f'<interface name="{PEER}"><method name="Ping"/></interface>'
        f'<interface name="{PROPERTIES}">'
        '<method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>'
        '<arg type="v" direction="out"/></method>'
        '<method name="GetAll"><arg type="s" direction="in"/>'
        '<arg type="a{sv}" direction="out"/></method>'
        '<method name="Set"><arg type="s" direction="in"/><arg type="s" direction="in"/>'
        '<arg type="v" direction="in"/></method>'
        '<signal name="PropertiesChanged"><arg type="s"/><arg type="a{sv}"/>'
        '<arg type="as"/></signal>'
        "</interface>"
        f'<interface name="{ROOT}">{method("Raise")}{method("Quit")}{root_props}</interface>'
        f'<interface name="{PLAYER}">{player_methods}'
        '<signal name="Seeked"><arg name="Position" type="x"/></signal>'
        f"{player_props}</interface>"
        "</node>"
    )


INTROSPECTION = _introspection()


class MprisService:
    """One MPRIS2 player on the session bus. `start` it when a walk begins, `close` it after."""

    def __init__(
        self,
        controls: Controls,
        *,
        identity: str = "WalkTimer",
        desktop_entry: str = "org.walktimer.WalkTimer",
    ) -> None:
        self.controls = controls
        self.identity = identity
        self.desktop_entry = desktop_entry
        self.bus_name: str | None = None
        self._conn: Any = None
        self._lock = threading.Lock()
        self._state = PlayerState()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ the host's side

    def start(self) -> str | None:
        """Register on the session bus. None when it worked, else one sentence saying why
        media keys will not work (the walk goes on without them)."""
        try:
            conn = open_threaded()
        except BusError as error:
            return str(error)
        try:
            name = self._request_name(conn)
        except (OSError, TimeoutError, ValueError) as error:
            conn.close()
            return f"Media keys are off: the session bus refused walktimer's player ({error})."
        self._conn = conn
        self.bus_name = name
        self._thread = threading.Thread(target=self._serve, name="walktimer-mpris", daemon=True)
        self._thread.start()
        return None

    def publish(self, state: PlayerState) -> None:
        """Show `state`; the desktop hears PropertiesChanged for every property that changed."""
        with self._lock:
            before = self._state
            self._state = state
            conn = self._conn
        if conn is None or before == state:
            return
        old, new = _player_props(before), _player_props(state)
        # The spec has Position read when wanted, not signalled as it moves.
        changed = {k: v for k, v in new.items() if old.get(k) != v and k != "Position"}
        if changed:
            self._emit(conn, PLAYER, changed)

    @property
    def state(self) -> PlayerState:
        with self._lock:
            return self._state

    def close(self) -> None:
        """Leave the bus (the name goes with the connection)."""
        self._closed.set()
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.interrupt()
            if self._thread is not None:
                self._thread.join(timeout=2.0)
            conn.close()

    # ------------------------------------------------------------------ the bus side

    def _request_name(self, conn: Any) -> str:
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import DBusRouter

        # A second walktimer (or one still closing) gets a name of its own, as the spec allows.
        names = (BUS_NAME, f"{BUS_NAME}.instance{os.getpid()}")
        with DBusRouter(conn) as router:
            for name in names:
                reply = router.send_and_get_reply(
                    message_bus.RequestName(name, 4), timeout=2.0
                )  # 4: DO_NOT_QUEUE
                if reply.body and reply.body[0] in (1, 4):  # primary owner, already owner
                    return name
        raise ValueError("both names are taken")

    def _serve(self) -> None:
        from jeepney.io.threading import ReceiveStopped

        conn = self._conn
        while not self._closed.is_set() and conn is not None:
            try:
                message = conn.receive()
            except ReceiveStopped:
                break
            except (OSError, ValueError, EOFError):
                log.info("mpris: the session bus went away")
                break
            try:
                self._dispatch(conn, message)
            except Exception:  # a malformed call must not end media keys for the walk
                log.exception("mpris: a call could not be answered")

    def _dispatch(self, conn: Any, message: Any) -> None:
        from jeepney import HeaderFields, MessageType, new_error, new_method_return

        header = message.header
        if header.message_type is not MessageType.method_call:
            return
        fields = header.fields
        member = fields.get(HeaderFields.member)
        interface = fields.get(HeaderFields.interface)
        path = fields.get(HeaderFields.path)
        if path != OBJECT_PATH:
            conn.send(new_error(message, "org.freedesktop.DBus.Error.UnknownObject"))
            return
        reply: tuple[str | None, tuple[Any, ...]] | None = None
        if member == "Introspect" and interface in (INTROSPECTABLE, None):
            reply = ("s", (INTROSPECTION,))
        elif member == "Ping" and interface in (PEER, None):
            reply = (None, ())
        elif interface == PROPERTIES:
            try:
                reply = self._properties(member, message.body)
            except (KeyError, IndexError):
                conn.send(
                    new_error(
                        message,
                        "org.freedesktop.DBus.Error.InvalidArgs",
                        "s",
                        (f"walktimer has no such property: {message.body!r}",),
                    )
                )
                return
        elif member in _COMMANDS and interface in (PLAYER, None):
            command = getattr(self.controls, _COMMANDS[member])
            command()
            reply = (None, ())
        elif member in ("Seek", "SetPosition", "OpenUri") and interface in (PLAYER, None):
            reply = (None, ())  # a walk cannot seek: CanSeek is false, the call does nothing
        elif member == "Raise" and interface in (ROOT, None):
            if self.controls.raise_window is not None:
                self.controls.raise_window()
            reply = (None, ())
        elif member == "Quit" and interface in (ROOT, None):
            reply = (None, ())  # CanQuit is false: a walk is never ended from a widget
        if reply is None:
            conn.send(
                new_error(
                    message,
                    "org.freedesktop.DBus.Error.UnknownMethod",
                    "s",
                    (f"walktimer has no method {interface}.{member}",),
                )
            )
            return
        signature, body = reply
        conn.send(new_method_return(message, signature, body))

    def _properties(self, member: str | None, body: tuple[Any, ...]) -> tuple[str | None, Any]:
        props = {ROOT: self._root_props(), PLAYER: _player_props(self.state)}
        if member == "GetAll":
            return ("a{sv}", (props.get(body[0], {}),))
        if member == "Get":
            interface, name = body[0], body[1]
            value = props.get(interface, {}).get(name)
            if value is None:
                raise KeyError(name)
            return ("v", (value,))
        if member == "Set":
            return (None, ())  # Volume: walktimer's own volume is a setting, not a widget's
        raise KeyError(member)

    def _root_props(self) -> dict[str, tuple[str, Any]]:
        return {
            "CanQuit": ("b", False),
            "CanRaise": ("b", self.controls.raise_window is not None),
            "HasTrackList": ("b", False),
            "Identity": ("s", self.identity),
            "DesktopEntry": ("s", self.desktop_entry),
            "SupportedUriSchemes": ("as", []),
            "SupportedMimeTypes": ("as", []),
        }

    def _emit(self, conn: Any, interface: str, changed: dict[str, tuple[str, Any]]) -> None:
        from jeepney import DBusAddress, new_signal

        emitter = DBusAddress(OBJECT_PATH, interface=PROPERTIES)
        signal = new_signal(emitter, "PropertiesChanged", "sa{sv}as", (interface, changed, []))
        try:
            conn.send(signal)
        except (OSError, ValueError):
            log.info("mpris: could not send PropertiesChanged")


_COMMANDS = {
    "PlayPause": "play_pause",
    "Play": "play",
    "Pause": "pause",
    "Next": "next",
    "Previous": "previous",
    "Stop": "stop",
}


def _player_props(state: PlayerState) -> dict[str, tuple[str, Any]]:
    active = state.status != "Stopped"
    return {
        "PlaybackStatus": ("s", state.status),
        "Rate": ("d", 1.0),
        "Metadata": ("a{sv}", state.metadata()),
        "Position": ("x", round(state.position * 1_000_000)),
        "MinimumRate": ("d", 1.0),
        "MaximumRate": ("d", 1.0),
        "Volume": ("d", 1.0),
        "CanGoNext": ("b", state.can_go_next),
        "CanGoPrevious": ("b", state.can_go_previous),
        "CanPlay": ("b", active),
        "CanPause": ("b", active),
        "CanSeek": ("b", False),
        "CanControl": ("b", True),
    }


def player_state(session: str, view: View) -> PlayerState:
    """What the desktop's media widget shows of a walk whose engine shows `view`."""
    from walktimer.core.engine import State

    statuses: dict[State, Status] = {State.RUNNING: "Playing", State.PAUSED: "Paused"}
    active = view.state.active
    return PlayerState(
        status=statuses.get(view.state, "Stopped"),
        session=session,
        phase=view.phase_name if active else "",
        phase_number=view.phase_index + 1 if active else 0,
        phase_count=view.phase_count,
        phase_seconds=view.phase_duration,
        can_go_next=active,
        can_go_previous=active,
        position=view.phase_elapsed if active else 0.0,
    )
