"""Shared pieces of the window tests: sample scripts, fakes that answer at once, helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes import RecordingSink
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from walktimer.core.clock import FakeClock
from walktimer.core.engine import View
from walktimer.desktop.mpris import Controls
from walktimer.ui.mainwindow import MainWindow

SHORT = """\
format = 1
name = "Short test walk"
description = "Three short phases and a manual stretch."
tags = ["test", "short"]

[announce]
countdown = 0
remaining = []
next = false
targets = true

[[phase]]
name = "Warm-up"
kind = "warmup"
duration = "20s"
say = "Warm up gently."
instructions = "Arm circles."
speed = "2.5 km/h"

[[phase]]
name = "Brisk"
duration = "30s"
speed = "4.5 km/h"
incline = "2%"

  [[phase.cue]]
  at = "10s"
  say = "Head level, eyes forward."

[[phase]]
name = "Hold the stretch"
kind = "stretch"
duration = "manual"

[[phase]]
name = "Cool-down"
kind = "cooldown"
duration = "10s"
"""

BROKEN = """\
format = 1
name = ""

[[phase]]
name = "Walk"
duration = "5 minutes"
kind = "jog"
"""


class FakeDialogs:
    """Answers every question at once and records what was asked."""

    def __init__(self) -> None:
        self.answers: list[bool] = []
        self.confirms: list[tuple[str, str]] = []
        self.problem_calls: list[tuple[str, str, list[str]]] = []
        self.informs: list[tuple[str, str]] = []
        self.open_answer: Path | None = None
        self.edit_answer = False  # the problem dialog's Edit button

    def confirm(self, parent: QWidget, title: str, text: str, action: str) -> bool:
        self.confirms.append((title, text))
        return self.answers.pop(0) if self.answers else True

    def problems(self, parent: QWidget, title: str, intro: str, lines: list[str]) -> bool:
        self.problem_calls.append((title, intro, list(lines)))
        return self.edit_answer

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        self.informs.append((title, text))

    def open_file(self, parent: QWidget, folder: Path) -> Path | None:
        return self.open_answer


class FakeInhibitor:
    def __init__(self, problem: str | None = None) -> None:
        self.problem = problem
        self.held = False
        self.calls: list[str] = []

    def inhibit(self, reason: str) -> str | None:
        self.calls.append("inhibit")
        self.held = self.problem is None
        return self.problem

    def release(self) -> None:
        self.calls.append("release")
        self.held = False


class SinkFactory:
    def __init__(self) -> None:
        self.sinks: list[RecordingSink] = []
        self.calls: list[dict[str, Any]] = []
        self.hold = False
        self.notices: list[str] = []

    def __call__(self, session: Any, *, mute: bool, verbosity: Any) -> RecordingSink:
        self.calls.append({"session": session, "mute": mute, "verbosity": verbosity})
        sink = RecordingSink(hold=self.hold, notices=self.notices)
        self.sinks.append(sink)
        return sink

    @property
    def last(self) -> RecordingSink:
        return self.sinks[-1]


def open_ready(qtbot: Any, window: MainWindow, path: Path, *, start: bool = False) -> None:
    """Open a session and wait until its cues are prepared."""
    assert window.open_session(path, start=start)
    qtbot.waitUntil(lambda: window.run is not None and window.run.prepared)


def advance(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    """Move time on and let the host catch up, as its deadline timer would."""
    clock.advance(seconds)
    assert window.run is not None
    window.run.host.pump()


def media_key(window: QWidget, key: Qt.Key) -> None:
    """Press and release a key that has no text (media keys) without QTest's ASCII lookup."""
    for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
        QTest.sendKeyEvent(action, window, key, "", Qt.KeyboardModifier.NoModifier)


class FakeMediaKeys:
    """The window's media keys without a bus: the controls it was given, and what it showed."""

    def __init__(self, problem: str | None = None) -> None:
        self.problem = problem
        self.controls: Controls | None = None
        self.published: list[tuple[str, View]] = []
        self.opened = 0
        self.closed = 0

    def open(self, controls: Controls) -> str | None:
        self.opened += 1
        self.controls = controls
        return self.problem

    def publish(self, session: str, view: View) -> None:
        self.published.append((session, view))

    def close(self) -> None:
        self.closed += 1
