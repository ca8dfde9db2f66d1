"""The history window: the painted chart, streak and totals, the list, deleting, the goal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor
from ui_helpers import FakeDialogs

from walktimer.history.goal import load_goal
from walktimer.history.log import HistoryLog, LoggedPhase, PhaseResult, Walk, WalkEnd, default_path
from walktimer.history.stats import Goal
from walktimer.ui.history_view import MET, SHORT, DayChart, HistoryView
from walktimer.ui.mainwindow import MainWindow

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2021, 1, 6, 20, 0, tzinfo=BERLIN)  # Wednesday of 2021-W01


def make_walk(day: date, minutes: float, name: str = "Back-care walk") -> Walk:
    return Walk(
        started=datetime(day.year, day.month, day.day, 7, 30, tzinfo=BERLIN),
        script_name=name,
        script_path="/home/w/back.toml",
        script_sha256="cd" * 32,
        planned_seconds=1800.0,
        active_seconds=minutes * 60,
        ended=WalkEnd.FINISHED,
        phases=(LoggedPhase(0, "Walk", PhaseResult.DONE),),
    )


def year_end_history() -> None:
    """2020-W51, W52 and W53 (across New Year) meet the goal; 2021-W01 has two days so far,
    plus a short walk today."""
    days = [date(2020, 12, 14) + timedelta(days=i) for i in range(5)]
    days += [date(2020, 12, 21) + timedelta(days=i) for i in range(5)]
    days += [date(2020, 12, 28), date(2020, 12, 29), date(2020, 12, 30)]
    days += [date(2021, 1, 1), date(2021, 1, 2), date(2021, 1, 4), date(2021, 1, 5)]
    with HistoryLog() as history:
        history.add_many([make_walk(d, 32) for d in days])
        history.add(make_walk(date(2021, 1, 6), 12, name="Beginner walk"))


@pytest.fixture
def view(qtbot: Any, dialogs: FakeDialogs) -> HistoryView:
    year_end_history()
    widget = HistoryView(dialogs=dialogs, now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(900, 680)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_week_streak_and_totals_are_shown(view: HistoryView) -> None:
    assert view.week_label.text() == "This week: 2 of 5 days with 30+ min · 1 h 16 min"
    assert view.streak_label.text() == "Streak: 3 weeks"
    assert view.totals_label.text() == (
        "18 walks, 9 h 16 min walking since 14 Dec 2020 · last eight weeks 9 h 16 min · "
        "best streak 3"
    )
    assert view.notice.isHidden()


def test_the_chart_covers_eight_weeks_across_the_year_end(view: HistoryView) -> None:
    chart = view.chart
    stats = chart.progress
    assert stats is not None
    assert [w.label for w in stats.weeks] == [f"2020-W{w}" for w in range(47, 54)] + ["2021-W01"]
    bars = chart.bar_rects()
    assert len(bars) == 56
    heights = {day.day: rect.height() for day, rect in bars}
    # Scaled to the goal: 32 minutes is 32/scale of the plot, the empty days have no bar.
    plot = chart.plot_rect()
    assert chart.scale_minutes() == 45.0
    assert heights[date(2020, 12, 28)] == pytest.approx(plot.height() * 32 / 45)
    assert heights[date(2021, 1, 6)] == pytest.approx(plot.height() * 12 / 45)
    assert heights[date(2020, 12, 31)] == 0
    # The goal line sits at 30 minutes.
    assert chart.y_for(30) == pytest.approx(plot.bottom() - plot.height() * 30 / 45)
    assert "2020-W47 to 2021-W01" in chart.accessibleDescription()


def _colour_at(image: Any, point: QPointF) -> QColor:
    return QColor(image.pixel(int(point.x()), int(point.y())))


def test_bars_are_painted_green_on_goal_days_and_blue_on_shorter_ones(view: HistoryView) -> None:
    chart = view.chart
    image = chart.grab().toImage()
    by_day = dict(chart.bar_rects())
    bars = {day.day: rect for day, rect in by_day.items()}
    goal_day = bars[date(2021, 1, 1)]
    short_day = bars[date(2021, 1, 6)]
    empty_day = bars[date(2020, 12, 31)]
    assert _colour_at(image, goal_day.center()) == MET
    assert _colour_at(image, short_day.center()) == SHORT
    below_line = QPointF(empty_day.center().x(), chart.y_for(10))
    assert _colour_at(image, below_line) not in (MET, SHORT)


def test_hovering_a_bar_names_its_day(view: HistoryView) -> None:
    chart = view.chart
    bars = {day.day: rect for day, rect in chart.bar_rects()}
    day = chart.day_at(bars[date(2021, 1, 4)].center())
    assert day is not None
    assert (day.day, day.minutes) == (date(2021, 1, 4), 32)
    assert chart.day_at(QPointF(2, 2)) is None


def test_the_list_shows_the_newest_walks_first(view: HistoryView) -> None:
    tree = view.list
    assert tree.topLevelItemCount() == 18
    first = tree.topLevelItem(0)
    assert [first.text(c) for c in range(5)] == [
        "Wed 06 Jan 2021  07:30",
        "Beginner walk",
        "12:00",
        "30:00",
        "finished",
    ]
    assert tree.topLevelItem(17).text(0) == "Mon 14 Dec 2020  07:30"


def test_a_stopped_walk_says_how_many_phases_were_walked(qtbot: Any) -> None:
    phases = (
        LoggedPhase(0, "Warm-up", PhaseResult.DONE, 0.0, 300.0),
        LoggedPhase(1, "Hills", PhaseResult.SKIPPED, 0.0, 5.0),
        LoggedPhase(2, "Brisk", PhaseResult.STOPPED, 0.0, 70.0),
        LoggedPhase(3, "Cool-down", PhaseResult.NOT_REACHED),
    )
    with HistoryLog() as history:
        history.add(replace(make_walk(date(2021, 1, 6), 6), ended=WalkEnd.STOPPED, phases=phases))
    widget = HistoryView(now=lambda: NOW)
    qtbot.addWidget(widget)
    item = widget.list.topLevelItem(0)
    assert item is not None
    assert item.text(4) == "stopped (1 of 4 phases walked)"


def test_a_demo_is_listed_greyed_and_counted_nowhere(qtbot: Any) -> None:
    with HistoryLog() as history:
        history.add(make_walk(date(2021, 1, 5), 32))
        history.add(replace(make_walk(date(2021, 1, 6), 15, name="Demo"), speed=60.0))
    widget = HistoryView(now=lambda: NOW)
    qtbot.addWidget(widget)
    demo, real = widget.list.topLevelItem(0), widget.list.topLevelItem(1)
    assert demo is not None
    assert real is not None
    assert demo.text(4) == "Demo x60, finished"
    assert real.text(4) == "finished"
    assert "not counted" in demo.toolTip(1)
    assert real.toolTip(1) == ""
    assert demo.foreground(1).color() != real.foreground(1).color()
    assert widget.totals_label.text().startswith("1 walk, 32 min walking")
    assert widget.week_label.text() == "This week: 1 of 5 days with 30+ min · 32 min"
    assert widget.total_walks == 2  # the demo can still be deleted
    assert widget.delete_all_button.isEnabled()


def test_deleting_a_walk_asks_first(view: HistoryView, dialogs: FakeDialogs) -> None:
    assert view.selected_walk() is view.walks[0]  # the newest, ready for the keyboard
    view.list.clearSelection()
    assert not view.delete_button.isEnabled()
    view.list.setCurrentItem(view.list.topLevelItem(0))
    assert view.delete_button.isEnabled()
    dialogs.answers = [False]
    view.delete_button.click()
    assert dialogs.confirms[-1] == (
        "Delete this walk?",
        "Delete the walk of Wednesday 06 January 2021 at 07:30 (Beginner walk, 12:00)? "
        "This cannot be undone.",
    )
    with HistoryLog() as history:
        assert history.count() == 18
    dialogs.answers = [True]
    view.delete_button.click()
    with HistoryLog() as history:
        assert history.count() == 17
        assert all(w.script_name != "Beginner walk" for w in history.walks())
    assert view.list.topLevelItemCount() == 17
    assert view.week_label.text() == "This week: 2 of 5 days with 30+ min · 1 h 04 min"


def test_deleting_the_history_asks_then_empties_it(
    view: HistoryView, dialogs: FakeDialogs, qtbot: Any
) -> None:
    dialogs.answers = [True]
    with qtbot.waitSignal(view.changed):
        view.delete_all_button.click()
    assert dialogs.confirms[-1][0] == "Delete the whole history?"
    assert "Delete all 18 walks" in dialogs.confirms[-1][1]
    with HistoryLog() as history:
        assert history.count() == 0
    assert view.list.topLevelItemCount() == 0
    assert not view.delete_all_button.isEnabled()
    assert view.totals_label.text().startswith("No walks yet.")
    assert view.streak_label.text() == "Streak: 0 weeks"


def test_editing_the_goal_saves_it_and_recounts_the_streak(view: HistoryView) -> None:
    view.goal_days.setValue(2)
    assert load_goal() == Goal(2, 30)
    assert view.streak_label.text() == "Streak: 4 weeks"
    assert view.week_label.text() == "This week: 2 of 2 days with 30+ min ✓ · 1 h 16 min"
    view.goal_minutes.setValue(35)
    assert load_goal() == Goal(2, 35)
    assert view.streak_label.text() == "Streak: 0 weeks"
    assert view.chart.progress is not None
    assert view.chart.progress.goal == Goal(2, 35)
    assert view.goal_rule.text() == (
        "A day counts when its walks add up to 35 minutes or more; "
        "a week meets the goal with 2 such days."
    )


def test_the_goal_row_says_minutes_a_day_on_days_a_week(view: HistoryView) -> None:
    row = [view.goal_minutes.text(), "of walking", view.goal_days.text(), "a week"]
    assert " ".join(row) == "30+ minutes of walking on 5 days a week"
    assert "walks add up to 30 minutes" in view.goal_rule.text()


def test_a_goal_set_on_the_command_line_is_shown_as_it_is(qtbot: Any) -> None:
    from walktimer.history.goal import save_goal

    save_goal(Goal(3, 300))
    widget = HistoryView(now=lambda: NOW)
    qtbot.addWidget(widget)
    assert (widget.goal_days.value(), widget.goal_minutes.value()) == (3, 300)
    widget.goal_days.setValue(4)
    assert load_goal() == Goal(4, 300)


def test_the_keyboard_deletes_a_walk_and_esc_closes(
    view: HistoryView, dialogs: FakeDialogs, qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    view.activateWindow()
    qtbot.waitUntil(view.list.hasFocus)
    qtbot.keyClick(view.list, Qt.Key.Key_Down)
    assert view.selected_walk().started.date() == date(2021, 1, 5)  # type: ignore[union-attr]
    qtbot.keyClick(view.list, Qt.Key.Key_Up)
    assert view.selected_walk().script_name == "Beginner walk"  # type: ignore[union-attr]
    dialogs.answers = [True]
    qtbot.keyClick(view.list, Qt.Key.Key_Delete)
    assert dialogs.confirms[-1][0] == "Delete this walk?"
    with HistoryLog() as history:
        assert history.count() == 17
    assert view.selected_walk().started.date() == date(2021, 1, 5)  # type: ignore[union-attr]
    # Tab reaches both delete buttons from the list.
    reached = set()
    for _ in range(6):
        qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Tab)
        reached.add(view.focusWidget())
    assert {view.delete_button, view.delete_all_button} <= reached
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Escape)
    assert not view.isVisible()


def test_with_no_walks_the_list_gives_way_to_a_sentence(qtbot: Any) -> None:
    widget = HistoryView(now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.list.isHidden()
    assert widget.empty.isVisible()
    assert widget.empty.text().startswith("No walks yet.")
    assert not widget.delete_all_button.isEnabled()
    assert widget.week_label.text() == "This week: 0 of 5 days with 30+ min · 0 min"


def test_a_damaged_history_is_moved_aside_and_said_once(qtbot: Any, dialogs: FakeDialogs) -> None:
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not sqlite at all" * 64)
    widget = HistoryView(dialogs=dialogs, now=lambda: NOW)
    qtbot.addWidget(widget)
    assert widget.notice.isVisibleTo(widget)
    assert "could not be read" in widget.notice.text()
    assert "corrupt-" in widget.notice.text()
    assert widget.list.topLevelItemCount() == 0
    [aside] = path.parent.glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes() == b"not sqlite at all" * 64
    widget.reload()  # a fresh history now: nothing more to say
    assert widget.notice.isHidden()


def test_an_empty_chart_still_paints(qtbot: Any) -> None:
    chart = DayChart()
    qtbot.addWidget(chart)
    chart.resize(500, 240)
    image = chart.grab().toImage()
    assert not image.isNull()
    assert chart.bar_rects() == []


def test_the_window_opens_the_history(qtbot: Any, window: MainWindow) -> None:
    year_end_history()
    window.action("history").trigger()
    shown = window.side.history
    assert isinstance(shown, HistoryView)
    qtbot.waitExposed(shown)
    assert shown.isWindow()
    assert shown.list.topLevelItemCount() == 18
    assert shown.dialogs is window.dialogs
    # Asking again raises the same window.
    window.show_history()
    assert window.side.history is shown
    shown.close()


# --- the pain trend and the FIT export --------------------------------------------------


def rated_history() -> None:
    """Two rated walks in 2020-W52 (4 -> 2 and 6 -> 4), one in 2021-W01 (3 -> 1)."""
    walks = [
        replace(make_walk(date(2020, 12, 21), 30), pain_before=4, pain_after=2),
        replace(make_walk(date(2020, 12, 23), 30), pain_before=6, pain_after=4),
        replace(make_walk(date(2021, 1, 5), 30), pain_before=3, pain_after=1),
        make_walk(date(2021, 1, 6), 20),
    ]
    with HistoryLog() as history:
        history.add_many(walks)


def test_the_pain_trend_is_drawn_under_the_weeks_of_minutes(qtbot: Any) -> None:
    from walktimer.ui.history_view import PAIN_AFTER

    rated_history()
    widget = HistoryView(now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(900, 760)
    widget.show()
    qtbot.waitExposed(widget)
    weeks = widget.pain.weeks
    assert [w.label for w in weeks][-2:] == ["2020-W53", "2021-W01"]
    by_label = {w.label: w for w in weeks}
    assert (by_label["2020-W52"].before, by_label["2020-W52"].after) == (5.0, 3.0)
    assert (by_label["2021-W01"].before, by_label["2021-W01"].after) == (3.0, 1.0)
    points = widget.pain.points()["after"]
    columns = [r.center().x() for r in widget.chart.week_rects()]
    assert points[-1] is not None
    assert points[-1].x() == pytest.approx(columns[-1])  # the same column as its minutes
    assert points[-2] is None  # W53 has no rating
    assert points[-1].y() > widget.pain.y_for(3.0)  # 1 is drawn lower than 3
    image = widget.pain.grab().toImage()
    assert _colour_at(image, points[-1]) == PAIN_AFTER


def exporting_view(qtbot: Any, dialogs: FakeDialogs, answer: Path | None) -> HistoryView:
    rated_history()
    widget = HistoryView(dialogs=dialogs, now=lambda: NOW, ask_path=lambda _p, _s: answer)
    qtbot.addWidget(widget)
    return widget


def test_export_fit_writes_the_selected_walk(
    qtbot: Any, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    import fitdecode

    target = tmp_path / "walk.fit"
    widget = exporting_view(qtbot, dialogs, target)
    assert widget.export_button.isEnabled()
    widget.export_button.click()
    assert target.is_file()
    assert widget.notice.text() == f"Exported the walk as FIT to {target}."
    sports = []
    with fitdecode.FitReader(str(target)) as fit:
        for frame in fit:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                sports.append(frame.get_value("sport"))
    assert sports == ["walking"]
    assert dialogs.confirms == []  # nothing was there to replace


def test_export_fit_never_replaces_a_file_silently(
    qtbot: Any, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    target = tmp_path / "walk.fit"
    target.write_bytes(b"mine")
    widget = exporting_view(qtbot, dialogs, target)
    dialogs.answers = [False]
    assert widget.export_selected() is None
    assert dialogs.confirms[-1][0] == "Replace the file?"
    assert target.read_bytes() == b"mine"
    dialogs.answers = [True]
    assert widget.export_selected() == target
    assert target.read_bytes() != b"mine"


def test_export_fit_failing_is_one_sentence(
    qtbot: Any, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "walk.fit"
    widget = exporting_view(qtbot, dialogs, target)
    assert widget.export_selected() is None
    text = widget.notice.text()
    assert text.startswith(f"The walk could not be exported to {target} (")
    assert text.endswith("choose a folder you can write to.")
    assert not target.exists()


def test_export_fit_writes_several_walks_into_a_folder(
    qtbot: Any, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    import fitdecode

    from walktimer.history.fit import fit_file_name

    folder = tmp_path / "fit"
    folder.mkdir()
    widget = exporting_view(qtbot, dialogs, None)
    widget.ask_folder = lambda _parent, _suggested: folder
    widget.list.selectAll()
    walks = widget.selected_walks()
    assert len(walks) >= 2
    assert widget.selected_walk() is None  # Delete takes one walk at a time
    assert not widget.delete_button.isEnabled()
    assert widget.export_button.isEnabled()
    (folder / fit_file_name(walks[0])).write_bytes(b"mine")
    dialogs.answers = [False]
    assert widget.export_selected() is None
    title, question = dialogs.confirms[-1][:2]
    assert title == "Replace the file?"
    assert question == f"{folder / fit_file_name(walks[0])} exists already. Replace it?"
    assert sorted(p.name for p in folder.iterdir()) == [fit_file_name(walks[0])]
    dialogs.answers = [True]
    assert widget.export_selected() == folder
    assert widget.notice.text() == f"Exported {len(walks)} walks as FIT to {folder}."
    written = sorted(p.name for p in folder.iterdir())
    assert written == sorted(fit_file_name(w) for w in walks)
    for name in written:
        with fitdecode.FitReader(str(folder / name)) as fit:
            laps = [f for f in fit if isinstance(f, fitdecode.FitDataMessage) and f.name == "lap"]
        assert laps, name
