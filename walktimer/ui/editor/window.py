"""The session editor window: structure, forms, source and problems around one document.

Every change, from a form, the structure view or the source, is a document command on one
QUndoStack, so undo and redo cover all of them. The document is the single truth: after each
change the views are refreshed from it, and the problems are recomputed (debounced) with the
loader's own `check_text`, so the list shows exactly what `walktimer check` prints.

Undo has one history, the window's stack, whichever widget has the focus: Ctrl+Z undoes and
Ctrl+Y or Ctrl+Shift+Z redo the last change to the script, in the order the changes were
made. No text field keeps an undo history of its own (a field's own undo would show text the
document does not hold). Typing in the source reaches the stack after a short pause, one step
per burst of typing; Ctrl+Z first hands over the typing still pending, then undoes it. Typing
in one form field is one step until another change comes between.
"""

from __future__ import annotations

import contextlib
import logging
import re
from pathlib import Path
from typing import Any, Protocol

import tomli
from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from walktimer.core.problems import Problem
from walktimer.editing import commands as C
from walktimer.editing.document import Loc, NotEditable
from walktimer.editing.outline import outline, place_of
from walktimer.editing.scriptfile import NeedsName, ScriptFile
from walktimer.editing.storage import ChangedOnDisk, OpenError, SaveError, Stamp
from walktimer.i18n import N_, Phrases
from walktimer.ui.editor.forms import BlockForm, PhaseForm, SessionForm
from walktimer.ui.editor.source import SourceView
from walktimer.ui.editor.structure import StructureView
from walktimer.ui.editor.support import EditorPrompts, QtPrompts, UndoEntry
from walktimer.ui.screenfit import fit_to_screen
from walktimer.ui.words import user_phrases

__all__ = ["EditorWindow", "OpenError", "SpeechPreview"]

log = logging.getLogger(__name__)

VALIDATE_MS = 250
# The names are written into the script in the window's language (_named).
NEW_PHASE = {"name": N_("New phase"), "kind": "walk", "duration": "5m"}
NEW_STEP = {"name": N_("New step"), "duration": "1m"}
NEW_BLOCK = {
    "name": N_("New block"),
    "repeat": 2,
    "step": [{"name": N_("Brisk"), "duration": "2m"}, {"name": N_("Easy"), "duration": "1m"}],
}
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_SAMPLE_PLACEHOLDERS = {
    "remaining": N_("two minutes"),
    "elapsed": N_("one minute"),
    "next": N_("the next phase"),
    "rep": N_("one"),
    "reps": N_("three"),
    "speed": N_("four kilometres per hour"),
    "incline": N_("two percent"),
}


def _named(item: dict[str, Any], t: Phrases) -> dict[str, Any]:
    """A new phase, step or block with its names in `t`'s language."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key == "name":
            out[key] = t.gettext(value)
        elif key == "step":
            out[key] = [_named(step, t) for step in value]
        else:
            out[key] = value
    return out


class SpeechPreview(Protocol):
    """What the editor needs from walktimer.audio.preview.Previewer."""

    def preview(
        self, text: str, voice: str | None = None, rate: int = 170, volume: float = 1.0
    ) -> None: ...

    def failure(self) -> str | None: ...

    def close(self) -> None: ...


def _undo_keys() -> tuple[QKeySequence, ...]:
    """Made on use: a standard key needs the application's platform theme."""
    return (QKeySequence(QKeySequence.StandardKey.Undo), QKeySequence("Ctrl+Z"))


def _redo_keys() -> tuple[QKeySequence, ...]:
    return (
        QKeySequence(QKeySequence.StandardKey.Redo),
        QKeySequence("Ctrl+Y"),
        QKeySequence("Ctrl+Shift+Z"),
    )


def _is(event: QKeyEvent, keys: tuple[QKeySequence, ...]) -> bool:
    pressed = QKeySequence(event.keyCombination())
    return any(
        not key.isEmpty() and key.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
        for key in keys
    )


class _UndoKeys(QObject):
    """Undo and redo keys pressed in any widget of the editor go to the editor's stack.

    A text field that claims the key for its own undo would otherwise swallow it (the source
    view, whose own undo is off, did nothing on Ctrl+Z). Installed on the application so the
    cue table's cell editors, made on demand, are covered too.
    """

    def __init__(self, editor: EditorWindow) -> None:
        super().__init__(editor)
        self.editor = editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(event, QKeyEvent) or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.editor:
            return False
        undo = _is(event, _undo_keys())
        if not undo and not _is(event, _redo_keys()):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key press comes here, not to the field's own undo
            return True
        event.accept()
        if undo:
            self.editor.undo()
        else:
            self.editor.redo()
        return True


class EditorWindow(QMainWindow):
    """Edit one script. `run_requested(path)` asks the main window to start it.

    Raises OpenError (one sentence) when `path` cannot be read.
    """

    run_requested = Signal(Path)
    saved = Signal(Path)

    def __init__(
        self,
        path: Path | None = None,
        template: Path | None = None,
        parent: QWidget | None = None,
        *,
        prompts: EditorPrompts | None = None,
        previewer: SpeechPreview | None = None,
        muted: bool | None = None,
        speaking_rate: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.t = user_phrases()
        self._said_not_saved = ""  # the last "Not saved: ..." message shown
        self.file = (
            ScriptFile.open(path, phrases=self.t)
            if path is not None
            else ScriptFile.new(template, phrases=self.t)
        )
        self.doc = self.file.doc
        self.prompts: EditorPrompts = prompts if prompts is not None else QtPrompts()
        self._previewer = previewer
        self._muted = muted
        self._speaking_rate = speaking_rate  # None: from the settings; 0: the script's
        self.warnings: list[Problem] = []
        self.problems: list[Problem] = []
        # The problems by place, for the forms and the structure view:
        # Loc of a phase or step (Loc() for the session) -> (cue row, key) -> what is wrong.
        self._marks: dict[Loc, dict[tuple[int | None, str | None], str]] = {}
        self.current: Loc | None = None
        self.last_target: QWidget | None = None
        self._asking = False
        # The version on disk the user chose to keep editing against: a Stamp, _GONE when
        # the file was missing, None when nothing was dismissed.
        self._ignored: Stamp | object | None = None

        self.stack = QUndoStack(self)
        self.stack.cleanChanged.connect(self._clean_changed)
        if path is None:
            self.stack.resetClean()  # a new script has not been saved yet

        self._build()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_MS)
        self._validate_timer.timeout.connect(self.validate)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)
        self._watch()
        fit_to_screen(self)
        self._document_changed()
        self.validate()
        if not self.doc.parsed:
            # Nothing in the form can be trusted until the text parses: start on the source,
            # at the error.
            self.tabs.setCurrentWidget(self.source)
            error = self.doc.syntax_error
            if error is not None and error.line is not None:
                self.source.go_to(error.line, error.col)

    # -- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setObjectName("editorWindow")
        self.structure = StructureView()
        self.structure.selected.connect(self._selected)
        self.structure.tree.move_requested.connect(self._drop_move)
        self.structure.tree.key_move.connect(self.move_selected)
        self.structure.tree.key_delete.connect(self.delete)

        self.session_form = SessionForm()
        self.phase_form = PhaseForm()
        self.block_form = BlockForm()
        for form in (self.session_form, self.phase_form, self.block_form):
            form.command.connect(self.execute)
            form.speak.connect(self.speak)
        self.session_form.preview_voice.connect(self._preview_voice)
        self.session_form.choose_wav.connect(self._choose_wav)
        self.block_form.add_step.connect(self._add_step)

        self.forms = QStackedWidget()
        for form in (self.session_form, self.phase_form, self.block_form):
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(form)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            self.forms.addWidget(scroll)
        self.source = SourceView()
        self.source.edited.connect(self._source_edited)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.forms, self.t.gettext("&Form"))
        self.tabs.addTab(self.source, self.t.gettext("So&urce"))
        self.tabs.currentChanged.connect(self._tab_changed)

        self.problem_list = QListWidget()
        self.problem_list.setAccessibleName(self.t.gettext("Problems"))
        self.problem_list.setWordWrap(True)
        self.problem_list.itemActivated.connect(self._problem_clicked)
        self.problem_list.itemClicked.connect(self._problem_clicked)
        self.problem_title = QLabel()
        self.problem_title.setObjectName("problemTitle")
        problems = QWidget()
        layout = QVBoxLayout(problems)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.problem_title)
        layout.addWidget(self.problem_list)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.structure, 1)
        buttons = QHBoxLayout()
        left_layout.addLayout(buttons)

        self.problem_list.setMaximumHeight(170)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(problems)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([380, 900])
        split.setContentsMargins(6, 6, 6, 0)
        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "#readOnlyBanner { background: #fff4d6; color: #4a3800; padding: 6px 10px;"
            " border-bottom: 1px solid #e0c98a; }"
        )
        self.banner.setText(
            self.t.gettext(
                "This is a bundled session, kept as it came. Change what you like: saving puts "
                "your version in your own sessions folder."
            )
        )
        self.banner.setVisible(self.file.read_only)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(split, 1)
        self.setCentralWidget(central)

        self._actions(buttons)

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        self.addAction(action)
        return action

    def _actions(self, buttons: QHBoxLayout) -> None:
        self.save_action = self._action(
            self.t.gettext("&Save"), self.save, QKeySequence.StandardKey.Save
        )
        self.save_as_action = self._action(
            self.t.gettext("Save &As…"), self.save_as, QKeySequence.StandardKey.SaveAs
        )
        self.draft_action = self._action(
            self.t.gettext("Save anyway (draft)"),
            self.save_draft,
            tip=self.t.gettext(
                "Save the script with its problems, to finish it later. It cannot run until "
                "they are fixed."
            ),
        )
        self.undo_action = self._action(
            self.t.gettext("&Undo"), self.undo, QKeySequence.StandardKey.Undo
        )
        self.redo_action = self._action(
            self.t.gettext("&Redo"), self.redo, QKeySequence.StandardKey.Redo
        )
        self.redo_action.setShortcuts(_unique([*_redo_keys()]))
        self.redo_action.setToolTip(self.t.gettext("Redo (Ctrl+Y or Ctrl+Shift+Z)"))
        self._undo_keys = _UndoKeys(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._undo_keys)
        self.stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.stack.undoTextChanged.connect(self._undo_text)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.run_action = self._action(
            self.t.gettext("▶ &Run now"),
            self.run_now,
            "Ctrl+R",
            self.t.gettext("Save and start this session"),
        )
        self.add_action = self._action(self.t.gettext("Add phase"), self.add_phase, "Ctrl+Ins")
        self.block_action = self._action(
            self.t.gettext("Add block"), self.add_block, "Ctrl+Shift+Ins"
        )
        self.duplicate_action = self._action(self.t.gettext("Duplicate"), self.duplicate, "Ctrl+D")
        self.delete_action = self._action(
            self.t.gettext("Delete"), self.delete, QKeySequence.StandardKey.Delete
        )
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.structure.tree.addAction(self.delete_action)
        self.up_action = self._action(
            "▲", lambda: self.move_selected(-1), "Ctrl+Up", self.t.gettext("Move up (Ctrl+Up)")
        )
        self.down_action = self._action(
            "▼", lambda: self.move_selected(1), "Ctrl+Down", self.t.gettext("Move down (Ctrl+Down)")
        )
        self.convert_action = self._action(
            self.t.gettext("Make block"),
            self.convert,
            tip=self.t.gettext("Turn a phase into a repeated block, or back"),
        )

        toolbar = self.addToolBar(self.t.gettext("Editor"))
        toolbar.setObjectName("editorToolbar")
        toolbar.setMovable(False)
        for action in (self.save_action, self.save_as_action, self.draft_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addSeparator()
        toolbar.addAction(self.run_action)

        for action in (
            self.add_action,
            self.block_action,
            self.duplicate_action,
            self.delete_action,
            self.convert_action,
            self.up_action,
            self.down_action,
        ):
            button = QPushButton(action.text())
            button.setToolTip(action.toolTip())
            button.setAccessibleName(action.toolTip() or action.text())
            button.clicked.connect(action.trigger)
            action.enabledChanged.connect(button.setEnabled)
            action.changed.connect(lambda b=button, a=action: b.setText(a.text()))
            if action in (self.up_action, self.down_action):
                button.setFixedWidth(36)
            buttons.addWidget(button)
        self.statusBar().showMessage(self.t.gettext("Ready"))

    # -- applying changes -------------------------------------------------------------------------

    def execute(self, command: C.Command, merge: bool = False) -> bool:
        """Apply a command and put it on the undo stack; False when it could not be made."""
        if not self.doc.parsed and not isinstance(command, C.SetSource):
            self.statusBar().showMessage(
                self.t.gettext("Fix the syntax error in the source first.")
            )
            return False
        try:
            command.apply(self.doc)
        except NotEditable as error:
            self.statusBar().showMessage(str(error))
            self._document_changed()
            return False
        if command.changed:
            self.stack.push(UndoEntry(self.doc, command, self._document_changed, merge=merge))
        return True

    def _document_changed(self) -> None:
        self.source.set_source(self.doc.text())
        parsed = self.doc.parsed
        self.forms.setEnabled(parsed)
        self.structure.setEnabled(parsed)
        for action in (
            self.add_action,
            self.block_action,
            self.duplicate_action,
            self.delete_action,
            self.convert_action,
            self.up_action,
            self.down_action,
        ):
            action.setEnabled(parsed)
        if parsed:
            if self.current is not None and not self.doc.exists(self.current):
                self.current = self._nearest(self.current)
            self.structure.set_outline(outline(self.doc), self.current)
            self._load_form()
            if self.source.error_line is not None and not self.problems_have_syntax():
                self.source.mark_error(None, None)
        elif self.doc.syntax_error is not None:
            error = self.doc.syntax_error
            self.source.mark_error(error.line, error.col, error.message)
        self._update_buttons()
        self._update_title()
        self._validate_timer.start()

    def _nearest(self, loc: Loc) -> Loc | None:
        """After a delete or undo: the place next to one that is gone."""
        phases = self.doc.count(Loc(), "phase")
        if loc.phase is None or phases == 0:
            return None
        phase = min(loc.phase, phases - 1)
        if loc.step is not None and self.doc.exists(Loc(phase=phase)):
            steps = self.doc.count(Loc(phase=phase), "step")
            if steps:
                return Loc(phase=phase, step=min(loc.step, steps - 1))
        return Loc(phase=phase)

    def _load_form(self) -> None:
        loc = self.current
        if loc is None:
            self.session_form.load(self.doc)
            self.forms.setCurrentIndex(0)
        elif loc.step is None and self.doc.is_block(loc.phase or 0):
            self.block_form.load(self.doc, loc)
            self.forms.setCurrentIndex(2)
        else:
            self.phase_form.load(self.doc, loc)
            self.forms.setCurrentIndex(1)
        self._mark_form()

    def _mark_form(self) -> None:
        loc = self.current
        form: SessionForm | PhaseForm | BlockForm
        if loc is None:
            form = self.session_form
        elif loc.step is None and self.doc.is_block(loc.phase or 0):
            form = self.block_form
        else:
            form = self.phase_form
        form.mark(self._marks.get(loc or Loc(), {}))

    def _update_buttons(self) -> None:
        loc = self.current
        has = loc is not None and self.doc.parsed
        self.duplicate_action.setEnabled(has)
        self.delete_action.setEnabled(has)
        self.up_action.setEnabled(has)
        self.down_action.setEnabled(has)
        block = has and loc is not None and loc.step is None and self.doc.is_block(loc.phase or 0)
        self.convert_action.setText(
            self.t.gettext("Split block") if block else self.t.gettext("Make block")
        )
        self.convert_action.setEnabled(has and loc is not None and loc.step is None)
        step = has and loc is not None and loc.step is not None
        self.add_action.setText(self.t.gettext("Add step") if step else self.t.gettext("Add phase"))

    def _clean_changed(self, _clean: bool) -> None:
        self._update_title()

    def _file_changed(self, _path: str) -> None:
        QTimer.singleShot(0, self.check_disk)

    def _undo_text(self, text: str) -> None:
        self.undo_action.setToolTip(self.t.gettext("Undo {what}").format(what=text).strip())

    def _update_title(self) -> None:
        title = self.file.title
        if self.file.read_only:
            title += self.t.gettext(" (bundled, read-only: saving makes a copy)")
        elif self.file.path is None:
            title += self.t.gettext(" (new)")
        self.setWindowTitle(self.t.gettext("{title} [*] — walktimer editor").format(title=title))
        self.setWindowModified(not self.stack.isClean())

    def problems_have_syntax(self) -> bool:
        return any(p.where == self.t.gettext("TOML syntax") for p in self.problems)

    # -- validation -------------------------------------------------------------------------------

    def validate(self) -> None:
        """Recompute the problem lines now (normally debounced after each change)."""
        self._validate_timer.stop()
        self.problems = self.doc.problems(self.t)
        self.problem_list.clear()
        for problem in self.problems:
            item = QListWidgetItem(self.problem_text(problem))
            item.setData(Qt.ItemDataRole.UserRole, problem)
            item.setToolTip(self.t.gettext("Click to go there"))
            self.problem_list.addItem(item)
        count = len(self.problems)
        if count:
            found = self.t.ngettext(
                "<b>{n} problem</b> — click one to go there",
                "<b>{n} problems</b> — click one to go there",
                count,
            )
            self.problem_title.setText(found.format(n=count))
        else:
            self.problem_title.setText(
                self.t.gettext("<b>No problems</b> — the script is ready to run")
            )
        self.draft_action.setVisible(count > 0)
        self.problem_list.setVisible(count > 0)
        syntax = next((p for p in self.problems if p.where == self.t.gettext("TOML syntax")), None)
        if syntax is not None:
            self.source.mark_error(syntax.line, syntax.col, syntax.what)
        elif self.doc.parsed:
            self.source.mark_error(None, None)
        self._marks = _marks(self.problems)
        self.structure.mark_problems(
            {loc: list(found.values()) for loc, found in self._marks.items() if loc != Loc()}
        )
        if self.doc.parsed:
            self._mark_form()
        if self._said_not_saved and self.statusBar().currentMessage() == self._said_not_saved:
            if count:
                self._say_not_saved()  # the count follows the fixes
            else:  # the refusal no longer holds: do not leave it standing
                self.statusBar().showMessage(
                    self.t.gettext("No problems left: the script can be saved.")
                )

        self._show_warnings()

    def _show_warnings(self) -> None:
        """Below a valid script's "No problems": the cues that would still be speaking when
        the next sound is due, at the rate chosen in Settings or else the script's."""
        self.warnings = []
        if self.problems:
            return
        from walktimer.core.loader import SessionError, overlap_warnings

        try:
            session = self.doc.to_session()
        except SessionError:
            return
        self.warnings = overlap_warnings(
            session, self.doc.text(), self._user_rate() or None, phrases=self.t
        )
        for warning in self.warnings:
            item = QListWidgetItem(self.problem_text(warning))
            item.setData(Qt.ItemDataRole.UserRole, warning)
            item.setToolTip(self.t.gettext("Click to go there"))
            self.problem_list.addItem(item)
        if self.warnings:
            count = len(self.warnings)
            ready = self.t.ngettext(
                "<b>No problems</b> — the script is ready to run, with {n} "
                "warning: click one to go there",
                "<b>No problems</b> — the script is ready to run, with {n} "
                "warnings: click one to go there",
                count,
            )
            self.problem_title.setText(ready.format(n=count))
            self.problem_list.setVisible(True)

    def _user_rate(self) -> int:
        """The speaking rate chosen in Settings; 0 for the script's own."""
        if self._speaking_rate is not None:
            return self._speaking_rate
        try:
            from walktimer.ui.settings import Settings

            return int(Settings().rate)
        except (ImportError, OSError):
            return 0

    def problem_text(self, problem: Problem) -> str:
        """A problem line as the list shows it: the `walktimer check` line for a file; for a
        script not saved yet, "line 14: ..." instead of a made-up file name."""
        if self.file.path is not None:
            return str(problem)
        if problem.line is None:
            return f"{problem.where}: {problem.what}"
        line = self.t.gettext("line {line}: {where}: {what}")
        return line.format(line=problem.line, where=problem.where, what=problem.what)

    def _say_not_saved(self) -> None:
        count = len(self.problems)
        self._said_not_saved = self._not_saved(count)
        self.statusBar().showMessage(self._said_not_saved)

    def _not_saved(self, count: int) -> str:
        text = self.t.ngettext(
            "Not saved: the script has {n} problem. Fix them, or use Save anyway (draft) to "
            "keep it unfinished.",
            "Not saved: the script has {n} problems. Fix them, or use Save anyway (draft) to "
            "keep it unfinished.",
            count,
        )
        return text.format(n=count)

    def _problem_clicked(self, item: QListWidgetItem) -> None:
        problem = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(problem, Problem):
            self.go_to_problem(problem)

    def go_to_problem(self, problem: Problem) -> None:
        """Show the field a problem names, or its line in the source."""
        loc, key = place_of(problem.key)
        keys = [k for k in (key, self._key_on_line(problem.line)) if k]
        if self.doc.parsed and loc is not None and self._show_field(loc, keys):
            return
        self.tabs.setCurrentWidget(self.source)
        if problem.line is not None:
            self.source.go_to(problem.line, problem.col)
        self.last_target = self.source

    def _key_on_line(self, line: int | None) -> str | None:
        """The key written on a line of the source (`  duration = "5m"` -> "duration")."""
        if line is None:
            return None
        lines = self.doc.text().splitlines()
        if not 0 < line <= len(lines):
            return None
        match = _KEY_LINE.match(lines[line - 1])
        return match.group(1) if match else None

    def _show_field(self, loc: Loc, keys: list[str]) -> bool:
        """Select a place and focus the first of `keys` its form has."""
        target: QWidget | None = None
        if loc.phase is None:
            self.current = None
            self.structure.select(None)
            self._load_form()
            self._update_buttons()
            for key in keys:
                name = f"{loc.table}.{key}" if loc.table is not None else key
                target = target or self.session_form.field(name)
            if target is None and loc.table is not None:
                target = self.session_form.field(f"{loc.table}." + _first_key(loc.table))
        else:
            place = Loc(phase=loc.phase, step=loc.step)
            if not self.doc.exists(place):
                return False
            self.current = place
            self.structure.select(place)
            self._load_form()
            self._update_buttons()
            form = self.block_form if self.forms.currentIndex() == 2 else self.phase_form
            if loc.cue is not None and form is self.phase_form:
                self.phase_form.cues.selectRow(loc.cue)
                target = self.phase_form.cues
            else:
                for key in keys:
                    target = target or form.field(key)
                target = target or form.field("name")
        self.tabs.setCurrentWidget(self.forms)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            scroll = self.forms.currentWidget()
            if isinstance(scroll, QScrollArea):
                scroll.ensureWidgetVisible(target)
        self.last_target = target
        return True

    # -- the source view --------------------------------------------------------------------------

    def _source_edited(self, text: str) -> None:
        if text != self.doc.text():
            self.execute(C.SetSource(text, phrases=self.t))  # one undo step per burst of typing

    def _tab_changed(self, _index: int) -> None:
        self.source.flush_pending()

    # -- selection and structure ------------------------------------------------------------------

    def _selected(self, loc: Loc | None) -> None:
        self.source.flush_pending()
        self.current = loc
        self._load_form()
        self._update_buttons()
        if self.tabs.currentWidget() is not self.forms:
            self.tabs.setCurrentWidget(self.forms)

    def select(self, loc: Loc | None) -> None:
        """Show a place in the forms (None: the session's settings)."""
        self.structure.select(loc)
        self._selected(loc)

    def _run_structural(self, command: C.Command, then: Loc | None) -> None:
        previous = self.current
        self.current = then
        if not self.execute(command):
            self.current = previous
            self._document_changed()

    def add_phase(self) -> None:
        loc = self.current
        if loc is not None and loc.step is not None:
            self._add_step()
            return
        count = self.doc.count(Loc(), "phase")
        index = (loc.phase or 0) + 1 if loc is not None else count
        self._run_structural(
            C.add_item(self.doc, Loc(), "phase", index, _named(NEW_PHASE, self.t), phrases=self.t),
            Loc(phase=index),
        )

    def add_block(self) -> None:
        loc = self.current
        count = self.doc.count(Loc(), "phase")
        index = (loc.phase or 0) + 1 if loc is not None else count
        command = C.add_item(
            self.doc, Loc(), "phase", index, _named(NEW_BLOCK, self.t), phrases=self.t
        )
        command.label = self.t.gettext("Add a repeated block")
        self._run_structural(command, Loc(phase=index))

    def _add_step(self) -> None:
        loc = self.current
        if loc is None or loc.phase is None:
            return
        owner = Loc(phase=loc.phase)
        index = loc.step + 1 if loc.step is not None else self.doc.count(owner, "step")
        self._run_structural(
            C.add_item(self.doc, owner, "step", index, _named(NEW_STEP, self.t), phrases=self.t),
            Loc(phase=loc.phase, step=index),
        )

    def duplicate(self) -> None:
        loc = self.current
        if loc is None or loc.phase is None:
            return
        owner, key, index = loc.parent_list()
        then = (
            Loc(phase=loc.phase + 1) if loc.step is None else Loc(phase=loc.phase, step=index + 1)
        )
        self._run_structural(C.duplicate_item(self.doc, owner, key, index, phrases=self.t), then)

    def delete(self) -> None:
        loc = self.current
        if loc is None or loc.phase is None:
            return
        owner, key, index = loc.parent_list()
        self._run_structural(C.delete_item(self.doc, owner, key, index, phrases=self.t), loc)

    def move_selected(self, delta: int) -> None:
        loc = self.current
        if loc is None or loc.phase is None:
            return
        owner, key, index = loc.parent_list()
        target = index + delta
        if not 0 <= target < self.doc.count(owner, key):
            return
        self._move(loc, target)

    def _move(self, loc: Loc, target: int) -> None:
        owner, key, index = loc.parent_list()
        if target == index:
            return
        then = Loc(phase=target) if loc.step is None else Loc(phase=loc.phase, step=target)
        self._run_structural(C.move_item(self.doc, owner, key, index, target, phrases=self.t), then)

    def _drop_move(self, loc: object, target: int) -> None:
        if isinstance(loc, Loc):
            self._move(loc, target)

    def convert(self) -> None:
        loc = self.current
        if loc is None or loc.phase is None or loc.step is not None:
            return
        if self.doc.is_block(loc.phase):
            self._run_structural(
                C.block_to_phases(self.doc, loc.phase, phrases=self.t), Loc(phase=loc.phase)
            )
        else:
            self._run_structural(
                C.phase_to_block(self.doc, loc.phase, phrases=self.t), Loc(phase=loc.phase)
            )

    # -- undo -------------------------------------------------------------------------------------

    def undo(self) -> None:
        self.source.flush_pending()
        self.stack.undo()

    def redo(self) -> None:
        self.source.flush_pending()
        self.stack.redo()

    # -- speech -----------------------------------------------------------------------------------

    def _voice_settings(self) -> tuple[str | None, int, float]:
        voice = self.doc.get(Loc(table="voice"), "voice")
        rate = self.doc.get(Loc(table="voice"), "rate", 170)
        volume = self.doc.get(Loc(table="voice"), "volume", 1.0)
        return (
            voice if isinstance(voice, str) and voice else None,
            rate if isinstance(rate, int) and not isinstance(rate, bool) else 170,
            float(volume) if isinstance(volume, int | float) else 1.0,
        )

    def _is_muted(self) -> bool:
        if self._muted is not None:
            return self._muted
        try:
            from walktimer.ui.settings import Settings

            return bool(Settings().mute)
        except (ImportError, OSError):
            return False

    def previewer(self) -> SpeechPreview | None:
        """The speech preview, started on first use; None when speech cannot work here."""
        if self._previewer is None:
            try:
                from walktimer.audio.preview import Previewer

                self._previewer = Previewer()
            except (ImportError, OSError, RuntimeError) as error:
                log.warning("no speech preview: %s", error)
                message = self.t.gettext("Speech is not available: {reason}")
                self.statusBar().showMessage(message.format(reason=error))
                return None
        return self._previewer

    def speak(self, text: str) -> None:
        """Say a text with the session's voice (placeholders read as examples)."""
        text = text.strip()
        if not text:
            self.statusBar().showMessage(
                self.t.gettext("There is nothing to say: write the text first.")
            )
            return
        if self._is_muted():
            self.statusBar().showMessage(
                self.t.gettext("Speech is muted in Settings: unmute it to hear the preview.")
            )
            return
        previewer = self.previewer()
        if previewer is None:
            return
        failure = previewer.failure()
        if failure:
            message = self.t.gettext("Speech is off: {reason}")
            self.statusBar().showMessage(message.format(reason=failure))
            return
        phase_name = self.phase_form.name.text() if self.current is not None else ""
        samples = {key: self.t.gettext(value) for key, value in _SAMPLE_PLACEHOLDERS.items()}
        samples["phase"] = phase_name or self.t.gettext("this phase")
        spoken = re.sub(r"\{(\w+)\}", lambda m: samples.get(m.group(1), m.group(0)), text)
        voice, rate, volume = self._voice_settings()
        previewer.preview(spoken, voice, rate, volume)
        self.statusBar().showMessage(self.t.gettext("Speaking: {text}").format(text=spoken))

    def _preview_voice(self) -> None:
        name = self.doc.get(Loc(), "name", self.t.gettext("your session"))
        sample = self.t.gettext("This is how {name} sounds. Head level, eyes forward.")
        self.speak(sample.format(name=name))

    def _choose_wav(self, key: str) -> None:
        folder = self.file.path.parent if self.file.path is not None else Path.home()
        chosen = self.prompts.choose_wav(self, folder)
        if chosen is None:
            return
        value = str(chosen)
        if self.file.path is not None:
            with contextlib.suppress(ValueError):
                value = str(chosen.relative_to(self.file.path.parent))
        self.execute(
            C.SetFields(
                Loc(table="sounds"),
                {key: value},
                self.t.gettext("Choose the {key} sound").format(key=key),
            )
        )

    # -- saving -----------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save in place (asks for a name when needed). An invalid script is refused here:
        saving it takes the explicit Save anyway (draft)."""
        self.source.flush_pending()
        self.validate()
        if self.problems:
            self._say_not_saved()
            return False
        return self._write(save_as=False)

    def save_draft(self) -> bool:
        self.source.flush_pending()
        return self._write(save_as=False)

    def save_as(self) -> bool:
        self.source.flush_pending()
        return self._write(save_as=True)

    def _write(self, *, save_as: bool, force: bool = False) -> bool:
        try:
            if save_as:
                path = self.prompts.save_path(self, self.file.suggested_path(), None)
                if path is None:
                    return False
                self.file.save_as(path)
            else:
                self.file.save(force=force)
        except NeedsName as needed:
            renamed = self._name_the_copy()
            suggestion = self.file.suggested_path() if renamed else needed.suggestion
            path = self.prompts.save_path(self, suggestion, str(needed))
            if path is None:
                if renamed:
                    self.stack.undo()
                return False
            try:
                self.file.save_as(path)
            except (SaveError, NeedsName) as error:
                self.prompts.error(self, str(error))
                return False
        except ChangedOnDisk:
            return self._resolve_conflict(saving=True)
        except SaveError as error:
            self.prompts.error(self, str(error))
            self.statusBar().showMessage(str(error))
            return False
        self._saved()
        return True

    def _name_the_copy(self) -> bool:
        """A bundled session saved as a copy gets "(my copy)" after its name unless the user
        renamed it, so the library and the history can tell the two apart. Undoable."""
        if not self.file.read_only or not self.doc.parsed or self.file.saved_text is None:
            return False
        name = self.doc.get(Loc(), "name")
        try:
            original = tomli.loads(self.file.saved_text).get("name")
        except tomli.TOMLDecodeError:
            return False
        if not isinstance(name, str) or name != original:
            return False
        copy = self.t.gettext("{name} (my copy)").format(name=name)[:80]
        return self.execute(C.SetFields(Loc(), {"name": copy}, self.t.gettext("Name the copy")))

    def _saved(self) -> None:
        self.stack.setClean()
        self.banner.setVisible(self.file.read_only)
        self._ignored = None
        self._watch()
        self._update_title()
        if self.file.path is not None:
            self.statusBar().showMessage(f"Saved {self.file.path}")
            self.saved.emit(self.file.path)

    def _watch(self) -> None:
        files = self.watcher.files()
        if files:
            self.watcher.removePaths(files)
        if self.file.path is not None and self.file.path.exists():
            self.watcher.addPath(str(self.file.path))

    # -- the file changed on disk -----------------------------------------------------------------

    def check_disk(self) -> None:
        """Ask what to do when another program changed the file (once per change)."""
        self._watch()
        if self._asking or not self.file.changed_on_disk() or self.file.path is None:
            return
        now = Stamp.of(self.file.path)
        if now is None and self._ignored is _GONE:
            return
        if isinstance(self._ignored, Stamp) and self._ignored.same_file(now):
            return
        self._resolve_conflict(saving=False)

    def _resolve_conflict(self, *, saving: bool) -> bool:
        path = self.file.path
        if path is None:
            return False
        if not path.exists():
            return self._resolve_deleted(path, saving=saving)
        self._asking = True
        try:
            choice = self.prompts.external_change(self, path)
        finally:
            self._asking = False
        if choice == "reload":
            return self.reload()
        if choice == "overwrite":
            return self._write(save_as=False, force=True)
        if choice == "save_as":
            return self._write(save_as=True)
        now = Stamp.of(path)
        self._ignored = _GONE if now is None else now
        if saving:
            self.statusBar().showMessage(
                self.t.gettext("Not saved: the file on disk was changed elsewhere.")
            )
        return False

    def _resolve_deleted(self, path: Path, *, saving: bool) -> bool:
        """The open file was deleted on disk: save it back, save it elsewhere or close."""
        self._asking = True
        try:
            choice = self.prompts.file_deleted(self, path)
        finally:
            self._asking = False
        if choice == "save":
            return self._write(save_as=False, force=True)
        if choice == "save_as":
            return self._write(save_as=True)
        self._ignored = _GONE  # Close or Cancel: not asked again until the file comes back
        if choice == "close":
            QTimer.singleShot(0, self.close)
            return False
        if saving:
            message = self.t.gettext("Not saved: {file} was deleted from the disk.")
            self.statusBar().showMessage(message.format(file=path.name))
        return False

    def reload(self) -> bool:
        """Take the file from disk; the edits it drops stay on the undo stack."""
        path = self.file.path
        if path is None:
            return False
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            message = self.t.gettext("{file} cannot be read again: {reason}")
            self.prompts.error(self, message.format(file=path.name, reason=error))
            return False
        if text != self.doc.text():
            self.execute(C.SetSource(text, self.t.gettext("Reload from disk")))
        self.file.saved_text = text
        self.file.stamp = Stamp.of(path)
        self._saved()
        message = self.t.gettext("Reloaded {file} from disk")
        self.statusBar().showMessage(message.format(file=path.name))
        return True

    # -- running ----------------------------------------------------------------------------------

    def run_now(self) -> None:
        """Start the session from its saved file; asks to save unsaved changes first."""
        self.source.flush_pending()
        if not self.stack.isClean() or self.file.path is None:
            if not self.prompts.save_before_run(self):
                return
            if not self.save():
                return
        self.validate()
        if self.problems:
            self.statusBar().showMessage(
                self.t.gettext("Fix the problems before running the session.")
            )
            return
        if self.file.path is not None:
            self.run_requested.emit(self.file.path)

    # -- closing ----------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            QTimer.singleShot(0, self.check_disk)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.source.flush_pending()
        if not self.stack.isClean():
            self.validate()
            choice = self.prompts.unsaved_changes(self, self.file.title, bool(self.problems))
            if choice == "cancel" or (choice == "save" and not self.save_or_draft()):
                event.ignore()
                return
        if self._previewer is not None:
            self._previewer.close()
            self._previewer = None
        event.accept()

    def save_or_draft(self) -> bool:
        """Closing with "save": save, as a draft when the script still has problems."""
        self.validate()
        return self.save_draft() if self.problems else self.save()


_GONE = object()  # the file was missing when the user chose to keep editing


def _marks(problems: list[Problem]) -> dict[Loc, dict[tuple[int | None, str | None], str]]:
    """The problems by the phase, step or session (Loc()) they belong to."""
    marks: dict[Loc, dict[tuple[int | None, str | None], str]] = {}
    for problem in problems:
        loc, key = place_of(problem.key)
        if loc is None or loc.table is not None:
            continue
        place = Loc(phase=loc.phase, step=loc.step) if loc.phase is not None else Loc()
        found = marks.setdefault(place, {})
        found.setdefault((loc.cue, key), problem.what)
    return marks


def _unique(keys: list[QKeySequence]) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for key in keys:
        if not key.isEmpty() and key not in out:
            out.append(key)
    return out


def _first_key(table: str) -> str:
    return {"voice": "rate", "sounds": "phase", "announce": "countdown", "reminders": "every"}[
        table
    ]
