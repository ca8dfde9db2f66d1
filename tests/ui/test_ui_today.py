"""Today's walk in the library, the Programme menu, the advice, and the pain diary's keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import FakeDialogs, advance

from walktimer.core.clock import FakeClock
from walktimer.core.engine import State
from walktimer.history.log import HistoryLog, Walk, WalkEnd
from walktimer.programmes.progress import ADVICE
from walktimer.programmes.store import Programmes
from walktimer.ui.diary_panel import DiaryPanel, Question
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.resume_prompt import RunTracker
from walktimer.ui.today import TodayWalks

TINY_SESSION = """format = 1
name = "Tiny walk"
[announce]
countdown = 0
remaining = []
next = false
[[phase]]
name = "Walk"
duration = "2m"
"""
TINY_PROGRAMME = """format = 1
name = "Tiny programme"
[[week]]
walks = 1
session = "tiny"
[[week]]
walks = 3
session = "tiny"
"""


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    (tmp_path / "tiny.toml").write_text(TINY_SESSION, encoding="utf-8")
    path = tmp_path / "tiny-programme.toml"
    path.write_text(TINY_PROGRAMME, encoding="utf-8")
    return path


def enrol(programme: Path) -> str:
    enrolment, _ = Programmes().start(str(programme), datetime.now().astimezone().date())
    return enrolment.id


def opened(qtbot: Any, make_window: Callable[..., MainWindow]) -> tuple[MainWindow, TodayWalks]:
    window = make_window()
    window.history_tracker = RunTracker(window)  # as ui.app.track_runs does
    qtbot.waitUntil(lambda: window.today is not None)
    assert window.today is not None
    return window, window.today


def walked(qtbot: Any, window: MainWindow, clock: FakeClock) -> None:
    """The open walk's 3-2-1 count and its start (as Space would after preparing)."""
    qtbot.waitUntil(lambda: window.run is not None and window.run.prepared)
    assert window.run is not None
    qtbot.waitUntil(lambda: window.run is not None and window.run.host.ready_left() is not None)
    advance(window, clock, 3.0)
    assert window.run.host.state() is State.RUNNING


def finish(window: MainWindow, clock: FakeClock) -> None:
    for _ in range(3):
        advance(window, clock, 60.0)
    assert window.page() == "summary"


def logged() -> list[Walk]:
    with HistoryLog() as history:
        return history.walks()


def asked_before(qtbot: Any, window: MainWindow, clock: FakeClock, programme: Path) -> None:
    """A session of the list walked (not today's walk), and the diary asking before it."""
    assert window.open_session(programme.parent / "tiny.toml", start=True)
    walked(qtbot, window, clock)
    assert window.today is not None
    diary = diary_of(window.today)
    qtbot.waitUntil(lambda: diary.question is Question.BEFORE)


def diary_of(today: TodayWalks) -> DiaryPanel:
    assert today.diary is not None
    return today.diary


def press(qtbot: Any, window: MainWindow, *keys: Qt.Key) -> None:
    for key in keys:
        target = window.focusWidget() or window
        qtbot.keyClick(target, key)


# --- today's walk ------------------------------------------------------------------------


def test_without_a_programme_the_library_says_how_to_choose_one(
    qtbot: Any, make_window: Callable[..., MainWindow]
) -> None:
    _, today = opened(qtbot, make_window)
    panel = today.panel
    assert panel.isVisible()
    assert "No programme: choose one in Programme" in panel.detail.text()
    assert not panel.start_button.isVisible()


def test_the_library_opens_on_the_next_walk_and_t_starts_it_for_the_programme(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, programme: Path
) -> None:
    enrolment = enrol(programme)
    window, today = opened(qtbot, make_window)
    panel = today.panel
    assert panel.headline.text() == "Week 1 - walk 1 of 1: Tiny walk"
    assert panel.start_button.isVisible()
    qtbot.keyClick(window.library.tree, Qt.Key.Key_T)  # one key
    assert window.page() == "run"
    walked(qtbot, window, clock)
    press(qtbot, window, Qt.Key.Key_Return)  # skips the before-rating
    finish(window, clock)
    press(qtbot, window, Qt.Key.Key_Return, Qt.Key.Key_Escape)  # no after, no note
    [walk] = logged()
    assert (walk.programme, walk.programme_week) == (enrolment, 1)
    assert walk.pain_before is None
    assert walk.pain_after is None
    qtbot.waitUntil(lambda: panel.headline.text().startswith("Week 2 - walk 1 of 3"))
    assert "Today's walk is done" in panel.detail.text()


def test_a_session_opened_from_the_list_does_not_count_for_the_programme(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, programme: Path
) -> None:
    enrol(programme)
    window, _ = opened(qtbot, make_window)
    assert window.open_session(programme.parent / "tiny.toml", start=True)
    walked(qtbot, window, clock)
    finish(window, clock)
    [walk] = logged()
    assert walk.programme is None


def test_the_programme_menu_chooses_pauses_resumes_restarts_and_leaves(
    qtbot: Any, make_window: Callable[..., MainWindow], dialogs: FakeDialogs
) -> None:
    _, today = opened(qtbot, make_window)
    panel = today.panel
    panel.menu.aboutToShow.emit()
    [choose] = [a for a in panel.menu.actions() if a.menu() is not None]
    names = [a.text() for a in choose.menu().actions()]  # type: ignore[attr-defined]
    assert "Back-care start" in names
    next(a for a in choose.menu().actions() if a.text() == "Back-care start").trigger()  # type: ignore[attr-defined]
    assert panel.headline.text().startswith("Week 1 - walk 1 of 5: ")
    panel.menu.aboutToShow.emit()
    texts = [a.text() for a in panel.menu.actions()]
    assert "&Pause the programme" in texts
    assert "&Leave the programme…" in texts
    panel.pause()
    assert "is paused" in panel.detail.text()
    assert not panel.start_button.isVisible()
    assert not today.start()
    panel.menu.aboutToShow.emit()
    assert "R&esume the programme" in [a.text() for a in panel.menu.actions()]
    panel.resume()
    assert panel.start_button.isVisible()
    dialogs.answers = [False]
    panel.restart()  # asked, and declined: nothing changes
    assert dialogs.confirms[-1][0] == "Restart the programme?"
    before = Programmes().current()
    dialogs.answers = [True]
    panel.restart()
    after = Programmes().current()
    assert before is not None
    assert after is not None
    assert after.id != before.id
    panel.leave()
    assert Programmes().current() is None
    assert "No programme" in panel.detail.text()


def test_a_broken_programme_is_one_sentence_in_the_panel(
    qtbot: Any, make_window: Callable[..., MainWindow], programme: Path
) -> None:
    enrol(programme)
    programme.write_text("format = 1\nname = 'x'\n[[week]]\nwalks = 0\nsession = 'tiny'\n")
    _, today = opened(qtbot, make_window)
    assert today.panel.detail.text().startswith("The programme cannot be used: ")
    assert not today.panel.start_button.isVisible()


def test_the_advice_is_shown_while_held_and_said_once(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, programme: Path
) -> None:
    enrolment = enrol(programme)
    start = datetime.now().astimezone() - timedelta(days=3)
    with HistoryLog() as history:
        history.add(
            Walk(start, "Tiny walk", None, None, 120.0, 120.0, WalkEnd.FINISHED,
                 pain_before=3, pain_after=8, programme=enrolment, programme_week=1)
        )  # fmt: skip
    window, today = opened(qtbot, make_window)
    panel = today.panel
    assert panel.advice.isVisible()
    assert panel.advice.text() == ADVICE
    assert "rated 8 out of 10" in panel.detail.text()
    assert today.start()
    assert window.run is not None
    spoken = [e.text for e in window.run.plan.events if e.text]
    assert spoken[0] is not None
    assert spoken[0].startswith(ADVICE)
    window.back_to_library()
    panel.refresh()
    assert panel.advice.isVisible()  # still shown while the hold lasts
    assert today.start()
    assert window.run is not None
    again = [e.text for e in window.run.plan.events if e.text]
    assert not any(t is not None and ADVICE in t for t in again)  # said once


# --- the pain diary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "rating"),
    [
        ((Qt.Key.Key_4,), 4),
        ((Qt.Key.Key_0,), 0),
        ((Qt.Key.Key_1, Qt.Key.Key_0), 10),
        ((Qt.Key.Key_1, Qt.Key.Key_Return), 1),
        ((Qt.Key.Key_Return,), None),
    ],
)
def test_the_before_rating_is_typed_while_the_walk_goes(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    clock: FakeClock,
    programme: Path,
    keys: tuple[Qt.Key, ...],
    rating: int | None,
) -> None:
    window, today = opened(qtbot, make_window)
    diary = diary_of(today)
    asked_before(qtbot, window, clock, programme)
    assert diary.isVisible()
    assert "1 then 0 for 10" in diary.keys.text()
    assert window.run is not None
    assert window.run.host.state() is State.RUNNING  # the walk did not wait for it
    press(qtbot, window, *keys)
    assert diary.question is Question.NONE
    assert window.page() == "run"  # Enter answered the diary, nothing else
    assert window.run.host.state() is State.RUNNING  # digits are not the window's keys
    finish(window, clock)
    [walk] = logged()
    assert walk.pain_before == rating


def test_a_lone_one_is_taken_when_no_zero_follows(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, programme: Path
) -> None:
    window, today = opened(qtbot, make_window)
    diary = diary_of(today)
    diary._follow_timer.setInterval(10)
    asked_before(qtbot, window, clock, programme)
    press(qtbot, window, Qt.Key.Key_1)
    assert "press 0 now for 10" in diary.message.text()
    qtbot.waitUntil(lambda: diary.question is Question.NONE)
    finish(window, clock)
    assert logged()[0].pain_before == 1


def test_the_before_question_goes_away_by_itself(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, programme: Path
) -> None:
    window, today = opened(qtbot, make_window)
    diary = diary_of(today)
    diary._open_timer.setInterval(10)
    assert window.open_session(programme.parent / "tiny.toml", start=True)
    with qtbot.waitSignal(diary.answered) as answer:
        walked(qtbot, window, clock)
    assert answer.args == ["before", None]  # unanswered: skipped, and the bar gone
    assert not diary.isVisible()
    press(qtbot, window, Qt.Key.Key_Space)  # the window's own keys work again: pause
    assert window.run is not None
    assert window.run.host.state() is State.PAUSED


def test_after_the_walk_the_rating_and_a_note_are_stored_with_it(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, programme: Path
) -> None:
    window, today = opened(qtbot, make_window)
    diary = diary_of(today)
    asked_before(qtbot, window, clock, programme)
    press(qtbot, window, Qt.Key.Key_5)
    finish(window, clock)
    qtbot.waitUntil(lambda: diary.question is Question.AFTER)
    assert "after the walk" in diary.message.text()
    press(qtbot, window, Qt.Key.Key_1, Qt.Key.Key_0)  # 10, and no Done on the summary
    assert window.page() == "summary"
    assert diary.question is Question.NOTE
    assert window.focusWidget() is diary.note
    qtbot.keyClicks(diary.note, "stiff at first")
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.page() == "summary"
    assert not diary.isVisible()
    [walk] = logged()
    assert (walk.pain_before, walk.pain_after, walk.note) == (5, 10, "stiff at first")


def test_skipping_after_stores_nothing_and_enter_then_means_done(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, programme: Path
) -> None:
    window, today = opened(qtbot, make_window)
    diary = diary_of(today)
    asked_before(qtbot, window, clock, programme)
    finish(window, clock)  # the before-question was never answered
    qtbot.waitUntil(lambda: diary.question is Question.AFTER)
    press(qtbot, window, Qt.Key.Key_Return, Qt.Key.Key_Escape)
    assert diary.question is Question.NONE
    [walk] = logged()
    assert (walk.pain_before, walk.pain_after, walk.note) == (None, None, "")
    press(qtbot, window, Qt.Key.Key_Return)  # the summary's Done again
    assert window.page() == "library"


def test_a_demo_is_not_asked_about(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, programme: Path
) -> None:
    window, today = opened(qtbot, make_window)
    diary = diary_of(today)
    assert window.open_session(programme.parent / "tiny.toml", start=True)
    walked(qtbot, window, clock)
    assert window.history_tracker is not None
    [keeper] = window.history_tracker.keepers.values()
    assert keeper.speed == 1.0
    keeper.speed = 2.0  # as a --speed run's keeper is
    assert not diary.follow(window.run.host, keeper)  # type: ignore[union-attr]


def test_a_t_typed_in_the_search_box_is_a_letter_not_a_start(
    qtbot: Any, make_window: Callable[..., MainWindow], programme: Path
) -> None:
    enrol(programme)
    window, today = opened(qtbot, make_window)
    assert today.panel.startable()
    window.library.search.setFocus()
    qtbot.keyClicks(window.library.search, "tiny")
    assert window.library.search.text() == "tiny"
    assert window.page() == "library"
