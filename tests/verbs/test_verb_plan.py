"""`walktimer plan FILE [--json]`: the timeline as a table or JSON, and bad files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from walktimer import cli

TIMED = """\
format = 1
name = "Tiny"

[announce]
countdown = 2
remaining = []

[[phase]]
name = "Warm-up"
kind = "warmup"
duration = "30s"
speed = 2.5
say = "Warm up, then {next}."

  [[phase.cue]]
  at = "50%"
  sound = "beep"

[[phase]]
name = "Backward"
repeat = 2

  [[phase.step]]
  name = "Back"
  duration = 12
"""

MANUAL = """\
format = 1
name = "Holds"

[announce]
countdown = 0

[[phase]]
name = "Walk"
duration = "20s"

[[phase]]
name = "Hold"
kind = "stretch"
duration = "manual"

  [[phase.cue]]
  every = "25s"
  say = "Breathe out."

[[phase]]
name = "Last"
duration = "15s"
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_table_lists_every_event_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["plan", str(write(tmp_path, TIMED))], capsys)
    assert (code, err) == (0, "")
    assert out == (
        "Tiny  (0:54, 3 phases, 18 events)\n"
        "\n"
        "TIME     PHASE       EVENT      WHAT\n"
        "0:00:00  Warm-up     phase      [bell]\n"
        "0:00:00  Warm-up     name       Warm-up\n"
        "0:00:00  Warm-up     targets    Speed 2.5 kilometres per hour.\n"
        "0:00:00  Warm-up     say        Warm up, then Back, round 1 of 2.\n"
        "0:00:15  Warm-up     cue        [beep]\n"
        "0:00:20  Warm-up     next       Next: Back, round 1 of 2.\n"
        "0:00:28  Warm-up     countdown  [tick]\n"
        "0:00:29  Warm-up     countdown  [tick]\n"
        "0:00:30  Back (1/2)  phase      [bell]\n"
        "0:00:30  Back (1/2)  say        Back, round 1 of 2\n"
        "0:00:32  Back (1/2)  next       Next: Back, round 2 of 2.\n"
        "0:00:40  Back (1/2)  countdown  [tick]\n"
        "0:00:41  Back (1/2)  countdown  [tick]\n"
        "0:00:42  Back (2/2)  phase      [bell]\n"
        "0:00:42  Back (2/2)  say        Back, round 2 of 2\n"
        "0:00:52  Back (2/2)  countdown  [tick]\n"
        "0:00:53  Back (2/2)  countdown  [tick]\n"
        "0:00:54  Back (2/2)  finish     [chime] Session complete.\n"
    )


def test_times_after_a_manual_phase_are_marked_and_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["plan", str(write(tmp_path, MANUAL))], capsys)
    assert code == 0
    assert out == (
        "Holds  (at least 0:35, 3 phases, 9 events)\n"
        "\n"
        "TIME      PHASE  EVENT   WHAT\n"
        "0:00:00   Walk   phase   [bell]\n"
        "0:00:00   Walk   say     Walk\n"
        "0:00:10   Walk   next    Next: Hold.\n"
        "0:00:20   Hold   phase   [bell]\n"
        "0:00:20   Hold   say     Hold\n"
        "0:00:45   Hold   cue     Breathe out. (repeats every 25s until Next)\n"
        "0:00:20+  Last   phase   [bell]\n"
        "0:00:20+  Last   say     Last\n"
        "0:00:35+  Last   finish  [chime] Session complete.\n"
        "\n"
        "Manual phases last until you press Next and count as 0 seconds here: times marked + are\n"
        "the earliest they can come, and the session lasts at least 0:35.\n"
    )


def test_finish_after_a_manual_last_phase_is_marked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MANUAL.split('[[phase]]\nname = "Last"', maxsplit=1)[0]
    _, out, _ = run(["plan", str(write(tmp_path, text))], capsys)
    finish = [line for line in out.splitlines() if " finish " in line]
    assert finish == ["0:00:20+  Hold   finish  [chime] Session complete."]


def test_timed_sessions_have_no_marks_or_footer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["plan", str(write(tmp_path, TIMED))], capsys)
    assert "+" not in out
    assert "Manual" not in out


def test_json_is_a_list_of_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["plan", "--json", str(write(tmp_path, TIMED))], capsys)
    assert (code, err) == (0, "")
    events = json.loads(out)
    assert len(events) == 18
    assert all(set(e) == {"t", "phase", "kind", "text", "sound"} for e in events)
    assert events[0] == {"t": 0, "phase": "Warm-up", "kind": "phase", "text": None, "sound": "bell"}
    assert events[4] == {"t": 15, "phase": "Warm-up", "kind": "cue", "text": None, "sound": "beep"}
    assert events[-1] == {
        "t": 54,
        "phase": "Back (2/2)",
        "kind": "finish",
        "text": "Session complete.",
        "sound": "chime",
    }
    assert all(isinstance(e["t"], int | float) for e in events)
    assert [e["t"] for e in events] == sorted(e["t"] for e in events)


def test_json_keeps_fractions_of_a_second(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TIMED.replace('duration = "30s"', 'duration = "25s"')  # 50% of 25 s is 12.5 s
    _, out, _ = run(["plan", "--json", str(write(tmp_path, text))], capsys)
    cue = next(e for e in json.loads(out) if e["kind"] == "cue")
    assert cue["t"] == 12.5


def test_json_sound_files_are_shown_by_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from walktimer.resources import asset

    wav = tmp_path / "my bell.wav"
    wav.write_bytes(asset("audio", "bell.wav").read_bytes())
    text = TIMED.replace("[announce]", '[sounds]\nphase = "my bell.wav"\n\n[announce]')
    _, out, _ = run(["plan", "--json", str(write(tmp_path, text))], capsys)
    assert json.loads(out)[0]["sound"] == str(wav)


def test_invalid_file_prints_its_problems_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TIMED.replace('kind = "warmup"', 'kind = "warmpu"')
    path = write(tmp_path, text.replace("duration = 12", 'duration = "12 sec"'))
    code, out, err = run(["plan", str(path)], capsys)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f'{path}:10:1: error: phase 1 "Warm-up": kind: expected one of warmup, walk, technique, '
        'stretch, cooldown, rest, not "warmpu" (did you mean warmup?)',
        f'{path}:25:3: error: phase 2 "Backward", step 1 "Back": duration: expected a duration '
        'like 90, "90s", "5m", "1m30s", "2:30" or "1:02:30", or "manual" for a phase that ends '
        'when you press Next, not "12 sec"',
    ]
    code, out, _ = run(["plan", "--json", str(path)], capsys)
    assert (code, out) == (1, "")


def test_missing_file_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.toml"
    code, out, err = run(["plan", str(missing)], capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith(f"{missing}: error: ")
    assert "Traceback" not in err


def test_no_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["plan"])
    assert exit_info.value.code == 2
    assert "FILE" in capsys.readouterr().err


def test_help_explains_the_marks(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["plan", "--help"])
    out = capsys.readouterr().out
    assert "--json" in out
    assert "marked" in out
    assert "at least" in out


def test_a_bundled_session_can_be_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["plan", "backward-10", "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert events[0]["t"] == 0
    assert events[-1]["kind"] == "finish"
    assert events[-1]["t"] == 600


def test_json_marks_earliest_times_and_repeats_after_manual_phases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["plan", "--json", str(write(tmp_path, MANUAL))], capsys)
    assert code == 0
    events = json.loads(out)
    marks = [(e["phase"], e["kind"], e.get("at_least"), e.get("every")) for e in events]
    assert marks == [
        ("Walk", "phase", None, None),
        ("Walk", "say", None, None),
        ("Walk", "next", None, None),
        ("Hold", "phase", None, None),
        ("Hold", "say", None, None),
        ("Hold", "cue", None, 25),
        ("Last", "phase", True, None),
        ("Last", "say", True, None),
        ("Last", "finish", True, None),
    ]
