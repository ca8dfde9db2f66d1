"""A bleak backend that runs over bumble's host stack instead of the operating system's.

`BleakScanner(..., backend=BumbleScanner, bumble=stack)` and `BleakClient(..., backend=
BumbleClient, bumble=stack)` behave as with BlueZ, so the FTMS adapter is the same code
whichever stack carries it: a USB dongle (`usb:0`), a virtual controller over TCP, or, in the
tests, a bumble LocalLink in the same process. bleak passes unknown keyword arguments on to
its backend; `bumble` is ours.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError
from bleak.uuids import normalize_uuid_str
from bumble.core import UUID, AdvertisingData
from bumble.device import Advertisement, Connection, Device, Peer
from bumble.gatt import Characteristic
from bumble.hci import Address

__all__ = ["BumbleClient", "BumbleScanner", "BumbleStack"]

DEFAULT_MTU = 23
POWER_ON_SECONDS = 10.0  # a transport that is not a Bluetooth controller never answers


class BumbleStack:
    """One bumble `Device` shared by the scanner and the clients of one process, opened on
    first use in the running event loop. `opener` makes the device (from an HCI transport, or
    on a LocalLink in tests)."""

    def __init__(self, opener: Callable[[], Awaitable[Device]]) -> None:
        self._opener = opener
        self._device: Device | None = None
        self._lock: asyncio.Lock | None = None

    async def device(self) -> Device:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._device is None:
                device = await self._opener()
                try:
                    await asyncio.wait_for(device.power_on(), POWER_ON_SECONDS)
                except TimeoutError as error:
                    raise BleakError(
                        f"the Bluetooth controller did not answer within {POWER_ON_SECONDS:g} "
                        "seconds"
                    ) from error
                self._device = device
        return self._device

    async def close(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            with contextlib.suppress(Exception):  # the transport may already be gone
                await device.host.flush()


def _uuid(uuid: UUID) -> str:
    return normalize_uuid_str(uuid.to_hex_str("-"))


def _advertisement_data(adv: Advertisement) -> AdvertisementData:
    data = adv.data
    names = data.get_all(AdvertisingData.Type.COMPLETE_LOCAL_NAME) or data.get_all(
        AdvertisingData.Type.SHORTENED_LOCAL_NAME
    )
    uuids: list[str] = []
    for kind in (
        AdvertisingData.Type.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.Type.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.Type.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.Type.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
    ):
        for group in data.get_all(kind):
            uuids += [_uuid(u) for u in group]
    service_data = {
        _uuid(u): bytes(value)
        for u, value in data.get_all(AdvertisingData.Type.SERVICE_DATA_16_BIT_UUID)
    }
    manufacturer: dict[int, bytes] = {}
    for company, value in data.get_all(AdvertisingData.Type.MANUFACTURER_SPECIFIC_DATA):
        manufacturer[company] = bytes(value)
    return AdvertisementData(
        local_name=names[0] if names else None,
        manufacturer_data=manufacturer,
        service_data=service_data,
        service_uuids=uuids,
        tx_power=None if adv.tx_power == Advertisement.TX_POWER_NOT_AVAILABLE else adv.tx_power,
        rssi=adv.rssi,
        platform_data=(adv,),
    )


class BumbleScanner(BaseBleakScanner):
    """Scans with bumble and reports advertisements as bleak's scanner does."""

    def __init__(
        self,
        detection_callback: AdvertisementDataCallback | None,
        service_uuids: list[str] | None,
        scanning_mode: str,
        *,
        bumble: BumbleStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._stack = bumble
        self._active = scanning_mode != "passive"
        self._device: Device | None = None

    async def start(self) -> None:
        device = await self._stack.device()
        self.seen_devices = {}
        device.on(device.EVENT_ADVERTISEMENT, self._on_advertisement)
        self._device = device
        await device.start_scanning(active=self._active, filter_duplicates=False)

    async def stop(self) -> None:
        device, self._device = self._device, None
        if device is None:
            return
        device.remove_listener(device.EVENT_ADVERTISEMENT, self._on_advertisement)
        await device.stop_scanning()

    def _on_advertisement(self, adv: Advertisement) -> None:
        data = _advertisement_data(adv)
        if not self.is_allowed_uuid(data.service_uuids):
            return
        address = adv.address.to_string(False)
        key = str(adv.address)
        device = self.create_or_update_device(key, address, data.local_name, adv.address, data)
        self.call_detection_callbacks(device, data)


_PROPERTIES = {
    Characteristic.Properties.READ: "read",
    Characteristic.Properties.WRITE: "write",
    Characteristic.Properties.WRITE_WITHOUT_RESPONSE: "write-without-response",
    Characteristic.Properties.NOTIFY: "notify",
    Characteristic.Properties.INDICATE: "indicate",
}


class BumbleClient(BaseBleakClient):
    """A GATT client over bumble with bleak's client interface."""

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        bumble: BumbleStack,
        disconnected_callback: Callable[[], None] | None = None,
        timeout: float = 10.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout
        )
        self._stack = bumble
        self._target: Address | str = self.address
        if isinstance(address_or_ble_device, BLEDevice) and isinstance(
            address_or_ble_device.details, Address
        ):
            self._target = address_or_ble_device.details
        self._connection: Connection | None = None
        self._peer: Peer | None = None

    @property
    def name(self) -> str:
        return self.address

    @property
    def mtu_size(self) -> int:
        return self._connection.att_mtu if self._connection is not None else DEFAULT_MTU

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        device = await self._stack.device()
        try:
            connection = await device.connect(self._target, timeout=self._timeout)
        except Exception as error:  # bumble raises its own timeout and HCI errors
            raise BleakError(f"could not connect to {self.address}: {error}") from error
        self._connection = connection
        connection.on(connection.EVENT_DISCONNECTION, self._on_disconnection)
        peer = Peer(connection)
        self._peer = peer
        await peer.discover_services()
        services = BleakGATTServiceCollection()
        for service in peer.services:
            await service.discover_characteristics()
            bleak_service = BleakGATTService(service, service.handle, _uuid(service.uuid))
            services.add_service(bleak_service)
            for char in service.characteristics:
                props = [n for flag, n in _PROPERTIES.items() if char.properties & flag]
                bleak_char = BleakGATTCharacteristic(
                    char, char.handle, _uuid(char.uuid), props,  # type: ignore[arg-type]
                    lambda: self.mtu_size - 3, bleak_service,
                )  # fmt: skip
                services.add_characteristic(bleak_char)
        self.services = services

    def _on_disconnection(self, reason: int) -> None:
        self._connection = None
        self._peer = None
        if self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(Exception):  # already gone is what we wanted
                await connection.disconnect()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("FTMS treadmills do not need pairing")

    async def unpair(self) -> None:
        raise NotImplementedError("FTMS treadmills do not need pairing")

    def _require(self) -> None:
        if self._connection is None:
            raise BleakError("not connected")

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        self._require()
        return bytearray(await characteristic.obj.read_value())

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        raise NotImplementedError("walktimer reads no descriptors")

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: Any, response: bool
    ) -> None:
        self._require()
        await characteristic.obj.write_value(bytes(data), with_response=response)

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Any) -> None:
        raise NotImplementedError("walktimer writes no descriptors")

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self._require()

        def deliver(value: bytes) -> None:
            callback(bytearray(value))

        await characteristic.obj.subscribe(deliver, prefer_notify=True)

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        self._require()
        await characteristic.obj.unsubscribe()
