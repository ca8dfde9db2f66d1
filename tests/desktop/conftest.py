"""Test MPRIS players on the private session bus (the `session_bus` fixture)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from bus_helpers import FakePlayer

from walktimer.desktop.bus import Client, open_client


@pytest.fixture
def client(session_bus: str) -> Iterator[Client]:
    """A D-Bus client on the private bus."""
    c = open_client()
    try:
        yield c
    finally:
        c.close()


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
