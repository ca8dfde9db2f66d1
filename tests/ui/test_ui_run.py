"""Running a session in the window: keys, the get-ready count, phases, mute, full screen."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QLabel
from ui_helpers import FakeDialogs, FakeInhibitor, SinkFactory, advance, media_key, open_ready

from walktimer.core.clock import FakeClock
from walktimer.core.engine import State
from walktimer.core.plan import EventKind
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.runview import TARGET_HIGHLIGHT_SECONDS
from walktimer.ui.settings import Settings
from walktimer.ui.theme import DARK, LIGHT


def started(qtbot: Any, window: MainWindow, clock: FakeClock, path: Path) -> None:
    """Open, press Space, count 3-2-1: the first phase is running."""
    open_ready(qtbot, window, path)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 3.0)
    assert window.run is not None
    assert window.run.host.state() is State.RUNNING


def test_space_counts_three_two_one_then_starts(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, sinks: SinkFactory
) -> None:
    open_ready(qtbot, window, short_file)
    assert window.page() == "run"
    assert window.run_view.hint.text() == "Press Space to start"
    assert window.run_view.clock.text() == "0:20"

    qtbot.keyClick(window, Qt.Key.Key_Space)
    run = window.run
    assert run is not None
    assert run.host.ready_left() == 3
    assert window.run_view.clock.text() == "3"
    assert run.host.state() is State.READY

    clock.advance(1.0)
    run.host.refresh()
    assert window.run_view.clock.text() == "2"

    advance(window, clock, 2.0)
    assert run.host.state() is State.RUNNING
    view = run.host.view()
    assert view.phase_name == "Warm-up"
    assert window.run_view.clock.text() == "0:20"
    assert window.run_view.phase_name.text() == "Warm-up"
    assert window.run_view.kind_chip.text() == "WARM-UP"
    assert "Speed 2.5 km/h" in window.run_view.targets.text()
    assert window.run_view.instructions.text() == "Arm circles."
    assert window.run_view.next_phase.text() == "Next: Brisk"
    # What fired went to the sink, and the spoken words appear as a caption.
    assert "Warm up gently." in sinks.last.texts
    # The last words spoken at the start are the phase's own, after its target.
    assert window.run_view.caption.text() == "“Warm up gently.”"


def test_enter_in_library_starts_after_prepare(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    window.settings.add_recent(short_file)
    window.refresh_library()
    assert window.library.select(short_file.resolve())
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.run is not None and window.run.prepared)
    assert window.page() == "run"
    assert window.run is not None
    assert window.run.host.ready_left() == 3
    advance(window, clock, 3.0)
    assert window.run.host.state() is State.RUNNING


def test_pause_and_resume_by_space(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, sinks: SinkFactory
) -> None:
    started(qtbot, window, clock, short_file)
    run = window.run
    assert run is not None
    advance(window, clock, 5.0)
    assert window.run_view.clock.text() == "0:15"

    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert run.host.state() is State.PAUSED
    assert sinks.last.paused >= 1
    assert "Paused" in window.run_view.hint.text()
    assert window.action("toggle").text() == "Resume"
    clock.advance(60.0)  # time spent paused does not count
    run.host.refresh()
    assert window.run_view.clock.text() == "0:15"

    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert run.host.state() is State.RUNNING
    assert window.action("toggle").text() == "Pause"
    advance(window, clock, 2.5)
    assert window.run_view.clock.text() == "0:13"


def test_media_play_pause_key_toggles(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    assert window.run is not None
    media_key(window, Qt.Key.Key_MediaTogglePlayPause)
    assert window.run.host.state() is State.PAUSED
    media_key(window, Qt.Key.Key_MediaPlay)
    assert window.run.host.state() is State.RUNNING


def test_next_and_previous_by_keys(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    run = window.run
    assert run is not None
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert run.host.view().phase_name == "Brisk"
    assert window.run_view.phase_name.text() == "Brisk"
    assert "Incline 2%" in window.run_view.targets.text()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert run.host.view().phase_name == "Hold the stretch"
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert run.host.view().phase_name == "Brisk"
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert run.host.view().phase_name == "Warm-up"
    media_key(window, Qt.Key.Key_MediaNext)
    assert run.host.view().phase_name == "Brisk"
    media_key(window, Qt.Key.Key_MediaPrevious)
    assert run.host.view().phase_name == "Warm-up"
    assert window.run_view.timeline.position()[0] == 0


def test_previous_before_the_first_phase_restarts_it(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    advance(window, clock, 8.0)
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert window.run is not None
    assert window.run.host.view().phase_elapsed == 0.0
    assert window.run_view.clock.text() == "0:20"


def test_plus_extends_the_phase_by_a_minute(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    advance(window, clock, 5.0)
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    assert window.run is not None
    view = window.run.host.view()
    assert view.phase_duration == 80.0
    assert window.run_view.clock.text() == "1:15"
    # The timeline segment grew with it.
    assert window.run_view.timeline.segments()[0].duration == 80.0
    advance(window, clock, 75.0)
    assert window.run.host.view().phase_name == "Brisk"


def test_manual_phase_waits_for_space(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    advance(window, clock, 50.0)  # past the warm-up and the brisk phase
    run = window.run
    assert run is not None
    view = run.host.view()
    assert view.phase_name == "Hold the stretch"
    assert view.waiting
    assert window.run_view.hint.text() == "Press Space when done"
    assert window.action("toggle").text() == "Done"
    advance(window, clock, 42.0)  # a manual phase counts up for as long as it is held
    assert run.host.view().phase_name == "Hold the stretch"
    assert window.run_view.clock.text() == "0:42"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert run.host.view().phase_name == "Cool-down"
    assert run.host.state() is State.RUNNING


def test_fullscreen_toggles_treadmill_mode_and_escape_leaves_it(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    qtbot.keyClick(window, Qt.Key.Key_F)
    qtbot.waitUntil(window.isFullScreen)
    assert window.run_view.treadmill
    assert not window.toolbar.isVisible()
    assert window.action("fullscreen").isChecked()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert not window.run_view.treadmill
    assert window.toolbar.isVisible()
    assert window.run is not None
    assert window.run.host.state() is State.RUNNING  # Esc in full screen does not stop
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())


def test_mute_silences_the_sink_but_keeps_captions(
    qtbot: Any,
    window: MainWindow,
    clock: FakeClock,
    short_file: Path,
    sinks: SinkFactory,
    settings: Settings,
) -> None:
    started(qtbot, window, clock, short_file)
    sink = sinks.last
    heard = len(sink.played)
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert window.action("mute").isChecked()
    assert window.action("mute").text() == "Unmute"
    assert window.run_view.muted.isVisible()
    assert settings.mute is True
    assert Settings().mute is True  # stored
    advance(window, clock, 30.0)  # into "Brisk": its cue fires at 10 s
    assert len(sink.played) == heard
    assert "Head level" in window.run_view.caption.text()
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert not window.action("mute").isChecked()
    assert Settings().mute is False
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert len(sink.played) > heard
    assert any(f.kind is EventKind.PHASE_START for f in sink.played[heard:])


def test_escape_stops_only_after_confirmation(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, dialogs: FakeDialogs
) -> None:
    started(qtbot, window, clock, short_file)
    run = window.run
    assert run is not None
    dialogs.answers = [False]
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert dialogs.confirms[-1][0] == "Stop the session?"
    assert run.host.state() is State.RUNNING
    dialogs.answers = [True]
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert run.host.state() is State.STOPPED
    assert window.page() == "summary"
    assert window.summary.title.text() == "Session stopped"


def test_clicking_the_timeline_jumps_after_confirmation(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, dialogs: FakeDialogs
) -> None:
    started(qtbot, window, clock, short_file)
    timeline = window.run_view.timeline
    rects = timeline.segment_rects()
    target = rects[3].center().toPoint()
    dialogs.answers = [False]
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=target)
    assert window.run is not None
    assert window.run.host.view().phase_index == 0
    assert "Cool-down" in dialogs.confirms[-1][1]
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=target)
    assert window.run.host.view().phase_name == "Cool-down"
    assert timeline.position()[0] == 3


def test_get_ready_can_be_cancelled_with_space(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    open_ready(qtbot, window, short_file)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.run is not None
    assert window.run.host.ready_left() == 3
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.run.host.ready_left() is None
    advance(window, clock, 5.0)
    assert window.run.host.state() is State.READY


def test_screen_is_kept_on_while_running_and_released_at_the_end(
    qtbot: Any,
    window: MainWindow,
    clock: FakeClock,
    short_file: Path,
    inhibitor: FakeInhibitor,
    dialogs: FakeDialogs,
) -> None:
    started(qtbot, window, clock, short_file)
    assert inhibitor.held
    dialogs.answers = [True]
    window.stop_session()
    assert not inhibitor.held
    assert inhibitor.calls == ["inhibit", "release"]


def test_screensaver_problem_is_said_once(
    qtbot: Any, make_window: Any, clock: FakeClock, short_file: Path
) -> None:
    window = make_window(inhibitor=FakeInhibitor(problem="The screen may blank."))
    started(qtbot, window, clock, short_file)
    assert window.run_view.notices() == ["The screen may blank."]
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.run_view.notices() == ["The screen may blank."]


def test_sink_notices_appear_in_the_notice_area(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, sinks: SinkFactory
) -> None:
    sinks.notices = ["Speech is off: espeak-ng is not installed."]
    open_ready(qtbot, window, short_file)
    assert "Speech is off" in window.run_view.notice.text()


def test_refused_command_is_shown_not_raised(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    qtbot.keyClick(window, Qt.Key.Key_N)
    qtbot.keyClick(window, Qt.Key.Key_N)  # the manual phase: cannot extend it
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    assert "manual phase" in window.run_view.hint.text()


def test_big_digits_take_a_third_of_the_window(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    assert window.height() == 800
    assert window.run_view.digits_height() >= window.height() / 3
    window.set_treadmill(True)
    qtbot.waitUntil(window.isFullScreen)
    assert window.run_view.digits_height() >= window.height() / 3


def test_digits_keep_their_place_as_they_count(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    clock_widget = window.run_view.clock
    rects = set()
    for _ in range(12):
        advance(window, clock, 1.0)
        rect = clock_widget.ink_rect()
        rects.add((round(rect.x(), 3), round(rect.width(), 3)))
    assert len(rects) == 1, rects


def test_digits_keep_their_size_when_rows_change(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    clock_widget = window.run_view.clock
    assert window.run_view.caption.text()  # the start was just spoken
    assert window.run_view.instructions.text()
    settle = QApplication.processEvents  # layouts are redone from the event queue
    settle()
    height = clock_widget.height()
    advance(window, clock, 9.0)  # the caption has gone
    settle()
    assert window.run_view.caption.text() == ""
    assert clock_widget.height() == height
    qtbot.keyClick(window, Qt.Key.Key_N)  # "Brisk" has no instructions
    settle()
    assert window.run_view.instructions.text() == ""
    assert clock_widget.height() == height
    window.run_view.add_notice("A long notice about something that does not work here.")
    settle()
    assert clock_widget.height() == height


LONG_INSTRUCTIONS = """\
format = 1
name = "Long instructions"

[[phase]]
name = "Hamstring stretch, right leg"
kind = "stretch"
duration = "manual"
instructions = \"\"\"
Right heel forward, toes up, knee straight but not locked.
Back straight; lean from the hips until you feel a gentle pull.
Press Next when you are ready.
\"\"\"
say = "Hamstring stretch, right leg. Heel forward, toes up, and lean gently forward \
from your hips, keeping the back long and the breathing slow and easy."
"""


def _fits(label: QLabel) -> bool:
    """The label's text, wrapped at its width, fits its height (nothing is cut off)."""
    flags = int(Qt.TextFlag.TextWordWrap)
    box = QFontMetricsF(label.font()).boundingRect(
        QRectF(0, 0, label.width(), 1e6), flags, label.text()
    )
    return box.height() <= label.height() and box.width() <= label.width()


def test_small_laptop_screen_keeps_big_digits_and_whole_texts(
    qtbot: Any, make_window: Any, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "long.toml"
    path.write_text(LONG_INSTRUCTIONS, encoding="utf-8")
    window: MainWindow = make_window(size=(1024, 600))
    started(qtbot, window, clock, path)
    QApplication.processEvents()
    view = window.run_view
    assert window.height() == 600
    assert view.digits_height() >= window.height() / 3
    assert view.row_text(view.instructions).startswith("Right heel forward")
    assert view.instructions.text().endswith("Press Next when you are ready.")
    assert view.caption.text().startswith("“Hamstring stretch")
    for label in (view.instructions, view.caption):
        assert _fits(label), label.objectName()
        # Shrunk only a little: the lines run on before the letters get small.
        assert label.font().pixelSize() >= 14, label.objectName()
    # Treadmill mode on the same small screen: larger text, the digits still a third.
    view.set_treadmill(True)
    QApplication.processEvents()
    assert view.digits_height() >= view.height() / 3
    for label in (view.instructions, view.caption):
        assert _fits(label), label.objectName()


def test_waiting_for_space_is_a_badge_in_treadmill_colours(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    view = window.run_view
    assert not view.waiting_shown
    advance(window, clock, 50.0)  # into the manual stretch
    assert view.waiting_shown
    assert "background" in view.hint.styleSheet()
    assert LIGHT.accent.name() in view.hint.styleSheet()
    window.set_treadmill(True)  # no redraw from the host needed: the badge turns dark
    assert DARK.accent.name() in view.hint.styleSheet()
    window.set_treadmill(False)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not view.waiting_shown
    assert "background" not in view.hint.styleSheet()


def test_ready_hint_follows_treadmill_colours(
    qtbot: Any, window: MainWindow, short_file: Path
) -> None:
    open_ready(qtbot, window, short_file)
    view = window.run_view
    assert LIGHT.accent.name() in view.hint.styleSheet()
    window.set_treadmill(True)
    assert DARK.accent.name() in view.hint.styleSheet()


def test_muted_at_open_renders_nothing_until_unmuted(
    qtbot: Any,
    make_window: Any,
    clock: FakeClock,
    short_file: Path,
    sinks: SinkFactory,
    settings: Settings,
) -> None:
    settings.mute = True
    window: MainWindow = make_window()
    started(qtbot, window, clock, short_file)
    # No sink was built, so no speech worker started and nothing was rendered.
    assert sinks.calls == []
    run = window.run
    assert run is not None
    assert run.sink.real is None
    assert not window.run_view.prepare_panel.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_M)  # unmute mid-session: the sound gets ready
    qtbot.waitUntil(lambda: run.sink.real is not None and sinks.last.prepared)
    assert len(sinks.calls) == 1
    assert sinks.calls[0]["mute"] is False
    assert not window.run_view.prepare_panel.isVisible()  # the walk goes on, no panel
    assert run.host.state() is State.RUNNING
    advance(window, clock, 20.0)  # into "Brisk"
    assert any(f.kind is EventKind.PHASE_START for f in sinks.last.played)
    qtbot.keyClick(window, Qt.Key.Key_M)
    qtbot.keyClick(window, Qt.Key.Key_M)  # unmuting again builds nothing new
    assert len(sinks.calls) == 1


def test_many_long_notices_stay_readable(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    view = window.run_view
    sentences = [
        "The screen may blank during the walk (no desktop session bus): turn blanking off.",
        "No sound: the audio output could not be opened (no such device). Check the speakers "
        "or headphones and that alsa-utils is installed; cue texts are shown instead.",
        "Speech is off: espeak-ng is not installed (sudo apt install espeak-ng).",
    ]
    for sentence in sentences:
        view.add_notice(sentence)
    QApplication.processEvents()
    assert _fits(view.notice)
    assert view.notice.font().pixelSize() >= 13
    assert view.notice.text().endswith(sentences[-1])  # the newest is always shown
    assert all(s in view.notice.toolTip() for s in sentences)


def test_a_caption_from_the_last_phase_goes_when_next_is_pressed_while_paused(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    spoken = window.run_view.caption.text()
    assert spoken  # the first phase's start was just spoken
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause
    qtbot.keyClick(window, Qt.Key.Key_N)  # next, still paused
    advance(window, clock, 0.5)
    assert window.run.host.state() is State.PAUSED
    assert window.run_view.caption.text() != spoken


def test_a_new_target_is_highlighted_for_the_first_seconds_of_its_phase(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    view = window.run_view
    assert view.target_highlighted  # the first phase's target is new
    advance(window, clock, TARGET_HIGHLIGHT_SECONDS - 1.0)
    assert view.target_highlighted
    advance(window, clock, 2.0)
    assert not view.target_highlighted  # after the first seconds it is an ordinary line
    qtbot.keyClick(window, Qt.Key.Key_N)  # Brisk: 4.5 km/h and 2 %, a change
    assert view.phase_name.text() == "Brisk"
    assert view.target_highlighted
    qtbot.keyClick(window, Qt.Key.Key_N)  # the manual stretch has no target
    assert view.targets.text() == ""
    assert not view.target_highlighted


def test_targets_and_next_are_larger_than_the_other_lines(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    started(qtbot, window, clock, short_file)
    view = window.run_view
    QApplication.processEvents()
    for label in (view.targets, view.next_phase):
        assert label.font().pixelSize() > view.instructions.font().pixelSize()
        assert label.font().pixelSize() > view.caption.font().pixelSize()
    assert view.digits_height() >= window.height() / 3  # the digits keep their third


SPOKEN_COUNTDOWN = """\
format = 1
name = "Spoken countdown"

[announce]
countdown = 3
countdown_voice = true

[[phase]]
name = "Walk"
duration = "20s"

[[phase]]
name = "Easy"
duration = "20s"
"""


def test_a_spoken_countdown_reaches_the_sink_as_words(
    qtbot: Any, window: MainWindow, clock: FakeClock, sinks: Any, tmp_path: Path
) -> None:
    path = tmp_path / "spoken.toml"
    path.write_text(SPOKEN_COUNTDOWN, encoding="utf-8")
    started(qtbot, window, clock, path)
    for _ in range(20):
        advance(window, clock, 1.0)
    counted = [f for f in sinks.last.played if f.kind is EventKind.COUNTDOWN and f.phase_index == 0]
    assert [(f.text, f.sound) for f in counted] == [("three", None), ("two", None), ("one", None)]
    assert window.run_view.phase_name.text() == "Easy"


def test_a_long_next_shrinks_to_fit_rather_than_being_cut_off(
    qtbot: Any, make_window: Any, clock: FakeClock, short_file: Path
) -> None:
    for size in ((1280, 800), (1024, 600)):
        window = make_window(size=size)
        started(qtbot, window, clock, short_file)
        view = window.run_view
        for treadmill in (False, True):
            view.set_treadmill(treadmill)
            QApplication.processEvents()
            assert window.run is not None
            shown = window.run.host.view()
            view.show_view(replace(shown, next_name="Backward walking, very slowly (1/2)"))
            QApplication.processEvents()
            for label in (view.targets, view.next_phase):
                width = QFontMetricsF(label.font()).horizontalAdvance(label.text())
                assert width <= label.contentsRect().width(), (size, treadmill, label.text())
