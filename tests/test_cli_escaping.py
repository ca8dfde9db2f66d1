"""Nothing printed from a file reaches the terminal raw: `check`, `plan` and `run --no-gui`
escape every control character of names, paths and texts they print."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from walktimer import cli
from walktimer.resources import asset

ESC = "\x1b[2J"  # "clear the screen"
C1 = "\x9b"  # the one-byte CSI of 8-bit terminals


def script_with_sound(tmp_path: Path) -> Path:
    """A valid script whose phase sound is a WAV file with control characters in its name."""
    sound = f"chime{ESC}{C1}.wav"
    shutil.copy(asset("audio", "bell.wav"), tmp_path / sound)
    script = tmp_path / "walk.toml"
    script.write_text(
        'format = 1\nname = "Walk"\n\n[sounds]\nphase = "chime\\u001b[2J\\u009b.wav"\n\n'
        '[[phase]]\nname = "Walk"\nduration = 3\n',
        encoding="utf-8",
    )
    return script


def broken_script(tmp_path: Path) -> Path:
    script = tmp_path / f"bad{ESC}{C1}.toml"
    script.write_text('format = 1\nname = "Bad"\n\n[[phase]]\nname = "A"\ndurtion = "5m"\n')
    return script


def assert_escaped(text: str) -> None:
    assert "\x1b" not in text
    assert C1 not in text
    assert "\\u001b[2J" in text


@pytest.mark.parametrize("verb", [["check"], ["plan"], ["run", "--no-gui"]])
def test_problems_of_a_file_with_control_characters_in_its_name_are_escaped(
    verb: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = broken_script(tmp_path)
    assert cli.main([verb[0], str(script), *verb[1:]]) == 1
    out, err = capsys.readouterr()
    assert_escaped(out + err)
    assert 'unknown key "durtion": did you mean duration?' in out + err


@pytest.mark.parametrize("json", [False, True])
def test_plan_escapes_what_it_prints(
    json: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json as json_module

    script = script_with_sound(tmp_path)
    assert cli.main(["plan", str(script), *(["--json"] if json else [])]) == 0
    out, _ = capsys.readouterr()
    assert_escaped(out)
    if json:
        assert any(f"chime{ESC}{C1}.wav" in str(event["sound"]) for event in json_module.loads(out))


def test_run_in_the_terminal_escapes_what_it_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = script_with_sound(tmp_path)
    assert cli.main(["run", str(script), "--no-gui", "--mute", "--speed", "100"]) == 0
    out, err = capsys.readouterr()
    assert_escaped(out)
    assert "\x1b" not in err


def test_a_syntax_hint_does_not_echo_raw_control_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "raw.toml"
    script.write_text(f"format = 1\nname = Walk{ESC}\n")
    assert cli.main(["check", str(script)]) == 1
    out, _ = capsys.readouterr()
    assert_escaped(out)
    assert 'text values need quotes: write name = "Walk\\u001b[2J"' in out
