"""The treadmill verbs and options as a user runs them: scan, simulate over a bumble TCP
transport (WALKTIMER_BLE_TRANSPORT), run --treadmill, doctor's Bluetooth line."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli_run import walktimer
from tests.treadmill.conftest import Rig
from walktimer.treadmill.probe import BluetoothStatus, bluetooth_status
from walktimer.treadmill.tools import scan_treadmills
from walktimer.treadmill.transport import backend_from_env


def test_scan_lists_each_treadmill_with_what_it_supports(rig: Rig) -> None:
    rig.treadmill("Trotter", "C0:00:00:00:00:01")
    out = io.StringIO()
    assert scan_treadmills(1.0, out, rig.backend, rig.ble) == 0
    assert out.getvalue() == (
        "Trotter (C0:00:00:00:00:01): reports distance, elapsed, incline, speed; can set "
        "incline, pause, speed, start; speed 0.5-12 km/h; incline 0-12%\n"
    )


def test_scan_with_nothing_in_range_says_what_to_do(rig: Rig) -> None:
    out = io.StringIO()
    assert scan_treadmills(0.3, out, rig.backend, rig.ble) == 1
    assert out.getvalue().startswith("No FTMS treadmill found in 0.3 seconds: switch it on")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_run_controls_the_simulated_treadmill_over_a_bumble_tcp_transport(tmp_path: Path) -> None:
    port = free_port()
    simulator = subprocess.Popen(
        [sys.executable, "-m", "walktimer", "treadmill", "simulate",
         "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert simulator.stdout is not None
        first = simulator.stdout.readline()  # printed once it advertises
        assert "waits for walktimer" in first, first + simulator.stderr.read()
        env = {**os.environ, "WALKTIMER_BLE_TRANSPORT": f"tcp-client:127.0.0.1:{port}"}
        done = walktimer(
            "run", "backward-10", "--no-gui", "--speed", "60", "--mute",
            "--treadmill", "auto", "--treadmill-control", env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Connected: WalkTimer Treadmill (C0:FF:EE:00:00:01)" in done.stdout
        assert "targets  Speed going down to 1.2 in three seconds." in done.stdout
    finally:
        simulator.send_signal(signal.SIGINT)
        out, _err = simulator.communicate(timeout=20)
    asked = [line for line in out.splitlines() if line.startswith("walktimer asked:")]
    assert asked == [
        "walktimer asked: request control", "walktimer asked: start the belt",
        "walktimer asked: set speed 2 km/h", "walktimer asked: set speed 1.2 km/h",
        "walktimer asked: set speed 1.5 km/h", "walktimer asked: set speed 2 km/h",
        "walktimer asked: stop the belt",
    ]  # fmt: skip
    assert "The emulated treadmill is switched off." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--treadmill-control",), "--treadmill-control needs --treadmill NAME, ADDRESS or auto"),
        (("--treadmill", "auto"), "--treadmill works only with --no-gui"),
        (("--treadmill", "auto", "--max-speed", "40"), "the maximum speed is in km/h"),
    ],
)
def test_treadmill_options_misused_get_one_sentence(args: tuple[str, ...], message: str) -> None:
    extra = () if "--treadmill works only" in message else ("--no-gui",)
    done = walktimer("run", "backward-10", *extra, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def fake_sys(root: Path, *, adapter: bool = True, soft: str = "0", bus: bool = True) -> Path:
    if adapter:
        (root / "sys/class/bluetooth/hci0").mkdir(parents=True)
    kill = root / "sys/class/rfkill/rfkill0"
    kill.mkdir(parents=True)
    (kill / "type").write_text("bluetooth\n")
    (kill / "soft").write_text(soft + "\n")
    (kill / "hard").write_text("0\n")
    if bus:
        (root / "run/dbus").mkdir(parents=True)
        (root / "run/dbus/system_bus_socket").write_text("")
    return root


def test_doctor_bluetooth_present_switched_off_and_missing(tmp_path: Path) -> None:
    def linux(root: Path) -> BluetoothStatus:
        return bluetooth_status(root, env={}, platform="linux")

    ok = linux(fake_sys(tmp_path / "a"))
    assert ok.usable
    assert ok.text == "hci0 present and switched on (BlueZ)"
    off = linux(fake_sys(tmp_path / "b", soft="1"))
    assert not off.usable
    assert off.fix == "run `rfkill unblock bluetooth`"
    missing = linux(fake_sys(tmp_path / "c", adapter=False))
    assert not missing.usable
    assert "WALKTIMER_BLE_TRANSPORT=usb:0" in (missing.fix or "")
    no_bus = linux(fake_sys(tmp_path / "d", bus=False))
    assert not no_bus.usable
    assert "no system D-Bus" in no_bus.text
    bumble = bluetooth_status(tmp_path, env={"WALKTIMER_BLE_TRANSPORT": "usb:0"}, platform="linux")
    assert bumble.usable
    assert "usb:0" in bumble.text


def test_doctor_prints_a_bluetooth_line() -> None:
    done = walktimer("doctor", "--no-render")
    assert "bluetooth" in done.stdout


def test_a_transport_that_cannot_be_opened_is_one_sentence() -> None:
    out = io.StringIO()
    backend = backend_from_env({"WALKTIMER_BLE_TRANSPORT": "bogus:1"})
    assert scan_treadmills(1.0, out, backend) == 1
    assert out.getvalue() == (
        "walktimer treadmill scan: Bluetooth is not available (the bumble transport 'bogus:1' "
        "in WALKTIMER_BLE_TRANSPORT cannot be opened: unknown transport scheme). Switch "
        "Bluetooth on, or set WALKTIMER_BLE_TRANSPORT to a bumble transport such as usb:0.\n"
    )


def test_without_the_variable_the_platform_backend_is_used() -> None:
    assert backend_from_env({}).client is None
    assert backend_from_env({"WALKTIMER_BLE_TRANSPORT": "usb:0"}).client is not None


def test_simulate_refuses_a_listen_address_it_cannot_use() -> None:
    done = walktimer("treadmill", "simulate", "--listen", "nonsense")
    assert done.returncode == 2
    assert done.stderr == (
        "walktimer treadmill: --listen takes HOST:PORT, like 127.0.0.1:9101, not 'nonsense'.\n"
    )
