"""Which Bluetooth stack carries the adapter: the operating system's, or bumble's over the
HCI transport named in `WALKTIMER_BLE_TRANSPORT` (`usb:0`, `tcp-client:127.0.0.1:9101`, ...)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from bleak.exc import BleakError
from bumble.core import BaseBumbleError
from bumble.device import Device
from bumble.hci import Address
from bumble.link import LocalLink
from bumble.transport import open_transport

from walktimer.treadmill.adapter import Backend
from walktimer.treadmill.bumble_backend import BumbleClient, BumbleScanner, BumbleStack

__all__ = [
    "ENV",
    "HOST_ADDRESS",
    "Connected",
    "backend_from_env",
    "bumble_backend",
    "local_link_backend",
]

ENV = "WALKTIMER_BLE_TRANSPORT"
HOST_ADDRESS = "F0:F1:F2:F3:F4:F5"  # walktimer's own address on a bumble stack


def bumble_backend(stack: BumbleStack) -> Backend:
    return Backend(BumbleClient, BumbleScanner, {"bumble": stack})


def transport_stack(spec: str) -> BumbleStack:
    """A bumble stack over an HCI transport, opened on first use."""

    async def opener() -> Device:
        try:
            transport = await open_transport(spec)
        except (OSError, BaseBumbleError, ValueError) as error:
            reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
            raise BleakError(
                f"the bumble transport {spec!r} in {ENV} cannot be opened: {reason}"
            ) from error
        return Device.with_hci("walktimer", Address(HOST_ADDRESS), transport.source, transport.sink)

    return BumbleStack(opener)


def local_link_backend(link: LocalLink, address: str = HOST_ADDRESS) -> Backend:
    """walktimer on a controller of an in-process LocalLink (tests, the benchmark)."""
    from bumble.controller import Controller
    from bumble.host import Host
    from bumble.transport.common import AsyncPipeSink

    async def opener() -> Device:
        controller = Controller("walktimer", link=link, public_address=address)
        return Device(address=Address(address), host=Host(controller, AsyncPipeSink(controller)))

    return bumble_backend(BumbleStack(opener))


def backend_from_env(env: Mapping[str, str] | None = None) -> Backend:
    """bumble over `WALKTIMER_BLE_TRANSPORT` when it is set, else the platform's backend."""
    spec = (os.environ if env is None else env).get(ENV, "").strip()
    if not spec:
        return Backend()
    return bumble_backend(transport_stack(spec))


class Connected:
    """One treadmill and the loop it runs in, as a host holds them for a session."""

    def __init__(
        self,
        wanted: str,
        *,
        control: bool,
        backend: Backend | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        from walktimer.treadmill.adapter import BleLoop, FtmsTreadmill

        self.ble = BleLoop()
        self.backend = backend or backend_from_env(env)
        self.treadmill = FtmsTreadmill(self.ble, wanted, self.backend, control=control)

    def close(self) -> None:
        self.treadmill.close()
        self.ble.close()
