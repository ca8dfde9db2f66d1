"""The bleak FTMS adapter against the emulated treadmill, over bumble through bleak's backend
interface: the code path a real user runs, with no radio, BlueZ or D-Bus."""

from __future__ import annotations

from tests.fakes import wait_for
from tests.treadmill.conftest import Rig
from walktimer.core.treadmill import Link
from walktimer.treadmill import ftms
from walktimer.treadmill.adapter import scan
from walktimer.treadmill.emulator import EmulatedTreadmill, Quirks


def ops(emulated: EmulatedTreadmill) -> list[str]:
    return [w.data.hex() for w in emulated.writes]


def test_scan_finds_treadmills_by_service_data(rig: Rig) -> None:
    rig.treadmill("Trotter", "C0:00:00:00:00:01")
    rig.treadmill("Strider", "C0:00:00:00:00:02")
    found = rig.ble.run(scan(rig.backend, 1.0), timeout=10)
    assert [(f.name, f.address) for f in found] == [
        ("Strider", "C0:00:00:00:00:02"), ("Trotter", "C0:00:00:00:00:01"),
    ]  # fmt: skip


def test_scan_leaves_out_fitness_machines_that_are_not_treadmills(rig: Rig) -> None:
    rig.treadmill("Cross trainer", "C0:00:00:00:00:03", machine_type=0x0002)
    rig.treadmill("Trotter", "C0:00:00:00:00:01")
    found = rig.ble.run(scan(rig.backend, 1.0), timeout=10)
    assert [f.name for f in found] == ["Trotter"]


def test_read_only_reports_the_belt_and_writes_nothing(rig: Rig) -> None:
    emulated = rig.treadmill()
    emulated.belt.speed, emulated.belt.running, emulated.belt.incline = 3.2, True, 1.5
    belt = rig.adapter()
    assert belt.wait_connected(10)
    assert wait_for(lambda: belt.reading() is not None and belt.reading().speed_kmh == 3.2)
    reading = belt.reading()
    assert reading is not None
    assert reading.incline_percent == 1.5
    assert reading.running
    caps = belt.capabilities()
    assert caps is not None
    assert caps.speed_range is not None
    assert caps.speed_range.high == 12.0
    assert "speed 0.5-12 km/h" in caps.describe()
    belt.set_speed(9.0)
    belt.start()
    belt.stop()
    assert any("control is off" in n for n in belt.notices())
    assert not belt.controllable
    belt.close()
    assert emulated.writes == []  # not even Request Control


def test_control_requests_control_then_sets_speed(rig: Rig) -> None:
    emulated = rig.treadmill()
    belt = rig.controlled()
    belt.start()
    belt.set_speed(4.25)
    belt.set_incline(2.0)
    belt.pause()
    belt.stop()
    assert wait_for(lambda: len(emulated.writes) == 6)
    assert ops(emulated) == ["00", "07", "02a901", "031400", "0802", "0801"]
    assert belt.notices() == []
    belt.close()


def test_control_not_permitted_asks_again_and_retries_once(rig: Rig) -> None:
    emulated = rig.treadmill(quirks=Quirks(forget_control=1))
    belt = rig.controlled()
    belt.start()
    assert wait_for(lambda: emulated.belt.running)
    assert ops(emulated) == ["00", "07", "00", "07"]
    assert belt.notices() == []
    belt.close()


def test_speed_refused_until_the_belt_runs_is_retried_once_it_runs(rig: Rig) -> None:
    emulated = rig.treadmill(quirks=Quirks(speed_needs_running_belt=True))
    belt = rig.controlled(belt_start_timeout=5.0)
    belt.set_speed(3.0)
    assert wait_for(lambda: len(emulated.writes) == 2)  # refused: waiting for the belt
    rig.ble.run(emulated.walker_starts_belt(), timeout=5)  # on the console
    assert wait_for(lambda: emulated.belt.speed == 3.0)
    assert ops(emulated) == ["00", "022c01", "022c01"]
    belt.close()


def test_an_unsupported_op_gets_one_clear_sentence(rig: Rig) -> None:
    emulated = rig.treadmill(quirks=Quirks(unsupported=frozenset({ftms.Op.SET_INCLINE})))
    belt = rig.controlled()
    belt.set_incline(3.0)
    belt.set_incline(4.0)
    assert wait_for(lambda: len(emulated.writes) == 3)
    notices: list[str] = []
    assert wait_for(lambda: bool(notices.extend(belt.notices()) or len(notices) >= 1))
    assert wait_for(
        lambda: bool(notices.extend(belt.notices()) or True) and len(emulated.writes) == 3
    )
    assert notices == [
        "This treadmill does not let walktimer set the incline: use the treadmill's own buttons."
    ]
    belt.close()


def test_a_control_point_that_never_answers_times_out(rig: Rig) -> None:
    emulated = rig.treadmill(quirks=Quirks(silent=True))
    belt = rig.adapter(control=True, answer_timeout=0.2)
    assert belt.wait_connected(10)
    assert not belt.controllable  # the request for control was never answered
    assert any("refused control" in n for n in belt.notices())
    # Asked once more (a control point just reconnected can still be busy), then nothing else.
    assert ops(emulated) == ["00", "00"]
    belt.close()


def test_a_command_never_answered_times_out_and_the_next_one_goes_through(rig: Rig) -> None:
    emulated = rig.treadmill(quirks=Quirks(unanswered=frozenset({ftms.Op.SET_SPEED})))
    belt = rig.controlled(answer_timeout=0.2)
    belt.set_speed(3.0)
    belt.set_incline(2.0)
    assert wait_for(lambda: emulated.belt.incline == 2.0)
    assert belt.notices() == [
        "The treadmill did not answer walktimer's request to set the speed within 0.2 "
        "seconds: use the treadmill's own buttons."
    ]
    assert ops(emulated) == ["00", "022c01", "031400"]


def test_a_late_answer_is_not_taken_for_the_next_requests(rig: Rig) -> None:
    # The speed's answer comes 0.1 s after walktimer stopped waiting for it, while it waits
    # for the incline's (which the treadmill answers next).
    quirks = Quirks(late=frozenset({ftms.Op.SET_SPEED}), late_seconds=0.4)
    emulated = rig.treadmill(quirks=quirks)
    belt = rig.controlled(answer_timeout=0.3)
    belt.set_speed(3.0)
    belt.set_incline(2.0)
    belt.set_incline(2.5)
    assert wait_for(lambda: emulated.belt.incline == 2.5)
    notices: list[str] = []
    assert wait_for(lambda: bool(notices.extend(belt.notices()) or len(emulated.writes) == 4))
    notices += belt.notices()
    assert notices == [
        "The treadmill did not answer walktimer's request to set the speed within 0.3 "
        "seconds: use the treadmill's own buttons."
    ]


def test_garbage_notifications_give_one_sentence(rig: Rig) -> None:
    emulated = rig.treadmill()
    belt = rig.adapter()
    assert belt.wait_connected(10)
    emulated.garbage = b"\x00"
    notices: list[str] = []
    assert wait_for(lambda: bool(notices.extend(belt.notices()) or notices))
    assert notices == [
        "The treadmill sent 1 byte(s) of belt data, fewer than the 2 its flags take: that "
        "report was ignored."
    ]
    assert wait_for(lambda: belt.reading() is not None)  # and it carries on
    belt.close()


def test_a_disconnect_is_followed_by_reconnection(rig: Rig) -> None:
    emulated = rig.treadmill()
    belt = rig.controlled(delays=iter([0.05] * 100))
    rig.ble.run(emulated.drop_connections(), timeout=5)
    assert wait_for(lambda: belt.link is Link.LOST)
    assert wait_for(lambda: belt.link is Link.CONNECTED, timeout=10)
    assert wait_for(lambda: belt.controllable)
    assert ops(emulated) == ["00", "00"]  # control asked for again on the new link
    belt.close()


def test_a_name_matching_two_treadmills_is_one_sentence(rig: Rig) -> None:
    rig.treadmill("Treadmill", "C0:00:00:00:00:01")
    rig.treadmill("Treadmill", "C0:00:00:00:00:02")
    belt = rig.adapter("Treadmill", scan_seconds=1.0)
    assert not belt.wait_connected(5)
    assert belt.link is Link.CLOSED
    assert belt.notices() == [
        '"Treadmill" matches 2 treadmills: Treadmill (C0:00:00:00:00:01), Treadmill '
        "(C0:00:00:00:00:02). Give the address with --treadmill instead."
    ]
    belt.close()


def test_an_address_picks_one_of_two(rig: Rig) -> None:
    rig.treadmill("Treadmill", "C0:00:00:00:00:01")
    second = rig.treadmill("Treadmill", "C0:00:00:00:00:02")
    belt = rig.adapter("c0:00:00:00:00:02", control=True)
    assert belt.wait_connected(10)
    assert wait_for(lambda: second.controlled)
    belt.close()
