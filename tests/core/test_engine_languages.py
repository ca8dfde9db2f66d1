"""The engine in German and Spanish: walktimer's own words, and time words it refills."""

from __future__ import annotations

from dataclasses import replace

from engine_helpers import engine_for, run_out

from walktimer.core.loader import load_path
from walktimer.core.plan import EventKind, build_plan
from walktimer.core.script import Announce, Cue, Offset, Phase
from walktimer.resources import bundled_session

GERMAN = bundled_session("de-ruecken-20.toml")
SPANISH = bundled_session("es-espalda-20.toml")
ENGLISH_SESSION = bundled_session("beginner-15.toml")


def test_the_engine_says_a_german_run_in_german() -> None:
    plan = build_plan(load_path(GERMAN))
    engine, clock = engine_for(plan)
    engine.start()
    fired = run_out(engine, clock)
    said = [(f.kind, f.text) for f in fired if f.text]
    assert said[-1] == (EventKind.FINISH, "Einheit abgeschlossen.")
    assert (EventKind.NEXT, "Als Nächstes: Ausklingen.") in said
    assert (EventKind.REMAINING, "Noch eine Minute.") in said


def test_time_words_refilled_by_the_engine_are_in_the_plans_language() -> None:
    session = replace(
        load_path(SPANISH),
        phases=(
            Phase(
                "Estirar",
                duration=70,
                cues=(Cue(at=Offset("start", 40), say="Quedan {remaining}."),),
            ),
        ),
        announce=Announce(countdown=0, remaining=(), next=False, targets=False),
    )
    plan = build_plan(session)
    (cue,) = [e for e in plan.events if e.kind is EventKind.CUE]
    assert cue.text == "Quedan treinta segundos."
    engine, clock = engine_for(plan)
    engine.start()
    clock.advance(10)
    engine.extend(60)
    clock.advance(30)
    (again,) = [f for f in engine.advance() if f.kind is EventKind.CUE]
    assert again.text == "Quedan un minuto treinta."


def test_the_host_language_reaches_the_plan() -> None:
    session = load_path(ENGLISH_SESSION)
    assert build_plan(session, language="de").finish.text == "Einheit abgeschlossen."
    assert build_plan(session).finish.text == "Session complete."
    spanish = load_path(SPANISH)
    assert build_plan(spanish, language="de").finish.text == "Sesión completada."
