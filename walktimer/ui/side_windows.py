"""The windows the main window opens beside itself: session editors, the walk history, and
the Settings dialog with its voice list and "Try the voice".

Each is made on first use (the editor, the history and the speech preview are not imported
at start-up) and kept while it is open, so opening the history again raises the one there
is. The main window says what happens around them: what to do when an editor saved a file
or asks to run one.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from walktimer.ui.dialogs import Dialogs
from walktimer.ui.settings import Settings

if TYPE_CHECKING:
    from walktimer.audio.preview import Previewer
    from walktimer.core.problems import Problem
    from walktimer.ui.editor.window import EditorWindow
    from walktimer.ui.history_view import HistoryView
    from walktimer.ui.resume_prompt import RunTracker
    from walktimer.ui.settings_dialog import VoiceEntry

__all__ = ["SideWindows", "VoiceList"]

log = logging.getLogger(__name__)

# The speech engine's voices as (id, label[, languages]); called on the settings dialog's
# loader thread.
VoiceList = Callable[[], "Sequence[VoiceEntry]"]


class SideWindows:
    """The editors, the history window and the Settings dialog of one main window."""

    def __init__(
        self,
        parent: QWidget,
        dialogs: Dialogs,
        settings: Settings,
        list_voices: VoiceList,
        *,
        saved: Callable[[], None],
        run: Callable[[Path], None],
    ) -> None:
        """`saved`: an editor wrote a session file; `run`: an editor's Run asks to start one."""
        self._parent = parent
        self._dialogs = dialogs
        self._settings = settings
        self.list_voices = list_voices
        self._saved = saved
        self._run = run
        self.editors: list[QWidget] = []
        self.history: HistoryView | None = None
        self._previewer: Previewer | None = None
        self._voices: Sequence[VoiceEntry] | None = None  # listed once, on first need

    # Editors.

    def open_editor(self, path: Path | None, template: Path | None = None) -> EditorWindow | None:
        """An editor on `path`, on a copy of `template`, or on a new session; None (having
        said why) when it cannot open."""
        try:
            from walktimer.ui.editor import EditorWindow  # on first use: not at start-up
        except ImportError:
            log.info("the session editor is not available", exc_info=True)
            self._dialogs.inform(
                self._parent,
                "No editor",
                "The session editor is not part of this version of WalkTimer. Edit the "
                "session file in a text editor; WalkTimer reads it again when you open it.",
            )
            return None
        try:
            if path is not None:
                editor = EditorWindow(path)
            elif template is not None:
                editor = EditorWindow(template=template)
            else:
                editor = EditorWindow()
        except OSError as error:  # the editor's OpenError: one sentence for the user
            self._dialogs.inform(self._parent, "Cannot open the session", str(error))
            return None
        self.editors = [e for e in self.editors if e.isVisible()]
        self.editors.append(editor)
        editor.saved.connect(lambda *_args: self._saved())
        # "Run" in the editor: the session opens in the main window, ready for Space.
        editor.run_requested.connect(lambda path: self._run(Path(path)))
        editor.show()
        return editor

    def edit_problem(self, path: Path, problem: Problem | None) -> None:
        """Edit in the problem dialog: the file in the editor, at its first problem."""
        editor = self.open_editor(path)
        if editor is not None and problem is not None:
            editor.go_to_problem(problem)

    # The history.

    def show_history(self, tracker: RunTracker | None) -> None:
        """The history window, made on first use and raised when it is open already."""
        try:
            from walktimer.ui.history_view import show_history  # on first use
        except ImportError:
            log.info("the history view is not available", exc_info=True)
            self._dialogs.inform(
                self._parent,
                "No history",
                "The walk history is not part of this version of WalkTimer.",
            )
            return
        self.history = show_history(self._parent, self._dialogs, self.history, tracker)

    # Settings.

    def show_settings(self, script_rate: int | None) -> bool:
        """The Settings dialog; True when the walker saved changes."""
        from walktimer.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self._settings, self._parent, voices=self.voices, preview=self.preview,
            script_rate=script_rate,
        )  # fmt: skip
        return bool(dialog.exec())

    def voices(self) -> Sequence[VoiceEntry]:
        """The voices, asked of the speech engine the first time only: listing them starts
        a speech worker process, which opening the settings again should not repeat."""
        if self._voices is None:
            self._voices = self.list_voices()  # on the dialog's loader thread
        return self._voices

    def preview(self, text: str, voice: str | None, rate: int, volume: float) -> None:
        """The settings dialog's "Try the voice": said at once, without blocking."""
        if self._previewer is None:
            from walktimer.audio.preview import Previewer

            self._previewer = Previewer()
        self._previewer.preview(text, voice=voice, rate=rate, volume=volume)

    def close(self) -> None:
        """The main window is closing: end the preview's speech worker and any voice list
        still coming from a closed Settings dialog."""
        if self._previewer is not None:
            self._previewer.close()
            self._previewer = None
        if "walktimer.ui.settings_dialog" in sys.modules:  # else no voice list is coming
            from walktimer.ui.settings_dialog import finish_voice_loaders

            finish_voice_loaders()
