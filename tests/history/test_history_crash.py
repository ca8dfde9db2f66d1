"""A real crash: `walktimer run --no-gui` killed with SIGKILL mid-phase, then resumed.

The session is four minutes of session time run at 20x (12 s) and resumed at 50x. The test
polls the resume file until the walk is well into its second phase, kills the process, and
checks that the point offered on the next start is no more than 5 s of session time behind
where the process died, and that `--resume` completes the walk with exactly one history row.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from walktimer.history import resume
from walktimer.history.log import HistoryLog, PhaseResult, WalkEnd
from walktimer.history.resume import ResumePoint

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SPEED = 20.0

SESSION = """\
format = 1
name = "Crash test walk"

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


def walktimer(*args: str) -> list[str]:
    return [sys.executable, "-m", "walktimer", *args]


def poll(predicate: object, deadline_seconds: float, what: str) -> ResumePoint:
    """Read the resume file until `predicate(point)` holds; fail after the deadline."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        point = resume.read()
        if point is not None and predicate(point):  # type: ignore[operator]
            return point
        time.sleep(0.02)
    raise AssertionError(f"the resume file never showed {what}")


def start_and_kill(script: Path) -> tuple[ResumePoint, float]:
    """Run the session at SPEED, kill -9 it 20-60 s into "Brisk"; (last point, kill time)."""
    child = subprocess.Popen(
        walktimer("run", str(script), "--no-gui", "--mute", "--speed", f"{SPEED:g}"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=os.environ.copy(),
    )
    try:
        poll(
            lambda p: p.phase_index == 1 and p.phase_elapsed >= 20.0,
            60.0,
            "the walk 20 s into its second phase",
        )
        assert child.poll() is None, "the session ended before it could be killed"
        killed_at = time.time()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    last = resume.read()
    assert last is not None
    return last, killed_at


def test_a_killed_session_resumes_where_it_died_and_is_logged_once(tmp_path: Path) -> None:
    script = tmp_path / "crash.toml"
    script.write_text(SESSION)
    last, killed_at = start_and_kill(script)

    # Where the process was when it died: the last save plus the time since, at SPEED.
    assert last.state == "running"
    assert last.speed == SPEED
    died_at = last.session_elapsed + (killed_at - last.saved_unix) * SPEED
    found = resume.find_pending()
    assert found is not None
    assert found.resumable
    offered = found.point
    assert offered == last
    assert offered.phase_name == "Brisk"
    assert 60.0 + 20.0 <= offered.session_elapsed < 180.0
    assert -0.5 <= died_at - offered.session_elapsed <= 5.0, (died_at, offered)
    with HistoryLog() as history:
        assert history.count() == 0  # a dead session is not logged by itself

    done = subprocess.run(
        walktimer("run", "--no-gui", "--mute", "--speed", "50", "--resume"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said = re.search(r'Resuming "Crash test walk", phase 2 "Brisk" at (\d+):(\d\d)', done.stderr)
    assert said is not None, done.stderr
    assert int(said[1]) * 60 + int(said[2]) == int(offered.phase_elapsed)
    assert "Session complete" in done.stdout
    # The resumed run starts with the phase it died in; the first phase is not played again.
    assert "== Warm-up" not in done.stdout
    assert "== Brisk" in done.stdout
    assert "== Cool-down" in done.stdout

    assert resume.read() is None
    with HistoryLog() as history:
        walks = history.walks()
    assert len(walks) == 1
    [walk] = walks
    assert walk.ended is WalkEnd.RESUMED_FINISHED
    assert walk.run_id == offered.run_id
    assert walk.started == offered.started_at
    assert walk.script_sha256 == resume.sha256_file(script)
    assert walk.active_seconds == pytest.approx(240.0, abs=1.0)
    assert [p.outcome for p in walk.phases] == [PhaseResult.DONE] * 3

    # Nothing is left to resume.
    again = subprocess.run(
        walktimer("run", "--no-gui", "--mute", "--resume"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert again.returncode == 1
    assert "there is no interrupted session to resume" in again.stderr


def test_without_a_terminal_or_resume_the_dead_session_is_logged_and_a_new_one_runs(
    tmp_path: Path,
) -> None:
    script = tmp_path / "crash.toml"
    script.write_text(SESSION)
    start_and_kill(script)
    done = subprocess.run(
        walktimer("run", str(script), "--no-gui", "--mute", "--speed", "100"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "It was logged as interrupted (run with --resume" in done.stderr
    assert "== Warm-up" in done.stdout
    with HistoryLog() as history:
        walks = history.walks(newest_first=False)
    assert [w.ended for w in walks] == [WalkEnd.INTERRUPTED, WalkEnd.FINISHED]
    assert walks[0].phases[1].outcome is PhaseResult.INTERRUPTED
    assert walks[0].run_id != walks[1].run_id
    assert resume.read() is None


def test_a_script_changed_after_the_crash_cannot_be_resumed(tmp_path: Path) -> None:
    script = tmp_path / "crash.toml"
    script.write_text(SESSION)
    start_and_kill(script)
    script.write_text(SESSION.replace('"2m"', '"3m"'))
    done = subprocess.run(
        walktimer("run", "--no-gui", "--mute", "--resume"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "It cannot be resumed because its script" in done.stderr
    assert "has changed since; it was logged as interrupted." in done.stderr
    assert "there is no interrupted session to resume" in done.stderr
    with HistoryLog() as history:
        assert [w.ended for w in history.walks()] == [WalkEnd.INTERRUPTED]
