"""The editor's one undo history (keys in any widget), problem marks in the forms and the
structure view, problem lines of unsaved scripts, and opening a file that does not parse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot
from test_ui_editor import FakePreviewer, FakePrompts

from walktimer.editing.document import Loc
from walktimer.ui.editor import EditorWindow

# offscreen: shown windows cannot propagate size hints
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

SCRIPT = """format = 1
name = "Marks"

[[phase]]
name = "Warm-up"
duration = "5m"

[[phase.cue]]
at = "1m"
say = "Arms loose."

[[phase]]
name = "Walk"
duration = "10m"
"""


@pytest.fixture
def open_editor(qtbot: QtBot, tmp_path: Path) -> Callable[..., EditorWindow]:
    def build(text: str | None = SCRIPT, name: str = "marks.toml") -> EditorWindow:
        path: Path | None = None
        if text is not None:
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
        window = EditorWindow(path, prompts=FakePrompts(), previewer=FakePreviewer(), muted=True)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return build


def _type_in_source(qtbot: QtBot, window: EditorWindow, line: int, text: str) -> None:
    window.tabs.setCurrentWidget(window.source)
    window.source.go_to(line)
    cursor = window.source.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    window.source.setTextCursor(cursor)
    qtbot.keyClicks(window.source, text)


# -- one undo history --------------------------------------------------------------------------


def test_ctrl_z_in_the_source_undoes_its_typing_and_both_redo_keys_redo_it(
    qtbot: QtBot, open_editor: Callable[..., EditorWindow]
) -> None:
    window = open_editor()
    original = window.doc.text()
    _type_in_source(qtbot, window, 2, "  # mine")
    assert window.source.hasFocus()
    qtbot.keyClick(window.source, Qt.Key.Key_Z, CTRL)
    assert window.doc.text() == original
    assert window.source.toPlainText() == original
    qtbot.keyClick(window.source, Qt.Key.Key_Y, CTRL)
    assert "# mine" in window.doc.text()
    qtbot.keyClick(window.source, Qt.Key.Key_Z, CTRL)
    assert window.doc.text() == original
    qtbot.keyClick(window.source, Qt.Key.Key_Z, CTRL | SHIFT)
    assert "# mine" in window.source.toPlainText()
    assert window.source.hasFocus()


def test_undo_in_a_form_field_walks_the_same_history_as_the_source(
    qtbot: QtBot, open_editor: Callable[..., EditorWindow]
) -> None:
    window = open_editor()
    original = window.doc.text()
    window.select(Loc(phase=1))
    window.phase_form.name.setFocus()
    window.phase_form.name.selectAll()
    qtbot.keyClicks(window.phase_form.name, "Brisk")
    assert window.doc.get(Loc(phase=1), "name") == "Brisk"
    _type_in_source(qtbot, window, 2, "  # later")
    # Ctrl+Z in the name field: first the later source typing, then the name.
    window.tabs.setCurrentWidget(window.forms)
    window.phase_form.name.setFocus()
    qtbot.keyClick(window.phase_form.name, Qt.Key.Key_Z, CTRL)
    assert "# later" not in window.doc.text()
    assert window.doc.get(Loc(phase=1), "name") == "Brisk"
    qtbot.keyClick(window.phase_form.name, Qt.Key.Key_Z, CTRL)
    assert window.doc.text() == original
    assert window.phase_form.name.text() == "Walk"  # the field shows what the document holds
    qtbot.keyClick(window.phase_form.name, Qt.Key.Key_Y, CTRL)
    assert window.phase_form.name.text() == "Brisk"
    assert window.doc.get(Loc(phase=1), "name") == "Brisk"


def test_separate_bursts_of_source_typing_are_separate_steps(
    qtbot: QtBot, open_editor: Callable[..., EditorWindow]
) -> None:
    window = open_editor()
    _type_in_source(qtbot, window, 2, "  # one")
    window.source.flush_pending()  # the pause after a burst
    _type_in_source(qtbot, window, 2, " two")
    qtbot.keyClick(window.source, Qt.Key.Key_Z, CTRL)
    assert "# one" in window.doc.text()
    assert "two" not in window.doc.text()


# -- marks -------------------------------------------------------------------------------------


def test_an_empty_name_is_marked_beside_the_field_and_in_the_outline(
    qtbot: QtBot, open_editor: Callable[..., EditorWindow]
) -> None:
    window = open_editor()
    window.select(Loc(phase=1))
    assert window.phase_form.name_hint.text() == ""
    window.phase_form.name.selectAll()
    qtbot.keyClick(window.phase_form.name, Qt.Key.Key_Delete)
    window.validate()
    assert "name is empty" in window.phase_form.name_hint.text()
    assert window.phase_form.name_hint.isVisible()
    assert window.structure.marked() == [Loc(phase=1)]
    row = window.structure.tree.topLevelItem(2)
    assert row is not None
    assert row.foreground(0).color().name() == "#b00020"
    assert "name is empty" in row.toolTip(0)
    window.phase_form.name.setText("Walk")
    window.phase_form.name.textEdited.emit("Walk")
    window.validate()
    assert window.phase_form.name_hint.text() == ""
    assert not window.phase_form.name_hint.isVisible()  # the field has the whole row again
    assert window.structure.marked() == []


def test_a_session_without_a_name_is_marked_in_the_session_form(
    open_editor: Callable[..., EditorWindow],
) -> None:
    window = open_editor(SCRIPT.replace('name = "Marks"', 'name = ""'))
    window.select(None)
    assert "name is empty" in window.session_form.name_hint.text()


def test_cue_errors_highlight_their_cells_and_mark_the_phase(
    open_editor: Callable[..., EditorWindow],
) -> None:
    text = SCRIPT.replace('at = "1m"', 'at = "9m"').replace(
        '[[phase]]\nname = "Walk"', '[[phase.cue]]\nat = "zz"\n\n[[phase]]\nname = "Walk"'
    )
    window = open_editor(text)
    assert window.structure.marked() == [Loc(phase=0)]
    row = window.structure.tree.topLevelItem(1)
    assert row is not None
    assert "falls at or after the end" in row.toolTip(0)
    window.select(Loc(phase=0))
    cues = window.phase_form.cues
    late = cues.item(0, 1)
    assert late is not None
    assert late.background().color().red() == 255
    assert "falls at or after the end" in late.toolTip()
    fine = cues.item(0, 2)
    assert fine is not None
    assert fine.toolTip() == ""
    empty_say = cues.item(1, 2)  # the second cue has nothing to play
    assert empty_say is not None
    assert "something to play" in empty_say.toolTip()
    late.setText("1m")  # fixed in the table
    window.validate()
    assert cues.item(0, 1) is not None
    assert cues.item(0, 1).toolTip() == ""  # type: ignore[union-attr]


# -- problem lines and the "Not saved" message ------------------------------------------------


def test_problems_of_an_unsaved_script_name_the_line(
    open_editor: Callable[..., EditorWindow],
) -> None:
    window = open_editor(None)
    window.source.setPlainText(window.doc.text().replace("[[phase]]", "[[phase]]\nspeed = -1", 1))
    window.source.flush()
    window.validate()
    assert window.problem_list.count() >= 1
    texts = [window.problem_list.item(i).text() for i in range(window.problem_list.count())]  # type: ignore[union-attr]
    assert all("<text>" not in text for text in texts)
    assert any(text.startswith("line ") for text in texts)


def test_a_saved_script_keeps_the_check_lines(open_editor: Callable[..., EditorWindow]) -> None:
    window = open_editor(SCRIPT.replace('duration = "10m"', 'duration = "ten"'))
    item = window.problem_list.item(0)
    assert item is not None
    assert item.text().startswith(f"{window.file.path}:")


def test_the_not_saved_message_follows_the_problems(
    qtbot: QtBot, open_editor: Callable[..., EditorWindow]
) -> None:
    window = open_editor(SCRIPT.replace('duration = "10m"', 'duration = "ten"'))
    assert not window.save()
    assert window.statusBar().currentMessage().startswith("Not saved: the script has 1 problem")
    window.select(Loc(phase=1))
    window.phase_form.duration.setText("10m")
    window.phase_form.duration.textEdited.emit("10m")
    qtbot.waitUntil(lambda: not window.problems)
    assert "Not saved" not in window.statusBar().currentMessage()
    assert window.save()


# -- a file that does not parse ----------------------------------------------------------------


def test_a_file_with_a_syntax_error_opens_on_the_source_at_the_error(
    open_editor: Callable[..., EditorWindow],
) -> None:
    window = open_editor(SCRIPT.replace('duration = "10m"', 'duration = "10m'), "broken.toml")
    assert window.tabs.currentWidget() is window.source
    assert not window.forms.isEnabled()
    assert window.source.error_line == 14  # the unclosed string
    assert window.source.textCursor().blockNumber() == 13


def test_a_good_file_opens_on_the_form(open_editor: Callable[..., EditorWindow]) -> None:
    window = open_editor()
    assert window.tabs.currentWidget() is window.forms
    assert window.forms.isEnabled()


def test_a_cue_error_in_a_step_of_a_block_marks_that_step(
    open_editor: Callable[..., EditorWindow],
) -> None:
    block = """
[[phase]]
name = "Rounds"
repeat = 2

[[phase.step]]
name = "Brisk"
duration = "1m"

[[phase.step.cue]]
at = "5m"
say = "Too late."
"""
    window = open_editor(SCRIPT + block)
    assert window.structure.marked() == [Loc(phase=2, step=0)]
    window.select(Loc(phase=2, step=0))
    item = window.phase_form.cues.item(0, 1)
    assert item is not None
    assert "falls at or after the end" in item.toolTip()
