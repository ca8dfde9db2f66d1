"""The session editor window: forms, structure, source sync, problems, prompts, run now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomli
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from walktimer import paths, resources
from walktimer.core.loader import check_text
from walktimer.core.problems import Problem
from walktimer.editing import commands as C
from walktimer.editing.document import Loc
from walktimer.ui.editor import EditorWindow
from walktimer.ui.editor.support import DeletedChoice, ExternalChoice, UnsavedChoice

REPO = Path(__file__).resolve().parent.parent.parent
COMMENTED = REPO / "tests" / "data" / "editor" / "commented.toml"


@dataclass
class FakePrompts:
    """Answers the editor's questions at once and records them."""

    unsaved: UnsavedChoice = "cancel"
    external: ExternalChoice = "cancel"
    deleted: DeletedChoice = "cancel"
    path: Path | None = None
    run_save: bool = True
    asked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    suggestions: list[Path] = field(default_factory=list)

    def unsaved_changes(self, parent: QWidget, title: str, invalid: bool) -> UnsavedChoice:
        self.asked.append(f"unsaved{' invalid' if invalid else ''}")
        return self.unsaved

    def external_change(self, parent: QWidget, path: Path) -> ExternalChoice:
        self.asked.append("external")
        return self.external

    def file_deleted(self, parent: QWidget, path: Path) -> DeletedChoice:
        self.asked.append("deleted")
        return self.deleted

    def save_path(self, parent: QWidget, suggestion: Path, reason: str | None) -> Path | None:
        self.asked.append("save_path")
        self.suggestions.append(suggestion)
        return self.path

    def save_before_run(self, parent: QWidget) -> bool:
        self.asked.append("save_before_run")
        return self.run_save

    def error(self, parent: QWidget, text: str) -> None:
        self.errors.append(text)

    def choose_wav(self, parent: QWidget, folder: Path) -> Path | None:
        self.asked.append("choose_wav")
        return self.path


@dataclass
class FakePreviewer:
    fail: str | None = None
    said: list[tuple[str, str | None, int, float]] = field(default_factory=list)
    closed: bool = False

    def preview(
        self, text: str, voice: str | None = None, rate: int = 170, volume: float = 1.0
    ) -> None:
        self.said.append((text, voice, rate, volume))

    def failure(self) -> str | None:
        return self.fail

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def prompts() -> FakePrompts:
    return FakePrompts()


@pytest.fixture
def previewer() -> FakePreviewer:
    return FakePreviewer()


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "lunch.toml"
    path.write_bytes(COMMENTED.read_bytes())
    return path


Factory = Callable[..., EditorWindow]


@pytest.fixture
def make(qtbot: QtBot, prompts: FakePrompts, previewer: FakePreviewer) -> Factory:
    def build(path: Path | None = None, template: Path | None = None, **kw: Any) -> EditorWindow:
        kw.setdefault("muted", False)
        kw.setdefault("previewer", previewer)
        window = EditorWindow(path, template, prompts=prompts, **kw)
        qtbot.addWidget(window)
        return window

    return build


def _saved(path: Path) -> dict[str, Any]:
    return tomli.loads(path.read_text(encoding="utf-8"))


# -- the phase form -------------------------------------------------------------------------------


def test_typing_a_phase_name_updates_the_document_structure_and_title(
    make: Factory, script: Path, qtbot: QtBot
) -> None:
    window = make(script)
    assert not window.isWindowModified()
    window.select(Loc(phase=0))
    window.phase_form.name.selectAll()
    qtbot.keyClicks(window.phase_form.name, "Gentle start")
    assert window.doc.get(Loc(phase=0), "name") == "Gentle start"
    top = window.structure.tree.topLevelItem(1)
    assert top is not None
    assert top.text(0) == "Gentle start"
    assert window.isWindowModified()
    assert window.stack.count() == 1  # typing is one undo step
    window.undo()
    assert window.doc.text() == COMMENTED.read_text(encoding="utf-8")
    assert not window.isWindowModified()


def test_duration_accepts_every_form_and_manual(make: Factory, script: Path, qtbot: QtBot) -> None:
    window = make(script)
    window.select(Loc(phase=0))
    form = window.phase_form
    form.duration.clear()
    qtbot.keyClicks(form.duration, "1:02:30")
    assert window.doc.get(Loc(phase=0), "duration") == "1:02:30"
    assert form.duration_hint.text() == "= 1:02:30"
    form.duration.clear()
    qtbot.keyClicks(form.duration, "90")
    assert window.doc.get(Loc(phase=0), "duration") == 90
    form.manual.setChecked(True)
    assert window.doc.get(Loc(phase=0), "duration") == "manual"
    top = window.structure.tree.topLevelItem(1)
    assert top is not None
    assert top.text(1) == "manual"
    assert window.structure.total.text().startswith("Total at least")


def test_speed_incline_countdown_and_reminders(make: Factory, script: Path) -> None:
    window = make(script)
    window.select(Loc(phase=1, step=0))
    form = window.phase_form
    assert form.speed_on.isChecked()
    assert form.speed.value() == 5.0
    form.speed.setValue(5.5)
    assert window.doc.get(Loc(phase=1, step=0), "speed") == 5.5  # a number stays a number
    form.speed_unit.setCurrentText("mph")
    form.speed_unit.activated.emit(1)
    assert window.doc.get(Loc(phase=1, step=0), "speed") == "5.5 mph"
    form.incline_on.setChecked(True)
    form.incline.setValue(2.5)
    assert window.doc.get(Loc(phase=1, step=0), "incline") == "2.5%"
    form.countdown_on.setChecked(True)
    form.countdown.setValue(5)
    assert window.doc.get(Loc(phase=1, step=0), "countdown") == 5
    form.reminders.setCurrentIndex(2)
    form.reminders.activated.emit(2)
    assert window.doc.get(Loc(phase=1, step=0), "reminders") is False
    form.speed_on.setChecked(False)
    assert window.doc.get(Loc(phase=1, step=0), "speed") is None
    window.validate()
    assert window.problems == []


def test_the_cue_table_edits_cues_and_speaks_them(
    make: Factory, script: Path, previewer: FakePreviewer
) -> None:
    window = make(script)
    window.select(Loc(phase=2))
    table = window.phase_form.cues
    assert table.rowCount() == 1
    window.phase_form.add_cue.click()
    assert table.rowCount() == 2
    assert window.doc.get(Loc(phase=2, cue=1), "at") == "30s"
    item = table.item(1, 2)
    assert item is not None
    item.setText("Other leg, {remaining} to go.")
    assert window.doc.get(Loc(phase=2, cue=1), "say") == "Other leg, {remaining} to go."
    time_item = table.item(1, 1)
    assert time_item is not None
    time_item.setText("45s")
    assert window.doc.get(Loc(phase=2, cue=1), "at") == "45s"
    combo = table.cellWidget(1, 0)
    assert isinstance(combo, QComboBox)
    combo.setCurrentText("every")
    combo.activated.emit(1)
    assert window.doc.values(Loc(phase=2, cue=1)) == {
        "every": "45s",
        "say": "Other leg, {remaining} to go.",
    }
    table.selectRow(1)
    window.phase_form.speak_cue.click()
    assert previewer.said == [("Other leg, two minutes to go.", None, 150, 0.8)]
    window.phase_form.delete_cue.click()
    assert window.doc.count(Loc(phase=2), "cue") == 1


def test_speak_it_says_why_when_speech_is_off(make: Factory, script: Path) -> None:
    muted = make(script, muted=True)
    muted.select(Loc(phase=0))
    muted.phase_form.speak_cue.click()
    assert "muted" in muted.statusBar().currentMessage()
    broken = make(script, previewer=FakePreviewer(fail="espeak-ng is not installed."))
    broken.select(Loc(phase=0))
    broken.phase_form.speak_cue.click()
    assert broken.statusBar().currentMessage() == "Speech is off: espeak-ng is not installed."


def test_the_block_form_sets_rounds_and_adds_steps(make: Factory, script: Path) -> None:
    window = make(script)
    window.select(Loc(phase=1))
    assert window.forms.currentIndex() == 2
    window.block_form.repeat.setValue(4)
    assert window.doc.get(Loc(phase=1), "repeat") == 4
    top = window.structure.tree.topLevelItem(2)
    assert top is not None
    assert top.text(1) == "4 × 5:00"
    window.block_form.add_step.emit()
    assert window.doc.count(Loc(phase=1), "step") == 3
    assert window.current == Loc(phase=1, step=2)


# -- the session form ----------------------------------------------------------------------------


def test_the_session_form_edits_voice_sounds_announce_and_reminders(
    make: Factory, script: Path, previewer: FakePreviewer, prompts: FakePrompts
) -> None:
    window = make(script)
    window.select(None)
    form = window.session_form
    assert form.rate.value() == 150
    form.rate.setValue(180)
    assert window.doc.get(Loc(table="voice"), "rate") == 180
    assert "voice = { rate = 180, volume = 0.8 }" in window.doc.text()
    form.sounds["countdown"].combo.setCurrentText("beep")
    assert window.doc.get(Loc(table="sounds"), "countdown") == "beep"
    prompts.path = script.parent / "sounds" / "gong.wav"
    form.sounds["finish"].choose.click()
    assert window.doc.get(Loc(table="sounds"), "finish") == "sounds/gong.wav"
    form.halfway.setChecked(True)
    assert window.doc.get(Loc(table="announce"), "halfway") is True
    form.remaining.setText("")
    form.remaining.textEdited.emit("3m, 30s")
    assert window.doc.get(Loc(table="announce"), "remaining") == ["3m", "30s"]
    form.texts.setPlainText("Tall.\nLoose shoulders.")
    assert window.doc.get(Loc(table="reminders"), "texts") == ["Tall.", "Loose shoulders."]
    form.reminders.setChecked(False)
    assert "reminders" not in window.doc.values(Loc())
    form.reminders.setChecked(True)
    assert window.doc.get(Loc(table="reminders"), "every") == "90s"
    form.preview_voice.emit()
    assert previewer.said[-1][1:] == (None, 180, 0.8)
    form.tags.setText("")
    form.tags.textEdited.emit("a, b")
    assert window.doc.get(Loc(), "tags") == ["a", "b"]


# -- the structure view --------------------------------------------------------------------------


def test_add_duplicate_move_and_delete_phases_with_undo(make: Factory, script: Path) -> None:
    window = make(script)
    original = window.doc.text()
    window.select(Loc(phase=0))
    window.add_action.trigger()
    assert window.doc.get(Loc(phase=1), "name") == "New phase"
    assert window.current == Loc(phase=1)
    window.duplicate_action.trigger()
    assert window.doc.count(Loc(), "phase") == 5
    window.up_action.trigger()
    assert window.current == Loc(phase=1)
    window.delete_action.trigger()
    assert window.doc.count(Loc(), "phase") == 4
    window.block_action.trigger()
    assert window.doc.is_block(2)
    window.convert_action.trigger()  # the new block back into phases
    assert [p["name"] for p in _phases(window)][2:4] == ["Brisk", "Easy"]
    while window.stack.canUndo():
        window.undo()
    assert window.doc.text() == original
    while window.stack.canRedo():
        window.redo()
    assert window.doc.count(Loc(), "phase") == 6


def _phases(window: EditorWindow) -> list[dict[str, Any]]:
    phases: list[dict[str, Any]] = window.doc.get(Loc(), "phase")
    return phases


def test_keyboard_moves_the_selected_phase(make: Factory, script: Path, qtbot: QtBot) -> None:
    window = make(script)
    window.select(Loc(phase=0))
    window.structure.tree.setFocus()
    qtbot.keyClick(window.structure.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [p["name"] for p in _phases(window)] == ["Intervals", "Warm-up", "Stretch"]
    assert window.current == Loc(phase=1)
    qtbot.keyClick(window.structure.tree, Qt.Key.Key_Delete)
    assert [p["name"] for p in _phases(window)] == ["Intervals", "Stretch"]


def test_a_drop_asks_for_a_move(make: Factory, script: Path) -> None:
    window = make(script)
    tree = window.structure.tree
    first, last = tree.topLevelItem(1), tree.topLevelItem(3)
    assert tree.drop_target(Loc(phase=0), last, below=True) == 2
    assert tree.drop_target(Loc(phase=2), first, below=False) == 0
    step = tree.topLevelItem(2)
    assert step is not None
    assert tree.drop_target(Loc(phase=0), step.child(0), below=False) is None  # not into a block
    assert tree.drop_target(Loc(phase=1, step=1), step.child(0), below=False) == 0
    tree.move_requested.emit(Loc(phase=1, step=1), 0)
    assert [s["name"] for s in _phases(window)[1]["step"]] == ["Easy", "Brisk"]


def test_the_timeline_follows_edits_and_selects_phases(make: Factory, script: Path) -> None:
    window = make(script)
    segments = window.structure.timeline.segments()
    assert [s.name for s in segments] == ["Warm-up", "Brisk", "Easy", "Brisk", "Easy", "Stretch"]
    window.select(Loc(phase=1))
    window.block_form.repeat.setValue(1)
    assert len(window.structure.timeline.segments()) == 4
    window.structure.timeline.segment_clicked.emit(3)
    assert window.current == Loc(phase=2)


# -- the source view -----------------------------------------------------------------------------


def test_form_edits_show_in_the_source_and_source_edits_in_the_forms(
    make: Factory, script: Path
) -> None:
    window = make(script)
    window.select(Loc(phase=0))
    window.phase_form.say.setText("")
    window.phase_form.say.textEdited.emit("Off we go.")
    assert 'say = "Off we go."' in window.source.toPlainText()
    text = window.source.toPlainText().replace('name = "Warm-up"', 'name = "Limber up"')
    window.source.setPlainText(text)
    assert window.source.pending
    window.source.flush()
    assert window.doc.get(Loc(phase=0), "name") == "Limber up"
    assert window.phase_form.name.text() == "Limber up"
    window.undo()
    assert window.phase_form.name.text() == "Warm-up"
    assert window.source.toPlainText() == window.doc.text()


def test_a_syntax_error_disables_the_forms_and_is_marked(
    make: Factory, script: Path, qtbot: QtBot
) -> None:
    window = make(script)
    broken = window.doc.text().replace('name = "Warm-up"', 'name = "Warm-up')
    window.source.setPlainText(broken)
    qtbot.waitUntil(lambda: not window.doc.parsed)
    assert not window.forms.isEnabled()
    assert not window.structure.isEnabled()
    window.validate()
    (problem,) = window.problems
    assert problem.where == "TOML syntax"
    line = COMMENTED.read_text(encoding="utf-8").splitlines().index('name = "Warm-up"') + 1
    assert window.source.error_line == problem.line == line
    assert window.source.extraSelections()
    window.source.setPlainText(COMMENTED.read_text(encoding="utf-8"))
    window.source.flush()
    assert window.forms.isEnabled()
    window.validate()
    assert window.problems == []
    assert window.source.error_line is None


# -- problems ------------------------------------------------------------------------------------


def test_problems_are_the_check_lines_and_lead_to_the_field(
    make: Factory, script: Path, qtbot: QtBot
) -> None:
    window = make(script)
    window.select(Loc(phase=1, step=1))
    window.phase_form.duration.setText("")
    window.phase_form.duration.textEdited.emit("2 minutes")
    qtbot.waitUntil(lambda: window.problem_list.count() == 1)
    expected = [str(p) for p in check_text(window.doc.text(), script)]
    item = window.problem_list.item(0)
    assert item is not None
    assert [item.text()] == expected
    assert 'phase 2 "Intervals", step 2 "Easy"' in item.text()
    window.select(None)
    window.problem_list.itemClicked.emit(item)
    assert window.current == Loc(phase=1, step=1)
    assert window.last_target is window.phase_form.duration


def test_a_cue_problem_selects_the_cue_row(make: Factory, script: Path) -> None:
    window = make(script)
    window.select(Loc(phase=2))
    item = window.phase_form.cues.item(0, 1)
    assert item is not None
    item.setText("-10s")  # a manual phase has no end to count back from
    window.validate()
    assert len(window.problems) == 1
    window.select(None)
    window.go_to_problem(window.problems[0])
    assert window.current == Loc(phase=2)
    assert window.last_target is window.phase_form.cues
    assert window.phase_form.cues.currentRow() == 0


def test_a_problem_leads_to_its_field_by_its_key_path_not_its_words(
    make: Factory, script: Path
) -> None:
    window = make(script)
    # Words the editor could not read back (another language, a reworded message): the key
    # path alone says where it is.
    key = ("phase", 1, "step", 1, "duration")
    problem = Problem(str(script), None, None, "Phase zwei", "Dauer: falsch", key=key)
    window.go_to_problem(problem)
    assert window.current == Loc(phase=1, step=1)
    assert window.last_target is window.phase_form.duration


def test_a_missing_key_leads_to_its_field(make: Factory, script: Path) -> None:
    window = make(script)
    window.source.setPlainText(window.doc.text().replace("duration = 300", "", 1))
    window.source.flush()
    window.validate()
    (problem,) = window.problems
    assert problem.what.startswith("missing duration")
    assert problem.key == ("phase", 0, "duration")
    window.go_to_problem(problem)
    assert window.current == Loc(phase=0)
    assert window.last_target is window.phase_form.duration


def test_a_syntax_problem_leads_to_its_line(make: Factory, script: Path) -> None:
    window = make(script)
    window.source.setPlainText(window.doc.text().replace("countdown=5", "countdown=5 5"))
    window.source.flush()
    window.validate()
    (problem,) = window.problems
    window.go_to_problem(problem)
    assert window.tabs.currentWidget() is window.source
    assert window.source.textCursor().blockNumber() + 1 == problem.line


# -- saving, closing, conflicts ------------------------------------------------------------------


def test_an_invalid_script_is_saved_only_as_an_explicit_draft(make: Factory, script: Path) -> None:
    window = make(script)
    before = script.read_bytes()
    window.select(Loc(phase=0))
    window.phase_form.name.setText("")
    window.phase_form.name.textEdited.emit("")
    assert not window.save()
    assert script.read_bytes() == before
    assert "Save anyway (draft)" in window.statusBar().currentMessage()
    assert window.draft_action.isVisible() or not window.isVisible()
    assert window.save_draft()
    assert _saved(script)["phase"][0]["name"] == ""
    assert not window.isWindowModified()


def test_closing_with_unsaved_changes_asks(
    make: Factory, script: Path, prompts: FakePrompts
) -> None:
    window = make(script)
    window.select(Loc(phase=0))
    window.phase_form.name.textEdited.emit("Changed")
    prompts.unsaved = "cancel"
    assert not window.close()
    assert prompts.asked == ["unsaved"]
    prompts.unsaved = "save"
    assert window.close()
    assert _saved(script)["phase"][0]["name"] == "Changed"


def test_closing_can_discard(make: Factory, script: Path, prompts: FakePrompts) -> None:
    window = make(script)
    window.session_form.name.textEdited.emit("Changed")
    prompts.unsaved = "discard"
    assert window.close()
    assert script.read_bytes() == COMMENTED.read_bytes()


def test_closing_an_unchanged_script_does_not_ask(
    make: Factory, script: Path, prompts: FakePrompts, previewer: FakePreviewer
) -> None:
    window = make(script)
    assert window.close()
    assert prompts.asked == []
    assert previewer.closed


@pytest.mark.parametrize("choice", ["reload", "overwrite", "save_as", "cancel"])
def test_a_file_changed_on_disk_offers_reload_overwrite_or_save_as(
    make: Factory, script: Path, prompts: FakePrompts, choice: ExternalChoice
) -> None:
    window = make(script)
    window.session_form.name.textEdited.emit("Mine")
    theirs = script.read_text(encoding="utf-8").replace("Lunchtime walk", "Theirs")
    script.write_text(theirs, encoding="utf-8")
    prompts.external = choice
    prompts.path = script.parent / "mine.toml"
    window.check_disk()
    assert prompts.asked[0] == "external"
    if choice == "reload":
        assert window.doc.text() == theirs
        assert not window.isWindowModified()
        window.undo()  # the dropped edit is still there
        assert window.doc.get(Loc(), "name") == "Mine"
    elif choice == "overwrite":
        assert _saved(script)["name"] == "Mine"
    elif choice == "save_as":
        assert _saved(script)["name"] == "Theirs"
        assert _saved(script.parent / "mine.toml")["name"] == "Mine"
        assert window.file.path == script.parent / "mine.toml"
    else:
        assert _saved(script)["name"] == "Theirs"
        window.check_disk()  # the same change is not asked about twice
        assert prompts.asked == ["external"]
        assert not window.save()  # but saving over it asks again
        assert prompts.asked == ["external", "external"]


def test_a_deleted_file_is_asked_about_once_when_cancelled(
    make: Factory, script: Path, prompts: FakePrompts
) -> None:
    window = make(script)
    script.unlink()
    window.check_disk()
    assert prompts.asked == ["deleted"]
    for _ in range(5):
        window.check_disk()  # activating the window again does not bring the question back
    assert prompts.asked == ["deleted"]
    assert not script.exists()
    assert not window.save()  # saving asks again
    assert prompts.asked == ["deleted", "deleted"]
    script.write_text("name = 'Back again'\n", encoding="utf-8")
    window.check_disk()  # a file that reappears is a new change
    assert prompts.asked == ["deleted", "deleted", "external"]


@pytest.mark.parametrize("choice", ["save", "save_as", "close"])
def test_a_deleted_file_offers_save_save_as_or_close(
    make: Factory, qtbot: QtBot, script: Path, prompts: FakePrompts, choice: DeletedChoice
) -> None:
    window = make(script)
    window.session_form.name.textEdited.emit("Mine")
    script.unlink()
    prompts.deleted = choice
    prompts.unsaved = "discard"
    prompts.path = script.parent / "mine.toml"
    window.check_disk()
    assert prompts.asked[0] == "deleted"
    if choice == "save":
        assert _saved(script)["name"] == "Mine"
        assert not window.isWindowModified()
    elif choice == "save_as":
        assert not script.exists()
        assert _saved(script.parent / "mine.toml")["name"] == "Mine"
        assert window.file.path == script.parent / "mine.toml"
    else:
        qtbot.waitUntil(lambda: prompts.asked == ["deleted", "unsaved"])  # closing
        assert not script.exists()
    window.check_disk()
    assert prompts.asked.count("deleted") == 1


def test_a_bundled_session_saves_a_copy(make: Factory, prompts: FakePrompts) -> None:
    bundled = resources.bundled_session()
    before = bundled.read_bytes()
    window = make(bundled)
    assert "read-only" in window.windowTitle()
    window.session_form.name.textEdited.emit("My own walk")
    prompts.path = paths.user_sessions_dir() / "my-own-walk.toml"
    assert window.save()
    assert prompts.suggestions == [paths.user_sessions_dir() / "my-own-walk.toml"]
    assert bundled.read_bytes() == before
    assert _saved(prompts.path)["name"] == "My own walk"
    assert "read-only" not in window.windowTitle()


def test_a_bundled_copy_saved_under_its_old_name_is_marked_as_a_copy(
    make: Factory, prompts: FakePrompts
) -> None:
    bundled = resources.bundled_session()
    window = make(bundled)
    name = window.doc.get(Loc(), "name")
    window.execute(C.SetFields(Loc(phase=0), {"duration": "4m"}))
    prompts.path = None  # cancelled: the name is as it was
    assert not window.save()
    assert window.doc.get(Loc(), "name") == name
    prompts.path = paths.user_sessions_dir() / "copy.toml"
    assert window.save()
    assert _saved(prompts.path)["name"] == f"{name} (my copy)"
    assert _saved(bundled)["name"] == name


def test_new_from_a_template_and_from_blank(make: Factory, prompts: FakePrompts) -> None:
    window = make(template=resources.bundled_session())
    assert window.file.path is None
    assert window.doc.get(Loc(), "name").endswith("(my copy)")
    assert window.isWindowModified()
    blank = make()
    blank.validate()
    assert blank.problems == []
    prompts.path = paths.user_sessions_dir() / "mine.toml"
    assert blank.save()
    assert _saved(prompts.path)["name"] == "My walk"


def test_run_now_saves_first_and_asks_for_the_run(
    make: Factory, script: Path, prompts: FakePrompts, qtbot: QtBot
) -> None:
    window = make(script)
    with qtbot.waitSignal(window.run_requested) as clean:
        window.run_now()
    assert clean.args == [script]
    assert prompts.asked == []
    window.session_form.name.textEdited.emit("Before the run")
    prompts.run_save = False
    with qtbot.assertNotEmitted(window.run_requested):
        window.run_now()
    prompts.run_save = True
    with qtbot.waitSignal(window.run_requested) as saved:
        window.run_now()
    assert saved.args == [script]
    assert _saved(script)["name"] == "Before the run"


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen
def test_the_line_being_typed_stays_in_sight_when_the_problems_appear(
    make: Factory, qtbot: QtBot
) -> None:
    window = make(resources.bundled_session())
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.source)
    window.source.setFocus()
    cursor = window.source.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.source.setTextCursor(cursor)
    qtbot.keyClick(window.source, Qt.Key.Key_Return)
    qtbot.keyClicks(window.source, "broken = = 1")
    before = window.source.viewport().height()
    window.source.flush()
    window.validate()
    assert window.problem_list.isVisible()
    qtbot.waitUntil(lambda: window.source.viewport().height() < before)
    assert window.source.viewport().rect().contains(window.source.cursorRect())
    window.stack.setClean()


# -- the library's New and Edit open this editor ------------------------------------------------


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen
def test_the_librarys_new_offers_blank_and_every_bundled_session(
    window: Any, prompts: FakePrompts, qtbot: QtBot
) -> None:
    menu = window.new_menu
    menu.aboutToShow.emit()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    names = [e.name for e in window.library.entries() if e.origin == "Bundled"]
    assert texts[0].startswith("Blank session")
    assert [a.text() for a in menu.actions() if a.text() in names] == names
    assert len(names) == len(resources.bundled_sessions())
    template = resources.bundled_sessions()[1]
    pick = next(a for a in menu.actions() if a.text() == names[1])
    pick.trigger()
    (editor,) = [e for e in window.side.editors if isinstance(e, EditorWindow)]
    editor.prompts = prompts
    prompts.unsaved = "discard"
    qtbot.addWidget(editor)
    assert editor.file.path is None
    assert editor.doc.text() != template.read_text(encoding="utf-8")
    assert editor.file.title.endswith("(my copy)")
    assert not editor.banner.isVisible()
    prompts.path = paths.user_sessions_dir() / "from-template.toml"
    assert editor.save()
    assert _saved(prompts.path)["phase"] == _saved(template)["phase"]
    assert any(e.path == prompts.path for e in window.library.entries())


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen
def test_the_librarys_new_blank_opens_the_blank_script(
    window: Any, prompts: FakePrompts, qtbot: QtBot
) -> None:
    window.new_menu.aboutToShow.emit()
    window.new_menu.actions()[0].trigger()
    (editor,) = [e for e in window.side.editors if isinstance(e, EditorWindow)]
    editor.prompts = prompts
    prompts.unsaved = "discard"
    qtbot.addWidget(editor)
    assert editor.file.path is None
    assert editor.file.title == "My walk"
