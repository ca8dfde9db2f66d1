"""An emulated FTMS treadmill: a bumble GATT server for the tests and `treadmill simulate`.

It advertises the Fitness Machine Service with the treadmill flag, serves Feature and the
supported ranges, notifies Treadmill Data, and answers its control point as a real machine
does, including the ways real machines bend the specification (`Quirks`). Every control
point write is recorded with its arrival time, so a test can check that read-only mode wrote
nothing and a benchmark can time a phase change to the write reaching the belt.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time
from dataclasses import dataclass, field

from bumble.core import AdvertisingData, BaseBumbleError
from bumble.device import Connection, Device
from bumble.gatt import Characteristic, CharacteristicValue, Service

from walktimer.treadmill import ftms
from walktimer.treadmill.ftms import Op, Result, StatusEvent, TreadmillData

__all__ = ["EmulatedTreadmill", "Quirks", "Write"]


@dataclass(slots=True)
class Quirks:
    """Ways a real treadmill bends the specification."""

    # Answer "control not permitted" (0x05) to this many commands after control was granted,
    # as machines do that forget the grant.
    forget_control: int = 0
    # Answer "operation failed" to Set Target Speed while the belt is stopped.
    speed_needs_running_belt: bool = False
    # Op codes answered with "not supported" (0x02).
    unsupported: frozenset[int] = frozenset()
    # Never answer the control point at all.
    silent: bool = False
    # Op codes that are never answered (the others are).
    unanswered: frozenset[int] = frozenset()
    # Op codes answered only after `late_seconds`.
    late: frozenset[int] = frozenset()
    late_seconds: float = 0.5


@dataclass(frozen=True, slots=True)
class Write:
    at: float  # time.perf_counter() when it reached the treadmill
    data: bytes


@dataclass(slots=True)
class _Belt:
    speed: float = 0.0
    incline: float = 0.0
    distance: float = 0.0
    elapsed: float = 0.0
    running: bool = False
    paused_speed: float = 0.0


def _le16(value: int) -> bytes:
    return struct.pack("<H", value)


@dataclass(slots=True)
class EmulatedTreadmill:
    """One treadmill on a bumble `Device`. Call `start()` in the device's event loop."""

    device: Device
    name: str = "WalkTimer Treadmill"
    quirks: Quirks = field(default_factory=Quirks)
    speed_range: tuple[float, float, float] = (0.5, 12.0, 0.1)
    incline_range: tuple[float, float, float] = (0.0, 12.0, 0.5)
    interval: float = 0.25  # seconds between Treadmill Data notifications
    machine_type: int = 0x0001  # advertised Fitness Machine Type: bit 0 treadmill, 1 cross trainer
    writes: list[Write] = field(default_factory=list)
    belt: _Belt = field(default_factory=_Belt)
    controlled: bool = False
    garbage: bytes | None = None  # sent once instead of the next Treadmill Data
    _task: asyncio.Task[None] | None = None
    _data: Characteristic[bytes] | None = None
    _status: Characteristic[bytes] | None = None
    _control: Characteristic[bytes] | None = None
    _forgets: int = 0
    _serial: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def start(self) -> None:
        self._forgets = self.quirks.forget_control
        machine = (1 << 2) | (1 << 3) | (1 << 12)  # distance, inclination, elapsed time
        target = (1 << 0) | (1 << 1)  # speed and inclination targets
        low, high, step = self.speed_range
        ilow, ihigh, istep = self.incline_range
        self._data = Characteristic(
            ftms.TREADMILL_DATA, Characteristic.Properties.NOTIFY, Characteristic.READABLE, b""
        )
        self._status = Characteristic(
            ftms.STATUS, Characteristic.Properties.NOTIFY, Characteristic.READABLE, b""
        )
        self._control = Characteristic(
            ftms.CONTROL_POINT,
            Characteristic.Properties.WRITE | Characteristic.Properties.INDICATE,
            Characteristic.WRITEABLE,
            CharacteristicValue(write=self._on_write),
        )
        service = Service(
            ftms.FTMS_SERVICE,
            [
                Characteristic(
                    ftms.FEATURE, Characteristic.Properties.READ, Characteristic.READABLE,
                    struct.pack("<II", machine, target),
                ),
                self._data,
                Characteristic(
                    ftms.SPEED_RANGE, Characteristic.Properties.READ, Characteristic.READABLE,
                    struct.pack("<HHH", round(low * 100), round(high * 100), round(step * 100)),
                ),
                Characteristic(
                    ftms.INCLINE_RANGE, Characteristic.Properties.READ, Characteristic.READABLE,
                    struct.pack("<hhH", round(ilow * 10), round(ihigh * 10), round(istep * 10)),
                ),
                self._control,
                self._status,
            ],
        )  # fmt: skip
        self.device.add_service(service)
        self.device.advertising_data = bytes(
            AdvertisingData(
                [
                    (AdvertisingData.Type.FLAGS, bytes([0x06])),
                    (AdvertisingData.Type.COMPLETE_LOCAL_NAME, self.name.encode()),
                    (
                        AdvertisingData.Type.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
                        _le16(0x1826),
                    ),
                    # FTMS service data: available, fitness machine type = treadmill.
                    (
                        AdvertisingData.Type.SERVICE_DATA_16_BIT_UUID,
                        _le16(0x1826) + bytes([0x01]) + _le16(self.machine_type),
                    ),
                ]
            )
        )
        self.device.on(self.device.EVENT_CONNECTION, self._on_connection)
        await self.device.power_on()
        await self.advertise()
        self._task = asyncio.get_running_loop().create_task(self._report())

    async def advertise(self) -> None:
        await self.device.start_advertising(auto_restart=True, advertising_interval_min=20.0,
                                            advertising_interval_max=20.0)  # fmt: skip

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self.device.is_advertising:
            await self.device.stop_advertising()

    async def drop_connections(self) -> None:
        """Cut every link, as a treadmill switched off or out of range."""
        for connection in list(self.device.connections.values()):
            await connection.disconnect()

    def _on_connection(self, connection: Connection) -> None:
        self.controlled = False  # a new link must ask for control again

    # ------------------------------------------------------------------ reporting

    def data(self) -> TreadmillData:
        belt = self.belt
        return TreadmillData(
            speed_kmh=round(belt.speed, 2),
            distance_m=int(belt.distance),
            incline_percent=round(belt.incline, 1),
            ramp_angle_deg=0.0,
            elapsed_s=int(belt.elapsed),
        )

    async def _report(self) -> None:
        assert self._data is not None
        last = time.perf_counter()
        while True:
            await asyncio.sleep(self.interval)
            now = time.perf_counter()
            if self.belt.running:
                self.belt.distance += self.belt.speed / 3.6 * (now - last)
                self.belt.elapsed += now - last
            last = now
            payload, self.garbage = self.garbage or ftms.encode_treadmill_data(self.data()), None
            await self.device.notify_subscribers(self._data, payload)

    async def _notify_status(self, event: StatusEvent, parameter: bytes = b"") -> None:
        assert self._status is not None
        await self.device.notify_subscribers(self._status, bytes([event]) + parameter)

    # ------------------------------------------------------------------ control

    def _on_write(self, connection: Connection, value: bytes) -> None:
        self.writes.append(Write(time.perf_counter(), bytes(value)))
        if self.quirks.silent or not value or value[0] in self.quirks.unanswered:
            return
        asyncio.get_running_loop().create_task(self._answer(connection, bytes(value)))

    async def _answer(self, connection: Connection, value: bytes) -> None:
        assert self._control is not None
        async with self._serial:  # one request at a time, in the order they came
            op = value[0]
            if op in self.quirks.late:
                await asyncio.sleep(self.quirks.late_seconds)
            result = await self._perform(op, value[1:])
            # An indication waits for the central's confirmation; on a link cut meanwhile that
            # never comes, and holding `_serial` for it would leave the next link's requests
            # unanswered. A real treadmill drops an answer to a central that has gone.
            with contextlib.suppress(TimeoutError, BaseBumbleError, OSError):
                await asyncio.wait_for(
                    self.device.indicate_subscriber(
                        connection, self._control, bytes([Op.RESPONSE, op, result])
                    ),
                    1.0,
                )

    async def _perform(self, op: int, parameter: bytes) -> Result:
        if op in self.quirks.unsupported:
            return Result.NOT_SUPPORTED
        if op == Op.REQUEST_CONTROL:
            self.controlled = True
            return Result.SUCCESS
        if not self.controlled:
            return Result.NOT_PERMITTED
        if self._forgets > 0:
            self._forgets -= 1
            self.controlled = False
            return Result.NOT_PERMITTED
        belt = self.belt
        if op == Op.SET_SPEED and len(parameter) == 2:
            if self.quirks.speed_needs_running_belt and not belt.running:
                return Result.FAILED
            kmh = struct.unpack("<H", parameter)[0] / 100
            low, high, _ = self.speed_range
            if not low <= kmh <= high:
                return Result.INVALID_PARAMETER
            belt.speed = kmh
            await self._notify_status(StatusEvent.SPEED_CHANGED, parameter)
            return Result.SUCCESS
        if op == Op.SET_INCLINE and len(parameter) == 2:
            percent = struct.unpack("<h", parameter)[0] / 10
            belt.incline = percent
            await self._notify_status(StatusEvent.INCLINE_CHANGED, parameter)
            return Result.SUCCESS
        if op == Op.START:
            belt.running = True
            # Resumed after a pause at the speed it had; started from a stop at its slowest.
            belt.speed = belt.paused_speed or self.speed_range[0]
            belt.paused_speed = 0.0
            await self._notify_status(StatusEvent.STARTED)
            return Result.SUCCESS
        if op == Op.STOP and len(parameter) == 1:
            belt.running = False
            belt.paused_speed = belt.speed if parameter[0] == ftms.PAUSE_PARAMETER else 0.0
            belt.speed = 0.0
            await self._notify_status(StatusEvent.STOPPED_OR_PAUSED, parameter)
            return Result.SUCCESS
        if op == Op.RESET:
            self.controlled = False
            return Result.SUCCESS
        return Result.INVALID_PARAMETER if op in set(Op) else Result.NOT_SUPPORTED

    async def walker_starts_belt(self) -> None:
        """The walker pressed Start on the console."""
        self.belt.running = True
        self.belt.speed = max(self.belt.speed, self.speed_range[0])
        await self._notify_status(StatusEvent.STARTED)

    async def walker_stops_belt(self) -> None:
        """The walker pressed Stop on the console."""
        self.belt.running = False
        self.belt.speed = 0.0
        await self._notify_status(StatusEvent.STOPPED_OR_PAUSED, bytes([ftms.STOP_PARAMETER]))
