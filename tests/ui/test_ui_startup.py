"""What the window's start leaves until after its first frame: the imports it never makes
before then, and the media keys, which register on the bus once the window is up."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ui_helpers import FakeMediaKeys, open_ready

from walktimer.ui.app import MediaKeysAfterPaint
from walktimer.ui.mainwindow import MainWindow

# Imported by the first frame of `walktimer FILE` only through a mistake: the history and
# its database, the bus, the music ducking, every language of num2words, the editors.
NOT_BEFORE_FIRST_PAINT = (
    "sqlite3",
    "num2words",
    "jeepney",
    "tomlkit",
    "defusedxml",
    "walktimer.history",
    "walktimer.desktop.ducking",
    "walktimer.ui.resume_prompt",
    "walktimer.ui.settings_dialog",
    "walktimer.ui.editor",
    "walktimer.ui.history_window",
)


def test_the_window_and_an_english_plan_load_nothing_the_first_frame_does_not_need() -> None:
    code = (
        "import json, sys\n"
        "import walktimer.ui.app, walktimer.ui.mainwindow\n"
        "from walktimer.core.loader import load_path\n"
        "from walktimer.core.plan import build_plan\n"
        "from walktimer.i18n import ENGLISH\n"
        "from walktimer.resources import bundled_session\n"
        "plan = build_plan(load_path(bundled_session()), language='en')\n"
        "assert plan.timeline(0)\n"
        "assert ENGLISH.duration(150) == 'two minutes thirty'\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert "walktimer.ui.mainwindow" in loaded
    early = [m for m in loaded if m.startswith(NOT_BEFORE_FIRST_PAINT)]
    assert early == []


def test_the_run_tracker_made_after_the_first_frame_leaves_out_openssl() -> None:
    # hashlib maps OpenSSL's libcrypto (some 4 MiB); the script's digest waits for a walk.
    code = (
        "import sys\n"
        "import walktimer.ui.app, walktimer.ui.mainwindow, walktimer.ui.resume_prompt\n"
        "print(sorted(m for m in sys.modules if m in ('hashlib', '_hashlib')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_media_keys_register_once_the_window_is_up_and_say_then_why_they_are_off(
    qtbot: Any, make_window: Callable[..., MainWindow], short_file: Path
) -> None:
    sentence = "Media keys and music ducking are off: there is no desktop session bus."
    keys = FakeMediaKeys(problem=sentence)
    deferred = MediaKeysAfterPaint(keys)
    window = make_window(media_keys=deferred)
    open_ready(qtbot, window, short_file)
    assert keys.opened == 0
    assert sentence not in window.run_view.notices()
    deferred.start(window.run_view.add_notice)
    assert keys.opened == 1
    assert keys.controls is not None
    assert sentence in window.run_view.notices()
    deferred.start(window.run_view.add_notice)  # a second start: nothing waits any more
    assert keys.opened == 1


def test_a_run_closed_before_the_window_is_up_never_registers() -> None:
    keys = FakeMediaKeys()
    deferred = MediaKeysAfterPaint(keys)
    notices: list[str] = []
    assert deferred.open(object()) is None  # type: ignore[arg-type]
    deferred.close()
    deferred.start(notices.append)
    assert (keys.opened, keys.closed, notices) == (0, 1, [])
    assert deferred.open(object()) is None  # type: ignore[arg-type]  # after start: at once
    assert keys.opened == 1
