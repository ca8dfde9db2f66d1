"""The library: what it lists, search and tags, opening files, bad files, drag and drop."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from ui_helpers import SHORT, FakeDialogs, SinkFactory

from walktimer import paths, resources
from walktimer.ui.dialogs import ProblemsDialog
from walktimer.ui.library import scan_library
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.settings import Settings


def test_library_lists_bundled_own_and_recent_sessions(
    qtbot: Any, tmp_path: Path, short_file: Path, settings: Settings, make_window: Any
) -> None:
    own = paths.user_sessions_dir()
    own.mkdir(parents=True)
    (own / "mine.toml").write_text(SHORT.replace("Short test walk", "My own walk"), "utf-8")
    settings.add_recent(short_file)
    window: MainWindow = make_window()
    entries = {e.name: e for e in window.library.entries()}
    bundled = [e for e in entries.values() if e.origin == "Bundled"]
    assert len(bundled) == len(resources.bundled_sessions()) >= 1
    mine = entries["My own walk"]
    assert mine.origin == "Yours"
    recent = entries["Short test walk"]
    assert recent.origin == "Recent"
    assert recent.phases == 4
    assert recent.total == 60.0
    assert recent.at_least  # it has a manual phase
    assert recent.length_text == "≥ 1:00"
    assert recent.tags == ("test", "short")
    assert recent.description == "Three short phases and a manual stretch."
    assert window.library.tree.topLevelItemCount() == len(entries)


def test_search_and_tag_filter(
    qtbot: Any, short_file: Path, settings: Settings, make_window: Any
) -> None:
    settings.add_recent(short_file)
    window: MainWindow = make_window()
    library = window.library
    total = library.tree.topLevelItemCount()
    qtbot.keyClicks(library.search, "manual stretch")
    assert [e.name for e in library.visible_entries()] == ["Short test walk"]
    library.search.clear()
    assert library.tree.topLevelItemCount() == total
    library.tag.setCurrentText("test")
    assert [e.name for e in library.visible_entries()] == ["Short test walk"]
    library.tag.setCurrentIndex(0)
    qtbot.keyClicks(library.search, "no such session anywhere")
    assert library.tree.topLevelItemCount() == 0
    assert not library.empty.isHidden()
    assert not window.action("start").isEnabled()


def test_typing_letters_in_search_does_not_trigger_shortcuts(
    qtbot: Any, window: MainWindow
) -> None:
    window.library.search.setFocus()
    qtbot.keyClicks(window.library.search, "mf?")
    assert window.library.search.text() == "mf?"
    assert not window.action("mute").isChecked()
    assert not window.isFullScreen()
    assert not window.help.isVisible()


def test_selected_session_details(qtbot: Any, window: MainWindow) -> None:
    first = window.library.entries()[0]
    assert window.library.select(first.path)
    text = window.library.details.text()
    assert first.name.replace("&", "&amp;") in text
    assert "phases" in text


def test_open_file_with_ctrl_o(
    qtbot: Any, window: MainWindow, short_file: Path, dialogs: FakeDialogs, settings: Settings
) -> None:
    dialogs.open_answer = short_file
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.page() == "run"
    assert window.run is not None
    assert window.run.plan.session.name == "Short test walk"
    assert settings.recent_files() == [short_file.resolve()]


def test_invalid_file_shows_every_problem_in_one_dialog(
    qtbot: Any, window: MainWindow, broken_file: Path, dialogs: FakeDialogs, short_file: Path
) -> None:
    assert not window.open_session(broken_file)
    assert len(dialogs.problem_calls) == 1
    title, intro, lines = dialogs.problem_calls[0]
    assert title == "This session cannot be used"
    assert "broken.toml" in intro
    assert len(lines) >= 3  # empty name, bad duration, unknown kind: all of them at once
    assert all(": error: " in line for line in lines)
    assert any("jog" in line for line in lines)
    assert window.page() == "library"
    assert window.run is None
    # The library still works.
    assert window.open_session(short_file)
    assert window.page() == "run"


def test_invalid_file_in_the_library_is_marked_and_explained(
    qtbot: Any, broken_file: Path, settings: Settings, make_window: Any, dialogs: FakeDialogs
) -> None:
    settings.add_recent(broken_file)
    window: MainWindow = make_window()
    broken = [e for e in window.library.entries() if not e.valid]
    assert [e.path for e in broken] == [broken_file.resolve()]
    assert broken[0].problems
    window.library.select(broken_file.resolve())
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert len(dialogs.problem_calls) == 1
    assert window.page() == "library"


def test_problems_dialog_lists_the_lines(qtbot: Any) -> None:
    lines = ["a.toml:2:1: error: top level: name is empty", "a.toml:7:8: error: x: y"]
    dialog = ProblemsDialog(None, "Bad", "a.toml has 2 problems.", lines)
    qtbot.addWidget(dialog)
    assert dialog.text.toPlainText().splitlines() == lines
    assert dialog.text.isReadOnly()
    dialog._copy()
    assert QApplication.clipboard().text().splitlines() == lines


def _drop(window: MainWindow, files: list[Path]) -> tuple[bool, bool]:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    enter = QDragEnterEvent(
        QPoint(50, 50),  # Qt's C++ signature: a QPoint here, a QPointF for the drop
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_dropping_a_toml_file_opens_it(qtbot: Any, window: MainWindow, short_file: Path) -> None:
    entered, dropped = _drop(window, [short_file])
    assert entered
    assert dropped
    qtbot.waitUntil(lambda: window.page() == "run")
    assert window.run is not None
    assert window.run.path == short_file


def test_dropping_other_files_is_refused(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", "utf-8")
    entered, dropped = _drop(window, [text])
    assert not entered
    assert not dropped
    assert window.page() == "library"


def test_dropping_a_broken_file_shows_its_problems(
    qtbot: Any, window: MainWindow, broken_file: Path, dialogs: FakeDialogs
) -> None:
    _drop(window, [broken_file])
    qtbot.waitUntil(lambda: len(dialogs.problem_calls) == 1)
    assert window.page() == "library"


def test_a_dropped_zwo_workout_is_imported_into_my_sessions(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    workout = tmp_path / "ride.zwo"
    workout.write_text(
        "<workout_file><name>Easy spin</name><sportType>run</sportType><workout>"
        '<SteadyState Duration="120" Power="0.6"/>'
        '<SteadyState Duration="60" Power="0.5"/>'
        "</workout></workout_file>",
        "utf-8",
    )
    _drop(window, [workout])
    qtbot.waitUntil(lambda: window.page() == "run")
    assert window.run is not None
    assert window.run.path is not None
    assert window.run.path.parent == paths.user_sessions_dir()
    assert window.run.path.suffix == ".toml"
    assert window.run.plan.session.name == "Easy spin"
    assert any("Imported ride.zwo" in n for n in window.run_view.notices())
    # It is one of the user's own sessions now.
    window.back_to_library()
    qtbot.waitUntil(
        lambda: any(e.origin == "Yours" and e.name == "Easy spin" for e in window.library.entries())
    )


def test_importing_the_same_workout_twice_keeps_both_and_a_failed_write_says_so(
    qtbot: Any, window: MainWindow, tmp_path: Path, dialogs: FakeDialogs, monkeypatch: Any
) -> None:
    workout = tmp_path / "ride.zwo"
    workout.write_text(
        "<workout_file><name>Easy spin</name><workout>"
        '<SteadyState Duration="120" Power="0.6"/></workout></workout_file>',
        "utf-8",
    )
    assert window.open_session(workout)
    first = window.run.path if window.run is not None else None
    assert window.open_session(workout)
    second = window.run.path if window.run is not None else None
    assert first is not None
    assert second is not None
    assert first != second
    assert first.read_bytes() == second.read_bytes()  # the first import is not overwritten
    assert not list(paths.user_sessions_dir().glob(".*"))  # no temporary file is left

    def full(*_args: object, **_kwargs: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("walktimer.files.write_new", full)
    before = sorted(paths.user_sessions_dir().iterdir())
    assert not window.open_session(workout)
    assert dialogs.informs[-1][0] == "Cannot import this workout"
    assert "No space left on device" in dialogs.informs[-1][1]
    assert sorted(paths.user_sessions_dir().iterdir()) == before


def test_a_broken_zwo_workout_is_explained_in_one_sentence(
    qtbot: Any, window: MainWindow, tmp_path: Path, dialogs: FakeDialogs
) -> None:
    workout = tmp_path / "bad.zwo"
    workout.write_text("this is not xml", "utf-8")
    assert not window.open_session(workout)
    assert len(dialogs.informs) == 1
    assert dialogs.informs[0][0] == "Cannot import this workout"
    assert window.page() == "library"


def test_safety_note_can_be_dismissed_for_good(
    qtbot: Any, make_window: Any, settings: Settings
) -> None:
    window: MainWindow = make_window()
    banner = window.findChild(QWidget, "safety_note")
    assert banner is not None
    assert "doctor" in banner.label.text()
    assert "dizzy" in banner.label.text()
    qtbot.mouseClick(banner.buttons["Don't show again"], Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert Settings().safety_acknowledged is True
    again: MainWindow = make_window()
    assert not [w for w in again.findChildren(QWidget, "safety_note") if w.isVisible()]


def test_closing_the_safety_note_keeps_it_for_next_time(
    qtbot: Any, make_window: Any, settings: Settings
) -> None:
    window: MainWindow = make_window()
    banner = window.findChild(QWidget, "safety_note")
    assert banner is not None
    qtbot.mouseClick(banner.buttons["Close"], Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert Settings().safety_acknowledged is False


def test_resume_offer_banner_calls_back(qtbot: Any, window: MainWindow) -> None:
    calls: list[str] = []
    banner = window.offer_resume(
        "An unfinished walk can be resumed.", lambda: calls.append("resume"), lambda: None
    )
    assert banner.isVisible()
    qtbot.mouseClick(banner.buttons["Resume"], Qt.MouseButton.LeftButton)
    assert calls == ["resume"]
    assert not banner.isVisible()


def test_edit_and_new_without_an_editor_say_so(
    qtbot: Any, window: MainWindow, dialogs: FakeDialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "walktimer.ui.editor", None)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert dialogs.informs
    assert "editor" in dialogs.informs[-1][1]


def test_edit_opens_the_editor_on_the_selected_file(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path | None] = []

    class EditorWindow(QWidget):
        saved = Signal(object)
        run_requested = Signal(object)

        def __init__(self, path: Path | None = None) -> None:
            super().__init__()
            opened.append(path)
            qtbot.addWidget(self)

    fake = types.ModuleType("walktimer.ui.editor")
    fake.EditorWindow = EditorWindow  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "walktimer.ui.editor", fake)
    selected = window.library.selected_path()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == [selected, None]


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no raise(), no hints
def test_the_real_editor_opens_and_its_run_button_opens_the_session(
    qtbot: Any, window: MainWindow, short_file: Path
) -> None:
    from walktimer.ui.editor import EditorWindow

    window.settings.add_recent(short_file)
    window.refresh_library()
    assert window.library.select(short_file.resolve())
    window.edit_session()
    editors = [e for e in window.side.editors if isinstance(e, EditorWindow)]
    assert len(editors) == 1
    editor = editors[0]
    qtbot.addWidget(editor)
    editor.run_requested.emit(short_file)
    assert window.page() == "run"
    assert window.run is not None
    assert window.run.path == short_file


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no raise(), no hints
def test_the_editors_run_shows_the_main_window_again_after_it_was_closed(
    qtbot: Any, window: MainWindow, short_file: Path
) -> None:
    from walktimer.ui.editor import EditorWindow

    window.settings.add_recent(short_file)
    window.refresh_library()
    assert window.library.select(short_file.resolve())
    window.edit_session()
    editor = next(e for e in window.side.editors if isinstance(e, EditorWindow))
    qtbot.addWidget(editor)
    assert window.close()
    assert not window.isVisible()
    assert editor.isVisible()
    editor.run_requested.emit(short_file)
    assert window.run is not None
    assert window.page() == "run"
    assert window.isVisible()
    assert not window.isMinimized()

    window.showMinimized()
    editor.run_requested.emit(short_file)
    assert window.isVisible()
    assert not window.isMinimized()


def test_an_editor_that_cannot_open_the_file_says_why(
    qtbot: Any, window: MainWindow, dialogs: FakeDialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    class EditorWindow(QWidget):
        def __init__(self, path: Path | None = None) -> None:
            raise OSError(f"{path} does not exist; pick another file or start a new one.")

    fake = types.ModuleType("walktimer.ui.editor")
    fake.EditorWindow = EditorWindow  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "walktimer.ui.editor", fake)
    window.side.open_editor(Path("/nowhere/walk.toml"))
    assert dialogs.informs == [
        (
            "Cannot open the session",
            "/nowhere/walk.toml does not exist; pick another file or start a new one.",
        )
    ]


def test_recent_files_are_remembered_newest_first(tmp_path: Path, settings: Settings) -> None:
    files = []
    for i in range(12):
        path = tmp_path / f"s{i}.toml"
        path.write_text(SHORT, "utf-8")
        files.append(path)
        settings.add_recent(path)
    settings.add_recent(files[5])
    recent = Settings().recent_files()
    assert recent[0] == files[5].resolve()
    assert len(recent) == 10
    assert files[0].resolve() not in recent


def test_scan_skips_missing_recent_files(tmp_path: Path, short_file: Path) -> None:
    gone = tmp_path / "gone.toml"
    names = [e.path for e in scan_library([short_file, gone])]
    assert short_file in names
    assert gone not in names


def test_reopening_uses_user_voice_settings(
    qtbot: Any, window: MainWindow, short_file: Path, sinks: SinkFactory, settings: Settings
) -> None:
    settings.rate = 200
    settings.voice = "en-gb"
    settings.volume = 0.5
    window.open_session(short_file)
    qtbot.waitUntil(lambda: bool(sinks.calls))  # the sink is built on the prepare thread
    session = sinks.calls[-1]["session"]
    assert session.voice.rate == 200
    assert session.voice.voice == "en-gb"
    assert session.voice.volume == 0.5
    assert sinks.calls[-1]["mute"] is False
    assert sinks.calls[-1]["verbosity"] == "all"
