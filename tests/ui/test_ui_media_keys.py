"""Media keys and headset buttons through MPRIS: the window's walk is paused, resumed, skipped
and shown by the desktop, from a fake port and from a real one on a private bus."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ui_helpers import FakeMediaKeys, advance, open_ready

from walktimer.core.clock import FakeClock
from walktimer.core.engine import State
from walktimer.desktop.bus import open_client
from walktimer.desktop.mpris import BUS_NAME, OBJECT_PATH
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.media_keys import MediaKeys


def test_the_media_controls_drive_the_walk_and_it_is_published(
    qtbot: Any, window: MainWindow, clock: FakeClock, short_file: Path, media_keys: FakeMediaKeys
) -> None:
    open_ready(qtbot, window, short_file)
    assert media_keys.opened == 1
    controls = media_keys.controls
    assert controls is not None
    run = window.run
    assert run is not None
    controls.play_pause()  # as Space: the 3-2-1 count, then the walk
    advance(window, clock, 3.0)
    assert run.host.state() is State.RUNNING
    controls.play()  # already playing: nothing changes
    assert run.host.state() is State.RUNNING
    controls.pause()
    assert run.host.state() is State.PAUSED
    controls.pause()
    assert run.host.state() is State.PAUSED
    controls.play()
    assert run.host.state() is State.RUNNING
    controls.next()
    assert run.host.view().phase_name == "Brisk"
    controls.previous()
    assert run.host.view().phase_name == "Warm-up"
    session, view = media_keys.published[-1]
    assert session == "Short test walk"
    assert view.phase_name == "Warm-up"
    assert view.state is State.RUNNING
    window.back_to_library()
    assert media_keys.closed >= 1


def test_no_bus_is_one_notice_and_the_walk_goes_on(
    qtbot: Any, make_window: Callable[..., MainWindow], clock: FakeClock, short_file: Path
) -> None:
    sentence = "Media keys and music ducking are off: there is no desktop session bus."
    window = make_window(media_keys=FakeMediaKeys(problem=sentence))
    open_ready(qtbot, window, short_file)
    assert sentence in window.run_view.notices()
    window.toggle()
    advance(window, clock, 3.0)
    assert window.run is not None
    assert window.run.host.state() is State.RUNNING


def test_a_real_media_key_reaches_the_window_from_the_bus(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    clock: FakeClock,
    short_file: Path,
    session_bus: str,
) -> None:
    window = make_window(media_keys=MediaKeys())
    assert isinstance(window.media_keys, MediaKeys)
    open_ready(qtbot, window, short_file)
    run = window.run
    assert run is not None
    client = open_client()
    try:
        assert BUS_NAME in client.names()
        send = ["dbus-send", "--session", "--print-reply", f"--dest={BUS_NAME}", OBJECT_PATH]
        subprocess.run([*send, "org.mpris.MediaPlayer2.Player.PlayPause"], check=True,
                       capture_output=True, timeout=10)  # fmt: skip
        qtbot.waitUntil(lambda: run.host.ready_left() is not None)  # the 3-2-1 count began
        advance(window, clock, 3.0)
        assert run.host.state() is State.RUNNING
        run.host.refresh()
        player = "org.mpris.MediaPlayer2.Player"
        assert client.get(BUS_NAME, OBJECT_PATH, player, "PlaybackStatus") == "Playing"
        meta = client.get(BUS_NAME, OBJECT_PATH, player, "Metadata")
        assert meta["xesam:title"] == ("s", "Warm-up")
        subprocess.run([*send, "org.mpris.MediaPlayer2.Player.Pause"], check=True,
                       capture_output=True, timeout=10)  # fmt: skip
        qtbot.waitUntil(lambda: run.host.state() is State.PAUSED)
        assert client.get(BUS_NAME, OBJECT_PATH, player, "PlaybackStatus") == "Paused"
        window.back_to_library()
        qtbot.waitUntil(lambda: BUS_NAME not in client.names())
    finally:
        client.close()
