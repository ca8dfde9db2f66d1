"""The terminal in German and Spanish: walktimer --help, the verbs' summaries, cache, schema.

Each runs walktimer in its own process: the C library reads LANGUAGE too (for strerror) and
keeps what it translated, so the test process itself stays in English.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from walktimer import cli
from walktimer.i18n import phrases


def walktimer(language: str, *argv: str) -> str:
    env = {**os.environ, "LANGUAGE": language, "COLUMNS": "1000"}  # one line per help entry
    result = subprocess.run(
        [sys.executable, "-m", "walktimer", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    return result.stdout


@pytest.mark.parametrize("language", ["de", "es"])
def test_every_verbs_summary_is_translated(language: str) -> None:
    text = walktimer(language, "--help")
    t = phrases(language)
    for name in cli.VERBS:
        summary = cli._verb_module(name).HELP
        assert t.gettext(summary) != summary, name
        assert t.gettext(summary) in text, name
        assert summary not in text, name
    assert t.gettext("A guided walking timer that speaks your session script.") in text


def test_english_help_is_as_written() -> None:
    text = walktimer("en", "--help")
    assert "Show or empty the cache of rendered speech." in text
    assert "A guided walking timer that speaks your session script." in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Sprachspeicher: {folder}: 0 Dateien, 0 Bytes.\n"),
        ("es", "Caché de voz: {folder}: 0 archivos, 0 bytes.\n"),
        ("en", "Speech cache: {folder}: 0 files, 0 bytes.\n"),
    ],
)
def test_cache_speaks_the_users_language(language: str, expected: str) -> None:
    folder = Path(os.environ["XDG_CACHE_HOME"], "walktimer", "speech")
    assert walktimer(language, "cache") == expected.format(folder=folder)


@pytest.mark.parametrize(("language", "word"), [("de", "Einmal speichern"), ("es", "Guárdalo")])
def test_a_verbs_description_is_translated(language: str, word: str) -> None:
    out = walktimer(language, "schema", "--help")
    assert word in out
    assert "Save it once" not in out
