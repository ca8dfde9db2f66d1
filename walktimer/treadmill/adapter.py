"""The FTMS adapter: a `Treadmill` (walktimer.core.treadmill) on bleak.

bleak runs in one event loop on its own thread (`BleLoop`); the port's calls only read the
latest state or queue a command, so the host's loop never waits on the radio. The same
adapter runs over the operating system's stack (BlueZ, CoreBluetooth, WinRT) or over bumble
(`WALKTIMER_BLE_TRANSPORT`, see walktimer.treadmill.transport) through the bleak backend in
walktimer.treadmill.bumble_backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.exc import BleakError
from bumble.core import BaseBumbleError

from walktimer.core.treadmill import (
    BeltReading,
    Capabilities,
    Link,
    Range,
    TreadmillError,
    reconnect_delays,
)
from walktimer.treadmill import ftms
from walktimer.treadmill.ftms import FtmsError, Op, Result, StatusEvent

__all__ = [
    "AmbiguousTreadmill",
    "Backend",
    "BleLoop",
    "Found",
    "FtmsTreadmill",
    "choose",
    "scan",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

ANSWER_TIMEOUT = 2.0  # seconds a control point has to answer
BELT_START_TIMEOUT = 5.0  # seconds to wait for the belt to run before setting its speed
SCAN_SECONDS = 5.0
SETTLE_SECONDS = 1.0  # after a name matched, how long to look for a second match


class BleLoop:
    """An asyncio loop on a daemon thread: where every bleak (and bumble) call runs."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="walktimer-ble", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        return self.submit(coro).result(timeout)

    def close(self) -> None:
        if self.loop.is_closed():
            return

        async def _cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            self.run(_cancel_all(), timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


@dataclass(frozen=True, slots=True)
class Backend:
    """Which bleak backends to use, with their extra keyword arguments: the platform's
    (None) or bumble's."""

    client: type[BaseBleakClient] | None = None
    scanner: type[BaseBleakScanner] | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Found:
    """An FTMS treadmill seen advertising."""

    name: str
    address: str
    device: BLEDevice = field(compare=False)
    available: bool = True


def _is_treadmill(adv: AdvertisementData) -> tuple[bool, bool]:
    data = adv.service_data.get(ftms.FTMS_SERVICE)
    if data is None:
        # No service data: a machine that only lists the service may still be one.
        return ftms.FTMS_SERVICE in adv.service_uuids, True
    try:
        available, treadmill = ftms.decode_service_data(data)
    except FtmsError:
        return False, False
    return treadmill, available


async def scan(
    backend: Backend, seconds: float = SCAN_SECONDS, *, until: str | None = None
) -> list[Found]:
    """FTMS treadmills advertising within `seconds` (sooner when one matches `until`)."""
    found: dict[str, Found] = {}
    done = asyncio.Event()

    def seen(device: BLEDevice, adv: AdvertisementData) -> None:
        treadmill, available = _is_treadmill(adv)
        if not treadmill:
            return
        name = adv.local_name or device.name or device.address
        found[device.address] = Found(name, device.address, device, available)
        if until is None or done.is_set():
            return
        if until.lower() == device.address.lower():
            done.set()  # an address names one treadmill
        elif until == "auto" or _matches(found[device.address], until):
            # A name or "auto" may match two: look a moment longer before choosing.
            asyncio.get_running_loop().call_later(SETTLE_SECONDS, done.set)

    scanner = BleakScanner(seen, [ftms.FTMS_SERVICE], backend=backend.scanner, **backend.kwargs)
    await scanner.start()
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), seconds)
    finally:
        await scanner.stop()
    return sorted(found.values(), key=lambda f: (f.name, f.address))


def _matches(found: Found, wanted: str) -> bool:
    return found.address.lower() == wanted.lower() or found.name.lower() == wanted.lower()


def choose(found: list[Found], wanted: str) -> Found:
    """The one treadmill `wanted` (a name, an address or "auto") means, or a sentence."""
    candidates = found if wanted == "auto" else [f for f in found if _matches(f, wanted)]
    if not candidates:
        where = "no FTMS treadmill" if wanted == "auto" else f'no treadmill called "{wanted}"'
        raise TreadmillError(
            f"walktimer found {where} in range: switch it on, wake it with its console, and "
            "run `walktimer treadmill scan` to see what is found."
        )
    if len(candidates) > 1:
        listed = ", ".join(f"{f.name} ({f.address})" for f in candidates)
        raise AmbiguousTreadmill(
            f'"{wanted}" matches {len(candidates)} treadmills: {listed}. Give the address '
            "with --treadmill instead."
        )
    return candidates[0]


class AmbiguousTreadmill(TreadmillError):
    """A name (or "auto") that matches more than one treadmill."""


class _NoBluetooth(Exception):
    """Scanning failed: no adapter, switched off, or no system Bluetooth service."""


def _reason(error: BaseException) -> str:
    """Why a Bluetooth call failed, in words rather than an errno."""
    if isinstance(error, (FileNotFoundError, ConnectionRefusedError)):
        return "the system's Bluetooth service cannot be reached"
    text = str(error).strip().rstrip(".")
    return text or type(error).__name__


class FtmsTreadmill:
    """The port on one FTMS treadmill. `control=False` never writes to the control point."""

    def __init__(
        self,
        ble: BleLoop,
        wanted: str,
        backend: Backend,
        *,
        control: bool = False,
        scan_seconds: float = SCAN_SECONDS,
        answer_timeout: float = ANSWER_TIMEOUT,
        belt_start_timeout: float = BELT_START_TIMEOUT,
        delays: Iterator[float] | None = None,
    ) -> None:
        self._ble = ble
        self._wanted = wanted
        self._backend = backend
        self._control = control
        self._scan_seconds = scan_seconds
        self._answer_timeout = answer_timeout
        self._belt_start_timeout = belt_start_timeout
        self._delays = delays
        self._lock = threading.Lock()
        self._link = Link.CONNECTING
        self._granted = False
        self._caps: Capabilities | None = None
        self._reading: BeltReading | None = None
        self._running: bool | None = None
        self._notices: list[str] = []
        self._said: set[str] = set()
        self._queue: asyncio.Queue[tuple[Op, float | None]] | None = None
        self._answer: asyncio.Future[tuple[int, int]] | None = None
        self._asked: Op | None = None  # the op code whose answer `_answer` waits for
        self._belt_runs: asyncio.Event | None = None
        self._client: BleakClient | None = None
        self._closing = threading.Event()
        self._settled = threading.Event()  # connected, or a first reason why not
        self._task: Future[None] = ble.submit(self._main())
        self._task.add_done_callback(lambda _: self._settled.set())

    # ------------------------------------------------------------------ the port

    @property
    def link(self) -> Link:
        return self._link

    @property
    def controllable(self) -> bool:
        return self._control and self._granted and self._link is Link.CONNECTED

    def capabilities(self) -> Capabilities | None:
        return self._caps

    def reading(self) -> BeltReading | None:
        return self._reading

    def notices(self) -> list[str]:
        with self._lock:
            out, self._notices = self._notices, []
        return out

    def start(self) -> None:
        self._send(Op.START, None)

    def pause(self) -> None:
        self._send(Op.STOP, ftms.PAUSE_PARAMETER)

    def stop(self) -> None:
        self._send(Op.STOP, ftms.STOP_PARAMETER)

    def set_speed(self, kmh: float) -> None:
        self._send(Op.SET_SPEED, kmh)

    def set_incline(self, percent: float) -> None:
        self._send(Op.SET_INCLINE, percent)

    def close(self) -> None:
        if self._closing.is_set():
            return
        self._closing.set()
        self._link = Link.CLOSED

        async def _shutdown() -> None:
            # What was asked last (the stop at the end of a walk) reaches the belt before the
            # link goes; a control point that does not answer holds the close 3 s at most.
            queue = self._queue
            if queue is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(queue.join(), 3.0)
            client = self._client
            if client is not None:
                with contextlib.suppress(BleakError, OSError, TimeoutError):
                    await asyncio.wait_for(client.disconnect(), 2.0)

        with contextlib.suppress(Exception):
            self._ble.run(_shutdown(), timeout=5)
        self._task.cancel()

    def wait_connected(self, timeout: float) -> bool:
        """Block until connected, until the adapter has something to tell the walker first
        (no Bluetooth, no treadmill found, or it gave up), or `timeout`. True when connected."""
        self._settled.wait(timeout)
        return self._link is Link.CONNECTED

    # ------------------------------------------------------------------ internals

    def _say(self, text: str, *, once: bool = True) -> None:
        with self._lock:
            if once and text in self._said:
                return
            self._said.add(text)
            self._notices.append(text)
        log.info("%s", text)  # the host shows it; the log keeps it

    def _send(self, op: Op, value: float | None) -> None:
        if not self._control:
            self._say(
                "Treadmill control is off, so walktimer sends nothing to the belt: start "
                "walktimer with --treadmill-control to let it set the speed."
            )
            return
        queue = self._queue
        if queue is None or self._link is not Link.CONNECTED:
            return  # not connected: the belt is the walker's until the link is back
        self._ble.loop.call_soon_threadsafe(queue.put_nowait, (op, value))

    async def _main(self) -> None:
        self._queue = asyncio.Queue()
        self._belt_runs = asyncio.Event()
        delays = self._delays or reconnect_delays()
        found: Found | None = None
        was_connected = False
        while not self._closing.is_set():
            try:
                if found is None:
                    try:
                        seen = await scan(self._backend, self._scan_seconds, until=self._wanted)
                    except (BleakError, OSError) as error:
                        raise _NoBluetooth(_reason(error)) from error
                    found = choose(seen, self._wanted)
                await self._session(found)
                was_connected = True
                delays = self._delays or reconnect_delays()  # a new loss starts from 1 s
            except AmbiguousTreadmill as error:
                # Only the walker can settle which one: say so and stop trying.
                self._say(str(error))
                self._link = Link.CLOSED
                self._settled.set()
                return
            except _NoBluetooth as error:
                self._say(
                    f"Bluetooth is not available ({error}): switch it on, or set "
                    "WALKTIMER_BLE_TRANSPORT to a bumble transport such as usb:0; the "
                    "session goes on without the treadmill, and walktimer keeps trying."
                )
                self._settled.set()
            except TreadmillError as error:
                self._say(f"{error} walktimer keeps looking while the session goes on.")
                self._settled.set()
            except (BleakError, BaseBumbleError, OSError, TimeoutError, EOFError) as error:
                log.info("treadmill connection failed: %s", error)
                if not was_connected and found is not None:
                    self._say(
                        f"walktimer could not connect to {found.name} ({_reason(error)}): "
                        "the session goes on on its timer, and walktimer keeps trying."
                    )
            except Exception:
                # A bug, not a treadmill's fault: logged with its traceback, said once, and
                # the belt stays the walker's while walktimer tries again.
                log.exception("the treadmill connection failed unexpectedly")
                self._say(
                    "The treadmill connection failed unexpectedly (the log has the details): "
                    "use the treadmill's own buttons; walktimer tries again."
                )
            if self._closing.is_set():
                return
            if was_connected:
                self._link = Link.LOST
            await asyncio.sleep(next(delays))

    async def _session(self, found: Found) -> None:
        lost = asyncio.Event()
        client = BleakClient(
            found.device,
            disconnected_callback=lambda _: lost.set(),
            backend=self._backend.client,
            **self._backend.kwargs,
        )
        await client.connect()
        self._client = client
        assert self._queue is not None
        while not self._queue.empty():  # nothing asked before the link was lost is sent now
            self._queue.get_nowait()
            self._queue.task_done()
        try:
            await self._setup(client, found)
            self._link = Link.CONNECTED
            self._settled.set()
            worker = asyncio.get_running_loop().create_task(self._work(client))
            try:
                await lost.wait()
            finally:
                worker.cancel()
                # A write cut off by the lost link must not hold up the reconnection.
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(worker, 2.0)
        finally:
            self._client = None
            self._granted = False
            self._reading = None  # no stale speed while the link is down
            with contextlib.suppress(BleakError, OSError, TimeoutError):
                await asyncio.wait_for(client.disconnect(), 2.0)

    async def _setup(self, client: BleakClient, found: Found) -> None:
        reports: frozenset[str] = frozenset({"speed"})
        targets: frozenset[str] = frozenset()
        speed_range: Range | None = None
        incline_range: Range | None = None
        try:
            features = ftms.decode_features(bytes(await client.read_gatt_char(ftms.FEATURE)))
            reports, targets = features.reports, features.targets
        except FtmsError as error:
            self._say(str(error))
        for uuid, decode in ((ftms.SPEED_RANGE, ftms.decode_speed_range),
                             (ftms.INCLINE_RANGE, ftms.decode_incline_range)):  # fmt: skip
            if client.services.get_characteristic(uuid) is None:
                continue
            try:
                value = decode(bytes(await client.read_gatt_char(uuid)))
            except FtmsError as error:
                self._say(str(error))
                continue
            if uuid == ftms.SPEED_RANGE:
                speed_range = value
            else:
                incline_range = value
        controls = frozenset(targets | {"start", "pause"})
        if client.services.get_characteristic(ftms.CONTROL_POINT) is None:
            controls = frozenset()
        self._caps = Capabilities(
            found.name, found.address, reports, controls, speed_range, incline_range
        )
        await client.start_notify(ftms.TREADMILL_DATA, self._on_data)
        if client.services.get_characteristic(ftms.STATUS) is not None:
            await client.start_notify(ftms.STATUS, self._on_status)
        if self._control and controls:
            await client.start_notify(ftms.CONTROL_POINT, self._on_answer)
            result = await self._write(client, Op.REQUEST_CONTROL, None)
            if result == -1:
                # No answer in time: a control point just after a reconnection can still be
                # busy with the lost link's last indication. Ask once more before giving up.
                result = await self._write(client, Op.REQUEST_CONTROL, None)
            self._granted = result == Result.SUCCESS
            if not self._granted:
                self._say(
                    "The treadmill refused control: walktimer only shows its speed; set the "
                    "speed on the treadmill yourself."
                )

    # ------------------------------------------------------------------ notifications

    def _belt_running(self) -> bool:
        return bool(self._running)

    def _on_data(self, sender: BleakGATTCharacteristic, data: bytearray) -> None:
        try:
            decoded = ftms.decode_treadmill_data(bytes(data))
        except FtmsError as error:
            self._say(str(error))
            return
        running = self._running
        if decoded.speed_kmh is not None:
            # A belt at 0 km/h stands, whether or not the treadmill sends a status for it.
            running = decoded.speed_kmh > 0
        previous = self._reading
        if decoded.speed_kmh is None and previous is not None:
            decoded = ftms.TreadmillData(**{**_fields(decoded), "speed_kmh": previous.speed_kmh})
        self._running = running
        self._reading = decoded.reading(running)
        if self._belt_runs is not None:
            if running:
                self._belt_runs.set()
            else:
                self._belt_runs.clear()

    def _on_status(self, sender: BleakGATTCharacteristic, data: bytearray) -> None:
        try:
            op, _ = ftms.decode_status(bytes(data))
        except FtmsError as error:
            self._say(str(error))
            return
        if op == StatusEvent.STARTED:
            self._running = True
            if self._belt_runs is not None:
                self._belt_runs.set()
        elif op in (StatusEvent.STOPPED_OR_PAUSED, StatusEvent.SAFETY_KEY):
            self._running = False
            if self._belt_runs is not None:
                self._belt_runs.clear()
        elif op == StatusEvent.CONTROL_LOST:
            self._granted = False
        if self._reading is not None:
            r = self._reading
            self._reading = BeltReading(
                r.speed_kmh, r.incline_percent, r.distance_m, r.elapsed_s, self._running
            )

    def _on_answer(self, sender: BleakGATTCharacteristic, data: bytearray) -> None:
        try:
            answer = ftms.control_response(bytes(data))
        except FtmsError as error:
            self._say(str(error))
            return
        waiting = self._answer
        if waiting is None or waiting.done() or answer[0] != self._asked:
            # A late answer to a request that already timed out: not this request's.
            log.info("control point answer %s ignored", bytes(data).hex(" "))
            return
        waiting.set_result(answer)

    # ------------------------------------------------------------------ commands

    async def _write(self, client: BleakClient, op: Op, value: float | None) -> int:
        """Write one request and wait for its answer; the result code."""
        loop = asyncio.get_running_loop()
        self._answer, self._asked = loop.create_future(), op
        await client.write_gatt_char(ftms.CONTROL_POINT, ftms.request(op, value), response=True)
        try:
            _, result = await asyncio.wait_for(self._answer, self._answer_timeout)
        except TimeoutError:
            return -1
        return result

    async def _work(self, client: BleakClient) -> None:
        assert self._queue is not None
        while True:
            op, value = await self._queue.get()
            try:
                if self._granted:
                    await self._command(client, op, value)
            except (BleakError, BaseBumbleError, OSError) as error:
                log.info("control point write failed: %s", error)
                self._say(
                    f"walktimer could not reach the treadmill's controls ({_reason(error)}): "
                    "use the treadmill's own buttons."
                )
            finally:
                self._queue.task_done()  # close() waits for the last command (a stop)

    async def _command(self, client: BleakClient, op: Op, value: float | None) -> None:
        result = await self._write(client, op, value)
        # Some machines forget a grant: ask for control again, then retry once.
        if (
            result == Result.NOT_PERMITTED
            and await self._write(client, Op.REQUEST_CONTROL, None) == Result.SUCCESS
        ):
            result = await self._write(client, op, value)
        refused = result in (Result.FAILED, Result.INVALID_PARAMETER, Result.NOT_PERMITTED)
        if refused and op is Op.SET_SPEED and not self._belt_running():
            # Some machines refuse a speed until the belt runs: wait for it, then retry once.
            assert self._belt_runs is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._belt_runs.wait(), self._belt_start_timeout)
            if self._belt_running():
                result = await self._write(client, op, value)
        what = _WHAT[op]
        if result == Result.SUCCESS:
            return
        if result == -1:
            self._say(
                f"The treadmill did not answer walktimer's request to {what} within "
                f"{self._answer_timeout:g} seconds: use the treadmill's own buttons."
            )
        elif result == Result.NOT_SUPPORTED:
            self._say(
                f"This treadmill does not let walktimer {what}: use the treadmill's own buttons."
            )
        else:
            self._say(
                f"The treadmill refused to {what} (result {result}): use the treadmill's own "
                "buttons."
            )


_WHAT = {
    Op.REQUEST_CONTROL: "take control",
    Op.RESET: "reset",
    Op.SET_SPEED: "set the speed",
    Op.SET_INCLINE: "set the incline",
    Op.START: "start the belt",
    Op.STOP: "stop or pause the belt",
    Op.RESPONSE: "answer",
}


def _fields(data: ftms.TreadmillData) -> dict[str, Any]:
    return {name: getattr(data, name) for name in data.__slots__}
