"""The end-of-session summary: planned against walked, and what happened to each phase."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from walktimer.core.durations import format_clock
from walktimer.core.engine import PhaseStatus, RunEnd, RunRecord

__all__ = ["SummaryView", "summary_lines"]


def summary_lines(record: RunRecord) -> list[tuple[str, str]]:
    """(label, value) rows: what a walker wants to know when the session ends."""
    planned = ("at least " if record.at_least else "") + format_clock(record.planned_seconds)
    rows = [
        ("Planned", planned),
        ("Walked", format_clock(record.active_seconds)),
        ("Phases done", str(record.count(PhaseStatus.DONE) + record.count(PhaseStatus.EXTENDED))),
        ("Skipped", str(record.count(PhaseStatus.SKIPPED))),
    ]
    for phase in record.phases:
        if phase.status is PhaseStatus.STOPPED:
            rows.append(("Stopped in", f"{phase.name}, after {format_clock(phase.active_seconds)}"))
    extended = record.count(PhaseStatus.EXTENDED)
    if extended:
        rows.append(("Extended", f"{extended} ({format_clock(record.extended_seconds)} added)"))
    not_reached = record.count(PhaseStatus.NOT_REACHED)
    if not_reached:
        rows.append(("Not reached", str(not_reached)))
    return rows


class SummaryView(QWidget):
    """Shown when a session finishes or is stopped; the window adds the buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summary")
        self.setAccessibleName("Session summary")
        self.title = QLabel()
        self.title.setObjectName("summary_title")
        self.title.setAccessibleName("Summary title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 3.2)
        font.setBold(True)
        self.title.setFont(font)
        self.session = QLabel()
        self.session.setAccessibleName("Session name")
        self.session.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sfont = QFont(self.session.font())
        sfont.setPointSizeF(sfont.pointSizeF() * 1.8)
        self.session.setFont(sfont)
        self.table = QLabel()
        self.table.setObjectName("summary_table")
        self.table.setAccessibleName("Summary")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tfont = QFont(self.table.font())
        tfont.setPointSizeF(tfont.pointSizeF() * 2.0)
        self.table.setFont(tfont)
        self.buttons = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.session)
        layout.addSpacing(24)
        layout.addWidget(self.table)
        layout.addSpacing(24)
        layout.addLayout(self.buttons)
        layout.addStretch(2)
        self._rows: list[tuple[str, str]] = []

    def show_record(self, record: RunRecord) -> None:
        finished = record.ended is RunEnd.FINISHED
        self.title.setText("Well done!" if finished else "Session stopped")
        self.session.setText(record.session_name)
        self._rows = summary_lines(record)
        cells = "".join(
            f"<tr><td align='right'>{label}&nbsp;&nbsp;</td><td><b>{escape(value)}</b></td></tr>"
            for label, value in self._rows
        )
        self.table.setText(f"<table align='center' cellspacing='8'>{cells}</table>")

    def rows(self) -> dict[str, str]:
        return dict(self._rows)
