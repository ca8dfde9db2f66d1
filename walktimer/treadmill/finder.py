"""Treadmills in range for a picker: (name, address) pairs, or one sentence saying why not."""

from __future__ import annotations

from dataclasses import dataclass

from bleak.exc import BleakError

from walktimer.core.treadmill import TreadmillError
from walktimer.treadmill.adapter import SCAN_SECONDS, Backend, BleLoop, scan
from walktimer.treadmill.transport import ENV, backend_from_env

__all__ = ["InRange", "find_treadmills"]


@dataclass(frozen=True, slots=True)
class InRange:
    """An FTMS treadmill seen advertising, as a picker lists it."""

    name: str
    address: str
    available: bool = True  # False: it says it is in use by another client

    @property
    def label(self) -> str:
        busy = "" if self.available else ", in use"
        return f"{self.name} ({self.address}{busy})"


def find_treadmills(
    seconds: float = SCAN_SECONDS, backend: Backend | None = None, ble: BleLoop | None = None
) -> list[InRange]:
    """The FTMS treadmills advertising within `seconds`, by name; blocks for that long (call
    it off the GUI thread). Raises TreadmillError with one sentence when Bluetooth cannot
    scan. `backend` and `ble` default to the ones `WALKTIMER_BLE_TRANSPORT` names."""
    backend = backend or backend_from_env()
    own = ble is None
    loop = ble or BleLoop()
    try:
        found = loop.run(scan(backend, seconds), timeout=seconds + 30)
    except (BleakError, OSError, TimeoutError) as error:
        raise TreadmillError(
            f"Bluetooth is not available ({str(error).strip().rstrip('.') or type(error).__name__})"
            f": switch Bluetooth on, or set {ENV} to a bumble transport such as usb:0."
        ) from error
    finally:
        if own:
            loop.close()
    return [InRange(f.name, f.address, f.available) for f in found]
