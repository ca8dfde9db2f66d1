"""walktimer's MPRIS2 player on a private session bus, introspected and driven by D-Bus clients."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fakes import wait_for

from walktimer.desktop.bus import Client
from walktimer.desktop.mpris import BUS_NAME, OBJECT_PATH, Controls, MprisService, PlayerState

PLAYER = "org.mpris.MediaPlayer2.Player"
ROOT = "org.mpris.MediaPlayer2"

WALKING = PlayerState(
    status="Playing",
    session="Back care, 30 minutes",
    phase="Backward walking",
    phase_number=2,
    phase_count=5,
    phase_seconds=600.0,
    can_go_next=True,
    can_go_previous=True,
)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def controls(self) -> Controls:
        def one(name: str) -> Any:
            return lambda: self.calls.append(name)

        return Controls(
            play_pause=one("play_pause"),
            play=one("play"),
            pause=one("pause"),
            next=one("next"),
            previous=one("previous"),
            stop=one("stop"),
            raise_window=one("raise"),
        )


@pytest.fixture
def service(session_bus: str) -> Iterator[tuple[MprisService, Recorder]]:
    recorder = Recorder()
    mpris = MprisService(recorder.controls())
    assert mpris.start() is None
    try:
        yield mpris, recorder
    finally:
        mpris.close()


def dbus_send(*args: str) -> str:
    """A call from an independent client, as a desktop's media-key daemon makes it."""
    done = subprocess.run(
        ["dbus-send", "--session", "--print-reply", f"--dest={BUS_NAME}", OBJECT_PATH, *args],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_player_is_on_the_bus_and_introspects_as_mpris2(
    service: tuple[MprisService, Recorder], client: Client
) -> None:
    mpris, _ = service
    assert mpris.bus_name == BUS_NAME
    assert BUS_NAME in client.names()
    xml = client.call(BUS_NAME, OBJECT_PATH, "org.freedesktop.DBus.Introspectable", "Introspect")
    tree = ET.fromstring(xml[0])
    interfaces = {i.get("name"): i for i in tree.iter("interface")}
    assert {ROOT, PLAYER, "org.freedesktop.DBus.Properties"} <= set(interfaces)
    methods = {m.get("name") for m in interfaces[PLAYER].iter("method")}
    assert {"PlayPause", "Play", "Pause", "Next", "Previous", "Stop"} <= methods
    props = {p.get("name"): p.get("type") for p in interfaces[PLAYER].iter("property")}
    assert props["PlaybackStatus"] == "s"
    assert props["Metadata"] == "a{sv}"
    root = client.call(BUS_NAME, OBJECT_PATH, "org.freedesktop.DBus.Properties", "GetAll", "s",
                       (ROOT,))[0]  # fmt: skip
    assert root["Identity"] == ("s", "WalkTimer")
    assert root["DesktopEntry"] == ("s", "org.walktimer.WalkTimer")
    assert root["CanQuit"] == ("b", False)


def test_every_method_reaches_the_walk(service: tuple[MprisService, Recorder]) -> None:
    _, recorder = service
    for member in ("PlayPause", "Play", "Pause", "Next", "Previous", "Stop"):
        dbus_send(f"{PLAYER}.{member}")
    dbus_send(f"{ROOT}.Raise")
    assert recorder.calls == ["play_pause", "play", "pause", "next", "previous", "stop", "raise"]


def test_metadata_names_the_session_and_the_phase(
    service: tuple[MprisService, Recorder], client: Client
) -> None:
    mpris, _ = service
    mpris.publish(WALKING)
    meta = client.get(BUS_NAME, OBJECT_PATH, PLAYER, "Metadata")
    assert meta["xesam:title"] == ("s", "Backward walking")
    assert meta["xesam:album"] == ("s", "Back care, 30 minutes")
    assert meta["mpris:trackid"] == ("o", "/org/walktimer/WalkTimer/phase/2")
    assert meta["mpris:length"] == ("x", 600_000_000)
    assert client.get(BUS_NAME, OBJECT_PATH, PLAYER, "PlaybackStatus") == "Playing"
    assert client.get(BUS_NAME, OBJECT_PATH, PLAYER, "CanGoNext") is True
    mpris.publish(replace(WALKING, position=90.25))
    assert client.get(BUS_NAME, OBJECT_PATH, PLAYER, "Position") == 90_250_000
    printed = dbus_send("org.freedesktop.DBus.Properties.Get", f"string:{PLAYER}",
                        "string:Metadata")  # fmt: skip
    assert "Backward walking" in printed


def test_playback_status_changes_are_signalled(
    service: tuple[MprisService, Recorder], session_bus: str
) -> None:
    from jeepney import MatchRule, MessageType
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    mpris, _ = service
    listener = open_dbus_connection(bus="SESSION")
    try:
        rule = MatchRule(type="signal", interface="org.freedesktop.DBus.Properties",
                         member="PropertiesChanged", path=OBJECT_PATH)  # fmt: skip
        listener.send_and_get_reply(message_bus.AddMatch(rule))
        statuses: list[str] = []
        for state in (WALKING, _with(WALKING, "Paused"), _with(WALKING, "Playing"),
                      _with(WALKING, "Stopped")):  # fmt: skip
            mpris.publish(state)
            while True:
                message = listener.receive(timeout=5)
                if message.header.message_type is MessageType.signal:
                    break
            interface, changed, _ = message.body
            assert interface == PLAYER
            statuses.append(changed["PlaybackStatus"][1])
        assert statuses == ["Playing", "Paused", "Playing", "Stopped"]
        # Nothing changed (or only the position), nothing signalled: the next signal is the
        # one for the next change.
        mpris.publish(_with(WALKING, "Stopped"))
        mpris.publish(replace(_with(WALKING, "Stopped"), position=12.5))
        mpris.publish(_with(WALKING, "Paused"))
        message = listener.receive(timeout=5)
        assert message.body[1]["PlaybackStatus"] == ("s", "Paused")
    finally:
        listener.close()


def _with(state: PlayerState, status: str) -> PlayerState:
    return replace(state, status=status)  # type: ignore[arg-type]


def test_a_second_walktimer_takes_an_instance_name(
    service: tuple[MprisService, Recorder], client: Client
) -> None:
    second = MprisService(Recorder().controls())
    try:
        assert second.start() is None
        assert second.bus_name is not None
        assert second.bus_name.startswith(f"{BUS_NAME}.instance")
        assert second.bus_name in client.names()
    finally:
        second.close()
    assert wait_for(lambda: second.bus_name not in client.names())


def test_closing_leaves_the_bus(session_bus: str, client: Client) -> None:
    mpris = MprisService(Recorder().controls())
    assert mpris.start() is None
    assert BUS_NAME in client.names()
    mpris.close()
    assert wait_for(lambda: BUS_NAME not in client.names())


def test_no_session_bus_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    mpris = MprisService(Recorder().controls())
    failure = mpris.start()
    mpris.publish(WALKING)  # harmless without a bus
    mpris.close()
    assert failure == (
        "Media keys and music ducking are off: there is no desktop session bus "
        "(DBUS_SESSION_BUS_ADDRESS is not set)."
    )
