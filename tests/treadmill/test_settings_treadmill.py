"""The treadmill picker in Settings and the window's treadmill, against emulated FTMS
treadmills on a bumble link, through the real adapter."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.core.engine_helpers import make_plan
from tests.fakes import wait_for
from tests.treadmill.conftest import Rig
from walktimer.core import treadmill as core_treadmill
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.script import Phase, Speed
from walktimer.core.treadmill import Link, TreadmillError
from walktimer.treadmill.adapter import FtmsTreadmill
from walktimer.treadmill.finder import InRange, find_treadmills
from walktimer.treadmill.tools import describe_write
from walktimer.ui import settings as settings_module
from walktimer.ui.settings import Settings
from walktimer.ui.settings_dialog import SettingsDialog
from walktimer.ui.treadmill_picker import (
    CONSENT,
    NONE,
    BeltConnection,
    TreadmillChoice,
    window_treadmill,
)
from walktimer.verbs import run as run_verb

FIRST = ("Trotter", "C0:00:00:00:00:01")
SECOND = ("Strider", "C0:00:00:00:00:02")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


def _dialog(qtbot: QtBot, settings: Settings, rig: Rig) -> SettingsDialog:
    def find() -> Sequence[InRange]:
        return find_treadmills(1.0, rig.backend, rig.ble)

    dialog = SettingsDialog(settings, find_treadmills=find)
    qtbot.addWidget(dialog)
    return dialog


def _scan(qtbot: QtBot, dialog: SettingsDialog) -> None:
    picker = dialog.treadmill
    with qtbot.waitSignal(picker.scanned, timeout=15_000):
        picker.scan.click()
        assert not picker.scan.isEnabled()  # one scan at a time
        assert picker.status.text().startswith("Looking for treadmills")


def test_nothing_is_chosen_and_consent_is_off_by_default(qtbot: QtBot, settings: Settings) -> None:
    assert (settings.treadmill, settings.treadmill_control) == ("", False)
    assert settings.treadmill_max_speed == 6.0
    assert settings_module.DEFAULT_MAX_SPEED == core_treadmill.DEFAULT_MAX_SPEED
    assert settings_module.BELT_TOP_SPEED == run_verb.BELT_TOP_SPEED
    assert TreadmillChoice.of(settings) is None
    dialog = SettingsDialog(settings, find_treadmills=list)
    qtbot.addWidget(dialog)
    picker = dialog.treadmill
    assert picker.device.currentText() == NONE
    assert picker.control.text() == CONSENT
    assert not picker.control.isChecked()
    assert not picker.control.isEnabled()  # no treadmill: nothing to consent to
    assert not picker.max_speed.isEnabled()
    assert picker.max_speed.value() == 6.0


def test_scan_choose_and_consent_are_stored(qtbot: QtBot, settings: Settings, rig: Rig) -> None:
    rig.treadmill(*FIRST)
    rig.treadmill(*SECOND)
    dialog = _dialog(qtbot, settings, rig)
    _scan(qtbot, dialog)
    picker = dialog.treadmill
    assert picker.status.text() == "Found 2 treadmills: choose one above."
    labels = [picker.device.itemText(i) for i in range(picker.device.count())]
    assert labels == [NONE, "Strider (C0:00:00:00:00:02)", "Trotter (C0:00:00:00:00:01)"]
    picker.device.setCurrentIndex(picker.device.findData(FIRST[1]))
    assert picker.control.isEnabled()
    assert not picker.control.isChecked()
    assert not picker.max_speed.isEnabled()  # the cap matters once control is allowed
    picker.control.setChecked(True)
    assert picker.max_speed.isEnabled()
    picker.max_speed.setValue(4.5)
    dialog.accept()
    again = Settings(settings.file)
    assert again.treadmill == FIRST[1]
    assert again.treadmill_control is True
    assert again.treadmill_max_speed == 4.5
    assert TreadmillChoice.of(again) == TreadmillChoice(FIRST[1], True, 4.5)

    # Opened again: the choice and the consent are shown; another treadmill clears consent.
    shown = _dialog(qtbot, again, rig)
    picker = shown.treadmill
    assert picker.chosen() == FIRST[1]
    assert picker.control.isChecked()
    _scan(qtbot, shown)
    assert picker.chosen() == FIRST[1]  # a scan keeps the choice
    assert picker.device.currentText() == "Trotter (C0:00:00:00:00:01)"
    picker.device.setCurrentIndex(picker.device.findData(SECOND[1]))
    assert not picker.control.isChecked()
    shown.accept()
    assert (Settings(settings.file).treadmill, Settings(settings.file).treadmill_control) == (
        SECOND[1],
        False,
    )


def test_choosing_none_takes_the_consent_away(qtbot: QtBot, settings: Settings) -> None:
    settings.treadmill, settings.treadmill_control = FIRST[1], True
    dialog = SettingsDialog(settings, find_treadmills=list)
    qtbot.addWidget(dialog)
    dialog.treadmill.device.setCurrentIndex(0)
    dialog.accept()
    assert (settings.treadmill, settings.treadmill_control) == ("", False)


def test_nothing_in_range_and_no_bluetooth_are_one_sentence(
    qtbot: QtBot, settings: Settings, rig: Rig
) -> None:
    dialog = _dialog(qtbot, settings, rig)
    _scan(qtbot, dialog)
    assert dialog.treadmill.status.text().startswith("No FTMS treadmill found: switch it on")

    def no_bluetooth() -> Sequence[InRange]:
        raise TreadmillError("Bluetooth is not available (no adapter): switch Bluetooth on.")

    broken = SettingsDialog(settings, find_treadmills=no_bluetooth)
    qtbot.addWidget(broken)
    _scan(qtbot, broken)
    assert broken.treadmill.status.text() == (
        "Bluetooth is not available (no adapter): switch Bluetooth on."
    )
    assert broken.treadmill.scan.isEnabled()


def test_a_scan_that_cannot_open_its_transport_says_so() -> None:
    from walktimer.treadmill.transport import bumble_backend, transport_stack

    backend = bumble_backend(transport_stack("tcp-client:127.0.0.1:1"))
    with pytest.raises(TreadmillError, match=r"^Bluetooth is not available .*switch Bluetooth on"):
        find_treadmills(0.5, backend)


class _RigConnection:
    def __init__(self, belt: FtmsTreadmill) -> None:
        self._belt = belt

    @property
    def treadmill(self) -> FtmsTreadmill:
        return self._belt

    def close(self) -> None:
        self._belt.close()


def _walk(rig: Rig, settings: Settings) -> tuple[BeltConnection, list[str]]:
    plan = make_plan(Phase("Brisk", duration=30, speed=Speed(8)))
    clock = FakeClock()
    asked: list[tuple[str, bool]] = []

    def connect(wanted: str, control: bool) -> BeltConnection:
        asked.append((wanted, control))
        return _RigConnection(rig.adapter(wanted, control=control))

    made = window_treadmill(settings, plan, clock, connect=connect)
    assert made is not None
    connection, companion = made
    assert asked == [(settings.treadmill, settings.treadmill_control)]
    assert companion.control is settings.treadmill_control
    engine = Engine(plan, clock)
    said: list[str] = []
    belt = connection.treadmill
    assert wait_for(lambda: belt.link is Link.CONNECTED, timeout=10)
    engine.start()
    for _ in range(8):
        engine.advance()
        said.extend(companion.update(engine.view(), engine.visit))
        clock.advance(1)
    return connection, said


def test_no_treadmill_chosen_gives_the_run_none(settings: Settings) -> None:
    assert window_treadmill(settings, make_plan(Phase("A", duration=10)), FakeClock()) is None


def test_the_windows_run_without_consent_only_reads(rig: Rig, settings: Settings) -> None:
    emulated = rig.treadmill(*FIRST)
    settings.treadmill = FIRST[1]
    connection, said = _walk(rig, settings)
    connection.close()
    assert emulated.writes == []  # read-only: nothing reached the control point
    assert not any("Speed going" in text for text in said)


def test_the_windows_run_with_consent_sets_the_speed_under_the_cap(
    rig: Rig, settings: Settings
) -> None:
    emulated = rig.treadmill(*FIRST)
    settings.treadmill, settings.treadmill_control = FIRST[0], True  # by name
    settings.treadmill_max_speed = 5.0
    connection, said = _walk(rig, settings)
    assert wait_for(lambda: "set speed 5 km/h" in [describe_write(w) for w in emulated.writes])
    assert said == [
        "Starting the belt in three seconds.",
        "The speed is capped at 5 kilometres per hour by the maximum speed setting: 8 is set as 5.",
        "Speed going to 5 in three seconds.",
    ]
    assert [describe_write(w) for w in emulated.writes] == [
        "request control",
        "start the belt",
        "set speed 5 km/h",
    ]
    connection.close()


def test_a_window_run_drives_the_chosen_treadmill_and_stops_it_when_closed(
    qtbot: QtBot, rig: Rig, settings: Settings
) -> None:
    from tests.fakes import RecordingSink
    from walktimer.ui.controller import RunController

    emulated = rig.treadmill(*FIRST)
    settings.treadmill, settings.treadmill_control = FIRST[1], True
    settings.treadmill_max_speed = 5.0
    clock = FakeClock()
    sinks: list[RecordingSink] = []

    def sink_factory(session: object, *, mute: bool, verbosity: object) -> RecordingSink:
        sinks.append(RecordingSink())
        return sinks[-1]

    class Awake:
        def inhibit(self, reason: str) -> str | None:
            return None

        def release(self) -> None:
            return None

    controller = RunController(
        settings, clock=clock, sink_factory=sink_factory, inhibitor=Awake(),
        confirm=lambda *_: True, get_ready=0,
    )  # fmt: skip
    controller.treadmill_connect = lambda wanted, control: _RigConnection(
        rig.adapter(wanted, control=control)
    )
    plan = make_plan(Phase("Brisk", duration=30, speed=Speed(8)))
    run = controller.open(plan.session, plan, None)
    assert run.belt is not None
    belt = run.belt
    assert wait_for(lambda: belt.treadmill.link is Link.CONNECTED, timeout=10)
    assert wait_for(lambda: belt.treadmill.controllable)
    assert run.host.companion is not None
    assert run.host.companion.control
    controller.prepare(run)
    qtbot.waitUntil(lambda: run.prepared, timeout=5000)
    run.host.start()
    for _ in range(5):
        clock.advance(1)
        run.host.pump()
    asked = lambda: [describe_write(w) for w in emulated.writes]  # noqa: E731
    assert wait_for(lambda: "set speed 5 km/h" in asked())
    said = [f.text for f in sinks[-1].played]
    assert "Speed going to 5 in three seconds." in said
    controller.close()
    assert wait_for(lambda: "stop the belt" in asked())
    assert asked() == ["request control", "start the belt", "set speed 5 km/h", "stop the belt"]
