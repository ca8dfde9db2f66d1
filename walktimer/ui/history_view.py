"""The history window: past walks, minutes per day over eight weeks, the goal, streak, totals.

The bar chart is painted with QPainter in `DayChart` rather than drawn with QtCharts. QtCharts
is not in PySide6-Essentials, which is all walktimer depends on: it comes only with the full
PySide6 Addons wheel (hundreds of MB, with QtWebEngine and the rest) for one chart of 56 bars,
a line and some labels. Painting it ourselves is about 150 lines, follows the window's
palette, and keeps the install small.

`show_history(...)` opens this view as a window of the main window; the RunTracker it follows
(walktimer.ui.resume_prompt) logs every run.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from walktimer.core.durations import format_clock
from walktimer.history.goal import load_goal, save_goal
from walktimer.history.keeper import local_now
from walktimer.history.log import MAX_RATING, HistoryError, HistoryLog, Walk
from walktimer.history.pain import PainWeek, pain_trend
from walktimer.history.stats import (
    MAX_GOAL_MINUTES,
    WEEKS_SHOWN,
    DayStats,
    Goal,
    WeeklyProgress,
    progress,
)
from walktimer.ui.dialogs import Dialogs, QtDialogs

if TYPE_CHECKING:
    from walktimer.ui.resume_prompt import RunTracker

__all__ = [
    "LIST_LIMIT",
    "DayChart",
    "HistoryView",
    "PainChart",
    "ask_fit_folder",
    "ask_fit_path",
    "show_history",
]

log = logging.getLogger(__name__)

LIST_LIMIT = 1000  # walks listed; the chart and totals always cover everything
MET = QColor("#1f7a4d")  # the green the run view uses for walking
SHORT = QColor("#6b8fb5")  # a day with walking that did not reach the goal's minutes
GOAL_LINE = QColor("#b35900")
PAIN_BEFORE = QColor("#7a5cc4")  # the diary's mean rating before the walks of a week
PAIN_AFTER = QColor("#c43c3c")  # ... and after them

# Asks where to write a FIT file: (parent, suggested path) -> the chosen path, or None.
AskPath = Callable[[QWidget, Path], Path | None]
# Asks for the folder that several walks' FIT files go to: (parent, suggested) -> it, or None.
AskFolder = Callable[[QWidget, Path], Path | None]


def ask_fit_path(parent: QWidget, suggested: Path) -> Path | None:
    """The desktop's save dialog; replacing a file is asked about by the view itself."""
    from PySide6.QtWidgets import QFileDialog

    name, _ = QFileDialog.getSaveFileName(
        parent,
        "Export the walk as FIT",
        str(suggested),
        "FIT activities (*.fit);;All files (*)",
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    return Path(name) if name else None


def ask_fit_folder(parent: QWidget, suggested: Path) -> Path | None:
    """The desktop's folder dialog, for the FIT files of several walks."""
    from PySide6.QtWidgets import QFileDialog

    name = QFileDialog.getExistingDirectory(
        parent, "Export the walks as FIT into a folder", str(suggested)
    )
    return Path(name) if name else None


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{minutes} min"


class DayChart(QWidget):
    """Active minutes per day, one bar a day, weeks side by side, the goal as a dashed line.

    A bar is green when that day reached the goal's minutes; under each week its label and
    how many goal days it had ("3/5"), marked when the week met the goal.
    """

    LEFT = 44.0
    RIGHT = 12.0
    TOP = 22.0
    BOTTOM = 40.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("day_chart")
        self.setAccessibleName("Minutes walked per day, last eight weeks")
        self.setMinimumSize(QSize(420, 200))
        self.setMouseTracking(True)
        self.progress: WeeklyProgress | None = None

    def sizeHint(self) -> QSize:
        return QSize(760, 260)

    def set_progress(self, stats: WeeklyProgress) -> None:
        self.progress = stats
        week = stats.current_week
        self.setAccessibleDescription(
            f"{len(stats.weeks)} weeks from {stats.weeks[0].label} to {week.label}. "
            f"This week {week.goal_days} of {stats.goal.days} goal days, "
            f"{_minutes(week.active_seconds)}. Busiest day {_minutes(stats.max_day_seconds)}."
        )
        self.update()

    # Geometry, shared by painting, tooltips and tests.

    def scale_minutes(self) -> float:
        """The minutes at the top of the chart: room for the goal and the longest day."""
        if self.progress is None:
            return 60.0
        top = max(self.progress.goal.minutes * 1.25, self.progress.max_day_seconds / 60 * 1.08)
        step = 15 if top <= 90 else 30 if top <= 240 else 60
        return float(math.ceil(top / step) * step)

    def plot_rect(self) -> QRectF:
        return QRectF(
            self.LEFT,
            self.TOP,
            max(1.0, self.width() - self.LEFT - self.RIGHT),
            max(1.0, self.height() - self.TOP - self.BOTTOM),
        )

    def y_for(self, minutes: float) -> float:
        plot = self.plot_rect()
        return plot.bottom() - plot.height() * min(1.0, minutes / self.scale_minutes())

    def week_rects(self) -> list[QRectF]:
        if self.progress is None:
            return []
        plot = self.plot_rect()
        count = len(self.progress.weeks)
        gap = 10.0
        width = (plot.width() - gap * (count - 1)) / count
        return [
            QRectF(plot.left() + i * (width + gap), plot.top(), width, plot.height())
            for i in range(count)
        ]

    def bar_rects(self) -> list[tuple[DayStats, QRectF]]:
        """Each shown day and its bar (zero height for a day without walking)."""
        if self.progress is None:
            return []
        out = []
        for week, area in zip(self.progress.weeks, self.week_rects(), strict=True):
            slot = area.width() / 7
            for i, day in enumerate(week.days):
                top = self.y_for(day.minutes)
                x = area.left() + i * slot + slot * 0.12
                out.append((day, QRectF(x, top, slot * 0.76, area.bottom() - top)))
        return out

    def day_at(self, point: QPointF) -> DayStats | None:
        plot = self.plot_rect()
        for day, rect in self.bar_rects():
            column = QRectF(rect.left(), plot.top(), rect.width(), plot.height())
            if column.contains(point):
                return day
        return None

    # Painting.

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        dim = QColor(text)
        dim.setAlphaF(0.55)
        grid = QColor(text)
        grid.setAlphaF(0.12)
        plot = self.plot_rect()
        scale = self.scale_minutes()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)

        # Minute grid and labels.
        step = 15 if scale <= 90 else 30 if scale <= 240 else 60
        minutes = 0
        while minutes <= scale:
            y = self.y_for(minutes)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(dim)
            painter.drawText(
                QRectF(0, y - 8, self.LEFT - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(minutes),
            )
            minutes += step
        painter.drawText(
            QRectF(0, 0, self.LEFT + 40, self.TOP - 6),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
            "minutes",
        )
        if self.progress is None:
            painter.end()
            return

        stats = self.progress
        if stats.total_walks == 0 and stats.max_day_seconds <= 0:
            painter.setPen(dim)
            painter.drawText(
                plot,
                Qt.AlignmentFlag.AlignCenter,
                "Your walks will show here: one bar a day, green on goal days.",
            )
        current = QColor(palette.color(QPalette.ColorRole.Highlight))
        current.setAlphaF(0.08)
        for week, area in zip(stats.weeks, self.week_rects(), strict=True):
            if week is stats.current_week:
                painter.fillRect(area, current)
            painter.setPen(MET if week.met else dim)
            label = f"W{week.iso[1]:02d}"
            mark = "✓ " if week.met else ""
            painter.drawText(
                QRectF(area.left(), plot.bottom() + 2, area.width(), 18),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                label,
            )
            painter.drawText(
                QRectF(area.left(), plot.bottom() + 18, area.width(), 18),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                f"{mark}{week.goal_days}/{stats.goal.days}",
            )

        painter.setPen(Qt.PenStyle.NoPen)
        for day, rect in self.bar_rects():
            if day.active_seconds <= 0 or day.future:
                continue
            painter.setBrush(MET if day.meets_goal else SHORT)
            painter.drawRoundedRect(rect.adjusted(0, 0, 0, 1), 2, 2)

        # The goal's daily minutes, and a legend in the top margin.
        y = self.y_for(stats.goal.minutes)
        painter.setPen(QPen(GOAL_LINE, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        metrics = painter.fontMetrics()
        x = plot.right()
        for colour, label, line in (
            (GOAL_LINE, f"goal: {stats.goal.minutes} min a day", True),
            (SHORT, "shorter day", False),
            (MET, f"goal day ({stats.goal.minutes}+ min)", False),
        ):
            width = metrics.horizontalAdvance(label)
            x -= width
            painter.setPen(text)
            painter.drawText(
                QRectF(x, 0, width, self.TOP - 4),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                label,
            )
            middle = self.TOP - 4 - metrics.height() / 2
            if line:
                x -= 22
                painter.setPen(QPen(GOAL_LINE, 2, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(x, middle), QPointF(x + 18, middle))
            else:
                x -= 14
                painter.fillRect(QRectF(x, middle - 5, 10, 10), colour)
            x -= 14
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            day = self.day_at(QPointF(event.pos()))
            if day is None or day.future:
                QToolTip.hideText()
            else:
                QToolTip.showText(
                    event.globalPos(), f"{day.day:%a %d %b %Y}: {_minutes(day.active_seconds)}"
                )
            return True
        return super().event(event)


class PainChart(QWidget):
    """The pain diary week by week, under the day chart's eight weeks: the mean 0-10 rating
    before the walks and after them, as two lines, each week in the day chart's column."""

    def __init__(self, chart: DayChart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pain_chart")
        self.setAccessibleName("Pain before and after walking, last eight weeks")
        self.setMinimumSize(QSize(420, 90))
        self.chart = chart
        self.weeks: list[PainWeek] = []

    def sizeHint(self) -> QSize:
        return QSize(760, 110)

    def set_weeks(self, weeks: list[PainWeek]) -> None:
        self.weeks = weeks
        rated = [w for w in weeks if w.walks]
        if rated:
            last = rated[-1]
            self.setAccessibleDescription(
                f"{sum(w.walks for w in weeks)} rated walks. Week {last.label}: "
                f"before {_rating(last.before)}, after {_rating(last.after)}."
            )
        else:
            self.setAccessibleDescription("No pain ratings in these weeks.")
        self.update()

    def y_for(self, rating: float) -> float:
        top, bottom = 16.0, self.height() - 8.0
        return bottom - (bottom - top) * rating / MAX_RATING

    def points(self) -> dict[str, list[QPointF | None]]:
        """Where each week's mean ratings are drawn (None: that week has none)."""
        columns = [r.center().x() for r in self.chart.week_rects()]
        out: dict[str, list[QPointF | None]] = {"before": [], "after": []}
        for week, x in zip(self.weeks, columns, strict=False):
            for key, value in (("before", week.before), ("after", week.after)):
                out[key].append(None if value is None else QPointF(x, self.y_for(value)))
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        dim = QColor(text)
        dim.setAlphaF(0.55)
        grid = QColor(text)
        grid.setAlphaF(0.12)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        left, right = self.chart.LEFT, self.width() - self.chart.RIGHT
        for rating in (0, 5, MAX_RATING):
            y = self.y_for(rating)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(left, y), QPointF(right, y))
            painter.setPen(dim)
            painter.drawText(
                QRectF(0, y - 8, left - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(rating),
            )
        x = left
        metrics = painter.fontMetrics()
        for colour, label in (
            (text, "pain 0-10, weekly means:  "),
            (PAIN_BEFORE, "● before the walks   "),
            (PAIN_AFTER, "● after them"),
        ):
            painter.setPen(colour)
            width = metrics.horizontalAdvance(label)
            painter.drawText(
                QRectF(x, 0, width + 2, 14),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                label,
            )
            x += width
        if not any(w.walks for w in self.weeks):
            painter.setPen(dim)
            painter.drawText(
                QRectF(left, 16, right - left, self.height() - 24),
                Qt.AlignmentFlag.AlignCenter,
                "Rate your pain before and after a walk to see it here.",
            )
        for key, colour in (("before", PAIN_BEFORE), ("after", PAIN_AFTER)):
            previous: QPointF | None = None
            for point in self.points()[key]:
                if point is None:
                    previous = None
                    continue
                if previous is not None:
                    painter.setPen(QPen(colour, 2))
                    painter.drawLine(previous, point)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawEllipse(point, 4, 4)
                previous = point
        painter.end()


def _rating(value: float | None) -> str:
    return "not rated" if value is None else f"{value:.1f}"


class HistoryView(QWidget):
    """Everything about past walks on one page. Reads the history each time it reloads;
    holds no connection open."""

    changed = Signal()  # a walk was deleted or the goal changed

    def __init__(
        self,
        *,
        dialogs: Dialogs | None = None,
        history_path: Path | None = None,
        goal_file: Path | None = None,
        now: Callable[[], datetime] = local_now,
        ask_path: AskPath = ask_fit_path,
        ask_folder: AskFolder = ask_fit_folder,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        self.ask_path = ask_path
        self.ask_folder = ask_folder
        self._diary: list[tuple[date, int | None, int | None]] = []
        self.setWindowTitle("Walk history — WalkTimer")
        self.setAccessibleName("Walk history")
        # An explicit minimum: the layout then never changes the window's size hints as the
        # labels change (which the offscreen platform reports as a warning).
        self.setMinimumSize(QSize(640, 520))
        self.dialogs: Dialogs = dialogs if dialogs is not None else QtDialogs()
        self.history_path = history_path
        self.goal_file = goal_file
        self.now = now
        self.walks: list[Walk] = []
        self.total_walks = 0
        self.stats: WeeklyProgress | None = None
        self.goal = load_goal(goal_file)
        self._daily: dict[date, float] = {}
        self._totals: tuple[int, float, date | None] = (0, 0.0, None)

        layout = QVBoxLayout(self)
        self.notice = QLabel()
        self.notice.setObjectName("history_notice")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Notice")
        self.notice.hide()
        layout.addWidget(self.notice)

        heading = QFont(self.font())
        heading.setPointSizeF(heading.pointSizeF() * 1.3)
        heading.setBold(True)
        self.week_label = QLabel()
        self.week_label.setFont(heading)
        self.week_label.setAccessibleName("This week")
        self.streak_label = QLabel()
        self.streak_label.setFont(heading)
        self.streak_label.setAccessibleName("Streak")
        self.totals_label = QLabel()
        self.totals_label.setAccessibleName("Totals")
        top = QHBoxLayout()
        top.addWidget(self.week_label)
        top.addSpacing(24)
        top.addWidget(self.streak_label)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.totals_label)

        # The goal counts days, not walks (see walktimer.history.stats): the row reads
        # "Weekly goal: [30+ minutes] of walking on [5 days] a week".
        goal_row = QHBoxLayout()
        goal_label = QLabel("Weekly &goal:")
        goal_row.addWidget(goal_label)
        self.goal_minutes = QSpinBox()
        self.goal_minutes.setRange(1, MAX_GOAL_MINUTES)
        self.goal_minutes.setSingleStep(5)
        self.goal_minutes.setAccessibleName("Goal minutes of walking a day")
        self.goal_minutes.setSuffix("+ minutes")
        goal_label.setBuddy(self.goal_minutes)
        self.goal_days = QSpinBox()
        self.goal_days.setRange(1, 7)
        self.goal_days.setAccessibleName("Goal days a week")
        self.goal_days.setPrefix("on ")
        self.goal_days.setSuffix(" days")
        self.goal_minutes.setValue(self.goal.minutes)
        self.goal_days.setValue(self.goal.days)
        self.goal_days.valueChanged.connect(self._goal_edited)
        self.goal_minutes.valueChanged.connect(self._goal_edited)
        goal_row.addWidget(self.goal_minutes)
        goal_row.addWidget(QLabel("of walking"))
        goal_row.addWidget(self.goal_days)
        goal_row.addWidget(QLabel("a week"))
        goal_row.addStretch(1)
        layout.addLayout(goal_row)
        self.goal_rule = QLabel()
        self.goal_rule.setObjectName("goal_rule")
        self.goal_rule.setWordWrap(True)
        self.goal_rule.setAccessibleName("How the goal counts")
        layout.addWidget(self.goal_rule)

        self.chart = DayChart()
        layout.addWidget(self.chart, 2)
        self.pain = PainChart(self.chart)
        layout.addWidget(self.pain, 1)

        self.list = QTreeWidget()
        self.list.setObjectName("walks")
        self.list.setAccessibleName("Past walks")
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        # Several walks can be chosen (Shift/Ctrl) for Export FIT; Delete takes one at a time.
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setHeaderLabels(["Started", "Session", "Walked", "Planned", "Ended"])
        header = self.list.header()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.setToolTip("Select a walk and press Delete to remove it from the history")
        layout.addWidget(self.list, 3)
        self.empty = QLabel("No walks yet. Every walk you start is listed here when it ends.")
        self.empty.setObjectName("history_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addWidget(self.empty, 3)

        buttons = QHBoxLayout()
        self.delete_button = QPushButton("&Delete walk…")
        self.delete_button.setAccessibleName("Delete walk")
        self.delete_button.setToolTip("Delete the selected walk from the history")
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_all_button = QPushButton("Delete &history…")
        self.delete_all_button.setAccessibleName("Delete history")
        self.delete_all_button.setToolTip("Delete every walk; the history stays on this computer")
        self.delete_all_button.clicked.connect(self.delete_all)
        self.privacy = QLabel("The history stays on this computer.")
        self.privacy.setAccessibleName("Privacy")
        buttons.addWidget(self.privacy)
        buttons.addStretch(1)
        self.export_button = QPushButton("E&xport FIT…")
        self.export_button.setAccessibleName("Export FIT")
        self.export_button.setToolTip(
            "Write the selected walk as a FIT activity for Garmin Connect, Strava or intervals.icu"
        )
        self.export_button.clicked.connect(self.export_selected)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.delete_all_button)
        layout.addLayout(buttons)

        # Keyboard: Esc (and the platform's Close, Ctrl+W) closes the window; Delete on the
        # list deletes the selected walk after the same confirmation as the button.
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence(QKeySequence.StandardKey.Close)):
            close = QShortcut(keys, self)
            close.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            close.activated.connect(self.close)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
        self.setTabOrder(self.list, self.delete_button)
        self.setTabOrder(self.delete_button, self.delete_all_button)
        self.setTabOrder(self.delete_all_button, self.goal_minutes)
        self.setTabOrder(self.goal_minutes, self.goal_days)
        self.resize(900, 680)
        self.reload()
        self.list.setFocus()

    # Reading.

    def reload(self) -> None:
        """Read the history again and redraw everything."""
        notices: list[str] = []
        try:
            with HistoryLog(self.history_path, on_notice=notices.append) as history:
                self.walks = history.walks(LIST_LIMIT)
                stored = history.count()
                count, active, first = history.totals()
                daily = history.daily_active()
                diary = history.diary(since=self.now().date() - timedelta(weeks=WEEKS_SHOWN + 1))
        except HistoryError as error:
            self._show_notice(str(error))
            self.walks, self.total_walks, self.stats = [], 0, None
            self._fill_list()
            self._update_buttons()
            return
        self._show_notice(" ".join(notices))
        self.total_walks = stored  # demos too: they can be deleted
        self._daily = daily
        self._diary = diary
        self._totals = (count, active, first.date() if first else None)
        self._fill_list()
        self._recompute()

    def _recompute(self) -> None:
        count, active, first = self._totals
        self.stats = progress(
            self._daily,
            self.now().date(),
            self.goal,
            total_walks=count,
            total_active_seconds=active,
            first_day=first,
        )
        stats = self.stats
        week = stats.current_week
        self.week_label.setText(
            f"This week: {week.goal_days} of {stats.goal.days} days with "
            f"{stats.goal.minutes}+ min"
            + (" ✓" if week.met else "")
            + f" · {_minutes(week.active_seconds)}"
        )
        self.goal_rule.setText(stats.goal.rule)
        weeks = "week" if stats.streak == 1 else "weeks"
        self.streak_label.setText(f"Streak: {stats.streak} {weeks}")
        self.streak_label.setToolTip(f"Weeks in a row meeting the goal; best {stats.best_streak}")
        if stats.total_walks:
            noun = "walk" if stats.total_walks == 1 else "walks"
            since = f" since {stats.first_day:%d %b %Y}" if stats.first_day else ""
            self.totals_label.setText(
                f"{stats.total_walks} {noun}, {_minutes(stats.total_active_seconds)} walking"
                f"{since} · last eight weeks {_minutes(stats.shown_active_seconds)} · "
                f"best streak {stats.best_streak}"
            )
        else:
            self.totals_label.setText("No walks yet.")
        self.chart.set_progress(stats)
        self.pain.set_weeks(pain_trend(self._diary, self.now().date()))
        self._update_buttons()

    def _fill_list(self) -> None:
        self.list.clear()
        items = []
        for walk in self.walks:
            ended = walk.ended.label
            if walk.phases and walk.ended.value not in ("finished", "resumed-finished"):
                ended += f" ({walk.phases_text})"
            if walk.demo:
                ended = f"{walk.speed_text.capitalize()}, {ended}"
            item = QTreeWidgetItem(
                [
                    f"{walk.started:%a %d %b %Y  %H:%M}",
                    walk.script_name,
                    format_clock(walk.active_seconds),
                    format_clock(walk.planned_seconds),
                    ended,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, walk.id)
            if walk.demo:
                # A demo is kept but counts nowhere: greyed, and the tooltip says why.
                dim = self.list.palette().color(QPalette.ColorRole.PlaceholderText)
                why = (
                    f"A demo run at {walk.speed:g} times the real speed (walktimer run "
                    "--speed): not counted in the days, the goal, the streak or the totals."
                )
                for column in range(5):
                    item.setForeground(column, dim)
                    item.setToolTip(column, why)
            for column in (2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            items.append(item)
        self.list.addTopLevelItems(items)
        for column in (0, 2, 3, 4):
            self.list.resizeColumnToContents(column)
        self.list.setVisible(bool(items))
        self.empty.setVisible(not items)
        if items and self.list.currentItem() is None:
            # Keyboard users land on the newest walk, selected: Delete (with its confirmation)
            # or the arrow keys work from the first key press.
            self.list.setCurrentItem(items[0])

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self.selected_walk() is not None)
        self.export_button.setEnabled(bool(self.selected_walks()))
        self.delete_all_button.setEnabled(self.total_walks > 0)

    def selected_walk(self) -> Walk | None:
        """The one walk selected, or None when none or several are."""
        walks = self.selected_walks()
        return walks[0] if len(walks) == 1 else None

    def selected_walks(self) -> list[Walk]:
        """The selected walks, in the list's order (newest first)."""
        ids = {item.data(0, Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()}
        return [w for w in self.walks if w.id in ids]

    # Changing.

    def _goal_edited(self) -> None:
        goal = Goal(days=self.goal_days.value(), minutes=self.goal_minutes.value())
        if goal == self.goal:
            return
        self.goal = goal
        try:
            save_goal(goal, self.goal_file)
        except OSError as error:
            self._show_notice(f"The goal cannot be saved ({error.strerror}).")
        if self.stats is not None:
            self._recompute()
        self.changed.emit()

    def delete_selected(self) -> bool:
        walk = self.selected_walk()
        if walk is None or walk.id is None:
            return False
        what = (
            f"the walk of {walk.started:%A %d %B %Y at %H:%M} "
            f"({walk.script_name}, {format_clock(walk.active_seconds)})"
        )
        if not self.dialogs.confirm(
            self, "Delete this walk?", f"Delete {what}? This cannot be undone.", "Delete"
        ):
            return False
        current = self.list.currentItem()
        row = self.list.indexOfTopLevelItem(current) if current is not None else 0
        done = self._change(lambda history: history.delete(walk.id or 0))
        following = self.list.topLevelItem(min(max(row, 0), self.list.topLevelItemCount() - 1))
        if done and following is not None:
            # The walk that took its place is selected, so Delete can go on from there.
            self.list.setCurrentItem(following)
        return done

    def export_selected(self) -> Path | None:
        """Write the selected walks as FIT files where the walker says: one walk to the file
        they name, several into the folder they choose, each named by when it began. Files
        that are there already are replaced only when they agree. The file or folder written,
        or None."""
        from walktimer.files import write_atomic
        from walktimer.history.fit import fit_bytes, fit_file_name, used_treadmill

        walks = self.selected_walks()
        if not walks:
            return None
        if len(walks) == 1:
            walk = walks[0]
            target = self.ask_path(self, Path.home() / fit_file_name(walk))
            if target is None:
                return None
            files = [(target, walk)]
        else:
            folder = self.ask_folder(self, Path.home())
            if folder is None:
                return None
            target = folder
            files = [(folder / fit_file_name(walk), walk) for walk in walks]
        there = [path for path, _walk in files if path.exists()]
        if there:
            question = (
                f"{there[0]} exists already. Replace it?"
                if len(there) == 1
                else f"{len(there)} of the files exist already in {target}. Replace them?"
            )
            title = "Replace the file?" if len(there) == 1 else "Replace the files?"
            if not self.dialogs.confirm(self, title, question, "Replace"):
                return None
        try:
            for path, walk in files:
                write_atomic(path, fit_bytes(walk, treadmill=used_treadmill(walk)),
                             overwrite=path in there)  # fmt: skip
        except OSError as error:
            noun = "walks" if len(files) > 1 else "walk"
            self._show_notice(
                f"The {noun} could not be exported to {target} ({error.strerror or error}); "
                "choose a folder you can write to."
            )
            return None
        if len(files) == 1:
            self._show_notice(f"Exported the walk as FIT to {target}.")
        else:
            self._show_notice(f"Exported {len(files)} walks as FIT to {target}.")
        return target

    def delete_all(self) -> bool:
        if self.total_walks == 0:
            return False
        noun = "walk" if self.total_walks == 1 else "walks"
        if not self.dialogs.confirm(
            self,
            "Delete the whole history?",
            f"Delete all {self.total_walks} {noun} from the history? This cannot be undone.",
            "Delete history",
        ):
            return False
        return self._change(lambda history: history.delete_all() >= 0)

    def _change(self, action: Callable[[HistoryLog], bool]) -> bool:
        try:
            with HistoryLog(self.history_path) as history:
                done = action(history)
        except HistoryError as error:
            self._show_notice(str(error))
            return False
        self.reload()
        self.changed.emit()
        return done


# --- the main window's hook ----------------------------------------------------------------


def show_history(
    parent: QWidget,
    dialogs: Dialogs,
    existing: HistoryView | None = None,
    tracker: RunTracker | None = None,
) -> HistoryView:
    """Open the history as a window of `parent`, or raise `existing` if it is still open;
    it reloads whenever `tracker` logs a walk."""
    if existing is not None and existing.isVisible():
        existing.reload()
        existing.activateWindow()
        return existing
    view = HistoryView(dialogs=dialogs, parent=parent)
    view.setWindowFlag(Qt.WindowType.Window, True)
    if tracker is not None:
        tracker.history_changed.connect(view.reload)
    view.show()
    return view
