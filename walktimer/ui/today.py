"""Today's walk of the programme the walker follows, at the top of the library.

`TodayPanel` shows where the walker is ("Week 2 - walk 3 of 5: Beginner walk, 15 minutes"),
why the programme waits when it does, and the diary's advice when it holds the programme;
T (or its button) starts the walk. Its Programme menu chooses, pauses, resumes, restarts
and leaves a programme, through the same `Programmes` service as `walktimer programme`.

`TodayWalks` ties it to the window: it starts the walk (saying the advice first, once, by
the rule of `TodayWalk.advice_to_say`), tags the run's keeper with the programme so the walk
counts for it, hands real walks to the pain diary (walktimer.ui.diary_panel), and reads
the programme again once a walk is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from walktimer import resources
from walktimer.history.log import HistoryError
from walktimer.programmes.build import speak_first
from walktimer.programmes.format import ProgrammeError
from walktimer.programmes.store import EnrolmentError, Programmes, TodayWalk

if TYPE_CHECKING:
    from walktimer.core.script import Session
    from walktimer.history.keeper import RunKeeper
    from walktimer.ui.controller import OpenRun
    from walktimer.ui.diary_panel import DiaryPanel
    from walktimer.ui.host import SessionHost
    from walktimer.ui.library import LibraryView
    from walktimer.ui.mainwindow import MainWindow
    from walktimer.ui.resume_prompt import RunTracker

__all__ = ["START_KEY", "TodayPanel", "TodayWalks", "attach", "local_today"]

log = logging.getLogger(__name__)

START_KEY = "T"
NO_PROGRAMME = (
    "No programme: choose one in Programme to build your walks up week by week, "
    "from 10-15 minutes to 30 minutes on five days a week."
)

Confirm = Callable[[str, str, str], bool]


def local_today() -> date:
    """The walker's calendar day, read here at the edge (tests give their own)."""
    return datetime.now().astimezone().date()


def _problem_text(error: Exception) -> str:
    if isinstance(error, ProgrammeError):
        lines = [str(p) for p in error.problems]
        first = lines[0] if lines else str(error)
        return f"The programme cannot be used: {first}"
    return str(error)


class TodayPanel(QFrame):
    """The programme's next walk, its Start button and the Programme menu."""

    start_requested = Signal()
    changed = Signal()  # the walker chose, paused, resumed, restarted or left a programme

    def __init__(
        self,
        programmes: Programmes,
        *,
        today: Callable[[], date] = local_today,
        confirm: Confirm | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("today_panel")
        self.setAccessibleName("Today's walk")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.programmes = programmes
        self.today = today
        self.confirm = confirm
        self.walk: TodayWalk | None = None
        self.problem: str | None = None

        self.headline = QLabel()
        self.headline.setObjectName("today_headline")
        self.headline.setAccessibleName("Today's walk")
        self.headline.setWordWrap(True)
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.headline.setFont(font)
        self.detail = QLabel()
        self.detail.setObjectName("today_detail")
        self.detail.setAccessibleName("About today's walk")
        self.detail.setWordWrap(True)
        self.advice = QLabel()
        self.advice.setObjectName("today_advice")
        self.advice.setAccessibleName("Advice from your pain diary")
        self.advice.setWordWrap(True)
        self.advice.setStyleSheet("QLabel { color: #8a3b00; font-weight: bold; }")
        self.advice.hide()

        self.start_button = QPushButton(f"Start today's walk ({START_KEY})")
        self.start_button.setObjectName("today_start")
        self.start_button.setAccessibleName("Start today's walk")
        self.start_button.setToolTip(f"Start the programme's next walk ({START_KEY})")
        self.start_button.clicked.connect(self.start_requested)
        shortcut = QShortcut(QKeySequence(START_KEY), self)
        # Anywhere in the library; typing a T in its search box still types a T.
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self._start_key)
        self.shortcut = shortcut

        self.menu = QMenu(self)
        self.menu.setObjectName("programme_menu")
        self.menu.aboutToShow.connect(self._fill_menu)
        self.menu_button = QToolButton()
        self.menu_button.setObjectName("programme_button")
        self.menu_button.setText("Programme")
        self.menu_button.setAccessibleName("Programme")
        self.menu_button.setToolTip("Choose, pause, restart or leave a programme")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setMenu(self.menu)

        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.headline)
        text.addWidget(self.detail)
        text.addWidget(self.advice)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(text, 1)
        layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.menu_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.headline.setText("Reading your programme…")
        self.detail.hide()
        self.start_button.hide()

    # Reading.

    def refresh(self) -> None:
        """Read the programme and the history again, and show where the walker is."""
        self.problem = None
        try:
            self.walk = self.programmes.today(self.today())
        except (ProgrammeError, EnrolmentError, HistoryError) as error:
            self.walk = None
            self.problem = _problem_text(error)
        self._show()

    def startable(self) -> bool:
        walk = self.walk
        return walk is not None and not walk.status.finished and not walk.enrolment.paused

    def _show(self) -> None:
        walk = self.walk
        lines: list[str] = []
        advice: str | None = None
        if walk is None:
            self.headline.setText("Programme" if self.problem else "Today's walk")
            lines.append(self.problem or NO_PROGRAMME)
        else:
            where = walk.status
            self.headline.setText(where.headline)
            if walk.enrolment.paused:
                lines.append(
                    f"{where.programme.name} is paused: walks do not count for it until you "
                    "resume it (Programme menu)."
                )
            elif where.finished:
                lines.append("Choose another programme in the Programme menu.")
            else:
                lines.append(where.programme.name)
                lines += where.reasons
            advice = where.advice
        self.detail.setText("\n".join(lines))
        self.detail.show()
        self.advice.setText(advice or "")
        self.advice.setVisible(advice is not None)
        self.start_button.setVisible(self.startable())
        self.shortcut.setEnabled(self.startable())

    def _start_key(self) -> None:
        if self.isVisible() and self.startable():
            self.start_requested.emit()

    # The Programme menu.

    def _fill_menu(self) -> None:
        menu = self.menu
        menu.clear()
        choose = menu.addMenu("&Choose a programme")
        current = self.walk.enrolment.programme if self.walk is not None else None
        for path in resources.bundled_programmes():
            try:
                name = self.programmes.load(path.stem).name
            except ProgrammeError:
                continue
            action = choose.addAction(name)
            action.setCheckable(True)
            action.setChecked(path.stem == current)
            action.triggered.connect(lambda _=False, stem=path.stem: self.choose(stem))
        walk = self.walk
        if walk is None:
            return
        menu.addSeparator()
        if walk.enrolment.paused:
            menu.addAction("R&esume the programme", self.resume)
        else:
            menu.addAction("&Pause the programme", self.pause)
        menu.addAction("&Restart from week 1…", self.restart)
        menu.addAction("&Leave the programme…", self.leave)

    def _asks(self, title: str, text: str, action: str) -> bool:
        return self.confirm is None or self.confirm(title, text, action)

    def _act(self, action: Callable[[], object]) -> None:
        try:
            action()
        except (ProgrammeError, EnrolmentError, HistoryError) as error:
            self.problem = _problem_text(error)
            self.walk = None
            self._show()
            return
        self.refresh()
        self.changed.emit()

    def choose(self, name: str) -> None:
        walk = self.walk
        if (
            walk is not None
            and walk.enrolment.programme != name
            and not self._asks(
                "Choose another programme?",
                f"Follow {name} from its first week instead of "
                f"{walk.status.programme.name}? Your walks stay in the history.",
                "Choose",
            )
        ):
            return
        self._act(lambda: self.programmes.start(name, self.today()))

    def pause(self) -> None:
        self._act(self.programmes.pause)

    def resume(self) -> None:
        self._act(self.programmes.resume)

    def restart(self) -> None:
        if self._asks(
            "Restart the programme?",
            "Start the programme again from week 1? Your walks stay in the history.",
            "Restart",
        ):
            self._act(lambda: self.programmes.restart(self.today()))

    def leave(self) -> None:
        if self._asks(
            "Leave the programme?",
            "Follow no programme from now on? Your walks stay in the history.",
            "Leave",
        ):
            self._act(self.programmes.leave)


class TodayWindow(Protocol):
    """What `TodayWalks` needs of the main window."""

    history_tracker: RunTracker | None

    @property
    def session_started(self) -> SignalInstance: ...

    @property
    def run(self) -> OpenRun | None: ...

    def start_built(self, session: Session, path: Path | None) -> bool: ...

    def add_notice(self, text: str) -> None: ...


class TodayWalks(QObject):
    """Starts today's walk, makes it count for the programme and asks the pain diary."""

    def __init__(
        self,
        window: TodayWindow,
        panel: TodayPanel,
        diary: DiaryPanel | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.panel = panel
        self.diary = diary
        self._pending: tuple[Session, tuple[str, int]] | None = None
        panel.start_requested.connect(self.start)
        # Queued: the run tracker makes the run's keeper in its own slot of the same signal.
        window.session_started.connect(self._started, Qt.ConnectionType.QueuedConnection)

    def start(self) -> bool:
        """Open today's walk and start it (the advice spoken first when it is due)."""
        walk = self.panel.walk
        if walk is None or not self.panel.startable():
            return False
        session = walk.session
        advice = walk.advice_to_say
        hold = walk.status.hold
        if advice is not None and hold is not None:
            session = speak_first(session, advice)
            try:
                self.panel.programmes.advice_said(hold.since_walk)
            except EnrolmentError as error:
                self.window.add_notice(str(error))
        if not self.window.start_built(session, walk.session_path):
            return False
        self._pending = (session, walk.tag)
        return True

    def _started(self, host: SessionHost, _plan: object, _path: object) -> None:
        tracker = self.window.history_tracker
        keeper = tracker.keepers.get(id(host)) if tracker is not None else None
        run = self.window.run
        pending, self._pending = self._pending, None
        if keeper is None:
            return
        if pending is not None and run is not None and run.host is host:
            session, tag = pending
            if run.session is session:
                keeper.programme = tag
        if self.diary is not None:
            self.diary.follow(host, keeper)
        host.finished.connect(lambda *_args: self._logged(keeper))

    def _logged(self, keeper: RunKeeper) -> None:
        if keeper.programme is not None:
            self.panel.refresh()


def attach(window: MainWindow, library: LibraryView) -> TodayWalks:
    """Give the window today's walk (at the top of `library`) and the pain diary (a bar
    across its bottom); the window's one hook calls this once it has painted."""
    from PySide6.QtWidgets import QStatusBar

    from walktimer.ui.diary_panel import DiaryPanel

    def confirm(title: str, text: str, action: str) -> bool:
        return window.dialogs.confirm(window, title, text, action)

    panel = TodayPanel(Programmes(), confirm=confirm)
    library.add_banner(panel)
    # The window's status bar, shown only while the diary asks: across every page's foot.
    bar = QStatusBar(window)
    bar.setObjectName("diary_bar")
    bar.setSizeGripEnabled(False)
    diary = DiaryPanel(parent=bar)
    bar.addWidget(diary, 1)
    window.setStatusBar(bar)
    bar.hide()
    walks = TodayWalks(window, panel, diary, parent=window)
    panel.refresh()
    return walks
