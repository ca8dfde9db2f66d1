"""The structure view: the session's phases in order, blocks with their steps nested, each
with its kind colour and length, plus the total and a timeline that follow every edit."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDropEvent, QFont, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from walktimer.core.durations import format_clock
from walktimer.core.script import Kind
from walktimer.editing.document import Loc
from walktimer.editing.outline import Outline, OutlineItem
from walktimer.ui.theme import kind_colour, kind_label
from walktimer.ui.timeline import Segment, TimelineStrip
from walktimer.ui.words import user_phrases

__all__ = ["SESSION_ROW", "StructureView"]

SESSION_ROW = "session"
_LOC = Qt.ItemDataRole.UserRole
_MARKED = Qt.ItemDataRole.UserRole + 1


def _swatch(kind: Kind, block: bool = False) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(0, 0, 0, 0) if block else kind_colour(kind))
    if block:
        pixmap.fill(kind_colour(kind).lighter(150))
    return QIcon(pixmap)


class PhaseTree(QTreeWidget):
    """The phase list. A drop does not move items itself: it asks for a move command."""

    move_requested = Signal(object, int)  # (Loc of the dragged phase or step, new index)
    key_move = Signal(int)  # Ctrl+Up (-1) / Ctrl+Down (+1) on the selected row
    key_delete = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if control and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.key_move.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Delete and not event.modifiers():
            self.key_delete.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = user_phrases()
        self.setColumnCount(2)
        self.setHeaderLabels([t.gettext("Phase"), t.gettext("Length")])
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setIconSize(QSize(14, 14))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setAccessibleName(t.gettext("Phases"))
        self.setAccessibleDescription(
            t.gettext("The session's phases in order. Ctrl+Up and Ctrl+Down move the selected one.")
        )

    def drop_target(self, source: Loc, target: QTreeWidgetItem | None, below: bool) -> int | None:
        """The index a dragged phase or step lands at, or None where it cannot go."""
        if target is None:
            return None
        loc = target.data(0, _LOC)
        if not isinstance(loc, Loc):
            return 0 if source.step is None else None  # on the session row: to the top
        if source.step is None:
            if loc.step is not None:
                return None
            index = loc.phase or 0
        else:
            if loc.step is None or loc.phase != source.phase:
                return None
            index = loc.step
        current = source.step if source.step is not None else source.phase or 0
        if below:
            index += 1
        if index > current:
            index -= 1
        return index

    def dropEvent(self, event: QDropEvent) -> None:
        item = self.currentItem()
        source = item.data(0, _LOC) if item is not None else None
        target = self.itemAt(event.position().toPoint())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if not isinstance(source, Loc):
            return
        below = self.dropIndicatorPosition() in (
            QAbstractItemView.DropIndicatorPosition.BelowItem,
            QAbstractItemView.DropIndicatorPosition.OnItem,
        )
        index = self.drop_target(source, target, below)
        if index is not None:
            self.move_requested.emit(source, index)


class StructureView(QWidget):
    """Phase list, total and timeline. `selected` says which place to show in the forms."""

    selected = Signal(object)  # Loc of a phase or step, or None for the session's settings

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = self.t = user_phrases()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.total = QLabel()
        self.total.setObjectName("total")
        self.total.setAccessibleName(t.gettext("Session total"))
        font = self.total.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.total.setFont(font)
        layout.addWidget(self.total)
        self.timeline = TimelineStrip()
        self.timeline.setMinimumHeight(22)
        self.timeline.setAccessibleDescription(
            t.gettext("Every phase in order; click one to select it.")
        )
        self.timeline.segment_clicked.connect(self._segment_clicked)
        layout.addWidget(self.timeline)
        self.tree = PhaseTree()
        self.tree.currentItemChanged.connect(self._current_changed)
        layout.addWidget(self.tree, 1)
        self._played: list[Loc] = []
        self._updating = False
        self._marks: dict[Loc, list[str]] = {}

    # -- showing ----------------------------------------------------------------------------------

    def set_outline(self, outline: Outline, current: Loc | None) -> None:
        self._updating = True
        try:
            self.tree.clear()
            session = QTreeWidgetItem([self.t.gettext("Session settings"), ""])
            session.setData(0, _LOC, SESSION_ROW)
            font = QFont(session.font(0))
            font.setBold(True)
            session.setFont(0, font)
            session.setFlags(session.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
            self.tree.addTopLevelItem(session)
            chosen: QTreeWidgetItem | None = session if current is None else None
            for item in outline.items:
                row = self._row(item)
                self.tree.addTopLevelItem(row)
                if item.loc == current:
                    chosen = row
                for number, step in enumerate(item.steps):
                    child = row.child(number)
                    if step.loc == current:
                        chosen = child
                row.setExpanded(True)
            if chosen is None and current is not None:
                fallback = Loc(phase=current.phase)
                for index in range(self.tree.topLevelItemCount()):
                    top = self.tree.topLevelItem(index)
                    if top is not None and top.data(0, _LOC) == fallback:
                        chosen = top
            self.tree.setCurrentItem(chosen or session)
            self._apply_marks()
            self._played = [p.loc for p in outline.played()]
            self.timeline.set_segments(
                [Segment(p.name, p.kind, p.seconds) for p in outline.played()]
            )
            if outline.items:
                if outline.open_ended:
                    total = self.t.gettext("Total at least {time}")
                else:
                    total = self.t.gettext("Total {time}")
                total = total.format(time=format_clock(outline.total))
            else:
                total = self.t.gettext("No phases")
            self.total.setText(total)
        finally:
            self._updating = False

    def _row(self, item: OutlineItem) -> QTreeWidgetItem:
        row = QTreeWidgetItem([item.name, self._length(item)])
        row.setData(0, _LOC, item.loc)
        row.setIcon(0, _swatch(item.kind, block=item.is_block))
        row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if item.is_block:
            times = item.repeat or 0
            repeated = self.t.ngettext("Repeated {n} time", "Repeated {n} times", times)
            row.setToolTip(0, repeated.format(n=item.repeat))
            font = QFont(row.font(0))
            font.setItalic(True)
            row.setFont(0, font)
            for step in item.steps:
                child = QTreeWidgetItem([step.name, self._length(step)])
                child.setData(0, _LOC, step.loc)
                child.setIcon(0, _swatch(step.kind))
                child.setToolTip(0, self.t.gettext(kind_label(step.kind)))
                child.setTextAlignment(
                    1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                if step.duration_text == "?":
                    child.setForeground(1, QBrush(QColor("#b00020")))
                row.addChild(child)
        else:
            row.setToolTip(0, self.t.gettext(kind_label(item.kind)))
            if item.duration_text == "?":
                row.setForeground(1, QBrush(QColor("#b00020")))
        return row

    def _length(self, item: OutlineItem) -> str:
        return self.t.gettext("manual") if item.manual else item.duration_text

    def mark_problems(self, marks: dict[Loc, list[str]]) -> None:
        """Mark the rows of phases and steps the loader finds problems in (their name in red,
        the problems in the tooltip), cue problems included."""
        self._marks = dict(marks)
        self._apply_marks()

    def marked(self) -> list[Loc]:
        """The places whose row is marked, in order."""
        return [loc for loc in self._rows() if loc in self._marks]

    def _rows(self) -> dict[Loc, QTreeWidgetItem]:
        rows: dict[Loc, QTreeWidgetItem] = {}
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if top is None:
                continue
            for item in (top, *(top.child(n) for n in range(top.childCount()))):
                loc = item.data(0, _LOC) if item is not None else None
                if item is not None and isinstance(loc, Loc):
                    rows[loc] = item
        return rows

    def _apply_marks(self) -> None:
        for loc, item in self._rows().items():
            whats = self._marks.get(loc)
            if whats:
                item.setForeground(0, QBrush(QColor("#b00020")))
                item.setToolTip(0, "\n".join(whats))
                item.setData(0, _MARKED, True)
            elif item.data(0, _MARKED):
                item.setForeground(0, QBrush())
                item.setToolTip(0, "")
                item.setData(0, _MARKED, False)

    def current_loc(self) -> Loc | None:
        item = self.tree.currentItem()
        loc = item.data(0, _LOC) if item is not None else None
        return loc if isinstance(loc, Loc) else None

    def select(self, loc: Loc | None) -> None:
        """Select the row of a place (None: the session row)."""
        target = Loc(phase=loc.phase, step=loc.step) if loc is not None else None
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if top is None:
                continue
            if top.data(0, _LOC) == target or (target is None and index == 0):
                self.tree.setCurrentItem(top)
                return
            for number in range(top.childCount()):
                child = top.child(number)
                if child is not None and child.data(0, _LOC) == target:
                    self.tree.setCurrentItem(child)
                    return

    def _current_changed(self, current: QTreeWidgetItem | None, _old: object) -> None:
        if self._updating:
            return
        self.selected.emit(self.current_loc())

    def _segment_clicked(self, index: int) -> None:
        if 0 <= index < len(self._played):
            self.select(self._played[index])
