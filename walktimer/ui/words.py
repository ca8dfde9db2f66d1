"""The language of the window's words: the user's voice setting, then the system locale, as
for the speech a script leaves open (walktimer.i18n.host_language)."""

from __future__ import annotations

import os

from walktimer.i18n import Phrases, host_language, phrases

__all__ = ["user_phrases", "window_phrases"]


def window_phrases(setting: str | None) -> Phrases:
    """The Phrases of the window's labels, menus and messages for the voice setting."""
    return phrases(host_language(setting, os.environ))


def user_phrases() -> Phrases:
    """The window's Phrases for the voice stored in the user's settings, for a part of the
    window that is not handed its Settings."""
    from walktimer.ui.settings import Settings

    return window_phrases(Settings().voice)
