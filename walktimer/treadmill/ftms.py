"""The Fitness Machine Service (FTMS 1.0) on the wire: pure decoders and encoders.

Nothing here touches Bluetooth; every decoder takes bytes and returns a value or raises
`FtmsError` with one sentence, so a treadmill sending truncated or garbage data costs a
notice, never a traceback.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from walktimer.core.treadmill import BeltReading, Range

__all__ = [
    "CONTROL_POINT",
    "FEATURE",
    "FTMS_SERVICE",
    "INCLINE_RANGE",
    "SPEED_RANGE",
    "STATUS",
    "TREADMILL_DATA",
    "Features",
    "FtmsError",
    "Op",
    "Result",
    "StatusEvent",
    "TreadmillData",
    "control_response",
    "decode_features",
    "decode_incline_range",
    "decode_service_data",
    "decode_speed_range",
    "decode_status",
    "decode_treadmill_data",
    "encode_treadmill_data",
    "request",
    "uuid16",
]


def uuid16(short: int) -> str:
    """A 16-bit SIG UUID in the 128-bit form bleak uses."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


FTMS_SERVICE = uuid16(0x1826)
FEATURE = uuid16(0x2ACC)
TREADMILL_DATA = uuid16(0x2ACD)
SPEED_RANGE = uuid16(0x2AD4)
INCLINE_RANGE = uuid16(0x2AD5)
CONTROL_POINT = uuid16(0x2AD9)
STATUS = uuid16(0x2ADA)


class FtmsError(ValueError):
    """Data from the treadmill that does not follow the specification, as one sentence."""


# ---------------------------------------------------------------------- Treadmill Data


@dataclass(frozen=True, slots=True)
class TreadmillData:
    """One Treadmill Data notification; None where its flags left a field out."""

    speed_kmh: float | None = None
    average_speed_kmh: float | None = None
    distance_m: int | None = None
    incline_percent: float | None = None
    ramp_angle_deg: float | None = None
    elevation_gain_m: tuple[float, float] | None = None  # positive, negative
    pace_km_min: float | None = None
    average_pace_km_min: float | None = None
    energy: tuple[int, int, int] | None = None  # total kcal, kcal per hour, kcal per minute
    heart_rate: int | None = None
    met: float | None = None
    elapsed_s: int | None = None
    remaining_s: int | None = None
    force_power: tuple[int, int] | None = None  # newton, watt

    def reading(self, running: bool | None) -> BeltReading:
        return BeltReading(
            speed_kmh=self.speed_kmh,
            incline_percent=self.incline_percent,
            distance_m=self.distance_m,
            elapsed_s=self.elapsed_s,
            running=running,
        )


# (flag bit, field name, struct format (little-endian), scale per value). Bit 0 is
# "More Data": the instantaneous speed is present when it is 0 (FTMS 1.0, 4.9.1).
_FIELDS: tuple[tuple[int, str, str, float], ...] = (
    (1, "average_speed_kmh", "<H", 0.01),
    (2, "distance_m", "<3s", 1.0),  # uint24
    (3, "incline", "<hh", 0.1),
    (4, "elevation_gain_m", "<HH", 0.1),
    (5, "pace_km_min", "<B", 0.1),
    (6, "average_pace_km_min", "<B", 0.1),
    (7, "energy", "<HHB", 1.0),
    (8, "heart_rate", "<B", 1.0),
    (9, "met", "<B", 0.1),
    (10, "elapsed_s", "<H", 1.0),
    (11, "remaining_s", "<H", 1.0),
    (12, "force_power", "<hh", 1.0),
)
_KNOWN_FLAGS = 0x1FFF


def _field_size(fmt: str) -> int:
    return struct.calcsize(fmt)


def decode_treadmill_data(data: bytes) -> TreadmillData:
    """Decode a Treadmill Data (0x2ACD) notification, fields in flag order."""
    if len(data) < 2:
        raise FtmsError(
            f"The treadmill sent {len(data)} byte(s) of belt data, fewer than the 2 its "
            "flags take: that report was ignored."
        )
    flags = int.from_bytes(data[:2], "little")
    if flags & ~_KNOWN_FLAGS:
        raise FtmsError(
            f"The treadmill's belt data sets reserved flags (0x{flags:04x}): that report "
            "was ignored."
        )
    expected = 2 + (0 if flags & 1 else 2)
    expected += sum(_field_size(fmt) for bit, _, fmt, _ in _FIELDS if flags & (1 << bit))
    if len(data) != expected:
        raise FtmsError(
            f"The treadmill sent {len(data)} bytes of belt data where its flags "
            f"(0x{flags:04x}) call for {expected}: that report was ignored."
        )
    values: dict[str, object] = {}
    at = 2
    if not flags & 1:
        values["speed_kmh"] = round(int.from_bytes(data[2:4], "little") * 0.01, 2)
        at = 4
    for bit, name, fmt, scale in _FIELDS:
        if not flags & (1 << bit):
            continue
        size = _field_size(fmt)
        raw = data[at : at + size]
        at += size
        if name == "distance_m":
            values[name] = int.from_bytes(raw, "little")
        elif name == "incline":
            incline, ramp = struct.unpack(fmt, raw)
            values["incline_percent"] = round(incline * scale, 1)
            values["ramp_angle_deg"] = round(ramp * scale, 1)
        else:
            unpacked = struct.unpack(fmt, raw)
            if scale != 1.0:
                scaled = tuple(round(v * scale, 2) for v in unpacked)
                values[name] = scaled[0] if len(scaled) == 1 else scaled
            else:
                values[name] = unpacked[0] if len(unpacked) == 1 else unpacked
    return TreadmillData(**values)  # type: ignore[arg-type]


def encode_treadmill_data(data: TreadmillData) -> bytes:
    """The notification a treadmill sends for `data` (used by the emulator and tests)."""
    flags = 0 if data.speed_kmh is not None else 1
    body = b""
    if data.speed_kmh is not None:
        body += struct.pack("<H", round(data.speed_kmh * 100))
    for bit, name, fmt, scale in _FIELDS:
        if name == "incline":
            if data.incline_percent is None:
                continue
            ramp = data.ramp_angle_deg or 0.0
            body += struct.pack(fmt, round(data.incline_percent * 10), round(ramp * 10))
        else:
            value = getattr(data, name)
            if value is None:
                continue
            if name == "distance_m":
                body += int(value).to_bytes(3, "little")
            else:
                items = value if isinstance(value, tuple) else (value,)
                body += struct.pack(fmt, *(round(v / scale) for v in items))
        flags |= 1 << bit
    return flags.to_bytes(2, "little") + body


# ---------------------------------------------------------------------- features and ranges

_MACHINE_FEATURES = {2: "distance", 3: "incline", 12: "elapsed"}
_TARGET_FEATURES = {0: "speed", 1: "incline"}


@dataclass(frozen=True, slots=True)
class Features:
    reports: frozenset[str]  # speed is always reported by a treadmill
    targets: frozenset[str]  # "speed", "incline"


def decode_features(data: bytes) -> Features:
    """Fitness Machine Feature (0x2ACC): two 32-bit little-endian bit fields."""
    if len(data) != 8:
        raise FtmsError(
            f"The treadmill's feature list is {len(data)} bytes long, not 8: walktimer "
            "assumes it only reports speed."
        )
    machine, target = struct.unpack("<II", data)
    reports = {"speed"} | {name for bit, name in _MACHINE_FEATURES.items() if machine >> bit & 1}
    targets = {name for bit, name in _TARGET_FEATURES.items() if target >> bit & 1}
    return Features(frozenset(reports), frozenset(targets))


def _decode_range(data: bytes, what: str, fmt: str, scale: float) -> Range:
    if len(data) != 6:
        raise FtmsError(f"The treadmill's {what} range is {len(data)} bytes long, not 6.")
    low, high, step = struct.unpack(fmt, data)
    if low > high:
        raise FtmsError(f"The treadmill's {what} range ends below where it begins.")
    return Range(low * scale, high * scale, step * scale)


def decode_speed_range(data: bytes) -> Range:
    """Supported Speed Range (0x2AD4): min, max, step in 0.01 km/h."""
    return _decode_range(data, "speed", "<HHH", 0.01)


def decode_incline_range(data: bytes) -> Range:
    """Supported Inclination Range (0x2AD5): min, max (signed), step in 0.1 %."""
    return _decode_range(data, "incline", "<hhH", 0.1)


def decode_service_data(data: bytes) -> tuple[bool, bool]:
    """FTMS advertising service data: (available, is a treadmill)."""
    if len(data) < 3:
        raise FtmsError("The fitness machine's advertisement is too short to say what it is.")
    flags = data[0]
    kind = int.from_bytes(data[1:3], "little")
    return bool(flags & 1), bool(kind & 1)


# ---------------------------------------------------------------------- control point


class Op(IntEnum):
    REQUEST_CONTROL = 0x00
    RESET = 0x01
    SET_SPEED = 0x02
    SET_INCLINE = 0x03
    START = 0x07  # start or resume
    STOP = 0x08  # stop or pause, by its parameter
    RESPONSE = 0x80


STOP_PARAMETER = 0x01
PAUSE_PARAMETER = 0x02


class Result(IntEnum):
    SUCCESS = 0x01
    NOT_SUPPORTED = 0x02
    INVALID_PARAMETER = 0x03
    FAILED = 0x04
    NOT_PERMITTED = 0x05


def request(op: Op, value: float | None = None) -> bytes:
    """The bytes written to the control point for `op`."""
    if op is Op.SET_SPEED:
        assert value is not None
        return bytes([op]) + struct.pack("<H", round(value * 100))
    if op is Op.SET_INCLINE:
        assert value is not None
        return bytes([op]) + struct.pack("<h", round(value * 10))
    if op is Op.STOP:
        assert value is not None
        return bytes([op, int(value)])
    return bytes([op])


def control_response(data: bytes) -> tuple[int, int]:
    """A control point indication `80 <op> <result>` as (op, result)."""
    if len(data) < 3 or data[0] != Op.RESPONSE:
        raise FtmsError(
            f"The treadmill answered its control point with {data.hex(' ') or 'nothing'}, "
            "not a response (80 op result)."
        )
    return data[1], data[2]


# ---------------------------------------------------------------------- machine status


class StatusEvent(IntEnum):
    RESET = 0x01
    STOPPED_OR_PAUSED = 0x02
    SAFETY_KEY = 0x03
    STARTED = 0x04
    SPEED_CHANGED = 0x05
    INCLINE_CHANGED = 0x06
    CONTROL_LOST = 0xFF


def decode_status(data: bytes) -> tuple[int, bytes]:
    """Fitness Machine Status (0x2ADA): (op code, parameter bytes)."""
    if not data:
        raise FtmsError("The treadmill sent an empty status: it was ignored.")
    return data[0], bytes(data[1:])
