"""Small builders shared by the engine tests: plans made by hand, and a host loop on a FakeClock."""

from __future__ import annotations

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, Fired, State
from walktimer.core.plan import Plan, build_plan
from walktimer.core.script import Announce, Phase, Reminders, Session, Sounds

# Only what a test asks for: no countdown, no "next", no "remaining", no targets.
QUIET = Announce(countdown=0, remaining=(), halfway=False, next=False, targets=False)


def make_plan(
    *phases: Phase,
    announce: Announce = QUIET,
    sounds: Sounds | None = None,
    reminders: Reminders | None = None,
) -> Plan:
    session = Session(
        name="Test walk",
        phases=phases,
        announce=announce,
        sounds=sounds or Sounds(),
        reminders=reminders,
    )
    return build_plan(session)


def engine_for(plan: Plan, start: float = 1000.0) -> tuple[Engine, FakeClock]:
    clock = FakeClock(start)
    return Engine(plan, clock), clock


def run_out(engine: Engine, clock: FakeClock, *, limit: int = 1_000_000) -> list[Fired]:
    """Play a running engine to its end the way a punctual host does: sleep to each deadline.
    Manual phases are ended with `next` as soon as nothing more is due in them."""
    fired: list[Fired] = []
    for _ in range(limit):
        if engine.state is not State.RUNNING:
            return fired
        deadline = engine.next_deadline()
        if deadline is None:
            fired += engine.next()
            continue
        clock.set(max(deadline, clock.now()))
        fired += engine.advance()
    raise AssertionError("the session did not end")


def summary(fired: list[Fired]) -> list[tuple[float, str, str | None]]:
    """(session time, kind, text) of each fired event, for readable comparisons."""
    return [(round(f.t_plan, 6), str(f.kind), f.text) for f in fired]
