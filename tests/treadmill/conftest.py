"""An emulated FTMS treadmill and walktimer's adapter on one bumble LocalLink, in one loop."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from bumble.controller import Controller
from bumble.device import Device
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from tests.fakes import wait_for
from walktimer.treadmill.adapter import Backend, BleLoop, FtmsTreadmill
from walktimer.treadmill.emulator import EmulatedTreadmill, Quirks
from walktimer.treadmill.transport import local_link_backend


@dataclass
class Rig:
    ble: BleLoop
    link: LocalLink
    backend: Backend
    adapters: list[FtmsTreadmill] = field(default_factory=list)

    def treadmill(
        self,
        name: str = "WalkTimer Treadmill",
        address: str = "C0:00:00:00:00:01",
        quirks: Quirks | None = None,
        machine_type: int = 0x0001,
    ) -> EmulatedTreadmill:
        async def make() -> EmulatedTreadmill:
            controller = Controller(name, link=self.link, public_address=address)
            device = Device(address=address, host=Host(controller, AsyncPipeSink(controller)))
            emulated = EmulatedTreadmill(device, name=name, quirks=quirks or Quirks(),
                                         interval=0.05, machine_type=machine_type)  # fmt: skip
            await emulated.start()
            return emulated

        return self.ble.run(make(), timeout=10)

    def adapter(
        self, wanted: str = "auto", *, control: bool = False, **kwargs: object
    ) -> FtmsTreadmill:
        options: dict[str, object] = {"scan_seconds": 2.0, "answer_timeout": 0.5,
                                      "belt_start_timeout": 1.0}  # fmt: skip
        options.update(kwargs)
        belt = FtmsTreadmill(self.ble, wanted, self.backend, control=control, **options)  # type: ignore[arg-type]
        self.adapters.append(belt)  # closed at the end even when the test fails
        return belt

    def controlled(self, **kwargs: object) -> FtmsTreadmill:
        """An adapter with control allowed, connected and granted control."""
        belt = self.adapter(control=True, **kwargs)
        assert belt.wait_connected(10)
        assert wait_for(lambda: belt.controllable)
        return belt


@pytest.fixture
def rig() -> Iterator[Rig]:
    ble = BleLoop()

    async def make() -> tuple[LocalLink, Backend]:
        link = LocalLink()
        return link, local_link_backend(link)

    link, backend = ble.run(make(), timeout=10)
    rig = Rig(ble, link, backend)
    yield rig
    for belt in rig.adapters:
        belt.close()
    ble.close()
