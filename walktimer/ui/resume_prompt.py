"""The window's side of crash recovery: one dialog to resume a session that died, and a
tracker that keeps each run's resume file and logs it when it ends.

`RunTracker` follows the main window (through the small `TrackedWindow` protocol): on
`session_started` it gives the run a RunKeeper,
saves on every refresh, state and phase change of the host (the keeper decides whether a save
is due), and logs the walk when the host reports the session finished or stopped. On start
`offer()` looks for a session left behind and asks once: resume it (the window opens it
paused where it was), log it as interrupted, or ignore it. A session whose script changed
cannot be resumed: it is logged as interrupted and the walker is told why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QSize, Qt, Signal, SignalInstance
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from walktimer.core.plan import Plan
from walktimer.history import resume
from walktimer.history.keeper import RunKeeper, local_now
from walktimer.history.resume import Choice, Pending
from walktimer.ui.dialogs import Dialogs

if TYPE_CHECKING:
    from walktimer.core.engine import RunRecord
    from walktimer.ui.controller import OpenRun
    from walktimer.ui.host import SessionHost

__all__ = ["Chooser", "ResumePrompt", "RunTracker", "TrackedWindow", "ask"]

log = logging.getLogger(__name__)

Chooser = Callable[[QWidget, Pending], Choice | None]


class TrackedWindow(Protocol):
    """What the tracker needs of the main window."""

    @property
    def session_started(self) -> SignalInstance:
        """(host, plan, path) when a session's count begins."""
        ...

    @property
    def run(self) -> OpenRun | None:
        """The session open in the window, if any."""
        ...

    @property
    def dialogs(self) -> Dialogs: ...

    @property
    def dialog_parent(self) -> QWidget: ...

    def open_restored(
        self,
        path: Path,
        phase_index: int,
        phase_elapsed: float,
        record_so_far: RunRecord | None = None,
        session_elapsed: float | None = None,
    ) -> bool:
        """Open a script paused where an interrupted run left off; False if it cannot."""
        ...

    def add_notice(self, text: str) -> None:
        """Show a sentence in the run view."""
        ...


class ResumePrompt(QDialog):
    """ "The last session did not end": Resume, Log as interrupted, or Ignore.

    `choice` holds the answer once a button is pressed; closing the dialog leaves it None,
    which the tracker treats as "log as interrupted" so nothing is lost.
    """

    def __init__(self, pending: Pending, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pending = pending
        self.choice: Choice | None = None
        self.setWindowTitle("Resume the last walk?")
        self.setAccessibleName("Resume the last walk")
        # Explicit, so the layout does not reset the window's size hints after it is shown.
        self.setMinimumSize(QSize(520, 170))
        layout = QVBoxLayout(self)
        text = f"The last session did not end: {resume.describe(pending.point)}."
        if pending.resumable:
            text += "\n\nResume it where it stopped, log it as interrupted, or ignore it?"
        else:
            text += f"\n\nIt cannot be resumed because {pending.reason}."
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("What happened")
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        self.buttons = QDialogButtonBox()
        self.resume_button = self.buttons.addButton(
            "&Resume", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.log_button = self.buttons.addButton(
            "&Log as interrupted", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.ignore_button = self.buttons.addButton(
            "&Ignore", QDialogButtonBox.ButtonRole.RejectRole
        )
        for button, choice, what in (
            (self.resume_button, Choice.RESUME, "Carry on where the session stopped"),
            (self.log_button, Choice.LOG, "Add it to the history as an interrupted walk"),
            (self.ignore_button, Choice.IGNORE, "Forget it: it is neither resumed nor logged"),
        ):
            button.setAccessibleName(button.text().replace("&", ""))
            button.setToolTip(what)
            button.clicked.connect(lambda _checked=False, c=choice: self._choose(c))
        self.resume_button.setEnabled(pending.resumable)
        default = self.resume_button if pending.resumable else self.log_button
        default.setDefault(True)
        default.setFocus()
        layout.addWidget(self.buttons)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.done(QDialog.DialogCode.Accepted if choice is Choice.RESUME else 0)


def ask(parent: QWidget, pending: Pending) -> Choice | None:
    """The real, modal question."""
    dialog = ResumePrompt(pending, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.exec()
    return dialog.choice


class RunTracker(QObject):
    """Keeps every run of the window's sessions: the resume file while it goes, the history
    row when it ends. `history_changed` fires after a walk was logged or deleted."""

    history_changed = Signal()

    def __init__(
        self,
        window: TrackedWindow,
        *,
        chooser: Chooser | None = None,
        wall: Callable[[], datetime] = local_now,
        resume_file: Path | None = None,
        history_path: Path | None = None,
    ) -> None:
        super().__init__(window.dialog_parent)
        self.window = window
        self._chooser = chooser
        self.wall = wall
        self.resume_file = resume_file
        self.history_path = history_path
        self.keepers: dict[int, RunKeeper] = {}
        self.notices: list[str] = []
        window.session_started.connect(self._started)

    def chooser(self, parent: QWidget, found: Pending) -> Choice | None:
        return (self._chooser or ask)(parent, found)

    # Following runs.

    def _started(self, host: SessionHost, plan: Plan, path: Path | None) -> None:
        if id(host) in self.keepers:
            return
        keeper = RunKeeper.begin(
            plan,
            path,
            wall=self.wall,
            speed=host.clock.factor,
            resume_file=self.resume_file,
            history_path=self.history_path,
            on_notice=self._notice,
        )
        self.follow(host, keeper)

    def follow(self, host: SessionHost, keeper: RunKeeper) -> None:
        """Save `host`'s run through `keeper` from now on, and log it when it ends."""
        key = id(host)
        self.keepers[key] = keeper

        def save(*_args: object) -> None:
            keeper.update(host.engine)

        def ended(*_args: object) -> None:
            if host.tally is not None:
                keeper.record_belt(host.tally.totals())
            keeper.finish(host.engine)
            self.keepers.pop(key, None)
            self.history_changed.emit()

        host.refreshed.connect(save)
        host.state_changed.connect(save)
        host.phase_changed.connect(save)
        host.finished.connect(ended)
        host.destroyed.connect(lambda *_args: self.keepers.pop(key, None))
        keeper.update(host.engine)

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        self.window.add_notice(text)

    # On start.

    def offer(self) -> Choice | None:
        """Ask about a session a crash left behind, and do what the walker chose."""
        found = resume.find_pending(
            path=self.resume_file, history_path=self.history_path, on_notice=self._inform
        )
        if found is None:
            return None
        if not found.resumable:
            self._settle(found, Choice.LOG)
            self._inform(
                f"The last session did not end: {resume.describe(found.point)}. It cannot be "
                f"resumed because {found.reason}; it was logged as interrupted."
            )
            return Choice.LOG
        if found.point.demo:
            # A demo (--speed) that died is not asked about: logged as a demo, counted nowhere.
            self._settle(found, Choice.LOG)
            return Choice.LOG
        choice = self.chooser(self.window.dialog_parent, found) or Choice.LOG
        point = self._settle(found, choice)
        if point is None:
            return choice
        assert point.script_path is not None  # resumable points always have one
        opened = self.window.open_restored(
            Path(point.script_path),
            point.phase_index,
            point.phase_elapsed,
            point.record,
            point.session_elapsed,
        )
        run = self.window.run
        if not opened or run is None:
            # The window could not open it after all (it said why): keep it as interrupted.
            self._settle(resume.inspect(point), Choice.LOG, force_log=True)
            return Choice.LOG
        keeper = RunKeeper.resuming(
            run.plan,
            point,
            wall=self.wall,
            speed=run.host.clock.factor,
            resume_file=self.resume_file,
            history_path=self.history_path,
            on_notice=self._notice,
        )
        self.follow(run.host, keeper)
        return Choice.RESUME

    def _settle(
        self, found: Pending, choice: Choice, *, force_log: bool = False
    ) -> resume.ResumePoint | None:
        if force_log:
            found = Pending(found.point, False, found.reason)
        point = resume.settle(
            found,
            choice,
            path=self.resume_file,
            history_path=self.history_path,
            on_notice=self._inform,
        )
        if point is None and choice is not Choice.IGNORE:
            self.history_changed.emit()
        return point

    def _inform(self, text: str) -> None:
        self.notices.append(text)
        self.window.dialogs.inform(self.window.dialog_parent, "Walk history", text)
