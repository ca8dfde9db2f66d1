"""Adversarial timelines: many `every` cues, long phases and deep repeats start at once and run
in bounded memory, and the timeline laid out lazily is the same however it is read."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walktimer.core.clock import FakeClock
from walktimer.core.durations import MAX_SESSION_SECONDS
from walktimer.core.engine import STALL_LIMIT, Engine, EngineError, State
from walktimer.core.plan import EventKind, build_plan
from walktimer.core.script import Announce, Block, Cue, Offset, Phase, Reminders, Session, Sound

# What a start may cost at most, whatever the script. Today a start takes a few milliseconds
# and well under a megabyte; laying out every event of these scripts took gigabytes and
# tens of seconds. The time is generous because the test machine is shared.
START_SECONDS = 2.0
START_BYTES = 16 * 1024 * 1024
STEP_SECONDS = 2.0  # any one command or catch-up, however long the stall before it

EVERY = st.sampled_from((1, 1, 1, 2, 3, 7, 60))
SAYS = st.sampled_from(("Tick.", "{phase}, round {rep}.", "{remaining} left.", None))


@st.composite
def heavy_cues(draw: st.DrawFn, most: int) -> tuple[Cue, ...]:
    """Many `every` cues (most of them every second) and a few `at` cues."""
    out = []
    for _ in range(draw(st.integers(1, most))):
        say = draw(SAYS)
        out.append(Cue(every=draw(EVERY), say=say, sound=None if say else Sound(name="tick")))
    for anchor in draw(st.lists(st.sampled_from(("start", "end", "percent")), max_size=3)):
        out.append(Cue(at=Offset(anchor, 50.0 if anchor == "percent" else 2.0), say="Now."))
    return tuple(out)


@st.composite
def adversarial_sessions(draw: st.DrawFn, *, longest: int = MAX_SESSION_SECONDS) -> Session:
    """A long phase, a deeply repeated block, or both, within the format's limits: at most
    24 hours and 10,000 played phases."""
    items: list[Phase | Block] = []
    shape = draw(st.sampled_from(("long", "repeats", "both")))
    budget = longest
    if shape in ("long", "both"):
        duration = draw(st.integers(min(3600, longest // 2), longest // 2))
        items.append(Phase("Long walk", duration=duration, cues=draw(heavy_cues(120))))
        budget -= duration
    if shape in ("repeats", "both"):
        lengths = draw(st.lists(st.sampled_from((5, 30, 60)), min_size=1, max_size=3))
        steps = tuple(
            Phase(f"Step {i}", duration=length, cues=draw(heavy_cues(8)))
            for i, length in enumerate(lengths)
        )
        round_length = sum(s.duration or 0 for s in steps)
        most = min(1000, budget // round_length, 10_000 // len(steps))
        items.append(
            Block("Intervals", repeat=draw(st.integers(max(1, most // 2), most)), steps=steps)
        )
    announce = Announce(
        countdown=draw(st.sampled_from((0, 3, 60))),
        remaining=tuple(draw(st.lists(st.sampled_from((60, 600, 3600)), max_size=3, unique=True))),
        halfway=draw(st.booleans()),
    )
    reminders = None
    if draw(st.booleans()):
        reminders = Reminders(every=draw(st.integers(20, 90)), texts=("Head up.", "{remaining}."))
    return Session(name="Adversarial", phases=tuple(items), announce=announce, reminders=reminders)


@contextmanager
def bounded(seconds: float, most_bytes: int, what: str) -> Iterator[None]:
    """Fail when the block takes longer than `seconds` or allocates a peak above `most_bytes`."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert took < seconds, f"{what} took {took:.2f} s"
    assert peak < most_bytes, f"{what} peaked at {peak / 1e6:.1f} MB"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(session=adversarial_sessions())
def test_an_adversarial_script_starts_at_once_and_its_first_cue_is_on_time(
    session: Session,
) -> None:
    clock = FakeClock(1000.0)
    with bounded(START_SECONDS, START_BYTES, "planning and the first cue"):
        plan = build_plan(session)
        engine = Engine(plan, clock)
        fired = engine.start()
        deadline = engine.next_deadline()
        assert deadline is not None
        clock.set(deadline)
        fired += engine.advance()
    first = next(e for e in islice(plan.iter_events(), len(fired) + 1) if e.t > 0)
    assert deadline == 1000.0 + first.t  # the first cue is due when the plan says
    assert [f.event for f in fired] == list(islice(plan.iter_events(), len(fired)))
    assert all(f.late == 0 for f in fired)


commands = st.lists(
    st.tuples(
        st.sampled_from((0.0, 1.0, 5.0, 600.0, 20_000.0)),  # time passing: now and then a stall
        st.sampled_from(("advance", "deadline", "extend", "next", "previous", "jump", "restore")),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(session=adversarial_sessions(), steps=commands)
def test_commands_and_stalls_in_an_adversarial_script_stay_fast_and_bounded(
    session: Session, steps: list[tuple[float, str]]
) -> None:
    plan = build_plan(session)
    clock = FakeClock(1000.0)
    engine = Engine(plan, clock)
    engine.start()
    for gap, name in steps:
        clock.advance(gap)
        with bounded(STEP_SECONDS, START_BYTES, f"{name} after {gap:g} s"):
            if name == "restore" and engine.state.active:
                snap = engine.snapshot()
                engine = Engine.restore(
                    plan, clock, snap.phase_index, snap.phase_elapsed, engine.record(),
                    session_elapsed=snap.session_elapsed,
                )  # fmt: skip
                fired = engine.resume()
            else:
                fired = _command(engine, clock, name)
            engine.upcoming_texts()
            engine.view()
        late = [f for f in fired if f.kind is not EventKind.FINISH and f.late > STALL_LIMIT]
        assert all(
            f.kind in (EventKind.PHASE_START, EventKind.SAY, EventKind.TARGETS) for f in late
        )
        if not engine.state.active:
            break


def _command(engine: Engine, clock: FakeClock, name: str) -> list[object]:
    actions: dict[str, Callable[[], list[object]]] = {
        "extend": lambda: list(engine.extend(3600)),
        "next": lambda: list(engine.next()),
        "previous": lambda: list(engine.previous()),
        "jump": lambda: list(engine.jump(len(engine.plan.phases) // 2)),
    }
    if name == "deadline":
        deadline = engine.next_deadline()
        if deadline is not None:
            clock.set(max(deadline, clock.now()))
    if name in actions:
        try:
            return actions[name]()
        except EngineError:  # a manual phase cannot be extended
            return []
    return list(engine.advance())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(session=adversarial_sessions(longest=1200), cut=st.floats(-1.0, 700.0))
def test_a_phase_read_from_any_position_is_the_same_timeline(session: Session, cut: float) -> None:
    plan = build_plan(session)
    events = list(plan.iter_events())
    assert [e.seq for e in events] == list(range(plan.event_count))
    assert events[-1] == plan.finish
    keys = [
        (e.phase, e.position(plan.phases[e.phase].duration), e.kind.priority) for e in events[:-1]
    ]
    assert keys == sorted(keys)
    for index in range(min(len(plan.phases), 5)):
        timeline = plan.timeline(index)
        whole = list(timeline.events())
        assert len(whole) == timeline.count
        repeats = [e for e in whole if e not in timeline.once]
        assert sorted(timeline.once + tuple(repeats)) == whole
        later = [e for e in repeats if e.offset > cut]
        assert list(timeline.repeating(cut)) == later
        assert timeline.repeating_through(cut) == len(repeats) - len(later)
    # The distinct cues are what the whole timeline sounds, in first-use order.
    heard = dict.fromkeys((e.kind, e.text, e.sound) for e in events)
    assert list(plan.sounded()) == list(heard)


def test_a_stall_in_a_long_dense_phase_drops_the_stale_cues_by_counting_them() -> None:
    cues = tuple(Cue(every=1, say=f"Cue {i}.") for i in range(100))
    plan = build_plan(Session(name="Day", phases=(Phase("Day", duration=86_400, cues=cues),)))
    clock = FakeClock(0.0)
    engine = Engine(plan, clock)
    engine.start()
    fired = []
    for _ in range(10):
        clock.advance(1)
        fired += engine.advance()
    assert len(fired) == 1000
    clock.advance(20 * 3600)  # the laptop slept
    with bounded(0.5, 1024 * 1024, "catching up after the stall"):
        fired = engine.advance()
    fresh = {f.event.offset for f in fired}
    assert fresh == {72_008.0, 72_009.0, 72_010.0}  # within STALL_LIMIT of now
    assert len(fired) == 300
    assert engine.record().dropped == 100 * (72_008 - 11)
    assert engine.state is State.RUNNING


def test_a_stall_across_many_short_phases_counts_every_event_in_them_as_dropped() -> None:
    step = Phase(
        "Step",
        duration=5,
        cues=(Cue(every=1, say="Step."), Cue(at=Offset("end", 2.0), say="Soon.")),
    )
    plan = build_plan(Session(name="Steps", phases=(Block("Steps", repeat=1000, steps=(step,)),)))
    clock = FakeClock(0.0)
    engine = Engine(plan, clock)
    engine.start()
    clock.advance(3000.5)  # 600 phases later
    with bounded(0.5, 1024 * 1024, "catching up across 600 phases"):
        fired = engine.advance()
    stale = [e for e in plan.events if e.t < 3000.5 - STALL_LIMIT and e.t > 0]
    assert engine.record().dropped == len(stale)
    assert [f.event for f in fired] == [
        e
        for e in plan.events
        if 3000.5 - STALL_LIMIT <= e.t <= 3000.5 or (e.phase == 600 and e.t == 3000)
    ]
    assert engine.phase_index == 600
    assert engine.visit == 601
