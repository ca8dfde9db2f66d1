"""The editor lists overlap warnings below "No problems", at the rate chosen in Settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from walktimer.editing.document import Loc
from walktimer.ui.editor import EditorWindow
from walktimer.ui.settings import Settings

CROWDED = Path(__file__).resolve().parents[1] / "data" / "timing" / "crowded.toml"


def _editor(qtbot: QtBot, tmp_path: Path, rate: int | None) -> EditorWindow:
    path = tmp_path / "crowded.toml"
    path.write_bytes(CROWDED.read_bytes())
    window = EditorWindow(path, muted=True, speaking_rate=rate)
    qtbot.addWidget(window)
    return window


def test_a_script_at_its_own_rate_has_no_warning(qtbot: QtBot, tmp_path: Path) -> None:
    window = _editor(qtbot, tmp_path, 0)
    assert window.problems == []
    assert window.warnings == []
    assert window.problem_list.count() == 0
    assert "No problems" in window.problem_title.text()


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen
def test_at_a_slower_chosen_rate_the_overlap_is_a_warning_that_leads_to_the_cue(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _editor(qtbot, tmp_path, 100)
    window.show()
    qtbot.waitExposed(window)
    assert window.problems == []  # still runnable: nothing to save as a draft
    assert not window.draft_action.isVisible()
    assert window.problem_list.count() == 1
    item = window.problem_list.item(0)
    assert item is not None
    assert ': warning: phase 1 "Warm up", cue 2: the cue at 0:16 starts while the one at 0:10' in (
        item.text()
    )
    assert "1 warning" in window.problem_title.text()
    assert window.problem_list.isVisible()
    window.select(Loc(phase=1))
    window.problem_list.itemClicked.emit(item)
    assert window.current == Loc(phase=0)


def test_the_rate_comes_from_the_settings_when_not_given(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings()
    settings.rate = 100
    settings.sync()
    window = _editor(qtbot, tmp_path, None)
    assert len(window.warnings) == 1
    assert "(your chosen rate)" in window.warnings[0].what
