"""One log file for the window, the verbs and the terminal runner; raw log lines never reach
the terminal unless asked for with --debug."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from walktimer import cli, paths, resources
from walktimer.logs import LOG_FILE, setup_logging


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_a_verb_logs_to_the_windows_log_file_and_not_to_the_terminal(
    user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["schema"]) == 0
    logging.getLogger("walktimer.history.keeper").warning("keeper: a warning for the file")
    _flush()
    text = (paths.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    assert "keeper: a warning for the file" in text
    assert "keeper:" not in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--debug", "schema"], ["schema", "--debug"]])
def test_debug_logs_everything_to_the_file_and_the_terminal(
    argv: list[str], user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 0
    logging.getLogger("walktimer.test").debug("a detail")
    _flush()
    err = capsys.readouterr().err
    assert "walktimer: a detail" in err
    assert "walktimer: walktimer " in err  # the version and the verb, to start with
    assert "DEBUG walktimer.test: a detail" in (paths.log_dir() / LOG_FILE).read_text("utf-8")


def test_the_window_keeps_warnings_on_stderr(tmp_path: Path) -> None:
    file = setup_logging(tmp_path / "logs")
    names = sorted(h.get_name() or "" for h in logging.getLogger().handlers)
    assert "walktimer-console" in names
    assert file == tmp_path / "logs" / LOG_FILE


@pytest.mark.slow
def test_a_walk_neither_logged_nor_kept_says_one_sentence_and_no_raw_log_line(
    user_dirs: Path,
) -> None:
    # The history folder and the folder for walks kept to log later are both files here:
    # the keeper can do neither, says so in one sentence, and logs the detail to the file.
    data = user_dirs / "data" / "walktimer"
    data.write_text("not a folder")
    state = user_dirs / "state" / "walktimer"
    state.mkdir(parents=True)
    (state / "pending-walks").write_text("not a folder")
    argv = ["run", "backward-10", "--no-gui", "--mute", "--speed", "6000"]
    done = subprocess.run(
        [sys.executable, "-m", "walktimer", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "keeper:" not in done.stderr + done.stdout
    assert "could not be kept to be logged later either" in done.stdout
    log_text = (paths.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    assert "keeper: cannot keep the walk to log later" in log_text


def test_debug_before_a_verb_goes_to_the_verb_and_before_a_file_to_the_window(
    monkeypatch: pytest.MonkeyPatch, user_dirs: Path
) -> None:
    from walktimer import __main__ as entry

    opened: list[list[str]] = []
    monkeypatch.setattr(entry, "_gui", lambda args: opened.append(args) or 0)
    assert entry.main(["--debug", "schema"]) == 0
    assert opened == []
    assert entry.main(["--debug", "back-care-30"]) == 0
    assert opened == [["--debug", str(resources.bundled_session("back-care-30.toml"))]]
