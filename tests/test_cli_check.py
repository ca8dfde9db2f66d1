"""`walktimer check`: in-process through the dispatcher, and the installed entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from walktimer import cli
from walktimer.resources import bundled_sessions

DATA = Path(__file__).resolve().parent / "data"
COMPLEX = DATA / "good" / "complex.toml"
BROKEN = DATA / "broken"
ENTRY_POINT = Path(sys.executable).parent / "walktimer"

TIMED = 'format = 1\nname = "{name}"\n\n[[phase]]\nname = "Walk"\nduration = "{duration}"\n'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = cli.main(["check", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_a_valid_script_prints_one_ok_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "walk.toml"
    script.write_text(TIMED.format(name="Morning walk", duration="1h2m3s"))
    assert run(capsys, str(script)) == (0, ["OK  Morning walk  (1:02:03, 1 phase)"], "")


def test_manual_phases_make_the_total_at_least_and_repeats_count_as_played(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # complex.toml: Warm-up, a block of 2 steps played twice, a manual hold, a cool-down.
    assert run(capsys, str(COMPLEX)) == (0, ["OK  Everything walk  (at least 13:30, 7 phases)"], "")


def test_every_problem_of_an_invalid_script_goes_to_stdout(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    code, out, err = run(capsys, "phase-speeds.toml")
    assert code == 1
    assert out == (BROKEN / "phase-speeds.expected").read_text().splitlines()
    assert len(out) == 6
    assert err == ""


def test_several_files_report_each_and_fail_if_any_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.toml").write_text(TIMED.format(name="A", duration="5m"))
    (tmp_path / "b.toml").write_text(TIMED.format(name="B", duration="90"))
    (tmp_path / "c.toml").write_text(TIMED.format(name="C", duration="1m30s"))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "a.toml", "b.toml", "missing.toml", "c.toml")
    assert code == 1
    assert out == [
        "OK  A  (5:00, 1 phase)",
        'b.toml:6:1: error: phase 1 "Walk": duration: a number of seconds goes without quotes: '
        'write 90 or "90s"',
        "missing.toml: error: file: there is no such file: check the name and the folder",
        "OK  C  (1:30, 1 phase)",
    ]


def test_all_valid_files_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = []
    for i in range(3):
        path = tmp_path / f"{i}.toml"
        path.write_text(TIMED.format(name=f"Walk {i}", duration=f"{i + 1}m"))
        paths.append(str(path))
    code, out, _ = run(capsys, *paths)
    assert code == 0
    assert out == ["OK  Walk 0  (1:00, 1 phase)", "OK  Walk 1  (2:00, 1 phase)",
                   "OK  Walk 2  (3:00, 1 phase)"]  # fmt: skip


def test_no_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["check"])
    assert caught.value.code == 2
    assert "the following arguments are required: FILE" in capsys.readouterr().err


def test_the_help_explains_the_ok_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["check", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "OK  NAME  (TOTAL, N phases)" in out
    assert "repeat = 3 and two steps counts as 6" in out
    assert "at least 12:00" in out


@pytest.mark.parametrize("path", bundled_sessions(), ids=lambda p: p.name)
def test_every_bundled_session_checks_ok(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(path))
    assert code == 0
    assert len(out) == 1
    assert out[0].startswith("OK  ")


# -- the installed entry point ---------------------------------------------------------------------


@pytest.mark.slow
def test_the_installed_entry_point_checks_good_and_bad_files(tmp_path: Path) -> None:
    assert ENTRY_POINT.is_file(), f"walktimer is not installed next to {sys.executable}"
    good = subprocess.run(
        [str(ENTRY_POINT), "check", str(COMPLEX)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (good.returncode, good.stdout, good.stderr) == (
        0,
        "OK  Everything walk  (at least 13:30, 7 phases)\n",
        "",
    )
    bad = subprocess.run(
        [str(ENTRY_POINT), "check", "block-step-errors.toml", "format-newer.toml"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=BROKEN,
    )
    expected = (BROKEN / "block-step-errors.expected").read_text() + (
        BROKEN / "format-newer.expected"
    ).read_text()
    assert (bad.returncode, bad.stdout, bad.stderr) == (1, expected, "")
    usage = subprocess.run(
        [str(ENTRY_POINT), "check"], capture_output=True, text=True, timeout=60, check=False
    )
    assert usage.returncode == 2
    assert "FILE" in usage.stderr
    assert "Traceback" not in usage.stderr


def test_a_bundled_session_can_be_named_instead_of_given_as_a_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["check", "backward-10", "back-care-30.toml"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[1] for line in lines] == [
        "Backward walking, 10 minutes",
        "Back-care walk, 30 minutes",
    ]


def test_an_unknown_name_is_still_reported_as_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["check", "no-such-walk"]) == 1
    assert capsys.readouterr().out.startswith("no-such-walk: error: file: there is no such file")


def test_a_zwift_workout_is_pointed_to_walktimer_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workout = tmp_path / "my ride.zwo"
    workout.write_text("<workout_file><workout/></workout_file>")
    code, out, err = run(capsys, str(workout))
    assert code == 1
    assert out == [
        f"{workout}: this is a Zwift workout, not a session script: convert it with "
        f"`walktimer import '{workout}'`, then check the .toml it writes."
    ]
    assert err == ""
