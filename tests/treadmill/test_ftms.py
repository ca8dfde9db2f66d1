"""The FTMS decoders: every Treadmill Data flag combination, and garbage never raising."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walktimer.core.treadmill import Range
from walktimer.treadmill import ftms
from walktimer.treadmill.ftms import FtmsError, TreadmillData

# Field sizes per flag bit (FTMS 1.0, 4.9.1.1), bit 0 inverted: 0 = speed present.
SIZES = {1: 2, 2: 3, 3: 4, 4: 4, 5: 1, 6: 1, 7: 5, 8: 1, 9: 1, 10: 2, 11: 2, 12: 4}


def build(flags: int, fields: dict[int, bytes], speed: bytes = b"") -> bytes:
    body = b"" if flags & 1 else speed
    for bit in sorted(SIZES):
        if flags & (1 << bit):
            body += fields[bit]
    return struct.pack("<H", flags) + body


FIELDS = {
    1: struct.pack("<H", 321),  # 3.21 km/h average
    2: (70000).to_bytes(3, "little"),  # beyond 16 bits: really 24-bit
    3: struct.pack("<hh", -25, 12),  # -2.5 %, 1.2 degrees
    4: struct.pack("<HH", 105, 3),
    5: bytes([42]),
    6: bytes([41]),
    7: struct.pack("<HHB", 300, 400, 7),
    8: bytes([128]),
    9: bytes([35]),
    10: struct.pack("<H", 1800),
    11: struct.pack("<H", 600),
    12: struct.pack("<hh", -5, 150),
}


def test_every_flag_combination_decodes_each_field_in_order() -> None:
    for flags in range(1 << 13):  # all 8,192 flag sets the specification defines
        check_flags(flags)


def check_flags(flags: int) -> None:
    data = ftms.decode_treadmill_data(build(flags, FIELDS, struct.pack("<H", 450)))
    assert isinstance(data, TreadmillData)
    assert data.speed_kmh == (None if flags & 1 else 4.5)
    assert data.average_speed_kmh == (3.21 if flags & 2 else None)
    assert data.distance_m == (70000 if flags & 4 else None)
    assert data.incline_percent == (-2.5 if flags & 8 else None)
    assert data.ramp_angle_deg == (1.2 if flags & 8 else None)
    assert data.elevation_gain_m == ((10.5, 0.3) if flags & 16 else None)
    assert data.pace_km_min == (4.2 if flags & 32 else None)
    assert data.average_pace_km_min == (4.1 if flags & 64 else None)
    assert data.energy == ((300, 400, 7) if flags & 128 else None)
    assert data.heart_rate == (128 if flags & 256 else None)
    assert data.met == (3.5 if flags & 512 else None)
    assert data.elapsed_s == (1800 if flags & 1024 else None)
    assert data.remaining_s == (600 if flags & 2048 else None)
    assert data.force_power == ((-5, 150) if flags & 4096 else None)


def test_a_real_treadmill_notification() -> None:
    # Flags 0x040C: speed, distance, inclination, elapsed time (bit 0 clear).
    raw = bytes.fromhex("0c047a01e803000f0000002c01")
    data = ftms.decode_treadmill_data(raw)
    assert (data.speed_kmh, data.distance_m, data.incline_percent, data.elapsed_s) == (
        3.78, 1000, 1.5, 300,
    )  # fmt: skip


@given(st.binary(max_size=40))
def test_garbage_gives_one_sentence_never_another_exception(raw: bytes) -> None:
    try:
        ftms.decode_treadmill_data(raw)
    except FtmsError as error:
        text = str(error)
        assert text.endswith(".")
        assert "\n" not in text


@given(st.integers(0, (1 << 13) - 1), st.data())
def test_random_flag_sets_round_trip_and_truncation_is_refused(
    flags: int, data: st.DataObject
) -> None:
    fields = {bit: data.draw(st.binary(min_size=n, max_size=n)) for bit, n in SIZES.items()}
    raw = build(flags, fields, data.draw(st.binary(min_size=2, max_size=2)))
    decoded = ftms.decode_treadmill_data(raw)
    assert ftms.encode_treadmill_data(decoded)[:2] == raw[:2]
    cut = data.draw(st.integers(0, len(raw) - 1))
    with pytest.raises(FtmsError):
        ftms.decode_treadmill_data(raw[:cut])


def test_ranges_features_and_service_data() -> None:
    assert ftms.decode_speed_range(struct.pack("<HHH", 50, 1200, 10)) == Range(0.5, 12.0, 0.1)
    assert ftms.decode_incline_range(struct.pack("<hhH", -30, 150, 5)).low == -3.0
    features = ftms.decode_features(struct.pack("<II", (1 << 2) | (1 << 3), 0b11))
    assert features.reports == {"speed", "distance", "incline"}
    assert features.targets == {"speed", "incline"}
    assert ftms.decode_service_data(bytes([1, 1, 0])) == (True, True)
    assert ftms.decode_service_data(bytes([1, 2, 0])) == (True, False)  # a cross trainer
    with pytest.raises(FtmsError):
        ftms.decode_speed_range(b"\x01")


def test_control_point_requests_and_answers() -> None:
    assert ftms.request(ftms.Op.SET_SPEED, 4.25) == bytes.fromhex("02a901")
    assert ftms.request(ftms.Op.SET_INCLINE, -1.5) == bytes.fromhex("03f1ff")
    assert ftms.request(ftms.Op.STOP, ftms.PAUSE_PARAMETER) == bytes.fromhex("0802")
    assert ftms.control_response(bytes.fromhex("800205")) == (2, 5)
    with pytest.raises(FtmsError):
        ftms.control_response(b"\x02\x01")
