"""The treadmill's line on the run view: hidden without one, its state in words and colour."""

from __future__ import annotations

from dataclasses import dataclass

from pytestqt.qtbot import QtBot

from tests.core.engine_helpers import make_plan
from tests.fakes import FakeBelt
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, View
from walktimer.core.script import Phase, Speed
from walktimer.core.treadmill import Link
from walktimer.ui.belt_indicator import LINK_COLOURS, BeltIndicator


@dataclass
class Belt:
    treadmill: FakeBelt
    control: bool = False


def walking_view() -> View:
    engine = Engine(make_plan(Phase("Walk", duration=60, speed=Speed(4))), FakeClock())
    engine.start()
    return engine.view()


def test_no_treadmill_no_line(qtbot: QtBot) -> None:
    indicator = BeltIndicator()
    qtbot.addWidget(indicator)
    indicator.show_belt(None, walking_view())
    assert indicator.isHidden()


def test_the_line_follows_the_link_and_the_belt(qtbot: QtBot) -> None:
    indicator = BeltIndicator()
    qtbot.addWidget(indicator)
    view = walking_view()
    belt = FakeBelt(link=Link.CONNECTING)
    indicator.show_belt(Belt(belt), view)
    assert not indicator.isHidden()
    assert indicator.text() == "treadmill: connecting…"
    assert LINK_COLOURS[Link.CONNECTING] in indicator.styleSheet()

    belt.link, belt.speed, belt.running = Link.CONNECTED, 3.9, True
    indicator.show_belt(Belt(belt, control=True), view)
    assert indicator.text() == "treadmill: belt 3.9 km/h (target 4 km/h) · control on"
    assert LINK_COLOURS[Link.CONNECTED] in indicator.styleSheet()
    assert indicator.accessibleDescription() == indicator.text()

    belt.link = Link.LOST
    indicator.show_belt(Belt(belt), view)
    assert indicator.text() == "treadmill: connection lost, reconnecting…"
    assert LINK_COLOURS[Link.LOST] in indicator.styleSheet()

    indicator.show_belt(None, view)
    assert indicator.isHidden()
