"""The session library, the start screen: bundled sessions, the user's own and recent files."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from walktimer import paths, resources
from walktimer.core.durations import format_clock
from walktimer.core.loader import load_path
from walktimer.core.problems import SessionError
from walktimer.core.script import Session
from walktimer.ui.theme import kind_colour, kind_label

__all__ = ["DiskWatcher", "LibraryEntry", "LibraryView", "entry_for", "scan_library"]

log = logging.getLogger(__name__)

ALL_TAGS = "All tags"
COLUMNS = 4
SETTLE_MS = 150  # a save is often several writes (or a write and a rename): wait for the last
PATH_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One row of the library: a session file and what the list shows of it."""

    path: Path
    origin: str  # "Bundled", "Yours" or "Recent"
    name: str
    total: float
    at_least: bool
    phases: int
    tags: tuple[str, ...]
    description: str
    session: Session | None  # None when the file has problems
    problems: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.session is not None

    @property
    def length_text(self) -> str:
        if not self.valid:
            return "—"
        return ("≥ " if self.at_least else "") + format_clock(self.total)

    def matches(self, text: str, tag: str | None) -> bool:
        if tag is not None and tag not in self.tags:
            return False
        if not text:
            return True
        haystack = " ".join(
            [self.name, self.description, " ".join(self.tags), self.path.name]
        ).lower()
        return all(word in haystack for word in text.lower().split())


def entry_for(path: Path, origin: str) -> LibraryEntry:
    try:
        session = load_path(path)
    except SessionError as error:
        lines = tuple(str(p) for p in error.problems)
        return LibraryEntry(
            path, origin, path.stem, 0.0, False, 0, (), "This file has problems.", None, lines
        )
    return LibraryEntry(
        path=path,
        origin=origin,
        name=session.name,
        total=float(session.total_seconds),
        at_least=session.has_manual,
        phases=len(session.flat_phases()),
        tags=tuple(session.tags),
        description=(session.description or "").strip(),
        session=session,
    )


def scan_library(recent: Iterable[Path] = ()) -> list[LibraryEntry]:
    """Bundled sessions, then the user's folder, then recent files not already listed."""
    seen: set[Path] = set()
    out: list[LibraryEntry] = []

    def add(path: Path, origin: str) -> None:
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        out.append(entry_for(path, origin))

    for path in resources.bundled_sessions():
        add(path, "Bundled")
    folder = paths.user_sessions_dir()
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            add(path, "Yours")
    for path in recent:
        if path.is_file():
            add(path, "Recent")
    return out


class DiskWatcher(QObject):
    """Says when files in the sessions folder (or listed files elsewhere) are added, changed or
    deleted: `changed` once the disk has been quiet for SETTLE_MS.

    Watches the folder and each file in it; while the folder does not exist yet, the nearest
    folder above it, so a first session saved there is seen too. Call `watch` again after
    each rescan: a file replaced by a rename is no longer watched until then.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._poke)
        self._watcher.fileChanged.connect(self._poke)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.changed.emit)

    def watch(self, folder: Path, files: Iterable[Path] = ()) -> None:
        """Follow `folder` and `files` (replacing what was followed before)."""
        wanted: list[str] = []
        place = folder
        while not place.is_dir() and place.parent != place:
            place = place.parent
        wanted.append(str(place))
        if place == folder:
            wanted.extend(str(path) for path in sorted(folder.glob("*.toml")))
        wanted.extend(str(path) for path in files if path.is_file())
        old = set(self._watcher.files()) | set(self._watcher.directories())
        new = set(wanted)
        if old - new:
            self._watcher.removePaths(sorted(old - new))
        if new - old:
            self._watcher.addPaths(sorted(new - old))

    def watched(self) -> list[str]:
        return sorted(self._watcher.files() + self._watcher.directories())

    def _poke(self, _path: str) -> None:
        self._timer.start()


def _tool(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return button


class LibraryView(QWidget):
    """The list with search and tag filter, and a panel describing the selected session.

    Activating a row (double-click) asks to start it; the window owns every action.
    """

    activated = Signal(object)  # Path
    selection_changed = Signal()
    disk_changed = Signal()  # a session file was added, changed or deleted: scan again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("library")
        self.setAccessibleName("Session library")
        self._entries: list[LibraryEntry] = []
        self.watcher = DiskWatcher(self)
        self.watcher.changed.connect(self.disk_changed.emit)

        title = QLabel("Choose a session")
        title.setObjectName("library_title")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        title.setAccessibleName("Choose a session")

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, tag or description")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search sessions")
        self.search.setToolTip("Type words to narrow the list (Ctrl+F)")
        self.search.textChanged.connect(self._refilter)
        for button in self.search.findChildren(QToolButton):
            button.setAccessibleName("Clear the search")
        self.tag = QComboBox()
        self.tag.setAccessibleName("Filter by tag")
        self.tag.setToolTip("Show only sessions with this tag")
        self.tag.currentIndexChanged.connect(self._refilter)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.search, 2)
        top.addWidget(self.tag)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Sessions")
        self.tree.setColumnCount(COLUMNS)
        self.tree.setHeaderLabels(["Session", "Length", "Phases", "From"])
        self.tree.setStyleSheet("QTreeView::item { padding: 7px 4px; }")
        tree_font = QFont(self.tree.font())
        tree_font.setPointSizeF(tree_font.pointSizeF() * 1.15)
        self.tree.setFont(tree_font)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSortingEnabled(False)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.currentItemChanged.connect(self._on_current)

        self.details = QLabel()
        self.details.setObjectName("library_details")
        self.details.setAccessibleName("Session details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMargin(12)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(self.details)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([620, 560])
        split.setChildrenCollapsible(False)

        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(8)

        self.empty = QLabel(
            "No session matches. Clear the search, or open a file with Ctrl+O "
            "or by dropping it on the window."
        )
        self.empty.setAccessibleName("No session matches")
        self.empty.setWordWrap(True)
        self.empty.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        self.banners = QVBoxLayout()
        layout.addLayout(self.banners)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.empty)
        layout.addLayout(self.buttons)

    # Contents.

    def set_entries(self, entries: list[LibraryEntry]) -> None:
        current = self.selected_path()
        self._entries = list(entries)
        tags = sorted({t for e in entries for t in e.tags}, key=str.lower)
        chosen = self.tag.currentText()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(ALL_TAGS)
        self.tag.addItems(tags)
        if chosen in tags:
            self.tag.setCurrentText(chosen)
        self.tag.blockSignals(False)
        self._refilter()
        if current is not None:
            self.select(current)

    def entries(self) -> list[LibraryEntry]:
        return list(self._entries)

    def visible_entries(self) -> list[LibraryEntry]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and not item.isHidden():
                entry = self._entry(item)
                if entry is not None:
                    out.append(entry)
        return out

    def _refilter(self) -> None:
        text = self.search.text().strip()
        tag = self.tag.currentText() if self.tag.currentIndex() > 0 else None
        current = self.selected_path()
        self.tree.clear()
        dim = QColor(self.palette().color(self.foregroundRole()))
        dim.setAlpha(150)
        for entry in self._entries:
            if not entry.matches(text, tag):
                continue
            item = QTreeWidgetItem(
                [
                    entry.name,
                    entry.length_text,
                    str(entry.phases) if entry.valid else "—",
                    entry.origin,
                ]
            )
            item.setData(0, PATH_ROLE, str(entry.path))
            item.setToolTip(0, f"{entry.name}\n{', '.join(entry.tags)}\n{entry.path}")
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not entry.valid:
                item.setText(0, f"{entry.path.name} (has problems)")
                for column in range(COLUMNS):
                    item.setForeground(column, dim)
            self.tree.addTopLevelItem(item)
        count = self.tree.topLevelItemCount()
        self.empty.setVisible(count == 0)
        first = self.tree.topLevelItem(0)
        if first is not None and not (current is not None and self.select(current)):
            self.tree.setCurrentItem(first)
        if not count:
            self._show_details(None)
        self.selection_changed.emit()

    def select(self, path: Path) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and Path(str(item.data(0, PATH_ROLE))) == path:
                self.tree.setCurrentItem(item)
                return True
        return False

    def _entry(self, item: QTreeWidgetItem | None) -> LibraryEntry | None:
        if item is None:
            return None
        path = Path(str(item.data(0, PATH_ROLE)))
        for entry in self._entries:
            if entry.path == path:
                return entry
        return None

    def selected_entry(self) -> LibraryEntry | None:
        return self._entry(self.tree.currentItem())

    def selected_path(self) -> Path | None:
        entry = self.selected_entry()
        return entry.path if entry is not None else None

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        entry = self._entry(item)
        if entry is not None:
            self.activated.emit(entry.path)

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        self._show_details(self._entry(item))
        self.selection_changed.emit()

    def _show_details(self, entry: LibraryEntry | None) -> None:
        if entry is None:
            self.details.setText("")
            return
        self.details.setText(details_html(entry))

    def add_banner(self, banner: QWidget) -> None:
        self.banners.addWidget(banner)
        if self.isVisible():
            banner.show()

    def add_button(self, button: QWidget) -> None:
        self.buttons.addWidget(button)

    def add_button_stretch(self) -> None:
        self.buttons.addStretch(1)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def details_html(entry: LibraryEntry) -> str:
    """The selected session's name, facts, description and phases."""
    parts = [f"<h2>{_esc(entry.name)}</h2>"]
    if not entry.valid:
        parts.append("<p>This file cannot be used. Start or open it to see every problem.</p>")
        parts.append(f"<p><small>{_esc(str(entry.path))}</small></p>")
        return "".join(parts)
    facts = f"{entry.length_text} · {entry.phases} phases"
    if entry.tags:
        facts += " · " + ", ".join(_esc(t) for t in entry.tags)
    parts.append(f"<p><b>{facts}</b></p>")
    if entry.description:
        parts.append(f"<p>{_esc(entry.description)}</p>")
    session = entry.session
    if session is not None:
        rows = []
        for phase in session.flat_phases()[:40]:
            colour = kind_colour(phase.kind).name()
            length = "manual" if phase.duration is None else format_clock(phase.duration)
            rows.append(
                f"<tr><td><span style='color:{colour}'>■</span> {_esc(phase.name)}</td>"
                f"<td align='right'>&nbsp;&nbsp;{length}</td>"
                f"<td>&nbsp;&nbsp;{kind_label(phase.kind)}</td></tr>"
            )
        parts.append("<table cellspacing='2'>" + "".join(rows) + "</table>")
    parts.append(f"<p><small>{_esc(str(entry.path))}</small></p>")
    return "".join(parts)
