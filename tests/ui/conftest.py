"""Fixtures for the window tests: a FakeClock, recording sinks, answering dialogs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import BROKEN, SHORT, FakeDialogs, FakeInhibitor, FakeMediaKeys, SinkFactory

from walktimer.core.clock import FakeClock
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.settings import Settings


@pytest.fixture
def short_file(tmp_path: Path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text(SHORT, encoding="utf-8")
    return path


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def dialogs() -> FakeDialogs:
    return FakeDialogs()


@pytest.fixture
def inhibitor() -> FakeInhibitor:
    return FakeInhibitor()


@pytest.fixture
def sinks() -> SinkFactory:
    return SinkFactory()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def media_keys() -> FakeMediaKeys:
    return FakeMediaKeys()


@pytest.fixture
def make_window(
    qtbot: Any,
    clock: FakeClock,
    dialogs: FakeDialogs,
    inhibitor: FakeInhibitor,
    sinks: SinkFactory,
    settings: Settings,
    media_keys: FakeMediaKeys,
) -> Iterator[Callable[..., MainWindow]]:
    made: list[MainWindow] = []

    def make(size: tuple[int, int] | None = (1280, 800), **overrides: Any) -> MainWindow:
        options: dict[str, Any] = {
            "dialogs": dialogs,
            "clock": clock,
            "sink_factory": sinks,
            "inhibitor": inhibitor,
            "list_voices": lambda: [("en-gb", "English (GB)")],  # no speech worker
            "media_keys": media_keys,
        }
        options.update(overrides)
        window = MainWindow(settings, **options)
        qtbot.addWidget(window)
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        made.append(window)
        return window

    yield make
    for window in made:
        window.runs.close()


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window()
