"""What `walktimer doctor` says about Bluetooth: adapter present, switched on, reachable.

Reads only files (Linux sysfs, the system bus socket), so it never waits on a radio and a
test can point it at a made-up tree.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BluetoothStatus", "bluetooth_status"]

ENV = "WALKTIMER_BLE_TRANSPORT"  # the same name as walktimer.treadmill.transport.ENV


@dataclass(frozen=True, slots=True)
class BluetoothStatus:
    usable: bool
    text: str
    fix: str | None = None


def bluetooth_status(
    root: Path = Path("/"), env: Mapping[str, str] | None = None, platform: str = sys.platform
) -> BluetoothStatus:
    env = os.environ if env is None else env
    spec = env.get(ENV, "").strip()
    if spec:
        return BluetoothStatus(True, f"bumble's stack over {spec} ({ENV})")
    if not platform.startswith("linux"):
        return BluetoothStatus(True, "the system's Bluetooth (checked when a treadmill connects)")
    adapters = sorted(p.name for p in (root / "sys/class/bluetooth").glob("hci*"))
    if not adapters:
        return BluetoothStatus(
            False,
            "no Bluetooth adapter found (only needed with --treadmill)",
            f"plug in a Bluetooth adapter, or give a USB dongle to bumble: {ENV}=usb:0",
        )
    for kill in (root / "sys/class/rfkill").glob("rfkill*"):
        if _read(kill / "type") != "bluetooth":
            continue
        if _read(kill / "hard") == "1":
            return BluetoothStatus(
                False, f"{adapters[0]} is switched off by a hardware switch",
                "turn on the laptop's wireless switch",
            )  # fmt: skip
        if _read(kill / "soft") == "1":
            return BluetoothStatus(
                False, f"{adapters[0]} is switched off", "run `rfkill unblock bluetooth`"
            )
    if not (root / "run/dbus/system_bus_socket").exists():
        return BluetoothStatus(
            False,
            f"{adapters[0]} found, but there is no system D-Bus to reach BlueZ through",
            f"start the bluetooth service, or let bumble drive the adapter: {ENV}=usb:0",
        )
    return BluetoothStatus(True, f"{', '.join(adapters)} present and switched on (BlueZ)")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        return ""
