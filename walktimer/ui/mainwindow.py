"""The main window: the library, run view and summary pages, and what each command does there.

Nothing here keeps time or runs a session: a RunController (walktimer.ui.controller) owns the
open session and this window draws what it reports. Commands and their keys are declared in
walktimer.ui.actions, files come in through walktimer.ui.opening, the editors, the history
and Settings are opened by walktimer.ui.side_windows, and every question to the
user goes through a Dialogs port, so tests answer without blocking. The services are built
by the composition root (walktimer.ui.app.run_gui) and handed in.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QStackedWidget, QWidget

from walktimer import paths, resources
from walktimer.core.clock import Clock
from walktimer.core.engine import Engine, EngineError, Fired, RunRecord, State
from walktimer.core.plan import Plan, build_plan
from walktimer.core.script import Session
from walktimer.desktop.mpris import Controls
from walktimer.i18n import host_language
from walktimer.ui.actions import HELP_ROWS, ActionContext, ActionTable, Page
from walktimer.ui.banner import Banner
from walktimer.ui.controller import OpenRun, RunController, SinkFactory
from walktimer.ui.controls import (
    build_toolbar,
    fill_new_menu,
    new_menu,
    summary_buttons,
    tool_button,
)
from walktimer.ui.dialogs import Dialogs
from walktimer.ui.host import GET_READY_SECONDS
from walktimer.ui.icons import app_icon
from walktimer.ui.inhibit import Inhibitor
from walktimer.ui.media_keys import MediaKeysPort, window_controls
from walktimer.ui.opening import SessionFiles, dropped_session
from walktimer.ui.runview import RunView
from walktimer.ui.screenfit import clamp_to_screen, fit_to_screen
from walktimer.ui.settings import Settings
from walktimer.ui.side_windows import SideWindows, VoiceList
from walktimer.ui.theme import apply_theme, colours_for, is_dark

if TYPE_CHECKING:
    from walktimer.ui.help_overlay import HelpOverlay
    from walktimer.ui.library import LibraryView
    from walktimer.ui.resume_prompt import RunTracker
    from walktimer.ui.summary import SummaryView
    from walktimer.ui.today import TodayWalks

__all__ = ["MainWindow", "VoiceList"]

log = logging.getLogger(__name__)

SAFETY_TEXT = (
    "<b>Before you start:</b> check with your doctor or physiotherapist that walking "
    "sessions like these suit you. Stop at once if you feel dizzy, off balance or in pain."
)


class MainWindow(QMainWindow):
    """walktimer's one window.

    Signals others connect to (the controller's, see RunController):
    - `session_started(host, plan, path)`: a session's 3-2-1 count began (or it was restored).
    - `session_finished(record, plan, path)`: a RunRecord once the session finished or was
      stopped (`record.ended` says which); `path` is the script file, None if there is none.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        dialogs: Dialogs,
        clock: Clock,
        sink_factory: SinkFactory,
        inhibitor: Inhibitor,
        list_voices: VoiceList,
        media_keys: MediaKeysPort,
        get_ready: int = GET_READY_SECONDS,
        app: QApplication | None = None,
        open_library: bool = True,
        mute: bool = False,
    ) -> None:
        """`mute`: start with the sound off this time (`walktimer --mute`), leaving the saved
        setting as it is."""
        super().__init__()
        self.settings = settings
        self.dialogs = dialogs
        self.media_keys = media_keys
        self.runs = RunController(
            settings, clock=clock, sink_factory=sink_factory, inhibitor=inhibitor,
            confirm=self._confirm, get_ready=get_ready, parent=self,
        )  # fmt: skip
        self.side = SideWindows(
            self, dialogs, settings, list_voices,
            saved=self._library_changed, run=self._run_from_editor,
        )  # fmt: skip
        self.files = SessionFiles(dialogs, self, edit=self.side.edit_problem)
        self.history_tracker: RunTracker | None = None  # given by the app once it is up
        self._app = app
        self._library_loaded = False
        self._was_maximized = False
        self.today: TodayWalks | None = None  # today's walk and the diary, after first paint
        self._dark = False
        self._painted = False
        self._after_paint: list[Callable[[], object]] = []

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
        self.run_view.jump_requested.connect(self.runs.jump)
        self.run_view.cancel_prepare.connect(self.back_to_library)
        self.stack.addWidget(self.run_view)
        self.setCentralWidget(self.stack)
        self.run_view.installEventFilter(self)
        self._follow_runs()

        self.action_table = ActionTable(self, self)
        self.toolbar = build_toolbar(self, self.action_table)
        self.apply_settings()
        if mute:
            self._mute_this_time()
        self._restore_geometry()
        if open_library:
            self.show_library()

    def _follow_runs(self) -> None:
        runs = self.runs
        runs.refreshed.connect(self._refresh_run)
        runs.fired.connect(self._on_fired)
        runs.changed.connect(self._update_actions)
        runs.refused.connect(self.run_view.show_refusal)
        runs.notice.connect(self.run_view.add_notice)
        runs.preparing.connect(self.run_view.set_preparing)
        runs.prepare_ended.connect(self.run_view.prepared)
        runs.finished.connect(self._on_finished)
        runs.opened.connect(self._open_media_keys)
        runs.closed.connect(self.media_keys.close)

    def _open_media_keys(self) -> None:
        """Media keys and headset buttons reach the open session from any window."""
        problem = self.media_keys.open(self._media_controls())
        if problem is not None:
            self.run_view.add_notice(problem)

    def _media_controls(self) -> Controls:
        def state() -> State | None:
            run = self.runs.run
            return run.host.state() if run is not None else None

        return window_controls(self, self, state)

    def _confirm(self, title: str, text: str, action: str) -> bool:
        return self.dialogs.confirm(self, title, text, action)

    # What the resume tracker and other followers see.

    @property
    def session_started(self) -> SignalInstance:
        return self.runs.started

    @property
    def session_finished(self) -> SignalInstance:
        return self.runs.finished

    @property
    def run(self) -> OpenRun | None:
        return self.runs.run

    @property
    def dialog_parent(self) -> QWidget:
        return self

    def add_notice(self, text: str) -> None:
        self.run_view.add_notice(text)

    # The library, the summary and the help overlay are built when first needed, so a
    # session opened from the command line shows without waiting for them.

    @property
    def library(self) -> LibraryView:
        if self._library is None:
            from walktimer.ui.library import LibraryView

            library = LibraryView()
            library.activated.connect(self._start_from_library)
            library.selection_changed.connect(self._update_actions)
            library.disk_changed.connect(self._library_changed)
            self._library = library
            self.stack.addWidget(library)
            if not self._painted:
                library.installEventFilter(self)
            self._build_library_buttons(library)
            self._safety_banner(library)
            self.after_first_paint(lambda: self._attach_programme(library))
        return self._library

    def _attach_programme(self, library: LibraryView) -> None:
        """Today's walk of the walker's programme and the pain diary (walktimer.ui.today)."""
        from walktimer.ui.today import attach

        self.today = attach(self, library)

    @property
    def summary(self) -> SummaryView:
        if self._summary is None:
            from walktimer.ui.summary import SummaryView

            self._summary = SummaryView()
            self.stack.addWidget(self._summary)
            self._summary.buttons.addWidget(summary_buttons(self.action_table))
        return self._summary

    @property
    def help(self) -> HelpOverlay:
        if self._help is None:
            from walktimer.ui.help_overlay import HelpOverlay

            self._help = HelpOverlay(self.stack, list(HELP_ROWS))
        return self._help

    def _start_from_library(self, path: Path) -> None:
        if not self._vanished(path):
            self.open_session(path, start=True)

    def _vanished(self, path: Path) -> bool:
        """A library row whose file is gone: say so in one sentence and list the disk again."""
        if path.exists():
            return False
        self.dialogs.inform(
            self,
            "Session not found",
            f"{path.name} is no longer in {path.parent}: it was moved or deleted, so the list "
            "now shows what is there.",
        )
        self._forget_recent_if_gone(path)
        self._library_changed()
        return True

    def _selected_path(self) -> Path | None:
        return self._library.selected_path() if self._library is not None else None

    def action(self, name: str) -> QAction:
        return self.action_table[name]

    def _build_library_buttons(self, library: LibraryView) -> None:
        library.add_button(tool_button(self.action_table, "start", primary=True))
        for name in ("edit", "new", "open"):
            button = tool_button(self.action_table, name)
            if name == "new":
                self.new_menu = new_menu(button, self._fill_new_menu)
            library.add_button(button)
        library.add_button_stretch()
        for name in ("history", "settings", "help"):
            library.add_button(tool_button(self.action_table, name))

    def _fill_new_menu(self, menu: QMenu) -> None:
        names = {entry.path: entry.name for entry in self.library.entries()}
        fill_new_menu(menu, names, self.new_session, self.new_from_template)

    # Which actions apply where.

    def page(self) -> Page:
        widget = self.stack.currentWidget()
        if widget is self.run_view:
            return "run"
        if widget is not None and widget is self._summary:
            return "summary"
        return "library"

    def _update_actions(self) -> None:
        run = self.run
        state = run.host.state() if run is not None else None
        self.action_table.update(
            ActionContext(
                page=self.page(),
                state=state,
                active=run is not None and run.host.active,
                selected=self._selected_path() is not None,
            )
        )
        toggle = self.action("toggle")
        if run is not None and state is State.RUNNING and not run.host.view().waiting:
            text, icon = "Pause", "pause"
        elif run is not None and run.host.view().waiting:
            text, icon = "Done", "next"
        elif state is State.PAUSED:
            text, icon = "Resume", "play"
        else:
            text, icon = "Start", "play"
        toggle.setText(text)
        self.action_table.set_icon("toggle", icon)
        widget = self.toolbar.widgetForAction(toggle)
        if widget is not None:
            widget.setAccessibleName(toggle.text())

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
        self.action_table.retint(self.palette().windowText().color())
        mute = self.action("mute")
        mute.blockSignals(True)
        mute.setChecked(self.settings.mute)
        mute.blockSignals(False)
        self._show_mute(self.settings.mute)

    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            fit_to_screen(self)
        else:
            clamp_to_screen(self)  # the user's size, but never larger than this screen

    def _safety_banner(self, library: LibraryView) -> None:
        if self.settings.safety_acknowledged:
            return
        banner = Banner("safety_note", SAFETY_TEXT)
        banner.add_action("Don't show again", self._acknowledge_safety)
        banner.add_action("Close")
        library.add_banner(banner)
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
        run = self.run
        if self.side.show_settings(run.plan.session.voice.rate if run is not None else None):
            self.apply_settings(theme=True)
            self.runs.set_muted(self.settings.mute)

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
        entries = scan_library(self.settings.recent_files())
        self.library.set_entries(entries)
        own = [entry.path for entry in entries if entry.origin != "Bundled"]
        self.library.watcher.watch(paths.user_sessions_dir(), own)

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

    def open_session(self, path: Path, *, start: bool = False) -> bool:
        """Open a script (or import a .zwo) in the run view. `start`: begin the 3-2-1 count
        as soon as the spoken cues are ready (Enter in the library); otherwise wait for Space."""
        path = Path(path)
        if not self.runs.confirm_leave():
            return False
        if path.suffix.lower() == ".zwo":
            self._library_loaded = False  # an import adds a script to the sessions folder
        opened = self.files.open(path)
        if opened is None:
            self._forget_recent_if_gone(path)
            return False
        if not resources.is_bundled(opened.path):
            self.settings.add_recent(opened.path)
            self.settings.sync()
            self._library_loaded = False
        session = opened.session
        self._show_run(session, self._plan(session), opened.path, None, opened.notices, start)
        return True

    def _plan(self, session: Session) -> Plan:
        """The session's plan, its own words in the script's language, else the user's voice
        setting's, else the system locale's."""
        return build_plan(session, language=host_language(self.settings.voice, os.environ))

    def open_restored(
        self,
        path: Path,
        phase_index: int,
        phase_elapsed: float,
        record_so_far: RunRecord | None = None,
        session_elapsed: float | None = None,
    ) -> bool:
        """Open a script paused where an interrupted run left off (Space resumes)."""
        if not self.runs.confirm_leave():
            return False
        session = self.files.load(Path(path))
        if session is None:
            return False
        plan = self._plan(session)
        try:
            engine = Engine.restore(
                plan, self.runs.clock, phase_index, phase_elapsed, record_so_far,
                session_elapsed=session_elapsed,
            )  # fmt: skip
        except EngineError as error:
            self.dialogs.inform(self, "Cannot resume", str(error)[:1].upper() + str(error)[1:])
            return False
        self._show_run(session, plan, Path(path), engine, [], start=False)
        return True

    def start_built(self, session: Session, path: Path | None) -> bool:
        """Start a session built in memory (a programme's walk) from its 3-2-1 count."""
        if not self.runs.confirm_leave():
            return False
        self._show_run(session, self._plan(session), path, None, [], start=True)
        return True

    def _forget_recent_if_gone(self, path: Path) -> None:
        if not path.exists() and path.resolve() in self.settings.recent_files():
            self.settings.remove_recent(path)
            self._library_loaded = False

    def _show_run(
        self, session: Session, plan: Plan, path: Path | None, engine: Engine | None,
        notices: list[str], start: bool,
    ) -> None:  # fmt: skip
        run = self.runs.open(session, plan, path, engine, start=start)
        self.run_view.set_plan(plan)
        self.run_view.belt_status.follow(run.host)
        for notice in notices:
            self.run_view.add_notice(notice)
        self.setWindowTitle(f"{plan.session.name} — WalkTimer")
        self._show_run_page()
        # The sound is made ready once the run view is on screen.
        self.after_first_paint(lambda: self.runs.prepare(run))
        self.runs.announce(run)

    def after_first_paint(self, callback: Callable[[], object]) -> None:
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

    # ------------------------------------------------------------------ running

    def _refresh_run(self) -> None:
        run = self.run
        if run is not None:
            view = run.host.view()
            self.run_view.show_view(view, run.host.ready_left(), self.runs.clock.now())
            self.media_keys.publish(run.plan.session.name, view)

    def _on_fired(self, batch: list[Fired]) -> None:
        now = self.runs.clock.now()
        for fired in batch:
            if fired.text:
                self.run_view.show_caption(fired.text, now)

    def _on_finished(self, record: RunRecord) -> None:
        self._show_summary(record)

    def toggle(self) -> None:
        """Space: start, pause or resume; in a manual phase, done."""
        if self.page() == "run":
            self.runs.toggle()

    def next_phase(self) -> None:
        self.runs.next_phase()

    def previous_phase(self) -> None:
        self.runs.previous_phase()

    def extend_phase(self) -> None:
        self.runs.extend_phase()

    def stop_session(self) -> None:
        self.runs.stop()

    def mute_toggled(self) -> None:
        muted = self.action("mute").isChecked()
        self.settings.mute = muted
        self.settings.sync()
        self._show_mute(muted)
        self.runs.set_muted(muted)

    def _mute_this_time(self) -> None:
        """Sound off without saving it: M (or the Mute button) turns it on and saves as ever."""
        mute = self.action("mute")
        mute.blockSignals(True)
        mute.setChecked(True)
        mute.blockSignals(False)
        self._show_mute(True)
        self.runs.set_muted(True)

    def _show_mute(self, muted: bool) -> None:
        action = self.action("mute")
        action.setText("Unmute" if muted else "Mute")
        self.action_table.set_icon("mute", "mute" if muted else "sound")
        widget = self.toolbar.widgetForAction(action)
        if widget is not None:
            widget.setAccessibleName(action.text())
        self.run_view.set_muted(muted)

    def treadmill_toggled(self) -> None:
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
        self.action_table.set_icon("fullscreen", "fullscreen-exit" if on else "fullscreen")

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

    def back_to_library(self) -> None:
        if not self.runs.confirm_leave():
            return
        self.runs.close()
        self.show_library()

    def walk_again(self) -> None:
        run = self.run
        if run is None:
            return
        if run.path is not None:
            self.open_session(run.path, start=True)
        else:
            self._show_run(run.session, run.plan, None, None, [], start=True)

    def quit(self) -> None:
        self.close()

    # ------------------------------------------------------------------ library actions

    def start_selected(self) -> None:
        path = self._selected_path()
        if path is not None:
            self._start_from_library(path)

    def open_file(self) -> None:
        path = self.files.ask()
        if path is not None:
            self.open_session(path)

    def focus_search(self) -> None:
        self.library.search.setFocus()
        self.library.search.selectAll()

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
        path = self._selected_path()
        if path is None or not self._vanished(path):
            self.side.open_editor(path)

    def new_session(self) -> None:
        self.side.open_editor(None)

    def new_from_template(self, template: Path) -> None:
        """A new, unsaved session that starts as a copy of `template` (a bundled session)."""
        self.side.open_editor(None, template=template)

    def show_history(self) -> None:
        self.side.show_history(self.history_tracker)

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_session(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_session(event.mimeData())
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
        if not self.runs.confirm_leave():
            event.ignore()
            return
        if not self.isFullScreen():
            self.settings.geometry = self.saveGeometry()
            self.settings.sync()
        self.runs.shutdown()
        self.side.close()
        super().closeEvent(event)
