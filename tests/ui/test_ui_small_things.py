"""Small things a walker sees: the help lists every key, the summary leads to the history,
and the toolbar's buttons stay put when Pause becomes Resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget
from test_ui_window import _walk_to_the_end
from ui_helpers import advance, open_ready

from walktimer.core.clock import FakeClock
from walktimer.ui.actions import ACTIONS, ActionSpec, help_rows
from walktimer.ui.dialogs import QtDialogs
from walktimer.ui.history_view import HistoryView
from walktimer.ui.mainwindow import MainWindow


def test_the_help_lists_every_key_of_the_action_table(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window, "?")
    shown = " ".join(keys for keys, _ in window.help.rows)
    for spec in ACTIONS:
        first = next((k for k in spec.keys if isinstance(k, str)), None)
        if first is not None:
            assert {"Return": "Enter", "Right": "→", "Left": "←"}.get(first, first) in shown
    assert ("Ctrl+H", "Past walks and weekly progress") in window.help.rows
    assert "Media keys" in shown


def test_a_new_action_reaches_the_help_without_another_edit() -> None:
    extra = ActionSpec("x", "X", None, ("Ctrl+J", Qt.Key.Key_MediaStop), "Do X", lambda w: None)
    rows = help_rows((*ACTIONS, extra))
    assert ("Ctrl+J", "Do X") in rows
    assert rows[-1][0] == "Media keys"


def test_the_summary_leads_to_the_history_and_ctrl_h_opens_it(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    _walk_to_the_end(qtbot, window, clock, short_file)
    assert window.page() == "summary"
    link = window.summary.findChild(QLabel, "summary_history")
    assert link is not None
    assert link.isVisible()
    assert "weekly progress" in link.text()
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    history = window.side.history
    assert isinstance(history, HistoryView)
    history.close()
    window.side.history = None
    link.linkActivated.emit("history")
    assert isinstance(window.side.history, HistoryView)
    window.side.history.close()


def test_the_toolbar_buttons_keep_their_place_when_pause_becomes_resume(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    open_ready(qtbot, window, short_file)
    bar = window.toolbar
    after = bar.widgetForAction(window.action("next"))
    toggle = bar.widgetForAction(window.action("toggle"))
    assert after is not None
    assert toggle is not None

    def place() -> tuple[int, int]:
        qtbot.wait(1)  # let the toolbar lay out again after a text change
        return after.x(), toggle.width()

    before = place()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 3.0)
    assert window.action("toggle").text() == "Pause"
    assert place() == before
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.action("toggle").text() == "Resume"
    assert place() == before


def test_open_file_offers_sessions_and_zwift_workouts_together_first(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[str] = []

    def fake_open(_parent: object, _title: str, _folder: str, filters: str) -> tuple[str, str]:
        asked.append(filters)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    assert QtDialogs().open_file(QWidget(), tmp_path) is None
    [filters] = asked
    assert filters.split(";;")[0] == "Sessions and Zwift workouts (*.toml *.zwo)"
