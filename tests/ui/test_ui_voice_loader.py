"""The Settings dialog's voice list is made on a thread: quitting soon after closing Settings
waits for it a moment, never longer than VOICE_WAIT, and never aborts the program."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from walktimer.ui import settings_dialog
from walktimer.ui.settings_dialog import SettingsDialog

ROOT = Path(__file__).resolve().parents[2]


def _open_and_cancel_settings(window: Any, monkeypatch: Any) -> None:
    def fake_exec(self: SettingsDialog) -> int:
        self.reject()
        return 0

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    window.show_settings()


def test_closing_the_window_waits_for_a_voice_list_still_coming(
    qtbot: Any, make_window: Any, monkeypatch: Any
) -> None:
    gate = threading.Event()
    done = threading.Event()

    def slow_voices() -> list[tuple[str, str]]:
        gate.wait(10.0)
        done.set()
        return [("en-gb", "English (GB)")]

    monkeypatch.setattr(settings_dialog, "VOICE_WAIT", 10.0)
    window = make_window(list_voices=slow_voices)
    _open_and_cancel_settings(window, monkeypatch)
    assert not done.is_set()  # Settings closed while the list was still being made
    threading.Timer(0.05, gate.set).start()
    window.close()
    assert done.is_set()
    assert not any(t.name == "walktimer-voices" and t.is_alive() for t in threading.enumerate())
    assert settings_dialog.finish_voice_loaders(0.0)


def test_a_voice_list_that_never_comes_does_not_hold_the_close(
    qtbot: Any, make_window: Any, monkeypatch: Any
) -> None:
    gate = threading.Event()

    def stuck_voices() -> list[tuple[str, str]]:
        gate.wait(10.0)
        return []

    monkeypatch.setattr(settings_dialog, "VOICE_WAIT", 0.05)
    window = make_window(list_voices=stuck_voices)
    _open_and_cancel_settings(window, monkeypatch)
    began = time.monotonic()
    window.close()
    try:
        assert time.monotonic() - began < 2.0
        stuck = [t for t in threading.enumerate() if t.name == "walktimer-voices"]
        assert stuck
        assert all(t.daemon for t in stuck)  # abandoned with the process, no abort
        assert not settings_dialog.finish_voice_loaders(0.0)
    finally:
        gate.set()
    assert settings_dialog.finish_voice_loaders(5.0)


QUIT_AFTER_SETTINGS = textwrap.dedent(
    """
    import sys, threading
    sys.path[:0] = [{tests!r}, {ui!r}]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog
    from walktimer.ui.qtfix import protect

    def main():
        protect()
        app = QApplication([])
        from ui_helpers import FakeDialogs, FakeInhibitor, FakeMediaKeys, SinkFactory
        from walktimer.core.clock import FakeClock
        from walktimer.ui.mainwindow import MainWindow
        from walktimer.ui.settings import Settings
        from walktimer.ui import settings_dialog

        settings_dialog.VOICE_WAIT = {wait}
        gate = threading.Event()

        def voices():
            gate.wait({hold})  # a speech engine slow to start
            return []

        w = MainWindow(Settings(), dialogs=FakeDialogs(), clock=FakeClock(),
                       sink_factory=SinkFactory(), inhibitor=FakeInhibitor(),
                       list_voices=voices, media_keys=FakeMediaKeys())
        w.show()
        QTimer.singleShot(50, lambda: app.activeModalWidget().reject())
        w.show_settings()
        QTimer.singleShot(0, w.close)
        QTimer.singleShot(20, app.quit)
        print("exec", app.exec(), flush=True)

    if __name__ == "__main__":
        main()
    """
)


def test_quitting_soon_after_closing_settings_exits_cleanly(tmp_path: Path) -> None:
    # A list that comes within VOICE_WAIT, and one that does not.
    for hold, wait in ((0.3, 5.0), (30.0, 0.1)):
        script = tmp_path / f"quit_{int(hold)}.py"
        script.write_text(
            QUIT_AFTER_SETTINGS.format(
                tests=str(ROOT / "tests"), ui=str(ROOT / "tests" / "ui"), hold=hold, wait=wait
            )
        )
        result = subprocess.run(
            [sys.executable, str(script)], check=False, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert "exec 0" in result.stdout
        assert "QThread" not in result.stderr
