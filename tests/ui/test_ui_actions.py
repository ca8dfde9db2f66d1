"""The action table on its own: every declared key reaches its handler, the rules decide."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from walktimer.core.engine import State
from walktimer.ui.actions import ACTIONS, ActionContext, ActionTable, Commands, Page

COMMANDS = sorted(
    name for name in vars(Commands) if not name.startswith("_") and callable(vars(Commands)[name])
)


class Recorder:
    """A Commands that records which command was called."""

    def __init__(self) -> None:
        self.called: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name not in COMMANDS:
            raise AttributeError(name)
        return lambda: self.called.append(name)


@pytest.fixture
def table(qtbot: Any) -> tuple[QWidget, ActionTable, Recorder]:
    owner = QWidget()
    qtbot.addWidget(owner)
    recorder = Recorder()
    table = ActionTable(owner, recorder)  # type: ignore[arg-type]
    owner.resize(200, 100)
    owner.show()
    qtbot.waitExposed(owner)
    owner.activateWindow()
    qtbot.waitUntil(owner.isActiveWindow)
    return owner, table, recorder


def press(widget: QWidget, sequence: QKeySequence) -> None:
    """Press a sequence's key as the keyboard would send it (media keys have no text)."""
    combination = sequence[0]
    key, modifiers = combination.key(), combination.keyboardModifiers()
    text = QKeySequence(key).toString() if len(QKeySequence(key).toString()) == 1 else ""
    for kind in (QTest.KeyAction.Press, QTest.KeyAction.Release):
        QTest.sendKeyEvent(kind, widget, key, text, modifiers)


def test_every_declared_key_reaches_its_handler(
    table: tuple[QWidget, ActionTable, Recorder],
) -> None:
    owner, actions, recorder = table
    handled = {}
    for spec in ACTIONS:
        for action in actions:
            action.setEnabled(action.objectName() == spec.id)
        for sequence in (QKeySequence(k) for k in spec.keys):
            recorder.called.clear()
            press(owner, sequence)
            handled[(spec.id, sequence.toString())] = list(recorder.called)
    # Each key of each action calls exactly that action's command, once.
    expected = {}
    for spec in ACTIONS:
        recorder.called.clear()
        spec.handler(recorder)  # type: ignore[arg-type]
        for k in spec.keys:
            expected[(spec.id, QKeySequence(k).toString())] = list(recorder.called)
    assert handled == expected
    assert all(len(called) == 1 for called in expected.values())


def test_every_command_has_an_action_and_ids_are_unique() -> None:
    recorder = Recorder()
    for spec in ACTIONS:
        spec.handler(recorder)  # type: ignore[arg-type]
    assert sorted(set(recorder.called)) == COMMANDS
    assert len({spec.id for spec in ACTIONS}) == len(ACTIONS)


PAGES: tuple[Page, ...] = ("library", "run", "summary")
STATES = (None, *State)


def contexts() -> list[ActionContext]:
    return [
        ActionContext(page, state, active, selected)
        for page, state, active, selected in itertools.product(
            PAGES, STATES, (False, True), (False, True)
        )
        if state is not None or not active
    ]


def test_no_key_means_two_things_at_once() -> None:
    """Return starts a session in the library and closes the summary: never both enabled."""
    for context in contexts():
        owners: dict[str, str] = {}
        for spec in ACTIONS:
            if not spec.enabled(context):
                continue
            for key in spec.keys:
                text = QKeySequence(key).toString()
                assert text not in owners, (context, text, owners.get(text), spec.id)
                owners[text] = spec.id


def enabled(context: ActionContext) -> set[str]:
    return {spec.id for spec in ACTIONS if spec.enabled(context)}


ALWAYS = {"mute", "help", "escape", "open", "settings", "quit"}


def test_the_rules_follow_the_page_and_the_session() -> None:
    assert enabled(ActionContext("library")) == ALWAYS | {"new", "history", "search"}
    assert enabled(ActionContext("library", selected=True)) == ALWAYS | {
        "new", "history", "search", "start", "edit",
    }  # fmt: skip
    assert enabled(ActionContext("run", State.READY)) == ALWAYS | {
        "toggle", "fullscreen", "library",
    }  # fmt: skip
    assert enabled(ActionContext("run", State.RUNNING, active=True)) == ALWAYS | {
        "toggle", "next", "previous", "extend", "stop", "fullscreen", "library",
    }  # fmt: skip
    assert enabled(ActionContext("run", State.FINISHED)) == ALWAYS | {"fullscreen", "library"}
    assert enabled(ActionContext("summary", State.FINISHED)) == ALWAYS | {
        "library", "done", "again", "history",
    }  # fmt: skip


def test_update_enables_the_qactions_by_the_rules(
    table: tuple[QWidget, ActionTable, Recorder],
) -> None:
    _owner, actions, _recorder = table
    for context in (ActionContext("library", selected=True), ActionContext("run", State.PAUSED)):
        actions.update(context)
        assert {a.objectName() for a in actions if a.isEnabled()} == enabled(context)


def test_tooltips_name_the_first_two_keys(table: tuple[QWidget, ActionTable, Recorder]) -> None:
    _owner, actions, _recorder = table
    assert actions["next"].toolTip() == "Next phase (N, Right)"
    assert actions["stop"].toolTip().startswith("Stop the session (Esc) (")
    assert actions["mute"].isCheckable()
    assert actions["fullscreen"].isCheckable()
