"""The editor's real questions map each button to its answer (the dialog is answered by a
stand-in for exec, so nothing blocks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from walktimer.ui.editor.support import QtPrompts

PROMPTS = QtPrompts()
FILE = Path("walk.toml")
CASES: list[tuple[str, Callable[[], str], str]] = [
    ("Save", lambda: PROMPTS.unsaved_changes(None, "Walk", False), "save"),
    ("Save anyway (draft)", lambda: PROMPTS.unsaved_changes(None, "Walk", True), "save"),
    ("Don't save", lambda: PROMPTS.unsaved_changes(None, "Walk", False), "discard"),
    ("Cancel", lambda: PROMPTS.unsaved_changes(None, "Walk", False), "cancel"),
    ("Reload", lambda: PROMPTS.external_change(None, FILE), "reload"),
    ("Overwrite", lambda: PROMPTS.external_change(None, FILE), "overwrite"),
    ("Save As…", lambda: PROMPTS.external_change(None, FILE), "save_as"),
    ("Cancel", lambda: PROMPTS.external_change(None, FILE), "cancel"),
    ("Save", lambda: PROMPTS.file_deleted(None, FILE), "save"),
    ("Close", lambda: PROMPTS.file_deleted(None, FILE), "close"),
    ("Cancel", lambda: PROMPTS.file_deleted(None, FILE), "cancel"),
]


@pytest.mark.parametrize(("label", "ask", "answer"), CASES)
def test_each_button_gives_its_answer(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, label: str, ask: Callable[[], str], answer: str
) -> None:
    seen: list[list[str]] = []

    def click(box: QMessageBox) -> int:
        texts = [b.text().replace("&", "") for b in box.buttons()]
        seen.append(texts)
        box.buttons()[texts.index(label)].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    assert ask() == answer
    assert "Cancel" in seen[0]
