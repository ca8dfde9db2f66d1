"""A private D-Bus session bus for each test, and test MPRIS players on it."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bus_helpers import FakePlayer


@pytest.fixture
def session_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A dbus-daemon of the test's own; DBUS_SESSION_BUS_ADDRESS points at it."""
    config = tmp_path / "bus.conf"
    socket = tmp_path / "bus.socket"
    config.write_text(
        "<!DOCTYPE busconfig PUBLIC '-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN'"
        " 'http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd'>"
        "<busconfig><type>session</type>"
        f"<listen>unix:path={socket}</listen>"
        "<auth>EXTERNAL</auth>"
        "<policy context='default'><allow send_destination='*' eavesdrop='true'/>"
        "<allow eavesdrop='true'/><allow own='*'/></policy></busconfig>"
    )
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    assert address.startswith("unix:"), "dbus-daemon did not start (apt install dbus-daemon)"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=5)
        daemon.stdout.close()


@pytest.fixture
def player(session_bus: str) -> Iterator[Callable[..., FakePlayer]]:
    made: list[FakePlayer] = []

    def make(name: str = "testplayer", volume: float = 0.8125) -> FakePlayer:
        p = FakePlayer(name, volume)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()
