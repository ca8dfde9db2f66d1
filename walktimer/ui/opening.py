"""Session files coming into the window: the Open dialog, a file dropped on it, a Zwift
workout imported into the sessions folder, and loading a script with every problem shown.

`SessionFiles.open(path)` turns any of them into a loaded Session (or one dialog saying what
is wrong with the file); the window then runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtWidgets import QWidget

from walktimer import files, paths
from walktimer.core.loader import load_path
from walktimer.core.problems import Problem, SessionError
from walktimer.core.script import Session
from walktimer.ui.dialogs import Dialogs
from walktimer.ui.words import user_phrases

__all__ = ["SESSION_SUFFIXES", "Opened", "SessionFiles", "dropped_session"]

SESSION_SUFFIXES = (".toml", ".zwo")


@dataclass(slots=True)
class Opened:
    """A loaded script, and what to tell the walker about it (an import's notes)."""

    session: Session
    path: Path
    notices: list[str] = field(default_factory=list)


def dropped_session(mime: QMimeData) -> Path | None:
    """The first local session file among what is dragged onto the window."""
    if not mime.hasUrls():
        return None
    return _first_session(mime.urls())


def _first_session(urls: list[QUrl]) -> Path | None:
    for url in urls:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in SESSION_SUFFIXES:
                return path
    return None


class SessionFiles:
    """Opens session files for the window, asking and telling through `dialogs`."""

    def __init__(
        self,
        dialogs: Dialogs,
        parent: QWidget,
        edit: Callable[[Path, Problem | None], None] | None = None,
    ) -> None:
        self.dialogs = dialogs
        self.parent = parent
        # Edit in the problem dialog: open the file in the editor at its first problem.
        self.edit = edit

    def ask(self) -> Path | None:
        """The Open dialog, in the user's sessions folder (or home when there is none yet)."""
        folder = paths.user_sessions_dir()
        if not folder.is_dir():
            folder = Path.home()
        return self.dialogs.open_file(self.parent, folder)

    def open(self, path: Path) -> Opened | None:
        """Load a script, or import a .zwo first; None once a dialog said what is wrong."""
        notices: list[str] = []
        if path.suffix.lower() == ".zwo":
            imported = self._import_zwo(path)
            if imported is None:
                return None
            path, notices = imported
        session = self.load(path)
        return Opened(session, path, notices) if session is not None else None

    def load(self, path: Path) -> Session | None:
        """Load a script; on problems show them all in one dialog (whose Edit opens the
        editor on the first of them)."""
        try:
            return load_path(path, phrases=user_phrases())
        except SessionError as error:
            lines = [str(p) for p in error.problems] or [str(error)]
            count = len(lines)
            them = "them" if count != 1 else "it"
            how = "with Edit (or in a text editor)" if self.edit is not None else "in a text editor"
            chose_edit = self.dialogs.problems(
                self.parent,
                "This session cannot be used",
                f"{path.name} has {count} problem{'s' if count != 1 else ''}. Fix {them} "
                f"{how}, then open it again.",
                lines,
            )
            if chose_edit and self.edit is not None and path.is_file():
                self.edit(path, error.problems[0] if error.problems else None)
            return None

    def _import_zwo(self, path: Path) -> tuple[Path, list[str]] | None:
        """Convert a Zwift workout into a script in the user's sessions folder: its path, and
        the notes to show with it."""
        from walktimer.importing.zwo import ZwoError, import_zwo_file  # the one use of it

        try:
            result = import_zwo_file(path)
        except ZwoError as error:
            self.dialogs.inform(self.parent, "Cannot import this workout", str(error))
            return None
        folder = paths.user_sessions_dir()
        name = Path(result.suggested_name)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # A complete, synced file under the first free name: never a partial script, and
            # never over a file that appeared meanwhile.
            names = files.free_names(folder, name.stem, name.suffix or ".toml")
            target = files.write_new(names, result.toml_text.encode("utf-8"))
        except OSError as error:
            reason = error.strerror or str(error)
            self.dialogs.inform(
                self.parent,
                "Cannot import this workout",
                f"The session cannot be written to {folder} ({reason}); free some space or "
                "check the folder's permissions, then import it again.",
            )
            return None
        notices = [
            f"Imported {path.name} as {target.name} in your sessions folder.",
            *result.warnings,
        ]
        return target, notices
