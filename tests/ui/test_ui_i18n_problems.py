"""The editor's problem list and its duration hint in the user's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from walktimer.i18n import phrases
from walktimer.ui.editor import EditorWindow
from walktimer.ui.editor.forms import duration_hint

BROKEN = """format = 1
name = "Rücken"
colour = "red"

[[phase]]
name = "Gehen"
duration = "5x"
"""


def _editor(qtbot: Any, tmp_path: Path, text: str) -> EditorWindow:
    from test_ui_editor import FakePreviewer, FakePrompts

    path = tmp_path / "ruecken.toml"
    path.write_text(text, encoding="utf-8")
    window = EditorWindow(path, prompts=FakePrompts(), previewer=FakePreviewer(), muted=True)
    qtbot.addWidget(window)
    window.validate()
    return window


def _lines(window: EditorWindow) -> list[str]:
    items = (window.problem_list.item(row) for row in range(window.problem_list.count()))
    return [item.text() for item in items if item is not None]


def test_the_editor_lists_a_scripts_problems_in_german(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "de")
    lines = _lines(_editor(qtbot, tmp_path, BROKEN))
    assert len(lines) == 2
    assert 'unbekannter Schlüssel "colour"' in lines[0]
    assert 'Phase 1 "Gehen": duration: erwartet wird eine Dauer wie 90' in lines[1]


def test_the_editor_marks_a_syntax_error_in_spanish(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "es")
    window = _editor(qtbot, tmp_path, "format = 1\nname = walk\n")
    assert window.problems_have_syntax()
    assert [p.where for p in window.problems] == ["sintaxis TOML"]
    assert "los valores de texto necesitan comillas" in _lines(window)[0]


def test_a_duration_fields_hint_says_what_is_wrong_in_the_phrases_given() -> None:
    assert duration_hint("5x", phrases("de")).startswith("erwartet wird eine Dauer wie 90")
    assert duration_hint("90s", phrases("es")) == "= 1:30"
    assert duration_hint("5x", phrases("en")).startswith("expected a duration like 90")
