"""The editor and the Settings dialog in German and Spanish: no English label, button, group
title, action, tab, tooltip or window title left (the widget tree walked whole)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from walktimer.editing.document import Loc
from walktimer.i18n import LOCALE_DIR
from walktimer.i18n.catalogue import read_po
from walktimer.ui.editor import EditorWindow
from walktimer.ui.settings import Settings
from walktimer.ui.settings_dialog import SettingsDialog

# Whole English words that are no German or Spanish word: one of them in a text is a sign of
# a string left out of the catalogues.
ENGLISH_WORDS = {
    "the", "and", "of", "to", "with", "when", "every", "Save", "Add", "Delete", "Settings",
    "Cancel", "Close", "Edit", "Copy", "Undo", "Redo", "Ready", "Problems", "problem",
    "minutes", "seconds", "sound", "Voice", "Mute", "Speed", "Treadmill", "Use", "Scan",
    "Move", "Duplicate", "Split", "Make", "Source", "New", "Spoken", "Music", "Theme", "Try",
    "None", "Kind", "Repeat", "Reminder", "Reminders", "Sounds", "Description",
    "Instructions", "Duration", "Run", "Open", "Walk", "Step", "Speak", "Choose",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]+")


def _english_msgids(language: str) -> set[str]:
    """The catalogue's English texts whose translation differs from them, without mnemonics."""
    po = (LOCALE_DIR / f"{language}.po").read_text(encoding="utf-8")
    return {
        e.msgid.replace("&", "")
        for e in read_po(po)
        if e.msgid and e.msgid_plural is None and e.msgstr.get(0, e.msgid) != e.msgid
    }


def texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything the widget tree shows or tells: titles, labels, buttons,
    group titles, actions, tabs, tooltips, combo box items and spin box suffixes."""
    for widget in [root, *root.findChildren(QWidget)]:
        name = type(widget).__name__
        yield f"{name} title", widget.windowTitle()
        yield f"{name} tooltip", widget.toolTip()
        yield f"{name} accessible name", widget.accessibleName()
        if isinstance(widget, QLabel):
            yield "label", widget.text()
        if isinstance(widget, QAbstractButton):
            yield "button", widget.text()
        if isinstance(widget, QGroupBox):
            yield "group", widget.title()
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                yield "tab", widget.tabText(i)
        if isinstance(widget, QComboBox) and not widget.isEditable():
            for i in range(widget.count()):
                yield "choice", widget.itemText(i)
        if isinstance(widget, QHeaderView):
            model = widget.model()
            if model is not None:
                for i in range(model.columnCount()):
                    yield "column", str(model.headerData(i, widget.orientation()) or "")
        if isinstance(widget, QSpinBox):
            yield "suffix", widget.suffix()
        if isinstance(widget, QAbstractSpinBox):
            yield "special value", widget.specialValueText()
    for action in root.findChildren(QAction):
        yield "action", action.text()
        yield "action tooltip", action.toolTip()


def english_left(root: QWidget, language: str, allowed: set[str]) -> list[str]:
    msgids = _english_msgids(language)
    found = []
    for where, text in texts(root):
        plain = re.sub(r"<[^>]+>", "", text).replace("&", "").strip()
        if not plain or plain in allowed:
            continue
        words = set(WORD.findall(plain))
        if plain in msgids or words & ENGLISH_WORDS:
            found.append(f"{where}: {text!r}")
    return sorted(set(found))


@pytest.fixture(params=["de", "es"])
def language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LANGUAGE", request.param)
    return str(request.param)


def test_the_settings_dialog_has_no_english_left(
    qtbot: Any, settings: Settings, language: str
) -> None:
    dialog = SettingsDialog(settings, locale="de_DE")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == {"de": "Einstellungen", "es": "Ajustes"}[language]
    assert english_left(dialog, language, set()) == []


def test_the_walk_finds_english(qtbot: Any, settings: Settings) -> None:
    dialog = SettingsDialog(settings, locale="en_US")
    qtbot.addWidget(dialog)
    left = english_left(dialog, "de", set())
    assert "SettingsDialog title: 'Settings'" in left
    assert "group: 'Treadmill'" in left
    assert "button: 'Try the voice'" in left


def test_the_users_voice_setting_chooses_the_language_before_the_locale(
    qtbot: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "de")
    settings.voice = "es"
    dialog = SettingsDialog(settings, locale="de_DE")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Ajustes"
    assert dialog.treadmill.title() == "Cinta"


def test_english_is_as_written(qtbot: Any, settings: Settings, tmp_path: Path) -> None:
    dialog = SettingsDialog(settings, locale="en_US")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Settings"
    assert dialog.treadmill.title() == "Treadmill"
    assert dialog.mute.text() == "Mute all sound"


SCRIPT = """format = 1
name = "Rücken"

[reminders]
every = "90s"
texts = ["Schultern locker."]

[[phase]]
name = "Einlaufen"
kind = "warmup"
duration = "manual"

[[phase.cue]]
at = "1m"
say = "Arme locker."

[[phase]]
name = "Intervalle"
repeat = 2

[[phase.step]]
name = "Zügig"
duration = "2m"

[[phase.step]]
name = "Locker"
duration = "1m"
"""


def _editor(qtbot: Any, tmp_path: Path) -> EditorWindow:
    from test_ui_editor import FakePreviewer, FakePrompts

    path = tmp_path / "ruecken.toml"
    path.write_text(SCRIPT, encoding="utf-8")
    window = EditorWindow(path, prompts=FakePrompts(), previewer=FakePreviewer(), muted=True)
    qtbot.addWidget(window)
    # Every form filled once: the session, a phase with a cue, a block and its step.
    for loc in (Loc(phase=0), Loc(phase=1), Loc(phase=1, step=0), None):
        window.structure.select(loc)
    return window


def test_the_editor_has_no_english_left(qtbot: Any, tmp_path: Path, language: str) -> None:
    window = _editor(qtbot, tmp_path)
    assert window.windowTitle().endswith(
        {"de": "— walktimer-Editor", "es": "— editor de walktimer"}[language]
    )
    assert english_left(window, language, set()) == []
    # The phase list's own words: the session row and the manual phase's length.
    tree = window.structure.tree
    session_row = tree.topLevelItem(0)
    manual_row = tree.topLevelItem(1)
    assert session_row is not None
    assert manual_row is not None
    assert (
        session_row.text(0)
        == {"de": "Einstellungen der Einheit", "es": "Ajustes de la sesión"}[language]
    )
    assert manual_row.text(1) == {"de": "manuell", "es": "manual"}[language]
    assert window.structure.total.text().startswith(
        {"de": "Gesamt mindestens", "es": "Total como mínimo"}[language]
    )


def test_new_phases_are_named_in_the_users_language(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "de")
    window = _editor(qtbot, tmp_path)
    window.add_phase()
    names = [window.doc.get(Loc(phase=i), "name") for i in range(window.doc.count(Loc(), "phase"))]
    assert "Neue Phase" in names


def test_the_walk_finds_english_in_the_editor(qtbot: Any, tmp_path: Path) -> None:
    left = english_left(_editor(qtbot, tmp_path), "de", set())
    assert "action: '&Save'" in left
    assert "tab: 'So&urce'" in left
