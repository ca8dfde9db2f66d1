"""`walktimer programme ...` and `walktimer today`: choosing, pausing, leaving, and a walk that
counts for the programme, with the pain diary asked in a terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import tomli

from walktimer import cli, resources
from walktimer.history.log import HistoryLog
from walktimer.programmes.schema import build_schema
from walktimer.verbs import programme as verb

TINY_SESSION = 'format = 1\nname = "Tiny walk"\n[[phase]]\nname = "Walk"\nduration = 1\n'
TINY_PROGRAMME = """format = 1
name = "Tiny programme"
[[week]]
walks = 1
session = "tiny"
[[week]]
walks = 2
session = "tiny"
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    (tmp_path / "tiny.toml").write_text(TINY_SESSION, encoding="utf-8")
    path = tmp_path / "tiny-programme.toml"
    path.write_text(TINY_PROGRAMME, encoding="utf-8")
    return path


def walktimer(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "walktimer", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )


def test_list_show_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["programme", "list"]) == 0
    out = capsys.readouterr().out
    assert "back-care-start    Back-care start: 6 weeks, 12 to 30 minutes" in out
    assert "gentle-return" in out
    assert cli.main(["programme", "show", "gentle-return"]) == 0
    out = capsys.readouterr().out
    assert "Week 1: 3 walks: Beginner walk, 8 minutes" in out
    with pytest.raises(SystemExit) as done:
        cli.main(["programme", "--help"])
    assert done.value.code == 0
    assert "pause / resume" in capsys.readouterr().out


def test_start_pause_resume_restart_leave(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["today"]) == 0
    assert "You follow no programme" in capsys.readouterr().out
    assert cli.main(["programme", "start", "back-care-start"]) == 0
    out = capsys.readouterr().out
    assert "You now follow Back-care start, from week 1." in out
    assert "Week 1 - walk 1 of 5: Beginner walk, 12 minutes" in out
    assert cli.main(["programme", "pause"]) == 0
    capsys.readouterr()
    assert cli.main(["today"]) == 0
    assert "Back-care start is paused" in capsys.readouterr().out
    assert cli.main(["programme", "resume"]) == 0
    assert "paused" not in capsys.readouterr().out.split("\n", 1)[1]
    first = verb.service().current()
    assert cli.main(["programme", "restart"]) == 0
    again = verb.service().current()
    assert first is not None
    assert again is not None
    assert again.id != first.id
    capsys.readouterr()
    assert cli.main(["programme", "leave"]) == 0
    assert "You follow no programme now" in capsys.readouterr().out
    assert verb.service().current() is None
    assert cli.main(["programme", "pause"]) == 1
    assert "You follow no programme" in capsys.readouterr().err


def test_a_broken_programme_prints_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\nname = "B"\n[[week]]\nwalks = 0\nsession = "x"\n', "utf-8")
    assert cli.main(["programme", "check", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}:4:1: error: week 1: a week with zero walks")
    assert err[1].startswith(f"{bad}:5:1: error: week 1: there is no session")
    assert cli.main(["programme", "start", str(bad)]) == 1
    assert verb.service().current() is None  # nothing chosen, nothing lost
    assert cli.main(["programme", "show"]) == 2


def test_a_corrupt_choice_file_is_one_sentence(
    user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = verb.service().file
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("{not json", encoding="utf-8")
    assert cli.main(["today"]) == 1
    err = capsys.readouterr().err
    assert "cannot be read" in err
    assert "walktimer programme start NAME" in err
    assert file.read_text(encoding="utf-8") == "{not json"


@pytest.mark.slow
def test_running_today_without_a_terminal_counts_it_and_asks_nothing(tiny: Path) -> None:
    assert walktimer("programme", "start", str(tiny)).returncode == 0
    done = walktimer("today", "--run", "--mute")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Week 1 - walk 1 of 1: Tiny walk\n")
    assert "Pain" not in done.stdout
    after = walktimer("today")
    assert after.stdout.splitlines()[:2] == [
        "Week 2 - walk 1 of 2: Tiny walk",
        "Today's walk is done; this is the next one, for another day.",
    ]
    with HistoryLog() as history:
        (walk,) = history.walks()
    current = verb.service().current()
    assert current is not None
    assert (walk.programme, walk.programme_week) == (current.id, 1)
    assert (walk.pain_before, walk.pain_after) == (None, None)


@pytest.mark.slow
def test_running_today_in_a_terminal_asks_the_diary(tiny: Path) -> None:
    from tests.test_cli_run import Terminal

    assert walktimer("programme", "start", str(tiny)).returncode == 0
    term = Terminal("today", "--run", "--mute")
    term.expect("Pain in your back now, 0-10 (Enter to skip): ")
    term.press("11\r")
    term.expect("A pain rating is a whole number from 0 (no pain) to 10")
    term.press("3\r")
    term.expect("after the walk, 0-10 (Enter to skip): ")
    term.press("5\r")
    term.expect("A short note about this walk (Enter to skip): ")
    term.press("stiff at first\r")
    term.expect("Session complete")
    assert term.wait() == 0
    with HistoryLog() as history:
        (walk,) = history.walks()
    assert (walk.pain_before, walk.pain_after, walk.note) == (3, 5, "stiff at first")
    status = walktimer("programme", "status")
    assert "ended with more pain than it began with (3 then 5)" in status.stdout
    listed = walktimer("history").stdout
    assert "3 -> 5" in listed
    assert "note: stiff at first" in listed


def test_a_high_rating_holds_the_week_and_the_advice_is_due_once(
    tiny: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from walktimer.history.log import Walk, WalkEnd

    monkeypatch.setattr(verb, "_today", lambda: date(2026, 3, 5))
    assert cli.main(["programme", "start", str(tiny)]) == 0
    current = verb.service().current()
    assert current is not None
    start = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    with HistoryLog() as history:
        for day, (before, after) in enumerate([(2, 2), (3, 8)]):
            history.add(
                Walk(start + timedelta(days=day), "Tiny walk", None, None, 1.0, 1.0,
                     WalkEnd.FINISHED, pain_before=before, pain_after=after,
                     programme=current.id, programme_week=1 + day)
            )  # fmt: skip
    capsys.readouterr()
    assert cli.main(["programme", "status"]) == 0
    out = capsys.readouterr().out
    assert "Week 2 - walk 2 of 2" in out  # week 1 was done before the high rating
    assert "rated 8 out of 10" in out
    assert "talk to your doctor or physiotherapist" in out
    # The advice is due to be said (spoken) once for this hold, then not again.
    found = verb.service().status(date(2026, 3, 5))
    assert found is not None
    hold = found[1].hold
    assert hold is not None
    assert hold.since_walk is not None
    assert verb.service().advice_due(date(2026, 3, 5)) == found[1].advice
    verb.service().advice_said(hold.since_walk)
    assert verb.service().advice_due(date(2026, 3, 5)) is None


def test_the_programme_schema_accepts_the_bundled_programmes_and_is_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in resources.bundled_programmes():
        jsonschema.validate(tomli.loads(path.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": 1, "name": "x", "week": [{"walks": 0}]}, schema)
    week = {"walks": 2, "session": "beginner-15"}
    for duration in ("20m", "1h5m", "90s", "1:30:00", 600):
        jsonschema.validate(
            {"format": 1, "name": "x", "week": [week | {"duration": duration}]}, schema
        )
    for bad in ("", "ten", "5x", 10):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(
                {"format": 1, "name": "x", "week": [week | {"duration": bad}]}, schema
            )
    assert cli.main(["programme", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == schema


def test_the_advice_is_spoken_first_in_the_walk_it_is_shown_before() -> None:
    from walktimer.core.loader import load_text
    from walktimer.core.plan import build_plan
    from walktimer.programmes.build import speak_first
    from walktimer.programmes.progress import ADVICE

    session = load_text(TINY_SESSION)
    spoken = [e.text for e in build_plan(speak_first(session, ADVICE)).events if e.text]
    assert spoken[0] == f"{ADVICE} Walk"
    assert sum(ADVICE in text for text in spoken) == 1


def test_a_session_broken_after_starting_is_one_line_and_the_choice_stays(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["programme", "start", str(tiny)]) == 0
    chosen = verb.service().current()
    session = tiny.with_name("tiny.toml")
    session.write_text('format = 1\nname = "Tiny walk"\n', encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["today", "--run"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1  # both weeks use it: said once, at its first use
    assert err[0].startswith(f'{tiny}:5:1: error: week 1: the session "tiny"')
    assert "cannot be run" in err[0]
    assert verb.service().current() == chosen
    assert session.read_text(encoding="utf-8") == 'format = 1\nname = "Tiny walk"\n'


def test_a_paused_programme_is_not_walked(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["programme", "start", str(tiny)]) == 0
    assert cli.main(["programme", "pause"]) == 0
    capsys.readouterr()
    assert cli.main(["today", "--run"]) == 1
    assert "The programme is paused" in capsys.readouterr().err
    with HistoryLog() as history:
        assert history.count() == 0
