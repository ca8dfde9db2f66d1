"""The treadmill companion says every change ahead in the plan's language too."""

from __future__ import annotations

from tests.fakes import FakeBelt
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.plan import build_plan
from walktimer.core.script import Incline, Phase, Session, Speed
from walktimer.core.treadmill import BeltCompanion


def said_in(language: str) -> tuple[list[str], list[str]]:
    session = Session(
        name="Probe",
        phases=(
            Phase("Warm-up", duration=10, speed=Speed(3)),
            Phase("Slow", duration=10, speed=Speed(1.5), incline=Incline(2)),
        ),
    )
    plan = build_plan(session, language=language)
    clock = FakeClock()
    engine = Engine(plan, clock)
    companion = BeltCompanion(plan, FakeBelt(), clock, control=True)
    said: list[str] = []
    engine.start()
    for step in (0, 3, 4):
        clock.advance(step)
        engine.advance()
        said.extend(companion.update(engine.view(), engine.visit))
    return said, companion.upcoming_texts()


def test_changes_are_announced_in_german() -> None:
    said, upcoming = said_in("de")
    assert said == [
        "Das Band startet in drei Sekunden.",
        "In drei Sekunden: Geschwindigkeit auf 3.",
        "In drei Sekunden: Geschwindigkeit runter auf 1,5 und Steigung auf 2 Prozent.",
    ]
    assert set(said) <= set(upcoming)  # rendered ahead in the same words


def test_changes_are_announced_in_spanish() -> None:
    said, _upcoming = said_in("es")
    assert said == [
        "La cinta arranca en tres segundos.",
        "En tres segundos, la velocidad pasa a 3.",
        "En tres segundos, la velocidad baja a 1,5 y la inclinación pasa a 2 por ciento.",
    ]


def test_english_is_as_before() -> None:
    said, _upcoming = said_in("en")
    assert said[-1] == "Speed going down to 1.5 and incline going to 2 percent in three seconds."
