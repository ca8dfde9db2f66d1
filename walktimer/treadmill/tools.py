"""What `walktimer treadmill scan` and `walktimer treadmill simulate` do."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TextIO

from bleak.exc import BleakError
from bumble.controller import Controller
from bumble.device import Device
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport import open_transport
from bumble.transport.common import AsyncPipeSink

from walktimer.treadmill import ftms
from walktimer.treadmill.adapter import Backend, BleLoop, FtmsTreadmill, scan
from walktimer.treadmill.emulator import EmulatedTreadmill, Write
from walktimer.treadmill.transport import ENV, backend_from_env

__all__ = ["SIMULATOR_ADDRESS", "describe_write", "scan_treadmills", "simulate"]

SIMULATOR_ADDRESS = "C0:FF:EE:00:00:01"


def scan_treadmills(
    seconds: float, out: TextIO, backend: Backend | None = None, ble: BleLoop | None = None
) -> int:
    """Print each FTMS treadmill in range with what it supports; the exit code. `backend`
    and `ble` (the loop it lives in) default to the ones `WALKTIMER_BLE_TRANSPORT` names."""
    backend = backend or backend_from_env()
    own = ble is None
    ble = ble or BleLoop()
    try:
        try:
            found = ble.run(scan(backend, seconds), timeout=seconds + 30)
        except (BleakError, OSError) as error:
            out.write(
                f"walktimer treadmill scan: Bluetooth is not available ({error}). Switch "
                f"Bluetooth on, or set {ENV} to a bumble transport such as usb:0.\n"
            )
            return 1
        if not found:
            out.write(f"No FTMS treadmill found in {seconds:g} seconds: switch it on and wake "
                      "its console, then scan again.\n")  # fmt: skip
            return 1
        for item in found:
            belt = FtmsTreadmill(ble, item.address, backend, scan_seconds=seconds)
            if belt.wait_connected(seconds + 10) and (caps := belt.capabilities()) is not None:
                out.write(caps.describe() + "\n")
            else:
                out.write(f"{item.name} ({item.address}): could not connect to read what it "
                          "supports\n")  # fmt: skip
            belt.close()
        return 0
    finally:
        if own:
            ble.close()


def describe_write(write: Write) -> str:
    """A control point write as the simulator prints it."""
    data = write.data
    op = data[0] if data else -1
    if op == ftms.Op.SET_SPEED and len(data) == 3:
        return f"set speed {int.from_bytes(data[1:], 'little') / 100:g} km/h"
    if op == ftms.Op.SET_INCLINE and len(data) == 3:
        return f"set incline {int.from_bytes(data[1:], 'little', signed=True) / 10:g}%"
    if op == ftms.Op.STOP and len(data) == 2:
        return "pause the belt" if data[1] == ftms.PAUSE_PARAMETER else "stop the belt"
    names: dict[int, str] = {ftms.Op.REQUEST_CONTROL: "request control",
                             ftms.Op.START: "start the belt", ftms.Op.RESET: "reset"}  # fmt: skip
    return names.get(op, f"unknown request {data.hex(' ')}")


async def _simulate(
    transport: str, name: str, speed: float, say: Callable[[str], None], ready: Callable[[], None]
) -> None:
    link = LocalLink()  # type: ignore[no-untyped-call]
    hci = await open_transport(transport)
    # walktimer's side: a virtual controller on the same link, reached over `transport`.
    Controller("walktimer", host_source=hci.source, host_sink=hci.sink, link=link)
    controller = Controller(name, link=link, public_address=SIMULATOR_ADDRESS)
    address = Address(SIMULATOR_ADDRESS)
    device = Device(address=address, host=Host(controller, AsyncPipeSink(controller)))
    emulated = EmulatedTreadmill(device, name=name)
    if speed > 0:
        emulated.belt.speed, emulated.belt.running = speed, True
    await emulated.start()
    ready()
    shown = 0
    last = (emulated.belt.speed, emulated.belt.incline, emulated.belt.running)
    try:
        while True:
            await asyncio.sleep(0.1)
            for write in emulated.writes[shown:]:
                say(f"walktimer asked: {describe_write(write)}")
            shown = len(emulated.writes)
            now = (emulated.belt.speed, emulated.belt.incline, emulated.belt.running)
            if now != last:
                last = now
                state = "running" if now[2] else "stopped"
                say(f"belt: {now[0]:g} km/h, incline {now[1]:g}%, {state}")
    finally:
        await emulated.stop()
        await hci.close()


def simulate(
    transport: str,
    name: str,
    speed: float,
    say: Callable[[str], None],
    ready: Callable[[], None] = lambda: None,
) -> int:
    """Run an emulated treadmill until Ctrl-C; walktimer reaches it over `transport`.
    `ready` is called once it advertises."""
    try:
        asyncio.run(_simulate(transport, name, speed, say, ready))
    except OSError as error:
        say(f"walktimer treadmill simulate: cannot open {transport}: {error.strerror or error}.")
        return 1
    return 0
