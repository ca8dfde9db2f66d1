"""The resume file, the run keeper, and what a start after a crash offers."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, RunRecord, State
from walktimer.core.loader import load_path
from walktimer.core.plan import Plan, build_plan
from walktimer.history import resume
from walktimer.history.keeper import RunKeeper
from walktimer.history.log import HistoryLog, PhaseResult, WalkEnd
from walktimer.history.resume import Choice, ResumeFileError, ResumePoint
from walktimer.history.terminal import PROMPT, pending_for_terminal

SCRIPT = """\
format = 1
name = "Short test walk"

[announce]
countdown = 0
remaining = []
next = false
targets = false

[[phase]]
name = "Warm-up"
kind = "warmup"
duration = "1m"

[[phase]]
name = "Brisk"
duration = "2m"

[[phase]]
name = "Cool-down"
kind = "cooldown"
duration = "1m"
"""

BERLIN_WINTER = timezone(timedelta(hours=1))


class Wall:
    """A wall clock moved by hand, in step with a FakeClock."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 6, 18, 0, tzinfo=BERLIN_WINTER)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text(SCRIPT)
    return path


@pytest.fixture
def plan(script: Path) -> Plan:
    return build_plan(load_path(script))


def keeper_for(plan: Plan, script: Path, wall: Wall, **options: object) -> RunKeeper:
    return RunKeeper.begin(plan, script, wall=wall, **options)  # type: ignore[arg-type]


def walks() -> list:  # type: ignore[type-arg]
    with HistoryLog() as history:
        return history.walks()


# --- the file --------------------------------------------------------------------------------


def _point(plan: Plan, **changes: object) -> ResumePoint:
    engine = Engine(plan, FakeClock())
    engine.start()
    values: dict[str, object] = {
        "run_id": "abc",
        "script_path": "/s/short.toml",
        "script_sha256": "00" * 32,
        "script_name": "Short test walk",
        "phase_index": 0,
        "phase_name": "Warm-up",
        "phase_elapsed": 12.5,
        "session_elapsed": 12.5,
        "state": "running",
        "started": "2025-01-06T18:00:00+01:00",
        "saved": "2025-01-06T18:00:12+01:00",
        "saved_unix": 1736182812.0,
        "record": engine.record(),
    }
    values.update(changes)
    return ResumePoint(**values)  # type: ignore[arg-type]


def test_a_point_is_written_atomically_and_read_back(plan: Plan, tmp_path: Path) -> None:
    target = tmp_path / "state" / "resume.json"
    point = _point(plan)
    resume.write(point, target)
    assert resume.read(target) == point
    assert sorted(p.name for p in target.parent.iterdir()) == ["resume.json"]
    data = json.loads(target.read_text())
    assert data["phase_index"] == 0
    assert data["record"]["session_name"] == "Short test walk"


def test_the_default_resume_file_is_in_the_user_state_directory(user_dirs: Path) -> None:
    assert resume.resume_path() == user_dirs / "state" / "walktimer" / "resume.json"
    assert resume.read() is None


def test_a_failed_write_leaves_the_previous_point_and_no_temp_file(
    plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "state" / "resume.json"
    first = _point(plan)
    resume.write(first, target)

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        resume.write(_point(plan, phase_elapsed=40.0), target)
    monkeypatch.undo()
    assert resume.read(target) == first
    assert sorted(p.name for p in target.parent.iterdir()) == ["resume.json"]


@pytest.mark.parametrize(
    "text",
    ["{not json", '{"version": 1}', '{"version": 99}', "[]", ""],
)
def test_a_damaged_resume_file_is_moved_aside_with_a_sentence(tmp_path: Path, text: str) -> None:
    target = tmp_path / "resume.json"
    target.write_text(text)
    with pytest.raises(ResumeFileError, match=r"could not be read.*moved to.*resume\.json\.bad"):
        resume.read(target)
    assert not target.exists()
    assert (tmp_path / "resume.json.bad").read_text() == text


def test_a_resume_file_that_is_not_utf8_is_moved_aside_too(tmp_path: Path) -> None:
    target = tmp_path / "resume.json"
    target.write_bytes(b'{"run_id": "\xff"}')
    with pytest.raises(ResumeFileError, match=r"moved to.*resume\.json\.bad"):
        resume.read(target)
    assert (tmp_path / "resume.json.bad").read_bytes() == b'{"run_id": "\xff"}'


def test_a_point_can_be_resumed_only_while_its_script_is_unchanged(
    plan: Plan, script: Path
) -> None:
    point = _point(plan, script_path=str(script), script_sha256=resume.sha256_file(script))
    assert resume.inspect(point).resumable
    script.write_text(SCRIPT.replace('"2m"', '"3m"'))
    changed = resume.inspect(point)
    assert not changed.resumable
    assert changed.reason == f"its script {script} has changed since"
    script.unlink()
    gone = resume.inspect(point)
    assert not gone.resumable
    assert gone.reason == f"its script {script} is gone"
    assert not resume.inspect(_point(plan, script_path=None)).resumable


def test_describe_says_where_the_session_was(plan: Plan) -> None:
    text = resume.describe(_point(plan, phase_elapsed=75.0, session_elapsed=135.0))
    assert text == (
        '"Short test walk", phase 1 "Warm-up" at 1:15 (2:15 into the session, started 06 Jan 18:00)'
    )


# --- the keeper while a session runs ---------------------------------------------------------


def test_the_keeper_saves_at_phase_changes_state_changes_and_every_four_seconds(
    plan: Plan, script: Path
) -> None:
    clock = FakeClock()
    wall = Wall()
    engine = Engine(plan, clock)
    keeper = keeper_for(plan, script, wall)
    assert keeper.update(engine) is False  # not started: nothing to save
    assert resume.read() is None
    engine.start()
    assert keeper.update(engine) is True
    assert keeper.wake_in(engine) == pytest.approx(4.0)
    clock.advance(3.9)
    assert keeper.update(engine) is False
    assert keeper.wake_in(engine) == pytest.approx(0.1)
    clock.advance(0.2)
    assert keeper.wake_in(engine) == 0.0
    assert keeper.update(engine) is True
    point = resume.read()
    assert point is not None
    assert (point.phase_index, point.phase_elapsed, point.state) == (
        0,
        pytest.approx(4.1),
        "running",
    )
    # Crossing into the next phase saves at once.
    clock.advance(56.5)
    engine.advance()
    assert keeper.update(engine) is True
    point = resume.read()
    assert point is not None
    assert (point.phase_index, point.phase_name) == (1, "Brisk")
    assert point.phase_elapsed == pytest.approx(0.6)
    # Pausing saves once; a paused session is not saved again.
    engine.pause()
    assert keeper.update(engine) is True
    assert keeper.wake_in(engine) is None
    clock.advance(600)
    assert keeper.update(engine) is False
    assert resume.read().state == "paused"  # type: ignore[union-attr]
    assert keeper.saves == 4


def test_the_saved_point_carries_the_run_so_far(plan: Plan, script: Path) -> None:
    clock = FakeClock()
    wall = Wall()
    engine = Engine(plan, clock)
    keeper = keeper_for(plan, script, wall, speed=20.0)
    engine.start()
    clock.advance(30)
    engine.extend(60)
    engine.next()  # the warm-up is skipped after 30 s
    clock.advance(70)
    engine.advance()
    wall.now += timedelta(seconds=100)
    keeper.update(engine)
    point = resume.read()
    assert point is not None
    assert point.script_path == str(script.resolve())
    assert point.script_sha256 == resume.sha256_file(script)
    assert point.started == "2025-01-06T18:00:00+01:00"
    assert point.saved == "2025-01-06T18:01:40+01:00"
    assert point.saved_unix == wall.now.timestamp()
    assert point.speed == 20.0
    assert point.session_elapsed == pytest.approx(100.0)
    assert [str(p.status) for p in point.record.phases] == ["skipped", "skipped", "not reached"]
    assert point.record.phases[0].extended_by == 60.0


def test_finishing_logs_the_walk_once_and_removes_the_resume_file(plan: Plan, script: Path) -> None:
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = keeper_for(plan, script, Wall())
    engine.start()
    keeper.update(engine)
    clock.advance(60)
    engine.advance()
    engine.extend(30)
    keeper.update(engine)
    clock.advance(400)
    engine.advance()
    assert engine.state is State.FINISHED
    walk_id = keeper.finish(engine)
    assert keeper.finish(engine) == walk_id
    assert resume.read() is None
    [walk] = walks()
    assert walk.id == walk_id
    assert walk.ended is WalkEnd.FINISHED
    assert walk.run_id == keeper.run_id
    assert walk.script_name == "Short test walk"
    assert walk.script_sha256 == resume.sha256_file(script)
    assert walk.planned_seconds == 240.0
    assert walk.active_seconds == pytest.approx(270.0)
    assert [(p.name, p.outcome, p.extended_by) for p in walk.phases] == [
        ("Warm-up", PhaseResult.DONE, 0.0),
        ("Brisk", PhaseResult.EXTENDED, 30.0),
        ("Cool-down", PhaseResult.DONE, 0.0),
    ]
    assert walk.phases[1].active_seconds == pytest.approx(150.0)
    assert walk.started == datetime(2025, 1, 6, 18, 0, tzinfo=BERLIN_WINTER)


def test_a_stopped_walk_is_logged_as_stopped(plan: Plan, script: Path) -> None:
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = keeper_for(plan, script, Wall())
    engine.start()
    clock.advance(75)
    engine.advance()
    keeper.update(engine)
    engine.stop()
    keeper.finish(engine)
    [walk] = walks()
    assert walk.ended is WalkEnd.STOPPED
    assert [p.outcome for p in walk.phases] == [
        PhaseResult.DONE,
        PhaseResult.STOPPED,  # being walked when stopped: not skipped
        PhaseResult.NOT_REACHED,
    ]
    assert walk.phases[1].active_seconds == pytest.approx(15.0)
    assert resume.read() is None


def test_a_session_that_never_started_is_not_logged(plan: Plan, script: Path) -> None:
    engine = Engine(plan, FakeClock())
    keeper = keeper_for(plan, script, Wall())
    assert keeper.finish(engine) is None
    assert walks() == []


def test_a_history_that_cannot_be_written_becomes_one_notice(
    plan: Plan, script: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    engine = Engine(plan, clock)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    said: list[str] = []
    keeper = keeper_for(
        plan, script, Wall(), history_path=blocker / "history.sqlite3", on_notice=said.append
    )
    engine.start()
    keeper.update(engine)
    engine.stop()
    assert keeper.finish(engine) is None
    assert len(said) == 1
    assert said[0].startswith("This walk could not be added to the history:")
    assert keeper.notices == said


def test_a_resume_file_that_cannot_be_written_becomes_one_notice(
    plan: Plan, script: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    engine = Engine(plan, clock)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    said: list[str] = []
    keeper = keeper_for(
        plan, script, Wall(), resume_file=blocker / "resume.json", on_notice=said.append
    )
    engine.start()
    for _ in range(5):
        assert keeper.update(engine) is False
        clock.advance(6)
    assert len(said) == 1
    assert "could not be resumed" in said[0]


# --- after a crash ---------------------------------------------------------------------------


def crashed_run(
    plan: Plan, script: Path, seconds: float = 95.0, *, speed: float = 1.0
) -> ResumePoint:
    """A run that saved its point and then died (its keeper is simply dropped)."""
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = keeper_for(plan, script, Wall(), speed=speed)
    engine.start()
    keeper.update(engine)
    clock.advance(seconds)
    engine.advance()
    keeper.update(engine)
    point = resume.read()
    assert point is not None
    return point


def test_a_resumed_run_carries_on_and_is_logged_once_as_resumed(plan: Plan, script: Path) -> None:
    point = crashed_run(plan, script)
    found = resume.find_pending()
    assert found is not None
    assert found.resumable
    assert found.point == point
    assert (point.phase_index, point.phase_elapsed) == (1, pytest.approx(35.0))

    clock = FakeClock(5000.0)
    engine = Engine.restore(
        plan,
        clock,
        point.phase_index,
        point.phase_elapsed,
        point.record,
        session_elapsed=point.session_elapsed,
    )
    keeper = RunKeeper.resuming(plan, point, wall=Wall())
    assert keeper.run_id == point.run_id
    assert keeper.resumes == 1
    engine.resume()
    keeper.update(engine)
    assert resume.read().resumes == 1  # type: ignore[union-attr]
    clock.advance(300)
    engine.advance()
    assert engine.state is State.FINISHED
    keeper.finish(engine)
    [walk] = walks()
    assert walk.ended is WalkEnd.RESUMED_FINISHED
    assert walk.run_id == point.run_id
    assert walk.started == point.started_at
    assert walk.active_seconds == pytest.approx(240.0)
    assert [p.outcome for p in walk.phases] == [PhaseResult.DONE] * 3
    assert resume.read() is None


def test_logging_as_interrupted_marks_the_phase_it_died_in(plan: Plan, script: Path) -> None:
    crashed_run(plan, script, 95.0)
    found = resume.find_pending()
    assert found is not None
    assert resume.settle(found, Choice.LOG) is None
    [walk] = walks()
    assert walk.ended is WalkEnd.INTERRUPTED
    assert walk.active_seconds == pytest.approx(95.0)
    assert [p.outcome for p in walk.phases] == [
        PhaseResult.DONE,
        PhaseResult.INTERRUPTED,
        PhaseResult.NOT_REACHED,
    ]
    assert resume.read() is None


def test_ignoring_forgets_it_without_logging(plan: Plan, script: Path) -> None:
    crashed_run(plan, script)
    found = resume.find_pending()
    assert found is not None
    assert resume.settle(found, Choice.IGNORE) is None
    assert walks() == []
    assert resume.read() is None


def test_asking_to_resume_a_changed_script_logs_it_instead(plan: Plan, script: Path) -> None:
    crashed_run(plan, script)
    script.write_text(SCRIPT + "\n# edited\n")
    found = resume.find_pending()
    assert found is not None
    assert not found.resumable
    assert resume.settle(found, Choice.RESUME) is None
    assert [w.ended for w in walks()] == [WalkEnd.INTERRUPTED]


def test_a_walk_already_in_the_history_is_not_offered_again(plan: Plan, script: Path) -> None:
    point = crashed_run(plan, script)
    with HistoryLog() as history:
        history.add(resume.walk_from_point(point, WalkEnd.FINISHED))
    assert resume.find_pending() is None
    assert resume.read() is None
    assert len(walks()) == 1


def test_a_damaged_resume_file_is_reported_and_nothing_offered() -> None:
    resume.resume_path().parent.mkdir(parents=True)
    resume.resume_path().write_text("{broken")
    said: list[str] = []
    assert resume.find_pending(on_notice=said.append) is None
    assert len(said) == 1
    assert "cannot be resumed" in said[0]


# --- in the terminal -------------------------------------------------------------------------


class Terminal:
    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        self.said: list[str] = []

    def ask(self, prompt: str) -> str:
        self.asked.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    def say(self, text: str) -> None:
        self.said.append(text)


def test_resume_flag_resumes_without_asking(plan: Plan, script: Path) -> None:
    point = crashed_run(plan, script)
    term = Terminal()
    got = pending_for_terminal(resume=True, interactive=True, ask=term.ask, say=term.say)
    assert got == point
    assert term.asked == []
    assert term.said == [f"Resuming {resume.describe(point)}."]
    assert resume.read() == point  # kept until the resumed run saves over it


@pytest.mark.parametrize(
    ("answers", "choice"),
    [
        (["r"], Choice.RESUME),
        ([""], Choice.RESUME),
        (["L"], Choice.LOG),
        (["maybe", "i"], Choice.IGNORE),
        ([], Choice.LOG),  # end of input
    ],
)
def test_without_the_flag_a_terminal_asks(
    plan: Plan, script: Path, answers: list[str], choice: Choice
) -> None:
    point = crashed_run(plan, script)
    term = Terminal(*answers)
    got = pending_for_terminal(resume=False, interactive=True, ask=term.ask, say=term.say)
    assert term.asked[0] == PROMPT
    assert term.said[0] == f"The last session did not end: {resume.describe(point)}."
    logged = [w.ended for w in walks()]
    if choice is Choice.RESUME:
        assert got == point
        assert logged == []
    elif choice is Choice.LOG:
        assert got is None
        assert logged == [WalkEnd.INTERRUPTED]
        assert term.said[-1] == "It was logged as interrupted."
    else:
        assert got is None
        assert logged == []
        assert '"maybe" is not one of r, l or i.' in term.said
        assert term.said[-1] == "It was ignored: not resumed and not logged."
        assert resume.read() is None


def test_without_a_terminal_or_the_flag_it_is_logged_and_a_fresh_start_made(
    plan: Plan, script: Path
) -> None:
    crashed_run(plan, script)
    term = Terminal()
    got = pending_for_terminal(resume=False, interactive=False, ask=term.ask, say=term.say)
    assert got is None
    assert term.asked == []
    assert "It was logged as interrupted (run with --resume" in term.said[0]
    assert [w.ended for w in walks()] == [WalkEnd.INTERRUPTED]
    assert resume.read() is None


def test_a_changed_script_cannot_be_resumed_even_with_the_flag(plan: Plan, script: Path) -> None:
    crashed_run(plan, script)
    script.write_text(SCRIPT.replace("Brisk", "Brisker"))
    term = Terminal()
    got = pending_for_terminal(resume=True, interactive=True, ask=term.ask, say=term.say)
    assert got is None
    assert term.asked == []
    assert "It cannot be resumed because its script" in term.said[0]
    assert "has changed since; it was logged as interrupted." in term.said[0]
    assert [w.ended for w in walks()] == [WalkEnd.INTERRUPTED]


def test_nothing_pending_means_nothing_said() -> None:
    term = Terminal()
    assert pending_for_terminal(resume=True, interactive=True, ask=term.ask, say=term.say) is None
    assert term.said == term.asked == []


def test_a_record_round_trips_through_the_file(plan: Plan, script: Path) -> None:
    point = crashed_run(plan, script, 150.0)
    assert isinstance(point.record, RunRecord)
    assert point.record == RunRecord.from_dict(json.loads(point.to_json())["record"])


# --- two sessions at once (one resume file) ----------------------------------------------------


def running(plan: Plan, script: Path, seconds: float) -> tuple[Engine, FakeClock, RunKeeper]:
    """A session that is still going: its keeper saved `seconds` into it and holds its lock."""
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = keeper_for(plan, script, Wall())
    engine.start()
    clock.advance(seconds)
    engine.advance()
    keeper.update(engine)
    return engine, clock, keeper


def test_a_session_still_running_elsewhere_is_never_offered(plan: Plan, script: Path) -> None:
    _engine, _clock, keeper = running(plan, script, 40.0)
    assert resume.run_alive(None, keeper.run_id)
    assert resume.find_pending() is None
    assert resume.read() is not None  # left for its owner
    assert walks() == []
    del keeper, _engine, _clock  # the process that ran it dies
    assert not resume.run_alive(None, resume.read().run_id)  # type: ignore[union-attr]
    found = resume.find_pending()
    assert found is not None
    assert found.point.phase_elapsed == pytest.approx(40.0)


def test_finishing_leaves_the_point_another_session_saved(plan: Plan, script: Path) -> None:
    first, first_clock, first_keeper = running(plan, script, 30.0)
    _second, _clock, second_keeper = running(plan, script, 100.0)
    assert resume.read().run_id == second_keeper.run_id  # type: ignore[union-attr]
    first_clock.advance(300)
    first.advance()
    assert first.state is State.FINISHED
    first_keeper.finish(first)
    point = resume.read()
    assert point is not None
    assert point.run_id == second_keeper.run_id
    assert [w.run_id for w in walks()] == [first_keeper.run_id]
    assert not resume.lock_path(None, first_keeper.run_id).exists()


def test_saving_over_a_dead_sessions_point_logs_it_as_interrupted_first(
    plan: Plan, script: Path
) -> None:
    live, live_clock, live_keeper = running(plan, script, 10.0)
    dead = crashed_run(plan, script, 95.0)  # saved over the live one's point, then died
    said: list[str] = []
    live_keeper._on_notice = said.append
    live_clock.advance(5)
    live.advance()
    assert live_keeper.update(live)
    [walk] = walks()
    assert (walk.run_id, walk.ended) == (dead.run_id, WalkEnd.INTERRUPTED)
    assert walk.active_seconds == pytest.approx(95.0)
    assert resume.read().run_id == live_keeper.run_id  # type: ignore[union-attr]
    assert len(said) == 1
    assert "logged as interrupted" in said[0]
    # Saving again logs nothing more.
    live_clock.advance(5)
    live.advance()
    assert live_keeper.update(live)
    assert len(walks()) == 1


def test_saving_over_a_live_sessions_point_logs_nothing(plan: Plan, script: Path) -> None:
    first, first_clock, first_keeper = running(plan, script, 10.0)
    _second, _clock, _second_keeper = running(plan, script, 50.0)
    first_clock.advance(5)
    first.advance()
    assert first_keeper.update(first)
    assert walks() == []
    assert resume.read().run_id == first_keeper.run_id  # type: ignore[union-attr]


def test_the_run_lock_is_dropped_when_its_process_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    state = tmp_path / "state"
    target = str(state / "resume.json")
    code = (
        "import sys; from pathlib import Path; from walktimer.history import resume\n"
        f"lock = resume.RunLock.take(resume.lock_path(Path({target!r}), 'r1'))\n"
        "print('held' if lock else 'no', flush=True); sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        assert resume.run_alive(state / "resume.json", "r1")
        assert resume.RunLock.take(resume.lock_path(state / "resume.json", "r1")) is None
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
    assert not resume.run_alive(state / "resume.json", "r1")
    assert not resume.lock_path(state / "resume.json", "r1").exists()


# --- demos (--speed) ---------------------------------------------------------------------------


def test_a_demo_run_is_logged_with_its_speed(plan: Plan, script: Path) -> None:
    clock = FakeClock()
    engine = Engine(plan, clock)
    keeper = keeper_for(plan, script, Wall(), speed=60.0)
    engine.start()
    clock.advance(300)
    engine.advance()
    keeper.finish(engine)
    [walk] = walks()
    assert (walk.ended, walk.speed, walk.demo) == (WalkEnd.FINISHED, 60.0, True)
    with HistoryLog() as history:
        assert history.daily_active() == {}
        assert history.totals()[:2] == (0, 0.0)


def test_a_demo_carried_on_at_real_speed_stays_a_demo(plan: Plan, script: Path) -> None:
    point = crashed_run(plan, script, speed=20.0)
    assert point.demo
    keeper = RunKeeper.resuming(plan, point, wall=Wall())
    assert keeper.speed == 20.0
    assert RunKeeper.resuming(plan, point, wall=Wall(), speed=50.0).speed == 50.0


@pytest.mark.parametrize("interactive", [True, False])
def test_a_demo_that_died_is_not_asked_about(plan: Plan, script: Path, interactive: bool) -> None:
    point = crashed_run(plan, script, speed=20.0)
    term = Terminal("r")
    got = pending_for_terminal(resume=False, interactive=interactive, ask=term.ask, say=term.say)
    assert got is None
    assert term.asked == []
    assert term.said == [
        f"The last session, a demo at x20, did not end: {resume.describe(point)}. It was "
        "logged as interrupted (run with --resume to carry on such a session instead); a "
        "demo counts towards no goal, streak or total."
    ]
    [walk] = walks()
    assert (walk.ended, walk.speed) == (WalkEnd.INTERRUPTED, 20.0)
    assert resume.read() is None


def test_a_demo_that_died_is_still_resumed_on_request(plan: Plan, script: Path) -> None:
    point = crashed_run(plan, script, speed=20.0)
    term = Terminal()
    got = pending_for_terminal(resume=True, interactive=True, ask=term.ask, say=term.say)
    assert got == point
    assert term.asked == []
