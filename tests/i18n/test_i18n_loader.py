"""A script's problems in German and Spanish: the same places as in English, in sentences of
the user's language, from `walktimer check`, the loader, the value parsers and the editor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from walktimer.core.format.values import ValueProblem, parse_duration, parse_speed
from walktimer.core.loader import SessionError, check_text, load_path, load_text
from walktimer.editing.document import Document
from walktimer.i18n import ENGLISH, phrases

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"
CASES = sorted(BROKEN.glob("*.toml"))

SCRIPT = """format = 1
name = "Rücken"
colour = "red"

[[phase]]
name = "Gehen"
duration = "5x"
"""


def _check(tmp_path: Path, language: str) -> list[str]:
    script = tmp_path / "walk.toml"
    script.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "walktimer", "check", str(script)],
        capture_output=True,
        text=True,
        env={**os.environ, "LANGUAGE": language},
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    return result.stdout.splitlines()


def test_check_says_an_unknown_key_and_a_bad_duration_in_german_at_the_same_places(
    tmp_path: Path,
) -> None:
    german = _check(tmp_path, "de")
    script = tmp_path / "walk.toml"
    assert german == [
        f'{script}:3:1: error: oberste Ebene: unbekannter Schlüssel "colour": die oberste Ebene '
        "erlaubt nur format, name, description, tags, author, voice, sounds, announce, "
        "reminders, phase",
        f'{script}:7:1: error: Phase 1 "Gehen": duration: erwartet wird eine Dauer wie 90, '
        '"90s", "5m", "1m30s", "2:30" oder "1:02:30", oder "manual" für eine Phase, die endet, '
        'wenn du auf Weiter drückst, nicht "5x"',
    ]
    english = _check(tmp_path, "en")
    assert [line.split(" error: ")[0] for line in english] == [
        line.split(" error: ")[0] for line in german
    ]
    assert 'unknown key "colour"' in english[0]


def test_check_says_them_in_spanish(tmp_path: Path) -> None:
    spanish = _check(tmp_path, "es")
    assert (
        ': error: nivel superior: clave desconocida "colour": el nivel superior solo '
        in (spanish[0])
    )
    assert ':7:1: error: fase 1 "Gehen": duration: se esperaba una duración como 90' in (spanish[1])


@pytest.mark.parametrize("language", ["de", "es"])
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_every_broken_script_has_its_problems_translated_at_the_same_places(
    case: Path, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    with pytest.raises(SessionError) as english:
        load_path(case.name)
    with pytest.raises(SessionError) as translated:
        load_path(case.name, phrases=phrases(language))
    ours, theirs = translated.value.problems, english.value.problems
    assert [(p.location, p.key, p.severity) for p in ours] == [
        (p.location, p.key, p.severity) for p in theirs
    ]
    for mine, source in zip(ours, theirs, strict=True):
        assert mine.what != source.what, (language, source.what)


def test_a_syntax_error_is_named_in_german_and_quotes_the_parser() -> None:
    problems = check_text("name = walk\n", phrases=phrases("de"))
    assert [(p.where, p.what) for p in problems] == [
        (
            "TOML-Syntax",
            'Textwerte brauchen Anführungszeichen: schreib name = "walk" (der '
            "TOML-Parser sagt: Invalid value)",
        )
    ]


def test_an_empty_text_is_refused_in_spanish() -> None:
    with pytest.raises(SessionError) as caught:
        load_text("  \n", phrases=phrases("es"))
    assert str(caught.value) == (
        "<text>: error: archivo: el archivo está vacío: un guion de sesión necesita format = 1, "
        "un nombre y al menos una tabla [[phase]]"
    )


def test_the_parsers_word_their_messages_in_the_phrases_given() -> None:
    with pytest.raises(ValueProblem) as german:
        parse_duration("5x", phrases=phrases("de"))
    assert str(german.value) == (
        'erwartet wird eine Dauer wie 90, "90s", "5m", "1m30s", "1h5m", "2:30" oder "1:02:30", '
        'nicht "5x"'
    )
    with pytest.raises(ValueProblem) as spanish:
        parse_speed("4", phrases=phrases("es"))
    assert str(spanish.value).startswith('"4" necesita una unidad: escribe "4 km/h" o "4 mph"')
    with pytest.raises(ValueProblem) as english:
        parse_duration("5x")
    assert str(english.value).startswith("expected a duration like 90")


def test_the_editor_document_lists_its_problems_in_the_phrases_given() -> None:
    doc = Document(SCRIPT, None)
    german = doc.problems(phrases("de"))
    assert [p.where for p in german] == ["oberste Ebene", 'Phase 1 "Gehen"']
    assert [p.where for p in doc.problems()] == ["top level", 'phase 1 "Gehen"']
    assert doc.problems(ENGLISH) == doc.problems()


@pytest.mark.parametrize("language", ["de", "es"])
def test_a_new_script_is_a_valid_session_in_the_users_words(language: str) -> None:
    from walktimer.editing.scriptfile import ScriptFile

    new = ScriptFile.new(phrases=phrases(language))
    session = load_text(new.doc.text())
    assert session.name == {"de": "Mein Gang", "es": "Mi paseo"}[language]
    assert new.title == session.name
    assert session.phases[0].name == {"de": "Aufwärmen", "es": "Calentamiento"}[language]


def test_the_editors_undo_steps_and_file_messages_are_german(tmp_path: Path) -> None:
    from walktimer.editing import commands as C
    from walktimer.editing.document import Loc
    from walktimer.editing.storage import OpenError, read_script

    t = phrases("de")
    doc = Document(SCRIPT, None, phrases=t)
    assert C.SetFields(Loc(phase=0, cue=1), {"at": "1m"}, phrases=t).label == (
        "at von Phase 1, Ansage 2 ändern"
    )
    assert C.delete_item(doc, Loc(), "phase", 0, phrases=t).label == "Phase löschen"
    assert C.phase_to_block(doc, 0, phrases=t).label == "Zum wiederholten Block machen"
    assert C.SetFields(Loc(phase=0), {"name": "x"}).label == "Change name of phase 1"
    with pytest.raises(OpenError) as missing:
        read_script(tmp_path / "gone.toml", phrases=t)
    assert str(missing.value).endswith(
        "gone.toml gibt es nicht; wähle eine andere Datei oder beginne eine neue."
    )


def test_a_failed_save_gives_walktimers_own_reason_in_german(tmp_path: Path) -> None:
    import errno

    from walktimer.editing.storage import _failure

    error = FileExistsError(errno.EEXIST, "no free temporary name", str(tmp_path))
    assert str(_failure(tmp_path / "walk.toml", error, phrases("de"))) == (
        "walk.toml konnte nicht gespeichert werden: kein freier Name für die temporäre Datei. "
        "Die Datei auf der Festplatte ist unverändert."
    )


def test_a_speed_is_said_in_german_with_a_decimal_comma() -> None:
    from walktimer.core.script import Speed

    assert Speed(kmh=3.5).said(phrases("de")).startswith("3,5 ")
    assert Speed(kmh=3.5).spoken == "3.5 kilometres per hour"
