"""The main window: library, run view and summary pages, every action and its shortcuts.

Nothing here keeps time. A SessionHost drives the engine; this window turns key presses and
clicks into host commands and redraws from the engine's View when the host says so. Every
question to the user goes through a Dialogs port, so tests answer without blocking.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from walktimer import paths, resources
from walktimer.core.clock import Clock, SystemClock
from walktimer.core.engine import Engine, EngineError, Fired, RunRecord, State
from walktimer.core.loader import load_path
from walktimer.core.plan import Plan, build_plan
from walktimer.core.ports import CueSink
from walktimer.core.problems import SessionError
from walktimer.core.script import Session, Voice
from walktimer.desktop.mpris import Controls
from walktimer.ui.banner import Banner
from walktimer.ui.dialogs import Dialogs, QtDialogs
from walktimer.ui.host import GET_READY_SECONDS, SessionHost
from walktimer.ui.icons import app_icon, control_icon
from walktimer.ui.inhibit import Inhibitor, ScreenSaverInhibitor
from walktimer.ui.media_keys import MediaKeys, MediaKeysPort
from walktimer.ui.prepare import DeferredSink, PrepareThread
from walktimer.ui.runview import RunView
from walktimer.ui.settings import Ducking, Settings
from walktimer.ui.theme import apply_theme, colours_for, is_dark

if TYPE_CHECKING:
    from walktimer.ui.help_overlay import HelpOverlay
    from walktimer.ui.library import LibraryView
    from walktimer.ui.summary import SummaryView

__all__ = ["MainWindow", "SinkFactory"]

log = logging.getLogger(__name__)

SESSION_SUFFIXES = (".toml", ".zwo")
EXTEND_SECONDS = 60
SAFETY_TEXT = (
    "<b>Before you start:</b> check with your doctor or physiotherapist that walking "
    "sessions like these suit you. Stop at once if you feel dizzy, off balance or in pain."
)


class SinkFactory(Protocol):
    """walktimer.audio.build_sink, or a fake in tests."""

    def __call__(self, session: Session, *, mute: bool, verbosity: Any) -> CueSink: ...


@dataclass(slots=True)
class _Run:
    """The session open in the run view."""

    session: Session
    plan: Plan
    path: Path | None
    host: SessionHost
    sink: DeferredSink
    prepare: PrepareThread | None = None
    prepared: bool = False
    start_when_prepared: bool = False
    start_at: int = 0


class MainWindow(QMainWindow):
    """walktimer's one window.

    Signals others connect to:
    - `session_started(host, plan, path)`: a session's host exists and its 3-2-1 count began
      (or it was restored); connect to `host.refreshed` / `host.state_changed` to follow it.
    - `session_finished(record, plan, path)`: a RunRecord once the session finished or was
      stopped (`record.ended` says which); `path` is the script file, None if there is none.
    """

    session_started = Signal(object, object, object)  # SessionHost, Plan, Path | None
    session_finished = Signal(object, object, object)  # RunRecord, Plan, Path | None
    session_opened = Signal(object, object)  # Plan, Path | None

    def __init__(
        self,
        settings: Settings,
        *,
        dialogs: Dialogs | None = None,
        clock: Clock | None = None,
        sink_factory: SinkFactory | None = None,
        inhibitor: Inhibitor | None = None,
        get_ready: int = GET_READY_SECONDS,
        app: QApplication | None = None,
        open_library: bool = True,
        list_voices: Callable[[], list[tuple[str, str]]] | None = None,
        media_keys: MediaKeysPort | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.media_keys: MediaKeysPort = media_keys if media_keys is not None else MediaKeys(self)
        self.dialogs: Dialogs = dialogs if dialogs is not None else QtDialogs()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.sink_factory: SinkFactory = (
            sink_factory if sink_factory is not None else self._sounding_sink
        )
        self.inhibitor: Inhibitor = inhibitor if inhibitor is not None else ScreenSaverInhibitor()
        self.get_ready = get_ready
        self._app = app
        self.run: _Run | None = None
        self._inhibited = False
        self._inhibit_noted = False
        self._library_loaded = False
        self._was_maximized = False
        self._retired: set[PrepareThread] = set()
        self._editors: list[QWidget] = []
        self._history: QWidget | None = None
        self._dark = False
        self._pending_notices: list[str] = []
        self._painted = False
        self._previewer: Any = None
        self._voices: list[tuple[str, str]] | None = None  # listed once, on first need
        self.list_voices = list_voices if list_voices is not None else _voice_list
        self._after_paint: list[Callable[[], None]] = []

        self.setWindowTitle("WalkTimer")
        self.setWindowIcon(app_icon())
        self.setAccessibleName("WalkTimer")
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(640, 480))

        self._apply_theme()  # before any widget exists: no re-polishing them all
        self.stack = QStackedWidget()
        self._library: LibraryView | None = None
        self._summary: SummaryView | None = None
        self._help: HelpOverlay | None = None
        self.run_view = RunView()
        self.run_view.jump_requested.connect(self._jump_requested)
        self.run_view.cancel_prepare.connect(self.back_to_library)
        self.stack.addWidget(self.run_view)
        self.setCentralWidget(self.stack)
        self.run_view.installEventFilter(self)

        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self.toolbar = self._build_toolbar()
        self.apply_settings()
        self._restore_geometry()
        if open_library:
            self.show_library()

    # The library, the summary and the help overlay are built when first needed, so a
    # session opened from the command line shows without waiting for them.

    @property
    def library(self) -> LibraryView:
        if self._library is None:
            from walktimer.ui.library import LibraryView

            library = LibraryView()
            library.activated.connect(lambda path: self.open_session(path, start=True))
            library.selection_changed.connect(self._update_actions)
            self._library = library
            self.stack.addWidget(library)
            if not self._painted:
                library.installEventFilter(self)
            self._build_library_buttons()
            self._safety_banner()
        return self._library

    @property
    def summary(self) -> SummaryView:
        if self._summary is None:
            from walktimer.ui.summary import SummaryView

            self._summary = SummaryView()
            self.stack.addWidget(self._summary)
            self._build_summary_buttons()
        return self._summary

    @property
    def help(self) -> HelpOverlay:
        if self._help is None:
            from walktimer.ui.help_overlay import HelpOverlay

            self._help = HelpOverlay(self.stack, self._help_rows())
        return self._help

    def _selected_path(self) -> Path | None:
        return self._library.selected_path() if self._library is not None else None

    # ------------------------------------------------------------------ actions

    def _action(
        self,
        name: str,
        text: str,
        icon: str | None,
        keys: list[QKeySequence | str],
        slot: Callable[[], None],
        what: str,
        *,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setData(icon)
        sequences = [k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys]
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences[:2]]
        shown = [s for s in shown if s]
        action.setToolTip(f"{what} ({', '.join(shown)})" if shown else what)
        action.setStatusTip(what)
        action.setCheckable(checkable)
        if checkable:
            action.toggled.connect(lambda _on: slot())
        else:
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        key = Qt.Key
        media = QKeySequence
        self._action(
            "toggle", "Start", "play",
            ["Space", media(key.Key_MediaTogglePlayPause), media(key.Key_MediaPlay),
             media(key.Key_MediaPause)],
            self.toggle, "Start, pause or resume; ends a phase that waits for you",
        )  # fmt: skip
        self._action(
            "next", "Next", "next", ["N", "Right", media(key.Key_MediaNext)],
            self.next_phase, "Next phase",
        )  # fmt: skip
        self._action(
            "previous", "Previous", "previous", ["P", "Left", media(key.Key_MediaPrevious)],
            self.previous_phase, "Previous phase, or restart this one",
        )  # fmt: skip
        self._action(
            "extend", "+1 min", "extend",
            ["+", "=", QKeySequence(Qt.KeyboardModifier.KeypadModifier | key.Key_Plus)],
            self.extend_phase, "Add one minute to this phase",
        )  # fmt: skip
        self._action(
            "stop", "Stop", "stop", [media(key.Key_MediaStop)], self.stop_session,
            "Stop the session (Esc)",
        )  # fmt: skip
        self._action(
            "mute", "Mute", "sound", ["M"], self._mute_toggled, "Mute sound", checkable=True
        )
        self._action(
            "fullscreen", "Treadmill", "fullscreen", ["F", "F11"], self._fullscreen_toggled,
            "Treadmill mode: full screen, dark, large", checkable=True,
        )  # fmt: skip
        self._action("help", "Keys", "help", ["?", "F1"], self.help_toggle, "Keyboard shortcuts")
        self._action("escape", "Back", None, ["Esc"], self.escape, "Leave full screen or stop")
        self._action(
            "library", "Library", "library", ["Ctrl+L"], self.back_to_library,
            "Back to the session library",
        )  # fmt: skip
        self._action(
            "start", "Start", "play", ["Return", "Enter"], self.start_selected,
            "Start the selected session",
        )  # fmt: skip
        self._action(
            "open", "Open file…", "open", ["Ctrl+O"], self.open_file, "Open a session file"
        )
        self._action("new", "New", "new", ["Ctrl+N"], self.new_session, "Write a new session")
        self._action("edit", "Edit", "edit", ["Ctrl+E"], self.edit_session, "Edit the session")
        self._action("history", "History", "history", ["Ctrl+H"], self.show_history, "Past walks")
        self._action(
            "settings", "Settings", "settings", ["Ctrl+,"], self.show_settings,
            "Voice, sound and display settings",
        )  # fmt: skip
        self._action("search", "Search", None, ["Ctrl+F"], self._focus_search, "Search sessions")
        self._action("done", "Done", "back", ["Return", "Enter"], self.back_to_library,
                     "Back to the library")  # fmt: skip
        self._action("again", "Walk again", "play", ["Ctrl+R"], self.walk_again,
                     "Walk this session again")  # fmt: skip
        self._action("quit", "Quit", None, ["Ctrl+Q"], self._quit, "Quit WalkTimer")

    def _quit(self) -> None:
        self.close()

    def action(self, name: str) -> QAction:
        return self.actions_by_name[name]

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("Controls")
        bar.setObjectName("controls")
        bar.setAccessibleName("Session controls")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setIconSize(QSize(36, 36))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        names = [
            "library", None, "previous", "toggle", "next", "extend", "stop", None,
            "mute", "fullscreen", None, "settings", "help",
        ]  # fmt: skip
        for name in names:
            if name is None:
                bar.addSeparator()
                continue
            action = self.action(name)
            bar.addAction(action)
            widget = bar.widgetForAction(action)
            if widget is not None:
                widget.setAccessibleName(action.text())
                widget.setAccessibleDescription(action.toolTip())
                widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        if extension is not None:
            extension.setAccessibleName("More controls")
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)
        return bar

    def _button(self, name: str, primary: bool = False) -> QToolButton:
        action = self.action(name)
        button = QToolButton()
        button.setDefaultAction(action)
        button.setAccessibleName(action.text())
        button.setAccessibleDescription(action.toolTip())
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setIconSize(QSize(28, 28) if primary else QSize(22, 22))
        button.setMinimumHeight(44)
        if primary:
            font = button.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.25)
            button.setFont(font)
            button.setMinimumWidth(140)
        return button

    def _build_library_buttons(self) -> None:
        self.library.add_button(self._button("start", primary=True))
        for name in ("edit", "new", "open"):
            button = self._button(name)
            if name == "new":
                self._add_new_menu(button)
            self.library.add_button(button)
        self.library.add_button_stretch()
        for name in ("history", "settings", "help"):
            self.library.add_button(self._button(name))

    def _add_new_menu(self, button: QToolButton) -> None:
        """New in the library: a blank session, or a copy of a bundled one to start from."""
        menu = QMenu(button)
        menu.setAccessibleName("New session")
        menu.aboutToShow.connect(lambda: self._fill_new_menu(menu))
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolTip("Write a new session: blank, or from a bundled session")
        self.new_menu = menu

    def _fill_new_menu(self, menu: QMenu) -> None:
        menu.clear()
        blank = menu.addAction("Blank session\tCtrl+N")
        blank.triggered.connect(lambda _checked=False: self.new_session())
        menu.addSection("From a bundled session")
        names = {entry.path: entry.name for entry in self.library.entries()}
        for path in resources.bundled_sessions():
            item = menu.addAction(names.get(path, path.stem))
            item.setToolTip(f"A copy of {path.name} to change and save as your own")
            item.triggered.connect(lambda _checked=False, p=path: self.new_from_template(p))

    def _build_summary_buttons(self) -> None:
        row = QWidget()
        layout = QVBoxLayout(row)
        layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        for name in ("done", "again"):
            button = QPushButton(self.action(name).text())
            button.setAccessibleName(self.action(name).text())
            button.setToolTip(self.action(name).toolTip())
            button.setMinimumSize(QSize(260, 52))
            font = button.font()
            font.setPointSizeF(font.pointSizeF() * 1.6)
            button.setFont(font)
            button.clicked.connect(self.action(name).trigger)
            layout.addWidget(button)
        self.summary.buttons.addWidget(row)

    def _help_rows(self) -> list[tuple[str, str]]:
        return [
            ("Space", "Start · pause · resume; done with a manual phase"),
            ("N  or  →", "Next phase"),
            ("P  or  ←", "Previous phase (restarts this one after 3 s)"),
            ("+", "Add one minute to this phase"),
            ("M", "Mute or unmute"),
            ("F  or  F11", "Treadmill mode (full screen)"),
            ("Esc", "Leave full screen, or stop the session"),
            ("Media keys", "Play/pause, next, previous"),
            ("Enter", "Start the selected session (library)"),
            ("Ctrl+O", "Open a session file (or drop one on the window)"),
            ("Ctrl+,", "Settings"),
            ("?  or  F1", "This help"),
        ]

    # Which actions apply where.

    def page(self) -> str:
        widget = self.stack.currentWidget()
        if widget is self.run_view:
            return "run"
        if widget is not None and widget is self._summary:
            return "summary"
        return "library"

    def _update_actions(self) -> None:
        page = self.page()
        run = self.run
        on_run = page == "run" and run is not None
        state = run.host.state() if run is not None else None
        active = run is not None and run.host.active
        enable = {
            "toggle": on_run and state in (State.READY, State.RUNNING, State.PAUSED),
            "next": on_run and state in (State.RUNNING, State.PAUSED),
            "previous": on_run and state in (State.RUNNING, State.PAUSED),
            "extend": on_run and state in (State.RUNNING, State.PAUSED),
            "stop": on_run and active,
            "fullscreen": page == "run",
            "library": page != "library",
            "start": page == "library" and self._selected_path() is not None,
            "edit": page == "library" and self._selected_path() is not None,
            "new": page == "library",
            "history": page == "library",
            "search": page == "library",
            "done": page == "summary",
            "again": page == "summary",
        }
        for name, on in enable.items():
            self.action(name).setEnabled(bool(on))
        toggle = self.action("toggle")
        if run is not None and state is State.RUNNING and not run.host.view().waiting:
            toggle.setText("Pause")
            self._set_icon(toggle, "pause")
        elif run is not None and run.host.view().waiting:
            toggle.setText("Done")
            self._set_icon(toggle, "next")
        elif state is State.PAUSED:
            toggle.setText("Resume")
            self._set_icon(toggle, "play")
        else:
            toggle.setText("Start")
            self._set_icon(toggle, "play")
        widget = self.toolbar.widgetForAction(toggle)
        if widget is not None:
            widget.setAccessibleName(toggle.text())

    def _set_icon(self, action: QAction, name: str) -> None:
        if action.data() != name:
            action.setData(name)
            action.setIcon(control_icon(name, self.palette().windowText().color()))

    def _retint_icons(self) -> None:
        colour = self.palette().windowText().color()
        for action in self.actions_by_name.values():
            name = action.data()
            if isinstance(name, str):
                action.setIcon(control_icon(name, colour))

    # ------------------------------------------------------------------ settings

    def _apply_theme(self) -> None:
        app = self._app or QApplication.instance()
        if isinstance(app, QApplication):
            self._dark = apply_theme(app, self.settings.theme, self.settings.font_scale)
        else:
            self._dark = is_dark(self.settings.theme)
        self.setPalette(QApplication.palette())

    def apply_settings(self, *, theme: bool = False) -> None:
        """Theme, font scale and mute from the settings (after the dialog, and at start)."""
        if theme:
            self._apply_theme()
        self.run_view.set_colours(colours_for(self._dark))
        self.run_view.set_font_scale(self.settings.font_scale)
        self._retint_icons()
        mute = self.action("mute")
        mute.blockSignals(True)
        mute.setChecked(self.settings.mute)
        mute.blockSignals(False)
        self._show_mute(self.settings.mute)

    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1280, 800)

    def _safety_banner(self) -> None:
        if self.settings.safety_acknowledged:
            return
        banner = Banner("safety_note", SAFETY_TEXT)
        banner.add_action("Don't show again", self._acknowledge_safety)
        banner.add_action("Close")
        self.library.add_banner(banner)
        self.safety = banner

    def _acknowledge_safety(self) -> None:
        self.settings.safety_acknowledged = True
        self.settings.sync()

    def offer_resume(
        self, text: str, resume: Callable[[], None], discard: Callable[[], None]
    ) -> Banner:
        """Show "an unfinished session can be resumed" across the top of the library, with
        Resume and Discard buttons that call back (and close the banner)."""
        banner = Banner("resume_offer", text)
        banner.add_action("&Resume", resume)
        banner.add_action("&Discard", discard)
        self.library.add_banner(banner)
        return banner

    def show_settings(self) -> None:
        from walktimer.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self.settings, self, voices=self._voice_list_once, preview=self._preview
        )
        if dialog.exec():
            self.apply_settings(theme=True)
            self._set_run_muted(self.settings.mute)

    def _voice_list_once(self) -> list[tuple[str, str]]:
        """The voices, asked of the speech engine the first time only: listing them starts
        a speech worker process, which opening the settings again should not repeat."""
        if self._voices is None:
            self._voices = self.list_voices()  # on the dialog's loader thread
        return self._voices

    def _preview(self, text: str, voice: str | None, rate: int, volume: float) -> None:
        """The settings dialog's "Try the voice": said at once, without blocking."""
        if self._previewer is None:
            from walktimer.audio.preview import Previewer

            self._previewer = Previewer()
        self._previewer.preview(text, voice=voice, rate=rate, volume=volume)

    # ------------------------------------------------------------------ pages

    def show_library(self) -> None:
        self._leave_fullscreen()
        if not self._library_loaded:
            # Read the session files once the window is up: opening a file from the command
            # line should not wait for the whole library to load.
            self._library_loaded = True
            QTimer.singleShot(0, self._load_library_if_shown)
        self.stack.setCurrentWidget(self.library)
        self.toolbar.hide()
        self.setWindowTitle("WalkTimer")
        self.library.tree.setFocus()
        self._update_actions()

    def _load_library_if_shown(self) -> None:
        if self.page() == "library":
            self.refresh_library()
        else:
            self._library_loaded = False

    def refresh_library(self) -> None:
        from walktimer.ui.library import scan_library

        self._library_loaded = True
        self.library.set_entries(scan_library(self.settings.recent_files()))

    def _show_run_page(self) -> None:
        self.stack.setCurrentWidget(self.run_view)
        self.toolbar.setVisible(not self.isFullScreen())
        self.run_view.setFocus()
        self._update_actions()

    def _show_summary(self, record: RunRecord) -> None:
        self._leave_fullscreen()
        self.summary.show_record(record)
        self.stack.setCurrentWidget(self.summary)
        self.toolbar.hide()
        self._update_actions()

    # ------------------------------------------------------------------ opening

    def load(self, path: Path) -> Session | None:
        """Load a script (or import a .zwo); on problems show them all in one dialog."""
        try:
            return load_path(path)
        except SessionError as error:
            lines = [str(p) for p in error.problems] or [str(error)]
            count = len(lines)
            self.dialogs.problems(
                self,
                "This session cannot be used",
                f"{path.name} has {count} problem{'s' if count != 1 else ''}. Fix "
                f"{'them' if count != 1 else 'it'} in a text editor (or with Edit), then open "
                "it again.",
                lines,
            )
            return None

    def _import_zwo(self, path: Path) -> Path | None:
        """Convert a Zwift workout into a script in the user's sessions folder; its path."""
        try:
            zwo = importlib.import_module("walktimer.importing.zwo")
        except ImportError:
            self.dialogs.inform(
                self,
                "Cannot import",
                "This version of WalkTimer cannot import Zwift workouts (.zwo).",
            )
            return None
        try:
            result = zwo.import_zwo_file(path)
        except zwo.ZwoError as error:
            self.dialogs.inform(self, "Cannot import this workout", str(error))
            return None
        folder = paths.user_sessions_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, str(result.suggested_name))
        _write_atomically(target, str(result.toml_text))
        self._pending_notices = [
            f"Imported {path.name} as {target.name} in your sessions folder.",
            *[str(w) for w in result.warnings],
        ]
        self._library_loaded = False
        return target

    def open_session(self, path: Path, *, start: bool = False) -> bool:
        """Open a script in the run view. `start`: begin the 3-2-1 count as soon as the
        spoken cues are ready (Enter in the library); otherwise wait for Space."""
        path = Path(path)
        if not self._confirm_leave_session():
            return False
        if path.suffix.lower() == ".zwo":
            imported = self._import_zwo(path)
            if imported is None:
                return False
            path = imported
        session = self.load(path)
        if session is None:
            self._forget_recent_if_gone(path)
            return False
        if not resources.is_bundled(path):
            self.settings.add_recent(path)
            self.settings.sync()
            self._library_loaded = False
        self._open_plan(session, build_plan(session), path, None, start=start)
        return True

    def open_restored(
        self,
        path: Path,
        phase_index: int,
        phase_elapsed: float,
        record_so_far: RunRecord | None = None,
        session_elapsed: float | None = None,
    ) -> bool:
        """Open a script paused where an interrupted run left off (Space resumes)."""
        if not self._confirm_leave_session():
            return False
        session = self.load(Path(path))
        if session is None:
            return False
        plan = build_plan(session)
        try:
            engine = Engine.restore(
                plan, self.clock, phase_index, phase_elapsed, record_so_far,
                session_elapsed=session_elapsed,
            )  # fmt: skip
        except EngineError as error:
            self.dialogs.inform(self, "Cannot resume", str(error)[:1].upper() + str(error)[1:])
            return False
        self._open_plan(session, plan, Path(path), engine, start=False)
        return True

    def _sounding_sink(self, session: Session, *, mute: bool, verbosity: Any) -> CueSink:
        """walktimer.audio's sink, with other players ducked as the settings say."""
        from walktimer.audio.sink import build_sink
        from walktimer.desktop.ducking import Ducker

        mode = self.settings.ducking
        ducking = (
            None if mode is Ducking.OFF else Ducker("pause" if mode is Ducking.PAUSE else "lower")
        )
        return build_sink(session, mute=mute, verbosity=verbosity, ducking=ducking,
                          duck_tones=self.settings.duck_tones)  # fmt: skip

    def _media_controls(self) -> Controls:
        """What media keys and headset buttons do: what Space, N, P and Stop do."""

        def play(wanted: State) -> Callable[[], None]:
            def toggle_if() -> None:
                if self.run is not None and self.run.host.state() is wanted:
                    self.toggle()

            return toggle_if

        def raise_window() -> None:
            if self.isMinimized():
                self.showNormal()
            self.raise_()
            self.activateWindow()

        return Controls(
            play_pause=self.toggle, play=play(State.PAUSED), pause=play(State.RUNNING),
            next=self.next_phase, previous=self.previous_phase, stop=self.stop_session,
            raise_window=raise_window,
        )  # fmt: skip

    def _forget_recent_if_gone(self, path: Path) -> None:
        if not path.exists() and path.resolve() in self.settings.recent_files():
            self.settings.remove_recent(path)
            self._library_loaded = False

    def _sink_session(self, session: Session) -> Session:
        """The session as the sink should voice it: the user's voice settings override."""
        s = self.settings
        voice = session.voice
        new = Voice(
            rate=s.rate if s.rate >= 80 else voice.rate,
            volume=max(0.0, min(1.0, voice.volume * s.volume)),
            voice=s.voice or voice.voice,
        )
        return session if new == voice else replace(session, voice=new)

    def _open_plan(
        self, session: Session, plan: Plan, path: Path | None, engine: Engine | None,
        *, start: bool,
    ) -> None:  # fmt: skip
        self._close_run()
        # Always a sounding sink: muting is done here, so M can unmute mid-session. It is
        # built on the prepare thread once the run view is on screen.
        voiced = self._sink_session(session)
        verbosity = str(self.settings.verbosity)
        factory = self.sink_factory
        sink = DeferredSink(lambda: factory(voiced, mute=False, verbosity=verbosity))
        engine = engine if engine is not None else Engine(plan, self.clock)
        host = SessionHost(engine, self.clock, sink, get_ready=self.get_ready, parent=self)
        host.set_muted(self.settings.mute)
        run = _Run(session, plan, path, host, sink, start_when_prepared=start)
        self.run = run
        host.refreshed.connect(self._refresh_run)
        host.fired.connect(self._on_fired)
        host.state_changed.connect(lambda _state: self._update_actions())
        host.phase_changed.connect(lambda _index: self._update_actions())
        host.refused.connect(self.run_view.show_refusal)
        host.finished.connect(self._on_finished)
        self.run_view.set_plan(plan)
        for notice in self._pending_notices:
            self.run_view.add_notice(notice)
        self._pending_notices = []
        media_problem = self.media_keys.open(self._media_controls())
        if media_problem is not None:
            self.run_view.add_notice(media_problem)
        name = plan.session.name
        host.refreshed.connect(lambda: self.media_keys.publish(name, host.view()))
        self.setWindowTitle(f"{plan.session.name} — WalkTimer")
        self._show_run_page()
        self.session_opened.emit(plan, path)
        self.after_first_paint(lambda: self._prepare(run))
        host.refresh()

    def after_first_paint(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the window has painted its first frame (at once after that):
        for work the first frame need not wait for."""
        if self._painted:
            QTimer.singleShot(0, callback)
        else:
            self._after_paint.append(callback)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            for page in (self._library, self.run_view):
                if page is not None:
                    page.removeEventFilter(self)
            callbacks, self._after_paint = self._after_paint, []
            for callback in callbacks:
                QTimer.singleShot(0, callback)
        return False

    def _prepare(self, run: _Run) -> None:
        if self.run is not run:
            return  # closed before it got going
        if run.host.muted:
            # Nothing is heard, so nothing is rendered and no speech worker starts; unmuting
            # prepares the sound in the background while the session goes on.
            self._ready_to_start(run)
            return
        self._start_prepare(run)

    def _start_prepare(self, run: _Run) -> None:
        thread = PrepareThread(run.sink, run.plan)
        run.prepare = thread
        thread.progress.connect(self._on_prepare_progress)
        thread.prepared.connect(self._on_prepared)
        # Warm caches finish at once: only show the bar if it takes a moment.
        QTimer.singleShot(250, self._show_prepare_panel)
        thread.start()

    def _show_prepare_panel(self) -> None:
        run = self.run
        if run is not None and not run.prepared and run.prepare is not None:
            self.run_view.set_preparing(0, 0)

    def _on_prepare_progress(self, done: int, total: int) -> None:
        run = self.run
        if run is not None and self.sender() is run.prepare and total and not run.prepared:
            self.run_view.set_preparing(done, total)

    def _on_prepared(self, error: str) -> None:
        run = self.run
        thread = self.sender()
        if run is None or thread is not run.prepare:
            return
        run.prepare = None
        if isinstance(thread, PrepareThread):
            thread.wait()
            thread.deleteLater()
        self.run_view.prepared()
        if error:
            self.run_view.add_notice(error)
        self._collect_notices()
        self._ready_to_start(run)

    def _ready_to_start(self, run: _Run) -> None:
        """The sound is ready (or not wanted: muted): Space may start the session."""
        if run.prepared:
            return  # sound prepared after unmuting, with the session already going
        run.prepared = True
        if run.start_when_prepared:
            run.start_when_prepared = False
            run.host.start(run.start_at)
            self._session_began(run)
        self._update_actions()

    def _session_began(self, run: _Run) -> None:
        self.session_started.emit(run.host, run.plan, run.path)

    def _collect_notices(self) -> None:
        run = self.run
        if run is None:
            return
        for notice in run.sink.notices():
            self.run_view.add_notice(notice)

    # ------------------------------------------------------------------ running

    def _refresh_run(self) -> None:
        run = self.run
        if run is None:
            return
        view = run.host.view()
        self.run_view.show_view(view, run.host.ready_left(), self.clock.now())
        self._hold_screen(run.host.active)

    def _on_fired(self, batch: list[Fired]) -> None:
        now = self.clock.now()
        for fired in batch:
            if fired.text:
                self.run_view.show_caption(fired.text, now)
        self._collect_notices()

    def _on_finished(self, record: RunRecord) -> None:
        run = self.run
        if run is None:
            return
        self._hold_screen(False)
        self._show_summary(record)
        self.session_finished.emit(record, run.plan, run.path)

    def _hold_screen(self, on: bool) -> None:
        if on and not self._inhibited:
            self._inhibited = True
            problem = self.inhibitor.inhibit("A walking session is running")
            if problem and not self._inhibit_noted:
                self._inhibit_noted = True
                self.run_view.add_notice(problem)
        elif not on and self._inhibited:
            self._inhibited = False
            self.inhibitor.release()

    def toggle(self) -> None:
        """Space: start, pause or resume; in a manual phase, done."""
        run = self.run
        if run is None or self.page() != "run":
            return
        if not run.prepared:
            run.start_when_prepared = not run.start_when_prepared
            self.run_view.show_refusal(
                "Starting as soon as the spoken cues are ready…"
                if run.start_when_prepared
                else "Press Space to start"
            )
            return
        if run.host.state() is State.RUNNING and run.host.view().waiting:
            run.host.next()
            return
        was_ready = run.host.state() is State.READY and run.host.ready_left() is None
        run.host.toggle()
        if was_ready and run.host.active:
            self._session_began(run)

    def next_phase(self) -> None:
        if self.run is not None:
            self.run.host.next()

    def previous_phase(self) -> None:
        if self.run is not None:
            self.run.host.previous()

    def extend_phase(self) -> None:
        if self.run is not None:
            self.run.host.extend(EXTEND_SECONDS)

    def stop_session(self) -> None:
        run = self.run
        if run is None or not run.host.active:
            return
        if run.host.ready_left() is not None:
            run.host.cancel_get_ready()
            return
        if self.dialogs.confirm(
            self, "Stop the session?", "Stop this session now? It is logged as stopped.", "Stop"
        ):
            run.host.stop()

    def _jump_requested(self, index: int) -> None:
        run = self.run
        if run is None or not (0 <= index < len(run.plan.phases)):
            return
        name = run.plan.phases[index].name
        state = run.host.state()
        if state in (State.RUNNING, State.PAUSED):
            if self.dialogs.confirm(
                self, "Jump to another phase?", f"Jump to phase {index + 1}, “{name}”?", "Jump"
            ):
                run.host.jump(index)
        elif (
            state is State.READY
            and run.host.ready_left() is None
            and self.dialogs.confirm(
                self, "Start from another phase?", f"Start at phase {index + 1}, “{name}”?",
                "Start here",
            )
        ):  # fmt: skip
            run.start_at = index
            if run.prepared:
                run.host.start(index)
                self._session_began(run)
            else:
                run.start_when_prepared = True

    def _mute_toggled(self) -> None:
        muted = self.action("mute").isChecked()
        self.settings.mute = muted
        self.settings.sync()
        self._show_mute(muted)
        self._set_run_muted(muted)

    def _set_run_muted(self, muted: bool) -> None:
        """Mute or unmute the open session; its sound is prepared on first unmuting."""
        run = self.run
        if run is None:
            return
        run.host.set_muted(muted)
        if not muted and run.prepared and run.prepare is None and run.sink.real is None:
            self._start_prepare(run)

    def _show_mute(self, muted: bool) -> None:
        action = self.action("mute")
        action.setText("Unmute" if muted else "Mute")
        self._set_icon(action, "mute" if muted else "sound")
        widget = self.toolbar.widgetForAction(action)
        if widget is not None:
            widget.setAccessibleName(action.text())
        self.run_view.set_muted(muted)

    def _fullscreen_toggled(self) -> None:
        self.set_treadmill(self.action("fullscreen").isChecked())

    def set_treadmill(self, on: bool) -> None:
        """Full screen, dark and large; Esc or F leaves it."""
        action = self.action("fullscreen")
        if action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
        if on == self.isFullScreen() and on == self.run_view.treadmill:
            return
        if on:
            self._was_maximized = self.isMaximized()
            self.showFullScreen()
        elif self._was_maximized:
            self.showMaximized()
        else:
            self.showNormal()
        self.run_view.set_treadmill(on)
        self.toolbar.setVisible(not on and self.page() == "run")
        self._set_icon(action, "fullscreen-exit" if on else "fullscreen")

    def _leave_fullscreen(self) -> None:
        if self.isFullScreen() or self.run_view.treadmill:
            self.set_treadmill(False)

    def help_toggle(self) -> None:
        self.help.toggle()

    def escape(self) -> None:
        if self._help is not None and self._help.isVisible():
            self._help.hide()
            return
        if self.isFullScreen() or self.run_view.treadmill:
            self.set_treadmill(False)
            return
        page = self.page()
        if page == "run":
            run = self.run
            if run is not None and run.host.active:
                self.stop_session()
            else:
                self.back_to_library()
        elif page == "summary":
            self.back_to_library()
        elif self._library is not None and self._library.search.text():
            self._library.search.clear()

    def _confirm_leave_session(self) -> bool:
        run = self.run
        if run is None or not run.host.active:
            return True
        if run.host.ready_left() is not None:
            run.host.cancel_get_ready()
            return True
        if not self.dialogs.confirm(
            self, "Stop the session?", "A session is running. Stop it?", "Stop"
        ):
            return False
        run.host.stop()
        return True

    def back_to_library(self) -> None:
        if not self._confirm_leave_session():
            return
        self._close_run()
        self.show_library()

    def walk_again(self) -> None:
        run = self.run
        if run is None:
            return
        if run.path is not None:
            self.open_session(run.path, start=True)
        else:
            self._open_plan(run.session, run.plan, None, None, start=True)

    def _close_run(self) -> None:
        """Silence and release the current session's sink and timers."""
        run = self.run
        if run is None:
            return
        self.run = None
        self._hold_screen(False)
        self.media_keys.close()
        run.host.refreshed.disconnect(self._refresh_run)
        run.host.shutdown()
        thread = run.prepare
        if thread is not None and thread.isRunning():
            # Closing the sink makes prepare return; keep the thread until it does.
            thread.prepared.disconnect(self._on_prepared)
            self._retired.add(thread)
            thread.finished.connect(lambda: self._retired.discard(thread))
        run.sink.close()
        run.host.deleteLater()
        self.run_view.prepared()

    # ------------------------------------------------------------------ library actions

    def start_selected(self) -> None:
        path = self._selected_path()
        if path is not None:
            self.open_session(path, start=True)

    def open_file(self) -> None:
        folder = paths.user_sessions_dir()
        if not folder.is_dir():
            folder = Path.home()
        path = self.dialogs.open_file(self, folder)
        if path is not None:
            self.open_session(path)

    def _focus_search(self) -> None:
        self.library.search.setFocus()
        self.library.search.selectAll()

    def _editor_class(self) -> Any:
        try:
            module = importlib.import_module("walktimer.ui.editor")
        except ImportError:
            log.info("the session editor is not available", exc_info=True)
            return None
        return getattr(module, "EditorWindow", None)

    def _open_editor(self, path: Path | None, template: Path | None = None) -> None:
        editor_class = self._editor_class()
        if editor_class is None:
            self.dialogs.inform(
                self,
                "No editor",
                "The session editor is not part of this version of WalkTimer. Edit the "
                "session file in a text editor; WalkTimer reads it again when you open it.",
            )
            return
        try:
            if path is not None:
                editor: Any = editor_class(path)
            elif template is not None:
                editor = editor_class(template=template)
            else:
                editor = editor_class()
        except OSError as error:  # the editor's OpenError: one sentence for the user
            self.dialogs.inform(self, "Cannot open the session", str(error))
            return
        self._editors = [e for e in self._editors if e.isVisible()]
        self._editors.append(editor)
        saved = getattr(editor, "saved", None)
        if saved is not None and hasattr(saved, "connect"):
            saved.connect(lambda *_args: self._library_changed())
        run_requested = getattr(editor, "run_requested", None)
        if run_requested is not None and hasattr(run_requested, "connect"):
            # "Run" in the editor: the session opens here, ready for Space.
            run_requested.connect(self._run_from_editor)
        editor.show()

    def _run_from_editor(self, path: Path) -> None:
        if self.open_session(Path(path)):
            # The main window may have been closed (or minimised) while the editor stayed
            # open: the session must not run where nobody can see it.
            if self.isMinimized():
                self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
            self.show()
            self.raise_()
            self.activateWindow()

    def _library_changed(self) -> None:
        self._library_loaded = False
        if self.page() == "library":
            self.refresh_library()

    def edit_session(self) -> None:
        self._open_editor(self._selected_path())

    def new_session(self) -> None:
        self._open_editor(None)

    def new_from_template(self, template: Path) -> None:
        """A new, unsaved session that starts as a copy of `template` (a bundled session)."""
        self._open_editor(None, template=template)

    def show_history(self) -> None:
        try:
            module = importlib.import_module("walktimer.ui.history_view")
        except ImportError:
            log.info("the history view is not available", exc_info=True)
            self.dialogs.inform(
                self, "No history", "The walk history is not part of this version of WalkTimer."
            )
            return
        opener = getattr(module, "show_history", None)
        if callable(opener):
            self._history = opener(self)
            return
        window_class = getattr(module, "HistoryWindow", None) or getattr(
            module, "HistoryView", None
        )
        if window_class is None:
            self.dialogs.inform(self, "No history", "The walk history cannot be shown.")
            return
        self._history = window_class(self)
        self._history.setWindowFlag(Qt.WindowType.Window, True)
        self._history.show()

    # ------------------------------------------------------------------ drag and drop

    @staticmethod
    def _dropped_file(urls: list[Any]) -> Path | None:
        for url in urls:
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.suffix.lower() in SESSION_SUFFIXES:
                    return path
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() and self._dropped_file(mime.urls()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        path = self._dropped_file(mime.urls()) if mime.hasUrls() else None
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # Answer the drop first; a dialog inside the drop handler would hold the source app.
        QTimer.singleShot(0, lambda: self.open_session(path))

    # ------------------------------------------------------------------ window

    def changeEvent(self, event: QEvent) -> None:
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and self.page() == "library"
            and not self._library_loaded
        ):
            self.refresh_library()
        if (
            event.type() == QEvent.Type.WindowStateChange
            and not self.isFullScreen()
            and self.run_view.treadmill
            and self.action("fullscreen").isChecked()
        ):
            # The window manager took full screen away (e.g. a desktop shortcut).
            self.set_treadmill(False)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_leave_session():
            event.ignore()
            return
        if not self.isFullScreen():
            self.settings.geometry = self.saveGeometry()
            self.settings.sync()
        self._close_run()
        if self._previewer is not None:
            self._previewer.close()
            self._previewer = None
        for thread in list(self._retired):
            thread.wait(3000)
        from walktimer.ui.settings_dialog import finish_voice_loaders

        finish_voice_loaders()  # a voice list still coming from a closed Settings dialog
        super().closeEvent(event)


def _free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3... when taken."""
    target = folder / Path(name).name
    stem, suffix = target.stem, target.suffix or ".toml"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _voice_list() -> list[tuple[str, str]]:
    """The speech engine's voices as (id, label); runs on the settings dialog's thread."""
    from walktimer.audio.speech import SpeechService

    service = SpeechService()
    try:
        return [
            (v.id, f"{v.name} ({', '.join(v.languages)})" if v.languages else v.name)
            for v in service.voices()
        ]
    finally:
        service.close()
