"""A small MPRIS player for the tests: `python mpris_player.py NAME VOLUME` owns
org.mpris.MediaPlayer2.NAME on the session bus, is Playing at VOLUME, keeps Volume exactly as
set, pauses and plays on command, and lists every change in the test-only `Changes` property.
It prints "ready" once its name is taken."""

from __future__ import annotations

import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

PLAYER = "org.mpris.MediaPlayer2.Player"
TEST = "org.walktimer.Test"


def main() -> None:
    name, volume = sys.argv[1], float(sys.argv[2])
    conn = open_dbus_connection(bus="SESSION")
    conn.send_and_get_reply(message_bus.RequestName(f"org.mpris.MediaPlayer2.{name}", 4))
    state = {"Volume": volume, "PlaybackStatus": "Playing"}
    changes: list[str] = []
    print("ready", flush=True)
    while True:
        msg = conn.receive()
        if msg.header.message_type is not MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        if member == "Get":
            interface, prop = msg.body
            if interface == TEST:
                conn.send(new_method_return(msg, "v", (("as", changes),)))
            elif prop in state:
                sig = "d" if prop == "Volume" else "s"
                conn.send(new_method_return(msg, "v", ((sig, state[prop]),)))
            else:
                conn.send(new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs"))
        elif member == "Set":
            _interface, prop, (_sig, value) = msg.body
            state[prop] = value
            changes.append(f"{prop}={value!r}")
            conn.send(new_method_return(msg))
        elif member in ("Play", "Pause"):
            state["PlaybackStatus"] = "Playing" if member == "Play" else "Paused"
            changes.append(member)
            conn.send(new_method_return(msg))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    main()
