"""Shared test set-up: headless Qt, every user directory inside tmp_path, shared fakes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    # PySide6 6.12.0 takes a reference from True on every emit() made from Python; a long
    # test run would abort the interpreter at exit. walktimer.ui.qtfix explains and guards.
    from walktimer.ui.qtfix import protect

    protect()


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's data, cache, state or settings."""
    home = tmp_path / "home"
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CONFIG_HOME", "config"),
    ):
        folder = home / sub
        folder.mkdir(parents=True)
        monkeypatch.setenv(var, str(folder))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    return home
