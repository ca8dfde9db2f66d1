"""Random valid plans and random commands at random times keep the engine's invariants."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walktimer.core.clock import FakeClock
from walktimer.core.engine import (
    STALL_LIMIT,
    START_KINDS,
    Engine,
    EngineError,
    Fired,
    PhaseStatus,
    RunEnd,
    State,
)
from walktimer.core.plan import EventKind, Plan, build_plan
from walktimer.core.script import (
    Announce,
    Block,
    Cue,
    Kind,
    Offset,
    Phase,
    Reminders,
    Session,
    Sound,
    Speed,
)

TIMED_TEXTS = ("Go on.", "{remaining} left.", "{elapsed} done.", "Round {rep}.", None)
MANUAL_TEXTS = ("Hold.", "{elapsed} held.", None)


@st.composite
def cues(draw: st.DrawFn, duration: int | None) -> Cue:
    texts = MANUAL_TEXTS if duration is None else TIMED_TEXTS
    say = draw(st.sampled_from(texts))
    sound = draw(st.sampled_from((None, Sound(name="beep")))) if say else Sound(name="ping")
    if duration is None:
        if draw(st.booleans()):
            return Cue(every=draw(st.integers(1, 90)), say=say, sound=sound)
        return Cue(at=Offset("start", draw(st.integers(1, 300))), say=say, sound=sound)
    if duration < 2:
        return Cue(at=Offset("percent", 50.0), say=say, sound=sound)
    choice = draw(st.sampled_from(("start", "end", "percent", "every")))
    if choice == "every":
        return Cue(every=draw(st.integers(1, duration)), say=say, sound=sound)
    if choice == "percent":
        return Cue(at=Offset("percent", float(draw(st.integers(1, 99)))), say=say, sound=sound)
    value = float(draw(st.integers(1, duration - 1)))
    return Cue(at=Offset(choice, value), say=say, sound=sound)


@st.composite
def phases(draw: st.DrawFn, *, allow_manual: bool = True) -> Phase:
    manual = allow_manual and draw(st.integers(0, 5)) == 0
    duration = None if manual else draw(st.sampled_from((1, 2, 5, 12, 30, 75, 200, 400)))
    return Phase(
        name=draw(st.sampled_from(("Warm-up", "Brisk", "Backward", "Stretch"))),
        kind=draw(st.sampled_from(list(Kind))),
        duration=duration,
        say=draw(st.sampled_from((None, "Go.", "{phase} at {speed}."))),
        speed=draw(st.sampled_from((None, Speed(4.0)))),
        countdown=draw(st.sampled_from((None, 0, 3, 5))),
        reminders=draw(st.sampled_from((None, True, False))),
        cues=tuple(draw(st.lists(cues(duration), max_size=3))),
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    items: list[Phase | Block] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 4)) == 0:
            steps = tuple(draw(st.lists(phases(allow_manual=False), min_size=1, max_size=2)))
            items.append(Block(name="Intervals", repeat=draw(st.integers(1, 3)), steps=steps))
        else:
            items.append(draw(phases()))
    announce = Announce(
        countdown=draw(st.integers(0, 3)),
        remaining=tuple(draw(st.lists(st.sampled_from((60, 120)), max_size=2, unique=True))),
        halfway=draw(st.booleans()),
        next=draw(st.booleans()),
        targets=draw(st.booleans()),
    )
    reminders = None
    if draw(st.booleans()):
        reminders = Reminders(every=draw(st.integers(20, 120)), texts=("Head up.", "{elapsed}."))
    session = Session(
        name="Random walk", phases=tuple(items), announce=announce, reminders=reminders
    )
    return build_plan(session)


# A host's step: let some time pass (now and then a long stall), then do one thing.
gaps = st.one_of(
    st.floats(0, 3, allow_nan=False),
    st.floats(0, 60, allow_nan=False),
    st.floats(0, 900, allow_nan=False),
)
actions = st.one_of(
    st.sampled_from(("advance", "deadline", "deadline", "deadline", "pause", "resume", "toggle")),
    st.sampled_from(("next", "previous", "stop")),
    st.tuples(st.just("extend"), st.integers(1, 120)),
    st.tuples(st.just("jump"), st.integers(0, 12)),
)


@dataclass
class Host:
    """Drives an engine and checks every call against the invariants."""

    engine: Engine
    clock: FakeClock
    fired: list[Fired] = field(default_factory=list)
    running_total: float = 0.0
    running_since: float | None = None
    last_session: float = 0.0

    def call(self, action: object) -> None:
        engine, clock = self.engine, self.clock
        before = engine.state
        now = clock.now()
        if action == "deadline":
            deadline = engine.next_deadline()
            if deadline is not None:
                clock.set(max(deadline, now))
                now = clock.now()
            action = "advance"
        refusal = ""
        try:
            if isinstance(action, tuple):
                name, arg = action
                out = engine.extend(arg) if name == "extend" else engine.jump(arg)
            else:
                out = getattr(engine, str(action))()
        except EngineError as refused:
            refusal = str(refused)
            out = []
        if refusal:
            assert refusal.startswith("cannot ")
            assert refusal.endswith(".")
        after = engine.state
        self.account(before, after, now)
        self.check_batch(before, after, out)
        self.fired += out
        session = engine.view().session_elapsed
        assert session >= self.last_session - 1e-9, "session time went backwards"
        self.last_session = session

    def account(self, before: State, after: State, now: float) -> None:
        if before is State.RUNNING and after is not State.RUNNING:
            assert self.running_since is not None
            self.running_total += now - self.running_since
            self.running_since = None
        elif before is not State.RUNNING and after is State.RUNNING:
            self.running_since = now

    def check_batch(self, before: State, after: State, out: list[Fired]) -> None:
        if before is after and before is not State.RUNNING:
            assert out == [], f"fired while {before}"
        for f in out:
            assert f.late >= 0
            assert f.t_fired >= f.t_plan
            assert abs((f.t_fired - f.t_plan) - f.late) < 1e-6
            if f.kind not in START_KINDS and f.kind is not EventKind.FINISH:
                assert f.late <= STALL_LIMIT + 1e-6, f"a stale {f.kind} was played"
        if any(f.kind is EventKind.FINISH for f in out):
            assert after is State.FINISHED

    def check_run(self) -> None:
        fired, engine = self.fired, self.engine
        keys = [(f.visit, f.event.seq, f.repeat) for f in fired]
        assert len(keys) == len(set(keys)), "an event fired twice"
        for a, b in itertools.pairwise(fired):
            assert a.visit <= b.visit
            assert a.t_plan <= b.t_plan + 1e-9, "out of timeline order"
            assert a.t_fired <= b.t_fired + 1e-9
            if a.visit == b.visit and abs(a.t_plan - b.t_plan) < 1e-9:
                assert (a.kind.priority, a.event.seq) < (b.kind.priority, b.event.seq)
        finishes = [i for i, f in enumerate(fired) if f.kind is EventKind.FINISH]
        assert len(finishes) <= 1
        if finishes:
            assert finishes[0] == len(fired) - 1, "something fired after the finish"
        assert (engine.state is State.FINISHED) == bool(finishes)

        record = engine.record()
        running = self.running_total
        if self.running_since is not None:
            running += self.clock.now() - self.running_since
        overshoot = fired[-1].late if finishes else 0.0  # the end was noticed this late
        assert abs(record.active_seconds - (running - overshoot)) < 1e-6
        assert abs(sum(p.active_seconds for p in record.phases) - record.active_seconds) < 1e-6
        for outcome in record.phases:
            if outcome.status is PhaseStatus.NOT_REACHED:
                assert outcome.active_seconds == 0
        expected_end = {State.FINISHED: RunEnd.FINISHED, State.STOPPED: RunEnd.STOPPED}
        assert record.ended is expected_end.get(engine.state)
        view = engine.view()
        assert 0.0 <= view.progress <= 1.0
        if not engine.state.active:
            assert engine.next_deadline() is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=plans(),
    steps=st.lists(st.tuples(gaps, actions), max_size=40),
    first=st.integers(0, 3),
)
def test_random_commands_at_random_times_keep_the_invariants(
    plan: Plan, steps: list[tuple[float, object]], first: int
) -> None:
    clock = FakeClock(10_000.0)
    host = Host(Engine(plan, clock), clock)
    host.call(("jump", 0) if first == 0 else "start")  # a refused jump first, now and then
    if host.engine.state is State.READY:
        host.call("start")
    for gap, action in steps:
        clock.advance(gap)
        host.call(action)
    host.call("advance")  # catch up with the clock before judging the run
    host.check_run()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_a_punctual_run_without_commands_plays_every_event_once_on_time(plan: Plan) -> None:
    clock = FakeClock(10_000.0)
    engine = Engine(plan, clock)
    fired = engine.start()
    while engine.state is State.RUNNING:
        deadline = engine.next_deadline()
        if deadline is None or engine.view().phase_elapsed > 400:
            fired += engine.next()  # a manual phase: the walker presses Next
        else:
            clock.set(max(deadline, clock.now()))
            fired += engine.advance()
    assert all(f.late < 1e-6 for f in fired)
    if not plan.has_manual:
        assert [f.event for f in fired] == list(plan.events)
        assert [f.t_plan for f in fired] == [e.t for e in plan.events]
    else:
        once = [f.event for f in fired if f.event.every is None]
        assert once == [e for e in plan.events if e.every is None]
    assert engine.record().count(PhaseStatus.DONE) == len(plan.phases)
