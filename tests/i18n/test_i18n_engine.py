"""A refused command says why in the plan's language, or in the Phrases the host gives."""

from __future__ import annotations

import pytest

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, EngineError
from walktimer.core.plan import build_plan
from walktimer.core.script import Phase, Session
from walktimer.i18n import phrases

SESSION = Session(name="Rücken", phases=(Phase(name="Gehen", duration=60),))


def _refusal(engine: Engine, command: str, *args: int) -> str:
    with pytest.raises(EngineError) as refused:
        getattr(engine, command)(*args)
    return str(refused.value)


def test_a_german_plan_refuses_in_german() -> None:
    engine = Engine(build_plan(SESSION, language="de"), FakeClock(0.0))
    assert _refusal(engine, "pause") == (
        "Pausieren nicht möglich: die Einheit hat noch nicht begonnen."
    )
    assert _refusal(engine, "start", 3) == (
        "Start bei Phase 4 nicht möglich: die Einheit hat die Phasen 1 bis 1."
    )
    engine.start()
    assert _refusal(engine, "start") == "Starten nicht möglich: die Einheit hat bereits begonnen."


def test_the_hosts_phrases_word_the_refusal_whatever_the_plans_language() -> None:
    engine = Engine(build_plan(SESSION), FakeClock(0.0), phrases=phrases("es"))
    assert (
        _refusal(engine, "next")
        == "no se puede pasar a la fase siguiente: la sesión no ha empezado."
    )
    english = Engine(build_plan(SESSION), FakeClock(0.0))
    assert _refusal(english, "resume") == "cannot resume: the session has not started."
