"""The library follows the disk: session files added, changed or deleted show at once, and a
row whose file has vanished says so in one sentence instead of opening anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import SHORT, FakeDialogs

from walktimer import paths
from walktimer.ui.library import DiskWatcher
from walktimer.ui.mainwindow import MainWindow

WAIT_MS = 5000


def _names(window: MainWindow) -> set[str]:
    return {entry.name for entry in window.library.entries() if entry.origin != "Bundled"}


def _session(name: str) -> str:
    return SHORT.replace("Short test walk", name)


@pytest.fixture
def folder() -> Path:
    own = paths.user_sessions_dir()
    own.mkdir(parents=True)
    (own / "first.toml").write_text(_session("First walk"), "utf-8")
    return own


@pytest.fixture
def shown(qtbot: Any, folder: Path, make_window: Any) -> MainWindow:
    window: MainWindow = make_window()
    qtbot.waitUntil(lambda: _names(window) == {"First walk"}, timeout=WAIT_MS)
    return window


def test_a_file_added_to_the_sessions_folder_shows_at_once(
    qtbot: Any, shown: MainWindow, folder: Path
) -> None:
    (folder / "second.toml").write_text(_session("Second walk"), "utf-8")
    qtbot.waitUntil(lambda: _names(shown) == {"First walk", "Second walk"}, timeout=WAIT_MS)
    shown_rows = {e.name for e in shown.library.visible_entries()}
    assert {"First walk", "Second walk"} <= shown_rows


def test_a_changed_file_is_read_again(qtbot: Any, shown: MainWindow, folder: Path) -> None:
    (folder / "first.toml").write_text(_session("Renamed walk"), "utf-8")
    qtbot.waitUntil(lambda: _names(shown) == {"Renamed walk"}, timeout=WAIT_MS)
    # A file replaced by a rename (as editors save) is followed too, and again after that.
    temporary = folder / "first.toml.tmp"
    temporary.write_text(_session("Saved by rename"), "utf-8")
    temporary.replace(folder / "first.toml")
    qtbot.waitUntil(lambda: _names(shown) == {"Saved by rename"}, timeout=WAIT_MS)
    (folder / "first.toml").write_text(_session("Once more"), "utf-8")
    qtbot.waitUntil(lambda: _names(shown) == {"Once more"}, timeout=WAIT_MS)


def test_a_deleted_file_loses_its_row(qtbot: Any, shown: MainWindow, folder: Path) -> None:
    (folder / "first.toml").unlink()
    qtbot.waitUntil(lambda: _names(shown) == set(), timeout=WAIT_MS)
    assert all(e.path.exists() for e in shown.library.entries())


def test_the_first_session_in_a_folder_not_made_yet_shows(qtbot: Any, make_window: Any) -> None:
    own = paths.user_sessions_dir()
    assert not own.exists()
    window: MainWindow = make_window()
    qtbot.waitUntil(lambda: bool(window.library.entries()), timeout=WAIT_MS)
    own.mkdir(parents=True)
    (own / "new.toml").write_text(_session("Brand new"), "utf-8")
    qtbot.waitUntil(lambda: _names(window) == {"Brand new"}, timeout=WAIT_MS)


def test_a_vanished_row_says_so_and_the_list_follows(
    qtbot: Any, shown: MainWindow, folder: Path, dialogs: FakeDialogs
) -> None:
    first = folder / "first.toml"
    assert shown.library.select(first)
    shown.library.watcher.blockSignals(True)  # the file goes before the watcher tells
    first.unlink()
    qtbot.keyClick(shown.library.tree, Qt.Key.Key_Return)
    assert dialogs.informs == [
        (
            "Session not found",
            f"first.toml is no longer in {folder}: it was moved or deleted, so the list now "
            "shows what is there.",
        )
    ]
    assert shown.page() == "library"
    assert _names(shown) == set()
    assert dialogs.problem_calls == []


def test_edit_on_a_vanished_row_opens_no_editor(
    qtbot: Any, shown: MainWindow, folder: Path, dialogs: FakeDialogs
) -> None:
    first = folder / "first.toml"
    assert shown.library.select(first)
    shown.library.watcher.blockSignals(True)
    first.unlink()
    shown.edit_session()
    assert [title for title, _text in dialogs.informs] == ["Session not found"]
    assert shown.side.editors == []
    assert _names(shown) == set()


def test_the_watcher_settles_several_writes_into_one_signal(qtbot: Any, tmp_path: Path) -> None:
    watcher = DiskWatcher()
    (tmp_path / "a.toml").write_text("x", "utf-8")
    watcher.watch(tmp_path)
    assert str(tmp_path / "a.toml") in watcher.watched()
    seen: list[bool] = []
    watcher.changed.connect(lambda: seen.append(True))
    with qtbot.waitSignal(watcher.changed, timeout=WAIT_MS):
        (tmp_path / "a.toml").write_text("y", "utf-8")
        (tmp_path / "b.toml").write_text("z", "utf-8")
        (tmp_path / "a.toml").unlink()
    assert seen == [True]
    watcher.watch(tmp_path)
    assert watcher.watched() == sorted([str(tmp_path), str(tmp_path / "b.toml")])
