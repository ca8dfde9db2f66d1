"""history, programme, today and import in German and Spanish, each in its own process (the
C library keeps the language it read first, so the test process stays in English)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from walktimer.history.log import HistoryLog, LoggedPhase, PhaseResult, Walk, WalkEnd

DATA = Path(__file__).resolve().parents[1] / "data" / "zwo"
# English words that would show a line was left untranslated.
ENGLISH = ("walk ", "walks", "Weekly", "Streak", "minutes", "programme you", "error:", "Wrote")


def walktimer(language: str, *argv: str, status: int = 0) -> tuple[str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "walktimer", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "LANGUAGE": language},
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )
    assert result.returncode == status, result.stderr
    return result.stdout, result.stderr


def no_english(text: str) -> None:
    # Command names and the programme's own (English) data are not the interface's text.
    text = text.replace("walktimer ", "").replace("Beginner walk", "")
    for word in ENGLISH:
        assert word not in text, (word, text)


def _stopped_walk() -> None:
    started = datetime(2021, 1, 6, 7, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    walk = Walk(
        started=started,
        script_name="Rücken",
        script_path=None,
        script_sha256=None,
        planned_seconds=1800.0,
        active_seconds=720.0,
        ended=WalkEnd.STOPPED,
        phases=(
            LoggedPhase(0, "Warm-up", PhaseResult.DONE, 0.0, 300.0),
            LoggedPhase(1, "Walk", PhaseResult.STOPPED, 300.0, 420.0),
        ),
    )
    with HistoryLog() as history:
        history.add(walk)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "de",
            [
                "Letzte Gänge (1, neueste zuerst):",
                "Mi 06 Jan 2021 07:30",
                "abgebrochen (1 von 2 Phasen gegangen)",
                "Wochenziel: 20+ Minuten Gehen an 4 Tagen pro Woche.",
                "  Woche      Mo   Di   Mi   Do   Fr   Sa   So   Tage  Minuten",
                "Summen: 1 Gang, 12 min Gehen, seit 06 Jan 2021.",
            ],
        ),
        (
            "es",
            [
                "Caminatas recientes (1, las más nuevas primero):",
                "mié 06 ene 2021 07:30",
                "detenida (1 de 2 fases caminadas)",
                "Objetivo semanal: 20+ minutos de caminata 4 días a la semana.",
                "  Semana    lun  mar  mié  jue  vie  sáb  dom   Días  Minutos",
                "Totales: 1 caminata, 12 min caminando, desde el 06 ene 2021.",
            ],
        ),
    ],
)
def test_history_speaks_the_users_language(language: str, expected: list[str]) -> None:
    set_goal, _ = walktimer(language, "history", "--set-goal", "4x20")
    assert set_goal.startswith(("Wochenziel gesetzt: 20+", "Objetivo semanal fijado: 20+"))
    _stopped_walk()
    out, _ = walktimer(language, "history")
    for text in expected:
        assert text in out, (text, out)
    no_english(out)
    _, refused = walktimer(language, "history", "--delete", "1", status=2)
    assert refused.startswith(("walktimer: Einen Gang zu löschen", "walktimer: Borrar una"))
    _, missing = walktimer(language, "history", "--delete", "7", status=1)
    assert "7" in missing
    no_english(missing + refused)


@pytest.mark.parametrize(
    ("language", "listed", "started", "needs"),
    [
        (
            "de",
            "6 Wochen, 12 bis 30 Minuten",
            "Du folgst jetzt Back-care start, ab Woche 1.",
            "NAME",
        ),
        (
            "es",
            "6 semanas, de 12 a 30 minutos",
            "Ahora sigues Back-care start, desde la semana 1.",
            "NOMBRE",
        ),
    ],
)
def test_programme_speaks_the_users_language(
    language: str, listed: str, started: str, needs: str
) -> None:
    out, _ = walktimer(language, "programme", "list")
    assert listed in out
    no_english(out.replace("Back-care start", "").replace("Gentle return after a flare-up", ""))
    out, _ = walktimer(language, "programme", "start", "back-care-start")
    assert out.splitlines()[0] == started
    _, err = walktimer(language, "programme", "show", status=2)
    assert f"`walktimer programme show` {needs}" in err.replace("braucht einen ", "").replace(
        "necesita un ", ""
    )
    no_english(err)
    out, _ = walktimer(language, "programme", "leave")
    no_english(out)
    assert out.strip() in (
        "Du folgst jetzt keinem Programm; seine Gänge bleiben in der Historie.",
        "Ya no sigues ningún programa; sus caminatas quedan en el historial.",
    )


@pytest.mark.parametrize(
    ("language", "nothing", "paused"),
    [
        ("de", "Du folgst keinem Programm:", "walktimer: Das Programm ist pausiert;"),
        ("es", "No sigues ningún programa:", "walktimer: El programa está en pausa;"),
    ],
)
def test_today_speaks_the_users_language(language: str, nothing: str, paused: str) -> None:
    out, _ = walktimer(language, "today")
    assert out.startswith(nothing)
    no_english(out)
    walktimer(language, "programme", "start", "back-care-start")
    walktimer(language, "programme", "pause")
    out, err = walktimer(language, "today", "--run", "--mute", status=1)
    assert err.startswith(paused)
    no_english(err)
    assert out.splitlines()[0].startswith(
        ("Back-care start ist pausiert", "Back-care start está en pausa")
    )


@pytest.mark.parametrize(
    ("language", "wrote", "exists"),
    [
        (
            "de",
            "{out} geschrieben: Tempo and strides (28:45, 12 Phasen)",
            "{out}: Fehler: diese Datei existiert schon",
        ),
        (
            "es",
            "Escrito {out}: Tempo and strides (28:45, 12 fases)",
            "{out}: error: este archivo ya existe",
        ),
    ],
)
def test_import_speaks_the_users_language(
    tmp_path: Path, language: str, wrote: str, exists: str
) -> None:
    target = tmp_path / "tempo.toml"
    zwo = str(DATA / "run_mixed_case.zwo")
    out, _ = walktimer(language, "import", zwo, "-o", str(target))
    assert out == wrote.format(out=target) + "\n"
    _, err = walktimer(language, "import", zwo, "-o", str(target), status=1)
    assert err.startswith(exists.format(out=target))
    out, _ = walktimer(language, "import", "--help")
    assert "Import a Zwift workout" not in out
    assert ("Ein Zwift-Training" if language == "de" else "Importa un entrenamiento") in out
