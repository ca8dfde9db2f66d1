"""Where walktimer keeps the user's files: one place that asks platformdirs."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from walktimer import APP_NAME

__all__ = ["cache_dir", "config_dir", "data_dir", "log_dir", "state_dir", "user_sessions_dir"]


def data_dir() -> Path:
    """History and the user's own sessions."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_sessions_dir() -> Path:
    return data_dir() / "sessions"


def cache_dir() -> Path:
    """Rendered speech; safe to delete."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The resume file of a session in progress."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
