"""Keeping the screen on: what happens when the desktop offers no screensaver service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtDBus import QDBusConnection

from walktimer.ui.inhibit import ScreenSaverInhibitor


def test_without_a_session_bus_it_says_why_in_one_sentence(qtbot: Any, tmp_path: Path) -> None:
    bus = QDBusConnection.connectToBus(f"unix:path={tmp_path / 'no-bus'}", "walktimer-test-none")
    try:
        inhibitor = ScreenSaverInhibitor(bus)
        problem = inhibitor.inhibit("A walking session is running")
        assert problem is not None
        assert problem.startswith("The screen may blank during the walk")
        assert "no desktop session bus" in problem
        assert "GNOME: Settings, Power, Screen Blank" in problem  # where to change it
        assert problem.endswith("or xset s off -dpms on X11).")
        assert not inhibitor.active
        inhibitor.release()  # nothing held: nothing to do, no error
        assert not inhibitor.active
    finally:
        QDBusConnection.disconnectFromBus("walktimer-test-none")
