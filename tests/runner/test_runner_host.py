"""The terminal host loop on a FakeClock: waits per deadline, keys, Ctrl-C, the event log."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, Fired, PhaseStatus, RunEnd
from walktimer.core.plan import Plan, build_plan
from walktimer.core.script import Announce, Cue, Offset, Phase, Session, Sounds
from walktimer.runner.display import PlainScreen
from walktimer.runner.host import SUSPEND_GUARD, TerminalHost
from walktimer.runner.output import EventLog, PrintingSink


def small_plan() -> Plan:
    """Warm-up 20 s (a cue at 5 s), Walk 30 s, Hold (manual, a cue every 10 s)."""
    return build_plan(
        Session(
            name="Short walk",
            phases=(
                Phase("Warm-up", duration=20, cues=(Cue(at=Offset("start", 5), say="Easy."),)),
                Phase("Walk", duration=30),
                Phase("Hold", duration=None, cues=(Cue(every=10, say="Hold."),)),
            ),
            announce=Announce(countdown=0, remaining=(), next=False, targets=False),
            sounds=Sounds(phase=None, countdown=None, finish=None, reminder=None),
        )
    )


@dataclass
class ScriptedKeys:
    """Keys that arrive at given clock times."""

    clock: FakeClock
    script: list[tuple[float, str]]
    fd: int | None = 99
    pending: str = ""

    def read(self) -> str:
        out, self.pending = self.pending, ""
        return out

    def close(self) -> None:
        pass


@dataclass
class FakeWait:
    """Stands in for select(): moves the clock instead of sleeping, and delivers keys."""

    clock: FakeClock
    keys: ScriptedKeys | None = None
    interrupt_at: float | None = None
    waits: list[float | None] = field(default_factory=list)

    def __call__(self, fd: int | None, timeout: float | None) -> bool:
        self.waits.append(timeout)
        assert len(self.waits) < 10_000, "the session never ended"
        now = self.clock.now()
        target = now + (timeout if timeout is not None else 3600.0)
        if self.interrupt_at is not None and self.interrupt_at <= target:
            self.clock.set(max(now, self.interrupt_at))
            raise KeyboardInterrupt
        if self.keys is not None and self.keys.script and self.keys.script[0][0] <= target:
            at, key = self.keys.script.pop(0)
            self.clock.set(max(now, at))
            self.keys.pending = key
            return True
        self.clock.set(target)
        return False


@dataclass
class RecordingSink:
    played: list[Fired] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def prepare(self, plan: Plan, progress: object = None) -> None:
        self.calls.append("prepare")

    def play(self, fired: Sequence[Fired]) -> None:
        self.played += fired

    def pause(self) -> None:
        self.calls.append("pause")

    def stop(self) -> None:
        self.calls.append("stop")

    def expect(self, texts: Sequence[str]) -> None:
        """Nothing is rendered ahead."""

    def notices(self) -> list[str]:
        return []

    def close(self) -> None:
        self.calls.append("close")


@dataclass
class ExpectingSink(RecordingSink):
    """A sink that renders speech ahead: it records what it was asked to expect, and when."""

    expected: list[tuple[float, list[str]]] = field(default_factory=list)
    clock: FakeClock | None = None

    def expect(self, texts: Sequence[str]) -> None:
        assert self.clock is not None
        self.expected.append((self.clock.now(), list(texts)))


def host_for(
    plan: Plan,
    *,
    keys: list[tuple[float, str]] | None = None,
    interrupt_at: float | None = None,
    log: EventLog | None = None,
) -> tuple[TerminalHost, FakeClock, FakeWait, io.StringIO]:
    clock = FakeClock(0.0)
    out = io.StringIO()
    screen = PlainScreen(out)
    scripted = ScriptedKeys(clock, list(keys or []))
    wait = FakeWait(clock, scripted, interrupt_at)
    host = TerminalHost(
        Engine(plan, clock),
        clock,
        sink=PrintingSink(screen.line),
        screen=screen,
        keys=scripted,
        log=log,
        wait=wait,
        monotonic=clock.now,
    )
    return host, clock, wait, out


def test_the_loop_waits_exactly_until_each_deadline(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.jsonl")
    host, _, wait, out = host_for(small_plan(), keys=[(85.0, "n")], log=log)
    outcome = host.run()
    log.close()
    assert outcome.record.ended is RunEnd.FINISHED
    assert not outcome.interrupted
    # Wake-ups: the cue at 5 s, the phase ends at 20 s and 50 s, the Hold cues at 60, 70, 80
    # and the key at 85 s; never a wait past a deadline, and at most SUSPEND_GUARD each.
    assert all(w is not None and 0 <= w <= SUSPEND_GUARD for w in wait.waits)
    assert sum(w or 0 for w in wait.waits) == pytest.approx(85.0)
    deadlines = {5.0, 20.0, 50.0, 60.0, 70.0, 80.0}
    woke = set()
    t = 0.0
    for w in wait.waits:
        t += w or 0
        woke.add(round(t, 6))
    assert deadlines <= woke
    assert len(wait.waits) == 85  # one a second (the guard) here: never more than that
    assert out.getvalue().splitlines() == [
        "== Warm-up · phase 1 of 3 · 0:20",
        "0:00:00  Warm-up  say  Warm-up",
        "0:00:05  Warm-up  cue  Easy.",
        "== Walk · phase 2 of 3 · 0:30",
        "0:00:20  Walk  say  Walk",
        "== Hold · phase 3 of 3 · until you press n",
        "0:00:50  Hold  say  Hold",
        "0:01:00  Hold  cue  Hold.",
        "0:01:10  Hold  cue  Hold.",
        "0:01:20  Hold  cue  Hold.",
        "0:01:25  Hold  finish  Session complete.",
    ]
    lines = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert [(e["t_plan"], e["kind"], e["phase"]) for e in lines][:3] == [
        (0.0, "say", "Warm-up"),
        (5.0, "cue", "Warm-up"),
        (20.0, "say", "Walk"),
    ]
    assert all(e["late_ms"] == 0.0 for e in lines)
    assert len(lines) == 8


def test_keys_pause_next_back_extend_and_stop_with_confirmation() -> None:
    plan = small_plan()
    keys = [
        (2.0, " "),  # pause
        (30.0, " "),  # resume: 28 s paused
        (31.0, "+"),  # Warm-up becomes 80 s
        (33.0, "p"),  # 5 s in: restart Warm-up
        (34.0, "n"),  # to Walk
        (36.0, "q"),
        (37.0, "x"),  # carry on
        (38.0, "q"),
        (39.0, "y"),  # stop
    ]
    host, _, _, out = host_for(plan, keys=keys)
    sink = RecordingSink()
    host.sink = sink
    outcome = host.run()
    text = out.getvalue()
    assert "Paused." in text
    assert "Resumed." in text
    assert "One more minute." in text
    assert "Stop the session? y = stop, any other key = carry on" in text
    assert "Carrying on." in text
    assert "Stopped." in text
    assert sink.calls == ["pause", "stop", "stop", "stop"]  # p and n silence, then y
    record = outcome.record
    assert record.ended is RunEnd.STOPPED
    assert record.active_seconds == pytest.approx(39 - 28)
    assert record.phases[0].status is PhaseStatus.SKIPPED
    assert record.phases[0].extended_by == 60
    assert record.phases[1].status is PhaseStatus.STOPPED  # q, y while walking it
    assert record.phases[1].active_seconds == pytest.approx(5)
    said = [(f.phase_name, f.visit) for f in sink.played if f.text == f.phase_name]
    assert said == [("Warm-up", 1), ("Warm-up", 2), ("Walk", 3)]


@dataclass
class QueueingSink(RecordingSink):
    """Keeps what a real sink would still have to sound: stop and pause drop it."""

    queued: list[Fired] = field(default_factory=list)
    heard_after_skip: list[list[str]] = field(default_factory=list)

    def play(self, fired: Sequence[Fired]) -> None:
        super().play(fired)
        self.queued += fired

    def pause(self) -> None:
        super().pause()
        self.queued.clear()

    def stop(self) -> None:
        super().stop()
        self.queued.clear()


def test_next_and_back_silence_the_phase_left_behind() -> None:
    plan = small_plan()
    # n at 3 s (Warm-up's words still queued), p at 4 s (back to Warm-up), n at 6 s.
    host, _, _, _ = host_for(
        plan,
        keys=[(3.0, "n"), (4.0, "p"), (6.0, "n"), (7.0, "q"), (8.0, "y")],
    )
    sink = QueueingSink()
    host.sink = sink
    left: list[set[str]] = []
    on_key = host.on_key

    def spy(key: str) -> None:
        on_key(key)
        left.append({f.phase_name for f in sink.queued})

    host.on_key = spy  # type: ignore[method-assign]
    host.run()
    # After each skip only the phase now under way has anything left to sound.
    assert left[:3] == [{"Walk"}, {"Warm-up"}, {"Walk"}]
    assert sink.calls[:3] == ["stop", "stop", "stop"]


def test_words_an_extend_changes_are_sent_to_be_rendered_at_once() -> None:
    plan = build_plan(
        Session(
            name="Timed words",
            phases=(
                Phase(
                    "Walk",
                    duration=120,
                    cues=(Cue(at=Offset("percent", 50), say="{remaining} to go."),),
                ),
            ),
            announce=Announce(countdown=0, remaining=(), next=False, targets=False),
            sounds=Sounds(phase=None, countdown=None, finish=None, reminder=None),
        )
    )
    host, clock, _, _ = host_for(plan, keys=[(10.0, "+")])
    sink = ExpectingSink(clock=clock)
    host.sink = sink
    host.run()
    # At the start the words are the plan's (rendered ahead already); after "+" they change
    # and are handed over at once, 80 s before they are due, and only once.
    assert sink.expected == [(0.0, ["One minute to go."]), (10.0, ["One minute thirty to go."])]
    spoken = [(f.t_plan, f.text) for f in sink.played if f.text and f.kind == "cue"]
    assert spoken == [(90.0, "One minute thirty to go.")]


def test_a_refused_key_is_explained() -> None:
    plan = small_plan()
    host, _, _, out = host_for(plan, keys=[(55.0, "+"), (56.0, "n")])
    host.run()
    assert "Cannot extend the phase: a manual phase lasts until you press Next." in (
        out.getvalue().splitlines()
    )


def test_next_while_paused_shows_the_new_phase_at_once_and_fires_it_on_resume() -> None:
    keys = [(1.0, " "), (2.0, "n"), (9.0, " "), (100.0, "n")]
    host, _, _, out = host_for(small_plan(), keys=keys)
    host.run()
    lines = out.getvalue().splitlines()
    header = lines.index("== Walk · phase 2 of 3 · 0:30")
    assert lines[header - 1] == "Paused."
    assert lines[header + 1 : header + 3] == ["Resumed.", "0:00:01  Walk  say  Walk"]


def test_ctrl_c_stops_cleanly() -> None:
    host, _, _, _ = host_for(small_plan(), interrupt_at=12.5)
    sink = RecordingSink()
    host.sink = sink
    outcome = host.run()
    assert outcome.interrupted
    assert outcome.record.ended is RunEnd.STOPPED
    assert outcome.record.active_seconds == pytest.approx(12.5)
    assert sink.calls == ["stop"]


def test_the_event_log_is_written_line_by_line_as_events_fire(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    target = folder / "out.jsonl"
    log = EventLog(target)
    host, _, _, _ = host_for(small_plan(), keys=[(55.0, "n")], log=log)
    host.run()
    # Before close: every fired line is on disk already, as a kill -9 would leave it.
    assert [p.name for p in folder.iterdir()] == ["out.jsonl"]
    assert target.read_text().count("\n") == 5
    log.close()
    assert [p.name for p in folder.iterdir()] == ["out.jsonl"]
    assert target.read_text().count("\n") == 5


def test_the_event_log_writes_into_a_pipe_and_never_replaces_it(tmp_path: Path) -> None:
    import stat
    import threading

    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    log = EventLog(fifo)
    log.close()
    reader.join(timeout=10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received == [b""]
    assert not list(tmp_path.glob(".events.fifo.*"))
