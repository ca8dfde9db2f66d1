"""Every command of the main window, declared once: id, text, icon, keys, tip, handler, and
on which page and in which session state it may be used.

`ACTIONS` is the table; `ActionTable` turns it into QActions on a window, each triggering its
handler on a `Commands` object (the window), and `update(context)` enables each by its rule.
Toolbars, buttons and menus take their QActions from the table by id, so a key, a text or a
rule is changed in one place. Media keys are ordinary shortcuts here: a desktop's MPRIS
bridge, a headset and a keyboard all arrive as the same key events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QWidget

from walktimer.core.engine import State
from walktimer.ui.icons import control_icon

__all__ = [
    "ACTIONS",
    "HELP_ROWS",
    "ActionContext",
    "ActionSpec",
    "ActionTable",
    "Commands",
    "Page",
    "help_rows",
]

Page = Literal["library", "run", "summary"]
Key = str | Qt.Key | QKeyCombination


class Commands(Protocol):
    """What the actions call: the main window's commands."""

    def toggle(self) -> None: ...
    def next_phase(self) -> None: ...
    def previous_phase(self) -> None: ...
    def extend_phase(self) -> None: ...
    def stop_session(self) -> None: ...
    def mute_toggled(self) -> None: ...
    def treadmill_toggled(self) -> None: ...
    def help_toggle(self) -> None: ...
    def escape(self) -> None: ...
    def back_to_library(self) -> None: ...
    def start_selected(self) -> None: ...
    def open_file(self) -> None: ...
    def new_session(self) -> None: ...
    def edit_session(self) -> None: ...
    def show_history(self) -> None: ...
    def show_settings(self) -> None: ...
    def focus_search(self) -> None: ...
    def walk_again(self) -> None: ...
    def quit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ActionContext:
    """What the enabled rules look at: the page shown and the open session."""

    page: Page
    state: State | None = None  # of the open session, None when there is none
    active: bool = False  # a 3-2-1 count or the session is under way
    selected: bool = False  # a session is selected in the library

    @property
    def on_run(self) -> bool:
        return self.page == "run" and self.state is not None

    @property
    def in_session(self) -> bool:
        """Running or paused, on the run page: next, previous and +1 min apply."""
        return self.on_run and self.state in (State.RUNNING, State.PAUSED)


def _always(_context: ActionContext) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    text: str
    icon: str | None
    keys: tuple[Key, ...]
    tip: str
    handler: Callable[[Commands], None]
    enabled: Callable[[ActionContext], bool] = _always
    checkable: bool = False


def _on(page: Page) -> Callable[[ActionContext], bool]:
    return lambda c: c.page == page


def _on_library_selected(c: ActionContext) -> bool:
    return c.page == "library" and c.selected


_K = Qt.Key
_STARTABLE = (State.READY, State.RUNNING, State.PAUSED)

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "toggle", "Start", "play",
        ("Space", _K.Key_MediaTogglePlayPause, _K.Key_MediaPlay, _K.Key_MediaPause),
        "Start, pause or resume; ends a phase that waits for you",
        lambda w: w.toggle(), lambda c: c.on_run and c.state in _STARTABLE,
    ),
    ActionSpec(
        "next", "Next", "next", ("N", "Right", _K.Key_MediaNext), "Next phase",
        lambda w: w.next_phase(), lambda c: c.in_session,
    ),
    ActionSpec(
        "previous", "Previous", "previous", ("P", "Left", _K.Key_MediaPrevious),
        "Previous phase, or restart this one", lambda w: w.previous_phase(),
        lambda c: c.in_session,
    ),
    ActionSpec(
        "extend", "+1 min", "extend",
        ("+", "=", Qt.KeyboardModifier.KeypadModifier | _K.Key_Plus),
        "Add one minute to this phase", lambda w: w.extend_phase(), lambda c: c.in_session,
    ),
    ActionSpec(
        "stop", "Stop", "stop", (_K.Key_MediaStop,), "Stop the session (Esc)",
        lambda w: w.stop_session(), lambda c: c.on_run and c.active,
    ),
    ActionSpec(
        "mute", "Mute", "sound", ("M",), "Mute sound", lambda w: w.mute_toggled(),
        checkable=True,
    ),
    ActionSpec(
        "fullscreen", "Treadmill", "fullscreen", ("F", "F11"),
        "Treadmill mode: full screen, dark, large", lambda w: w.treadmill_toggled(),
        _on("run"), checkable=True,
    ),
    ActionSpec("help", "Keys", "help", ("?", "F1"), "Keyboard shortcuts",
               lambda w: w.help_toggle()),
    ActionSpec("escape", "Back", None, ("Esc",), "Leave full screen or stop",
               lambda w: w.escape()),
    ActionSpec(
        "library", "Library", "library", ("Ctrl+L",), "Back to the session library",
        lambda w: w.back_to_library(), lambda c: c.page != "library",
    ),
    ActionSpec(
        "start", "Start", "play", ("Return", "Enter"), "Start the selected session",
        lambda w: w.start_selected(), _on_library_selected,
    ),
    ActionSpec("open", "Open file…", "open", ("Ctrl+O",), "Open a session file",
               lambda w: w.open_file()),
    ActionSpec("new", "New", "new", ("Ctrl+N",), "Write a new session",
               lambda w: w.new_session(), _on("library")),
    ActionSpec("edit", "Edit", "edit", ("Ctrl+E",), "Edit the session",
               lambda w: w.edit_session(), _on_library_selected),
    ActionSpec("history", "History", "history", ("Ctrl+H",), "Past walks and weekly progress",
               lambda w: w.show_history(), lambda c: c.page in ("library", "summary")),
    ActionSpec("settings", "Settings", "settings", ("Ctrl+,",),
               "Voice, sound and display settings", lambda w: w.show_settings()),
    ActionSpec("search", "Search", None, ("Ctrl+F",), "Search sessions",
               lambda w: w.focus_search(), _on("library")),
    ActionSpec("done", "Done", "back", ("Return", "Enter"), "Back to the library",
               lambda w: w.back_to_library(), _on("summary")),
    ActionSpec("again", "Walk again", "play", ("Ctrl+R",), "Walk this session again",
               lambda w: w.walk_again(), _on("summary")),
    ActionSpec("quit", "Quit", None, ("Ctrl+Q",), "Quit WalkTimer", lambda w: w.quit()),
)  # fmt: skip


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    return [QKeySequence(k) for k in spec.keys]


class ActionTable:
    """The QActions of `specs`, added to `owner` (window-wide shortcuts), by id."""

    def __init__(
        self, owner: QWidget, commands: Commands, specs: Sequence[ActionSpec] = ACTIONS
    ) -> None:
        self.specs = {spec.id: spec for spec in specs}
        self._actions: dict[str, QAction] = {}
        self._colour = QColor()
        for spec in specs:
            self._actions[spec.id] = self._make(owner, commands, spec)

    @staticmethod
    def _make(owner: QWidget, commands: Commands, spec: ActionSpec) -> QAction:
        action = QAction(spec.text, owner)
        action.setObjectName(spec.id)
        action.setData(spec.icon)
        sequences = key_sequences(spec)
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences[:2]]
        shown = [s for s in shown if s]
        action.setToolTip(f"{spec.tip} ({', '.join(shown)})" if shown else spec.tip)
        action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        handler = spec.handler
        if spec.checkable:
            action.toggled.connect(lambda _on: handler(commands))
        else:
            action.triggered.connect(lambda _checked=False: handler(commands))
        owner.addAction(action)
        return action

    def __getitem__(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def __iter__(self) -> Iterator[QAction]:
        return iter(self._actions.values())

    def update(self, context: ActionContext) -> None:
        """Enable each action by its rule."""
        for action_id, action in self._actions.items():
            action.setEnabled(self.specs[action_id].enabled(context))

    def set_icon(self, action_id: str, name: str) -> None:
        action = self._actions[action_id]
        if action.data() != name:
            action.setData(name)
            action.setIcon(control_icon(name, self._colour))

    def retint(self, colour: QColor) -> None:
        """Draw every icon again in `colour` (the palette's text colour changed)."""
        self._colour = QColor(colour)
        for action in self._actions.values():
            name = action.data()
            if isinstance(name, str):
                action.setIcon(control_icon(name, colour))


# How the help overlay writes a key the table names.
_SHOWN_KEYS = {"Right": "→", "Left": "←", "Return": "Enter"}


def _shown(key: Key) -> str | None:
    """A key as the walker reads it; None for media keys (one row says them all)."""
    if not isinstance(key, str):
        return None
    return _SHOWN_KEYS.get(key, key)


def help_rows(specs: Sequence[ActionSpec] = ACTIONS) -> list[tuple[str, str]]:
    """The help overlay's rows, from the table itself so that no key can be left out:
    each action's keys (two at most, as on its tooltip) and its tip, then the media keys."""
    rows: list[tuple[str, str]] = []
    media = False
    for spec in specs:
        keys = [k for k in dict.fromkeys(_shown(k) for k in spec.keys) if k is not None]
        media = media or len(keys) < len(spec.keys)
        if keys:
            rows.append(("  or  ".join(keys[:2]), spec.tip))
    if media:
        rows.append(("Media keys", "Play/pause, next, previous, stop"))
    return rows


# The help overlay's rows (the keys above, as the walker reads them).
HELP_ROWS: tuple[tuple[str, str], ...] = tuple(help_rows())
