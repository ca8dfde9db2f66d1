"""`walktimer run`: the terminal runner end to end, its options and its mistakes."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from walktimer import cli, resources
from walktimer.core.loader import load_path
from walktimer.core.plan import build_plan
from walktimer.verbs.run import resolve

BUNDLED = "backward-10"  # ten minutes, no manual phase: a second at --speed 600


def walktimer(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "walktimer", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


def start_without_a_terminal(argv: list[str]) -> subprocess.Popen[str]:
    """`walktimer ARGV` with pipes for its output and nothing on its input."""
    return subprocess.Popen(
        [sys.executable, "-m", "walktimer", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.slow
def test_a_bundled_session_fires_every_planned_event_once_in_order(tmp_path: Path) -> None:
    events = tmp_path / "out.jsonl"
    done = walktimer(
        "run", BUNDLED, "--no-gui", "--mute", "--speed", "600", "--events", str(events)
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    plan = build_plan(load_path(resources.bundled_session(f"{BUNDLED}.toml")))
    fired = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert [e["seq"] for e in fired] == [e.seq for e in plan.events]
    for line, event in zip(fired, plan.events, strict=True):
        assert line["t_plan"] == pytest.approx(event.t, abs=1e-6)
        assert line["kind"] == event.kind.value
        assert line["phase"] == plan.phases[event.phase].name
        assert line["text"] == event.text
        assert line["t_fired"] >= line["t_plan"]
        assert line["late_ms"] == pytest.approx((line["t_fired"] - line["t_plan"]) * 1000, abs=0.01)
    out = done.stdout.splitlines()
    assert out[0] == f"{plan.session.name}: 10:00, 4 phases."
    # The test has no desktop session bus: one sentence says media keys are off.
    assert out[1].startswith("Media keys and music ducking are off: there is no desktop")
    assert out[2].startswith("== Forward warm-up · phase 1 of 4 · 1:00")
    assert "0:00:00  Forward warm-up  targets  Speed 2 kilometres per hour." in out
    assert out[-1] == "Session complete: 10:00 walked of 10:00 planned; 4 phases done."
    assert out[-2] == (
        "This was a demo at x600: the history keeps it marked as a demo, and it counts "
        "towards no goal, streak or total."
    )
    # Stored, but visibly a demo and counted nowhere.
    history = walktimer("history")
    assert history.returncode == 0, history.stderr
    listed = history.stdout.splitlines()
    assert listed[0] == "Recent walks (1, newest first):"
    assert listed[2].endswith("10:00    10:00  demo x600, finished")
    assert "(demo: run with --speed; kept here" in listed[3]
    assert "Totals" not in history.stdout
    assert "Streak: 0 weeks" in history.stdout


def test_an_invalid_file_prints_its_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "bad.toml"
    script.write_text('format = 1\nname = "Bad"\n\n[[phase]]\nname = "A"\ndurtion = "5m"\n')
    assert cli.main(["run", str(script), "--no-gui"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err
    assert all(line.startswith(f"{script}:") for line in err)
    assert any("did you mean duration?" in line for line in err)


def test_an_unknown_name_lists_the_bundled_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "no-such-walk", "--no-gui"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("walktimer run: there is no file 'no-such-walk'")
    assert "back-care-30" in err
    assert err.count("\n") == 1


def test_names_resolve_to_bundled_sessions_and_no_file_to_the_default(tmp_path: Path) -> None:
    assert resolve(None) == resources.bundled_session()
    assert resolve("beginner-15") == resources.bundled_session("beginner-15.toml")
    assert resolve("beginner-15.toml") == resources.bundled_session("beginner-15.toml")
    own = tmp_path / "mine.toml"
    own.write_text("")
    assert resolve(str(own)) == own
    assert resolve("nothing-here") is None


@pytest.mark.parametrize("speed", ["0", "-3", "fast", "nan", "1e9"])
def test_a_bad_speed_is_a_usage_error(speed: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["run", BUNDLED, "--no-gui", "--speed", speed])
    assert exited.value.code == 2
    assert "the speed must be a number greater than 0" in capsys.readouterr().err


def test_terminal_options_need_no_gui(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", BUNDLED, "--resume", "--events", "x.jsonl"]) == 2
    assert capsys.readouterr().err == (
        "walktimer run: --events and --resume work only with --no-gui; "
        "add --no-gui to run in the terminal.\n"
    )


def test_speed_and_mute_reach_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[str]] = []
    fake = types.ModuleType("walktimer.ui.app")
    fake.run_gui = lambda args: opened.append(args) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "walktimer.ui.app", fake)
    assert cli.main(["run", BUNDLED, "--speed", "60", "--mute"]) == 0
    path = str(resources.bundled_session(f"{BUNDLED}.toml"))
    assert opened == [["--mute", "--speed", "60.0", path]]


def test_without_no_gui_the_window_opens_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[str]] = []
    fake = types.ModuleType("walktimer.ui.app")
    fake.run_gui = lambda args: opened.append(args) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "walktimer.ui.app", fake)
    assert cli.main(["run", BUNDLED]) == 0
    assert opened == [[str(resources.bundled_session(f"{BUNDLED}.toml"))]]
    assert cli.main(["run", BUNDLED, "--debug"]) == 0  # the window logs everything too
    assert opened[1] == ["--debug", str(resources.bundled_session(f"{BUNDLED}.toml"))]


def test_an_unwritable_event_log_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "out.jsonl"
    assert cli.main(["run", BUNDLED, "--no-gui", "--events", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"walktimer run: cannot write the event log {target}: ")
    assert "No such file or directory" in err


@pytest.mark.slow
def test_sigint_without_a_tty_stops_cleanly(tmp_path: Path) -> None:
    events = tmp_path / "out.jsonl"
    argv = ["run", BUNDLED, "--no-gui", "--mute", "--speed", "30", "--events", str(events)]
    child = start_without_a_terminal(argv)
    assert child.stdout is not None
    assert child.stdout.readline().startswith("Backward walking")  # loaded
    assert child.stdout.readline().startswith("Media keys and music ducking are off")  # no bus
    assert child.stdout.readline().startswith("== Forward warm-up")  # running
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "Traceback" not in err
    assert out.splitlines()[-1].startswith("Session stopped: ")
    assert events.exists()  # the log is complete, not left as a temporary file
    assert not list(tmp_path.glob(".out.jsonl.*"))


class Terminal:
    """walktimer in a pseudo-terminal that is its controlling terminal (so Ctrl-C is a
    SIGINT, as for a user): write keys, wait for what it shows."""

    def __init__(self, *args: str) -> None:
        import fcntl
        import pty
        import struct
        import termios

        argv = [sys.executable, "-m", "walktimer", *args]
        env = {**os.environ, "COLUMNS": "140", "LINES": "30"}
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: become walktimer
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 140, 0, 0))
        self.output = ""

    def expect(self, text: str, timeout: float = 20.0) -> None:
        end = time.monotonic() + timeout
        while text not in self.output:
            left = end - time.monotonic()
            assert left > 0, f"never showed {text!r}; got:\n{self.output[-2000:]}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    data = b""
                if not data:
                    assert text in self.output, f"ended without {text!r}:\n{self.output[-2000:]}"
                self.output += data.decode("utf-8", errors="replace")

    def press(self, key: str) -> None:
        os.write(self.master, key.encode())

    def wait(self) -> int:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.master)
                return os.waitstatus_to_exitcode(status)
            select.select([self.master], [], [], 0.05)  # drain, so the child never blocks
            with contextlib.suppress(OSError):
                self.output += os.read(self.master, 65536).decode("utf-8", errors="replace")
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("walktimer did not exit")


@pytest.mark.slow
def test_keys_in_a_terminal_pause_skip_and_stop_after_confirming() -> None:
    term = Terminal("run", BUNDLED, "--no-gui", "--mute", "--speed", "20")
    term.expect("▶ Forward warm-up · phase 1 of 4")
    term.press(" ")
    term.expect("⏸ PAUSED Forward warm-up")
    term.press(" ")
    term.press("n")
    term.expect("▶ Slow backward walk · phase 2 of 4")
    term.press("+")
    term.expect("One more minute.")
    term.press("q")
    term.expect("Stop the session? y = stop")
    term.press("y")
    term.expect("Session stopped: ")
    assert term.wait() == 0
    assert "\x1b[?25h" in term.output  # the cursor is back
    assert "1 skipped" in term.output  # the warm-up, by n
    assert '"Slow backward walk" stopped after' in term.output  # by q


@pytest.mark.slow
def test_ctrl_c_in_a_terminal_stops_cleanly_and_restores_it() -> None:
    term = Terminal("run", BUNDLED, "--no-gui", "--mute")
    term.expect("Pain in your back now, 0-10 (Enter to skip): ")  # a real walk asks first
    term.press("\r")  # Enter skips it
    term.expect("▶ Forward warm-up")
    term.press("\x03")
    term.expect("Session stopped: ")
    assert term.wait() == 130
    assert "Traceback" not in term.output


@pytest.mark.slow
def test_a_run_killed_with_sigkill_keeps_every_event_line_fired_before(tmp_path: Path) -> None:
    events = tmp_path / "out.jsonl"
    argv = ["run", BUNDLED, "--no-gui", "--mute", "--speed", "30", "--events", str(events)]
    child = start_without_a_terminal(argv)
    assert child.stdout is not None
    printed: list[str] = []
    # The log line of an event is written before the next event is printed, so every cue
    # printed before the last one is in the log when the process dies.
    while len(printed) < 6:
        line = child.stdout.readline()
        assert line, child.communicate(timeout=30)[1]
        if line[:1].isdigit():
            printed.append(line)
    child.kill()
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    plan = build_plan(load_path(resources.bundled_session(f"{BUNDLED}.toml")))
    text = events.read_text(encoding="utf-8")
    assert text.endswith("\n")
    fired = [json.loads(line) for line in text.splitlines()]
    assert len(fired) >= len(printed) - 1
    assert [e["seq"] for e in fired] == [e.seq for e in plan.events][: len(fired)]
    assert not list(tmp_path.glob(".out.jsonl.*"))


@pytest.mark.slow
def test_a_manual_phase_without_a_terminal_is_announced_at_the_start() -> None:
    argv = ["run", "cooldown-stretches", "--no-gui", "--mute", "--speed", "600"]
    child = start_without_a_terminal(argv)
    assert child.stdout is not None
    header = child.stdout.readline()
    notice = child.stdout.readline()
    child.send_signal(signal.SIGINT)
    _out, err = child.communicate(timeout=30)
    assert header.endswith("phases.\n")
    assert notice.startswith('Phase "')
    assert "is manual and ends only with the n key, but no keys can be read here" in notice
    assert notice.rstrip().endswith("to walk it through.")
    assert child.returncode == 130
    assert "Traceback" not in err
