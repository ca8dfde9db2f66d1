"""The rest of the window: the end summary, preparing, settings, help, accessibility, errors."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QProgressBar,
    QWidget,
)
from ui_helpers import FakeDialogs, SinkFactory, advance, open_ready

from walktimer import APP_ID
from walktimer.core.clock import FakeClock
from walktimer.core.engine import PhaseStatus, RunEnd, RunRecord, State
from walktimer.core.plan import Plan
from walktimer.ui.app import ErrorReporter, _parse, make_application, setup_logging
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.settings import Settings, Theme, Verbosity
from walktimer.ui.settings_dialog import SettingsDialog
from walktimer.ui.summary import summary_lines


def _walk_to_the_end(qtbot: Any, window: MainWindow, clock: FakeClock, path: Path) -> None:
    open_ready(qtbot, window, path)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 3.0)
    qtbot.keyClick(window, Qt.Key.Key_Plus)  # the warm-up is extended: 80 s
    advance(window, clock, 80.0)
    qtbot.keyClick(window, Qt.Key.Key_N)  # "Brisk" is skipped
    advance(window, clock, 12.0)  # the manual stretch, held 12 s
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 10.0)  # the cool-down runs out: finished


def test_end_summary_and_session_finished_signal(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, sinks: SinkFactory
) -> None:
    got: list[tuple[RunRecord, Plan, Path | None]] = []
    window.session_finished.connect(lambda r, p, f: got.append((r, p, f)))
    _walk_to_the_end(qtbot, window, clock, short_file)
    assert window.page() == "summary"
    assert len(got) == 1
    record, plan, path = got[0]
    assert path == short_file
    assert plan.session.name == "Short test walk"
    assert record.ended is RunEnd.FINISHED
    assert [p.status for p in record.phases] == [
        PhaseStatus.EXTENDED,
        PhaseStatus.SKIPPED,
        PhaseStatus.DONE,
        PhaseStatus.DONE,
    ]
    rows = window.summary.rows()
    assert window.summary.title.text() == "Well done!"
    assert rows["Planned"] == "at least 1:00"
    assert rows["Walked"] == "1:42"  # 80 s + 0 s + 12 s + 10 s
    assert rows["Phases done"] == "3"
    assert rows["Skipped"] == "1"
    assert rows["Extended"].startswith("1 (1:00")
    assert "Session complete." in sinks.last.texts
    assert not window.isFullScreen()
    # Enter goes back to the library; the finished session is let go.
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.page() == "library"
    assert window.run is None
    assert sinks.last.closed


def test_walk_again_from_the_summary(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, sinks: SinkFactory
) -> None:
    _walk_to_the_end(qtbot, window, clock, short_file)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.run is not None and window.run.prepared)
    assert window.page() == "run"
    assert window.run is not None
    assert window.run.host.ready_left() == 3
    assert len(sinks.sinks) == 2


def test_summary_lines_for_a_stopped_run() -> None:
    record = RunRecord(
        session_name="x",
        planned_seconds=600.0,
        active_seconds=125.0,
        phases=(),
        ended=RunEnd.STOPPED,
    )
    rows = dict(summary_lines(record))
    assert rows == {"Planned": "10:00", "Walked": "2:05", "Phases done": "0", "Skipped": "0"}


def test_the_phase_walked_when_stopping_is_not_counted_as_skipped(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, dialogs: FakeDialogs
) -> None:
    open_ready(qtbot, window, short_file)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 3.0)  # the get-ready count
    qtbot.keyClick(window, Qt.Key.Key_N)  # the warm-up is skipped
    advance(window, clock, 10.0)  # 10 s of "Brisk"
    dialogs.answers = [True]
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # Stop
    assert window.page() == "summary"
    rows = window.summary.rows()
    assert (rows["Phases done"], rows["Skipped"]) == ("0", "1")
    assert rows["Stopped in"] == "Brisk, after 0:10"
    assert rows["Not reached"] == "2"
    assert "Brisk, after 0:10" in window.summary.table.text()


def test_preparing_shows_progress_and_can_be_cancelled(
    qtbot: Any, window: MainWindow, short_file: Path, sinks: SinkFactory
) -> None:
    sinks.hold = True
    assert window.open_session(short_file, start=True)
    run = window.run
    assert run is not None
    qtbot.waitUntil(lambda: bool(sinks.sinks))  # built on the prepare thread
    sink = sinks.last
    qtbot.waitUntil(window.run_view.prepare_panel.isVisible)
    qtbot.waitUntil(lambda: window.run_view.prepare_bar.maximum() == sink.steps)
    assert window.run_view.prepare_bar.value() == 1
    assert not run.prepared
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc while preparing: back to the library
    assert window.page() == "library"
    assert sink.closed
    assert window.run is None
    assert run.host.state() is State.READY  # never started


def test_space_while_preparing_starts_when_ready(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, sinks: SinkFactory
) -> None:
    sinks.hold = True
    assert window.open_session(short_file)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.run is not None
    assert window.run.start_when_prepared
    assert "as soon as" in window.run_view.hint.text()
    qtbot.waitUntil(lambda: bool(sinks.sinks))
    sinks.last.release()
    qtbot.waitUntil(lambda: window.run is not None and window.run.prepared)
    assert window.run.host.ready_left() == 3
    assert not window.run_view.prepare_panel.isVisible()


def test_session_started_signal_carries_the_host(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    got: list[Any] = []
    window.session_started.connect(lambda host, plan, path: got.append((host, plan, path)))
    open_ready(qtbot, window, short_file)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert len(got) == 1
    assert window.run is not None
    assert got[0][0] is window.run.host
    assert got[0][2] == short_file


def test_open_restored_resumes_where_it_was(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    assert window.open_restored(short_file, 1, 12.0)
    qtbot.waitUntil(lambda: window.run is not None and window.run.prepared)
    assert window.run is not None
    view = window.run.host.view()
    assert view.state is State.PAUSED
    assert view.phase_name == "Brisk"
    assert window.run_view.clock.text() == "0:18"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.run.host.state() is State.RUNNING


def test_settings_round_trip(qtbot: Any, settings: Settings) -> None:
    dialog = SettingsDialog(settings, voices=lambda: [("en-gb", "English (GB)")])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.voice.findData("en-gb") >= 0)
    dialog.voice.setCurrentIndex(dialog.voice.findData("en-gb"))
    dialog.rate.setValue(190)
    dialog.volume.setValue(70)
    dialog.mute.setChecked(True)
    dialog.verbosity.setCurrentIndex(list(Verbosity).index(Verbosity.PHASES))
    dialog.theme.setCurrentIndex(list(Theme).index(Theme.DARK))
    dialog.font_scale.setValue(130)
    dialog.accept()
    fresh = Settings()
    assert fresh.voice == "en-gb"
    assert fresh.rate == 190
    assert fresh.volume == 0.7
    assert fresh.mute is True
    assert fresh.verbosity is Verbosity.PHASES
    assert fresh.theme is Theme.DARK
    assert fresh.font_scale == 1.3
    text = fresh.file.read_text("utf-8")
    assert "mute=true" in text
    assert "True" not in text
    # Opening it again shows what was saved.
    again = SettingsDialog(fresh)
    qtbot.addWidget(again)
    assert again.voice_id() == "en-gb"
    assert again.rate.value() == 190
    assert again.mute.isChecked()
    assert again.theme.currentData() == "dark"


def test_settings_defaults_and_script_choice(qtbot: Any, settings: Settings) -> None:
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.voice_id() == ""
    assert dialog.rate_value() == 0
    assert dialog.rate.text() == "The script's choice"
    dialog.reject()
    assert not settings.file.exists() or "rate" not in settings.file.read_text("utf-8")


def test_bad_setting_values_fall_back_to_defaults(settings: Settings) -> None:
    settings._store.setValue("voice/rate", "fast")
    settings._store.setValue("display/theme", "purple")
    settings._store.setValue("display/font_scale", 9.0)
    assert settings.rate == 0
    assert settings.theme is Theme.SYSTEM
    assert settings.font_scale == 2.0  # clamped


def test_settings_dialog_applies_theme_to_the_window(
    qtbot: Any, window: MainWindow, settings: Settings, monkeypatch: Any
) -> None:
    def fake_exec(self: SettingsDialog) -> int:
        self.theme.setCurrentIndex(list(Theme).index(Theme.DARK))
        self.accept()
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert settings.theme is Theme.DARK
    assert window.palette().window().color().lightness() < 60


def test_window_geometry_is_remembered(qtbot: Any, make_window: Any, settings: Settings) -> None:
    window: MainWindow = make_window()
    window.resize(700, 500)
    window.close()
    assert not settings.geometry.isEmpty()
    again: MainWindow = make_window(size=None)
    assert again.size().width() == 700
    assert again.size().height() == 500


def test_help_overlay_opens_with_question_mark_and_closes(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window, "?")
    assert window.help.isVisible()
    keys = [k for k, _ in window.help.rows]
    for shown in ("Space", "N  or  →", "P  or  ←", "+  or  =", "M", "F  or  F11", "Esc"):
        assert shown in keys
    qtbot.keyClick(window.help, Qt.Key.Key_Escape)
    assert not window.help.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.help.isVisible()


def test_a_key_only_closes_the_help_in_the_library(
    qtbot: Any, window: MainWindow, short_file: Path
) -> None:
    window.settings.add_recent(short_file)
    window.refresh_library()
    assert window.library.select(short_file.resolve())
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, "?")
    assert window.help.isVisible()
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_Return)  # would open the selected session
    assert not window.help.isVisible()
    assert window.page() == "library"
    assert window.run is None
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Return)
    assert window.page() == "run"  # with the help closed, Return opens it


def test_a_key_only_closes_the_help_during_a_session(
    qtbot: Any, window: MainWindow, short_file: Path
) -> None:
    open_ready(qtbot, window, short_file)
    window.activateWindow()
    qtbot.waitActive(window)
    assert window.run is not None
    assert window.run.host.state() is State.READY
    for key in (Qt.Key.Key_Space, Qt.Key.Key_N, Qt.Key.Key_M, Qt.Key.Key_F):
        qtbot.keyClick(window, "?")
        assert window.help.isVisible()
        qtbot.keyClick(QApplication.focusWidget() or window, key)
        assert not window.help.isVisible()
    assert window.run.host.state() is State.READY  # Space did not start it
    assert window.run.host.ready_left() is None  # no get-ready count either
    assert not window.run.host.muted  # M did not mute
    assert not window.isFullScreen()  # F did not go full screen
    assert window.run.host.view().phase_index == 0


def test_tooltips_name_the_shortcuts(window: MainWindow) -> None:
    assert window.action("toggle").toolTip().endswith("(Space, Media Play)") or (
        "Space" in window.action("toggle").toolTip()
    )
    assert "(N, Right)" in window.action("next").toolTip()
    assert "(P, Left)" in window.action("previous").toolTip()
    assert "(+, =)" in window.action("extend").toolTip()
    assert "(M)" in window.action("mute").toolTip()
    assert "(F, F11)" in window.action("fullscreen").toolTip()


def test_every_control_has_an_accessible_name(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path
) -> None:
    open_ready(qtbot, window, short_file)
    controls = (
        QAbstractButton,
        QLineEdit,
        QComboBox,
        QAbstractItemView,
        QAbstractSlider,
        QAbstractSpinBox,
        QProgressBar,
    )
    found = [w for w in window.findChildren(QWidget) if isinstance(w, controls)]
    assert len(found) > 15
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r} {getattr(w, 'text', lambda: '')()!r}"
        for w in found
        if not w.accessibleName() and not _inside_named_complex(w)
    ]
    assert unnamed == []
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    inner = [w for w in dialog.findChildren(QWidget) if isinstance(w, controls)]
    assert [w for w in inner if not w.accessibleName() and not _inside_named_complex(w)] == []


def _inside_named_complex(widget: QWidget) -> bool:
    """Scroll bars and the line edit inside a combo box or spin box belong to a named parent
    control (its accessible name covers them)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QAbstractSpinBox, QAbstractItemView)) and (
            parent.accessibleName()
        ):
            return True
        parent = parent.parentWidget()
    return False


def test_error_reporter_logs_every_error_and_shows_one_dialog(
    qtbot: Any, tmp_path: Path, caplog: Any
) -> None:
    shown: list[str] = []
    reporter = ErrorReporter(tmp_path / "walktimer.log", show=shown.append)
    for i in range(3):
        try:
            raise RuntimeError(f"boom {i}")
        except RuntimeError as error:
            with caplog.at_level(logging.CRITICAL):
                reporter.excepthook(type(error), error, error.__traceback__)
    assert reporter.count == 3
    assert len(shown) == 1
    assert "boom 0" in shown[0]
    assert str(tmp_path / "walktimer.log") in shown[0]
    assert sum("Traceback" in r.getMessage() for r in caplog.records) == 3


def test_error_reporter_catches_thread_errors(qtbot: Any, tmp_path: Path) -> None:
    shown: list[str] = []
    reporter = ErrorReporter(tmp_path / "walktimer.log", show=shown.append)
    old = threading.excepthook
    reporter.install()
    try:

        def fail() -> None:
            raise ValueError("from a thread")

        thread = threading.Thread(target=fail)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(shown) == 1)
    finally:
        threading.excepthook = old
        sys.excepthook = sys.__excepthook__
    assert "from a thread" in shown[0]


def test_logging_goes_to_a_rotating_file(tmp_path: Path) -> None:
    file = setup_logging(tmp_path / "logs")
    try:
        logging.getLogger("walktimer.test").info("hello from the test")
        for handler in logging.getLogger().handlers:
            handler.flush()
        assert "hello from the test" in file.read_text("utf-8")
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if handler.get_name() in ("walktimer-file", "walktimer-console"):
                root.removeHandler(handler)
                handler.close()


def test_log_file_rotates_when_it_grows(tmp_path: Path) -> None:
    from walktimer.ui.app import RotatingLog

    logs = tmp_path / "logs"
    logs.mkdir()
    handler = RotatingLog(logs / "w.log", max_bytes=200, backups=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    try:
        for i in range(100):
            handler.emit(logging.LogRecord("t", logging.INFO, "", 0, f"line {i:02d}", None, None))
    finally:
        handler.close()
    names = sorted(p.name for p in logs.iterdir())
    assert names == ["w.log", "w.log.1", "w.log.2"]  # never more than the backups asked for
    assert "line 99" in (logs / "w.log").read_text("utf-8")
    assert all(p.stat().st_size < 260 for p in logs.iterdir())


def test_application_identity(qtbot: Any) -> None:
    app = make_application(["walktimer"])
    assert app.applicationName() == "walktimer"
    assert app.desktopFileName() == APP_ID
    assert not app.windowIcon().isNull()
    assert app.windowIcon().availableSizes()


def test_command_line_arguments() -> None:
    assert _parse([]) == (None, None)
    assert _parse(["walk.toml"]) == (Path("walk.toml"), None)
    assert _parse(["--bogus"]) == (None, "unknown option --bogus")
    assert _parse(["a.toml", "b.toml"])[1] == "give at most one session file"


def test_window_has_the_app_icon(window: MainWindow) -> None:
    assert not window.windowIcon().isNull()


def test_closing_during_a_session_asks_first(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, dialogs: FakeDialogs
) -> None:
    open_ready(qtbot, window, short_file)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 3.0)
    dialogs.answers = [False]
    assert not window.close()
    assert window.isVisible()
    dialogs.answers = [True]
    assert window.close()


def test_try_the_voice_speaks_through_the_previewer(
    qtbot: Any, window: MainWindow, settings: Settings, monkeypatch: Any
) -> None:
    import walktimer.audio.preview as preview_module

    said: list[tuple[str, str | None, int, float]] = []

    class FakePreviewer:
        closed = False

        def preview(self, text: str, voice: str | None, rate: int, volume: float) -> None:
            said.append((text, voice, rate, volume))

        def close(self) -> None:
            FakePreviewer.closed = True

    monkeypatch.setattr(preview_module, "Previewer", FakePreviewer)

    def fake_exec(self: SettingsDialog) -> int:
        self.rate.setValue(150)
        self.volume.setValue(50)
        self.try_voice.click()
        self.reject()
        return 0

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    window.show_settings()
    assert len(said) == 1
    text, voice, rate, volume = said[0]
    assert text
    assert voice is None  # the script's choice
    assert (rate, volume) == (150, 0.5)
    assert settings.rate == 0  # cancelled: nothing saved
    window.close()
    assert FakePreviewer.closed


def test_voices_are_listed_once_however_often_settings_open(
    qtbot: Any, window: MainWindow, monkeypatch: Any
) -> None:
    asked: list[int] = []

    def voices() -> list[tuple[str, str]]:
        asked.append(1)
        return [("en-gb", "English (GB)")]

    window.side.list_voices = voices
    opened: list[SettingsDialog] = []

    def fake_exec(self: SettingsDialog) -> int:
        opened.append(self)
        qtbot.waitUntil(lambda: self.voice.findData("en-gb") >= 0)
        self.reject()
        return 0

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 3
    assert asked == [1]


def test_music_ducking_settings_round_trip_and_shape_the_sink(
    qtbot: Any, settings: Settings
) -> None:
    from walktimer.audio.sink import AudioSink
    from walktimer.core.loader import load_path
    from walktimer.desktop.ducking import Ducker
    from walktimer.resources import bundled_session
    from walktimer.ui.app import sounding_sinks
    from walktimer.ui.settings import Ducking, Verbosity

    assert settings.ducking is Ducking.LOWER  # music is lowered by default, tones included
    assert settings.duck_tones is True
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.ducking.currentText() == "Lower other players' volume"
    dialog.ducking.setCurrentIndex(list(Ducking).index(Ducking.PAUSE))
    dialog.duck_tones.setChecked(False)
    dialog.accept()
    fresh = Settings()
    assert fresh.ducking is Ducking.PAUSE
    assert fresh.duck_tones is False
    sinks = sounding_sinks(fresh)
    session = load_path(bundled_session("backward-10.toml"))
    sink = sinks(session, mute=False, verbosity=Verbosity.ALL)
    try:
        assert isinstance(sink, AudioSink)
        assert isinstance(sink.ducking, Ducker)
        assert sink.ducking.mode == "pause"
        assert sink.duck_tones is False
    finally:
        sink.close()
    fresh.ducking = Ducking.OFF
    sink = sinks(session, mute=False, verbosity=Verbosity.ALL)
    try:
        assert isinstance(sink, AudioSink)
        assert sink.ducking is None
    finally:
        sink.close()
