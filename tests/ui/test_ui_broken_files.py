"""Broken session files from the window: the problem dialog's Edit opens the editor on the
first problem, for a file anywhere, in the sessions folder or outside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_helpers import BROKEN, FakeDialogs

from walktimer import paths
from walktimer.editing.document import Loc
from walktimer.ui.dialogs import ProblemsDialog
from walktimer.ui.editor import EditorWindow
from walktimer.ui.mainwindow import MainWindow

# offscreen: shown windows cannot propagate size hints
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _editors(window: MainWindow) -> list[EditorWindow]:
    return [e for e in window.side.editors if isinstance(e, EditorWindow)]


def _close(editors: list[EditorWindow]) -> None:
    for editor in editors:
        editor.stack.setClean()
        editor.close()


def test_the_problem_dialog_has_an_edit_button(qtbot: Any) -> None:
    dialog = ProblemsDialog(None, "Bad", "a.toml has 1 problem.", ["a.toml:2:1: error: x: y"])
    qtbot.addWidget(dialog)
    assert dialog.edit.text() == "&Edit"
    assert not dialog.edit_chosen
    dialog.edit.click()
    assert dialog.edit_chosen
    assert dialog.result() == ProblemsDialog.DialogCode.Accepted


@pytest.mark.parametrize("inside", [False, True], ids=["outside the folder", "sessions folder"])
def test_edit_in_the_problem_dialog_opens_the_editor_on_the_first_problem(
    qtbot: Any, window: MainWindow, dialogs: FakeDialogs, tmp_path: Path, inside: bool
) -> None:
    folder = paths.user_sessions_dir() if inside else tmp_path / "elsewhere"
    folder.mkdir(parents=True)
    broken = folder / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    dialogs.edit_answer = True
    assert not window.open_session(broken)
    _title, intro, _lines = dialogs.problem_calls[0]
    assert "with Edit" in intro
    editors = _editors(window)
    assert len(editors) == 1
    editor = editors[0]
    assert editor.file.path == broken
    assert editor.isVisible()
    assert editor.problems  # the same problems, listed in the editor
    # The first problem is the empty session name: the editor shows that field.
    assert editor.current is None
    assert editor.last_target is editor.session_form.name
    assert window.page() == "library"
    _close(editors)


def test_edit_goes_to_a_phase_problem(
    qtbot: Any, window: MainWindow, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    broken = tmp_path / "late.toml"
    broken.write_text(BROKEN.replace('name = ""', 'name = "Named"'), encoding="utf-8")
    dialogs.edit_answer = True
    window.open_session(broken)
    editor = _editors(window)[0]
    assert editor.current == Loc(phase=0)
    assert editor.last_target is editor.phase_form.duration
    _close([editor])


def test_a_syntax_error_is_edited_in_the_source(
    qtbot: Any, window: MainWindow, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    broken = tmp_path / "syntax.toml"
    broken.write_text('format = 1\nname = "x\n', encoding="utf-8")
    dialogs.edit_answer = True
    window.open_session(broken)
    editor = _editors(window)[0]
    assert editor.tabs.currentWidget() is editor.source
    assert editor.last_target is editor.source
    _close([editor])


def test_closing_the_problem_dialog_opens_no_editor(
    qtbot: Any, window: MainWindow, dialogs: FakeDialogs, broken_file: Path
) -> None:
    dialogs.edit_answer = False
    assert not window.open_session(broken_file)
    assert _editors(window) == []
