"""German and Spanish runs: walktimer's own words are said in the session's language."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from walktimer.i18n import LOCALE_DIR
from walktimer.i18n.catalogue import read_po
from walktimer.resources import bundled_session

PLACEHOLDER = re.compile(r"\{\w*\}")
GERMAN = bundled_session("de-ruecken-20.toml")
SPANISH = bundled_session("es-espalda-20.toml")
ENGLISH_SESSION = bundled_session("beginner-15.toml")


def _english_fragments() -> set[str]:
    """Each run of English words in the marked phrases ("Next:", "kilometres per hour",
    "left."), to be found as whole words."""
    pot = (LOCALE_DIR / "walktimer.pot").read_text(encoding="utf-8")
    # What is said comes from walktimer.core and walktimer.i18n; the window's labels
    # ("Phase") may be words of other languages too.
    spoken = [
        b for b in pot.split("\n\n") if "#: walktimer/core/" in b or "#: walktimer/i18n/" in b
    ]
    entries = read_po("\n\n".join(spoken))
    fragments = {
        fragment.strip(" ,")
        for e in entries
        for message in (e.msgid, e.msgid_plural or "")
        for fragment in PLACEHOLDER.split(message)
        if re.search(r"[a-z]{2}", fragment)
    }
    # Short words ("in", "and") are words of other languages too.
    return {fragment for fragment in fragments if len(fragment) >= 4}


def plan_json(path: Path, **env: str) -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "walktimer", "plan", "--json", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
        timeout=60,
    )
    events: list[dict[str, object]] = json.loads(result.stdout)
    return events


def texts(events: list[dict[str, object]], kind: str) -> list[object]:
    return [e["text"] for e in events if e["kind"] == kind]


def test_a_german_session_says_walktimers_words_in_german() -> None:
    events = plan_json(GERMAN)
    assert "Als Nächstes: Zügig gehen." in texts(events, "next")
    assert set(texts(events, "remaining")) == {"Noch eine Minute."}
    assert texts(events, "finish") == ["Einheit abgeschlossen."]
    assert "Geschwindigkeit 2,5 Kilometer pro Stunde." in texts(events, "targets")
    # {remaining} in the script's own words is filled in German too.
    assert "Halbzeit in dieser Phase. Noch drei Minuten in diesem Tempo." in texts(events, "cue")


def test_a_spanish_session_says_walktimers_words_in_spanish() -> None:
    events = plan_json(SPANISH)
    assert "A continuación: Paso ligero." in texts(events, "next")
    assert set(texts(events, "remaining")) == {"Queda un minuto."}
    assert texts(events, "finish") == ["Sesión completada."]
    assert "Velocidad 3,5 kilómetros por hora." in texts(events, "targets")
    assert "Vas por la mitad de esta fase. Mantén este ritmo tres minutos más." in texts(
        events, "cue"
    )


@pytest.mark.parametrize("path", [GERMAN, SPANISH], ids=["de", "es"])
def test_nothing_walktimer_says_in_a_translated_session_is_english(path: Path) -> None:
    fragments = _english_fragments()
    assert {"Next:", "kilometres per hour", "left.", "round", "minutes"} <= fragments
    english = [re.compile(rf"(?<!\w){re.escape(f)}(?!\w)") for f in sorted(fragments)]
    said = [str(e["text"]) for e in plan_json(path) if e["text"]]
    leftovers = [(text, p.pattern) for text in said for p in english if p.search(text)]
    assert leftovers == []


def test_the_scripts_language_comes_before_the_system_locale() -> None:
    events = plan_json(SPANISH, LANGUAGE="de_DE.UTF-8")
    assert texts(events, "finish") == ["Sesión completada."]


def test_a_script_without_a_language_follows_the_system_locale() -> None:
    german = plan_json(ENGLISH_SESSION, LANGUAGE="de")
    assert texts(german, "finish") == ["Einheit abgeschlossen."]
    # The script's own words stay as written; walktimer's around them change.
    assert texts(plan_json(ENGLISH_SESSION, LANGUAGE="es"), "next")[0] == (
        "A continuación: Steady walk."
    )
    assert texts(plan_json(ENGLISH_SESSION), "finish") == ["Session complete."]
