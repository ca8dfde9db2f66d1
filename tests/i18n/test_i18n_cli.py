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


@pytest.mark.parametrize(
    ("language", "heading", "columns"),
    [
        ("de", "Rückenschonend gehen, 20 Minuten  (20:00, 6 Phasen, 64 Ereignisse)", "ZEIT"),
        ("es", "Rückenschonend gehen, 20 Minuten  (20:00, 6 fases, 64 eventos)", "TIEMPO"),
        ("en", "Rückenschonend gehen, 20 Minuten  (20:00, 6 phases, 64 events)", "TIME"),
    ],
)
def test_the_plan_table_is_in_the_users_language(language: str, heading: str, columns: str) -> None:
    lines = walktimer(language, "plan", "de-ruecken-20").splitlines()
    assert lines[0] == heading
    assert lines[2].split()[0] == columns
    # The words said are the script's language's, whatever the terminal's.
    assert lines[-1].endswith("[chime] Einheit abgeschlossen.")


def test_manual_phases_are_explained_in_the_users_language() -> None:
    out = walktimer("es", "plan", "cooldown-stretches")
    assert "(como mínimo 3:50, 8 fases, 30 eventos)" in out.splitlines()[0]
    assert "Las fases manuales duran hasta que pulsas Next" in out


def test_a_usage_mistake_is_explained_in_the_users_language() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "walktimer", "treadmill", "scan", "--seconds", "500"],
        capture_output=True,
        text=True,
        env={**os.environ, "LANGUAGE": "es"},
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == "walktimer treadmill: --seconds debe estar entre 0 y 120.\n"
