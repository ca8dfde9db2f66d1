"""`walktimer import FILE.zwo`: a valid script, never over a file unasked, clear refusals."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from walktimer import cli
from walktimer.core.loader import load_path
from walktimer.core.plan import build_plan
from walktimer.core.script import Phase

DATA = Path(__file__).resolve().parent.parent / "data" / "zwo"


def entry_point() -> list[str]:
    script = Path(sys.executable).with_name("walktimer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "walktimer"]


@pytest.fixture
def workout(tmp_path: Path) -> Path:
    copy = tmp_path / "run_every_block.zwo"
    shutil.copy(DATA / "run_every_block.zwo", copy)
    return copy


def test_writes_the_script_beside_the_workout(
    workout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", str(workout)]) == 0
    out = workout.with_suffix(".toml")
    captured = capsys.readouterr()
    assert captured.out == f"Wrote {out}: Tempo and strides (28:45, 12 phases)\n"
    assert captured.err == ""
    session = load_path(out)
    assert build_plan(session).total == 1725
    assert out.read_text(encoding="utf-8").startswith(
        "# Imported from the Zwift workout run_every_block.zwo"
    )
    mode = stat.S_IMODE(out.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # not the temp file's private 0600
    assert [p.name for p in workout.parent.iterdir() if p.name.startswith(".")] == []


def test_never_replaces_a_file_without_force(
    workout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = workout.with_suffix(".toml")
    out.write_text("my own script\n", encoding="utf-8")
    assert cli.main(["import", str(workout)]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        f"{out}: error: this file already exists: choose another name with -o, or add --force "
        "to replace it\n"
    )
    assert out.read_text(encoding="utf-8") == "my own script\n"
    assert cli.main(["import", str(workout), "--force"]) == 0
    assert load_path(out).name == "Tempo and strides"


def test_output_and_reference_speed(
    workout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sessions" / "tempo.toml"
    out.parent.mkdir()
    code = cli.main(["import", str(workout), "-o", str(out), "--reference-speed", "6 km/h"])
    assert code == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"{workout}: warning: the workout refers to several reference paces (1 mile pace, 5 km "
        "pace, marathon pace); the reference speed stands for all of them\n"
    )
    steady = load_path(out).phases[1]
    assert isinstance(steady, Phase)
    assert steady.speed is not None
    assert steady.speed.text == "5.1 km/h"


def test_dash_prints_the_script(workout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["import", str(workout), "-o", "-"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# Imported from the Zwift workout run_every_block.zwo")
    assert 'name = "Tempo and strides"' in printed
    assert not workout.with_suffix(".toml").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bomb.zwo", "the file declares XML entities"),
        ("broken.zwo", "the file is not well-formed XML (mismatched tag at line 5, column 7)"),
        ("distance.zwo", "this is a distance workout (durationType distance)"),
        ("not_a_workout.zwo", "this XML file holds <html>, not a Zwift workout"),
    ],
)
def test_a_refused_file_is_one_line_and_exit_1(
    name: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / name
    shutil.copy(DATA / name, source)
    assert cli.main(["import", str(source)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{source}: error: {message}")
    assert captured.err.count("\n") == 1
    assert not source.with_suffix(".toml").exists()


def test_a_missing_output_folder_is_one_line(
    workout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nowhere" / "x.toml"
    assert cli.main(["import", str(workout), "-o", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"{out}: error: the folder {out.parent} does not exist: create it, or choose another "
        "with -o\n"
    )


def test_a_bad_reference_speed_is_a_usage_error(
    workout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["import", str(workout), "--reference-speed", "fast"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert (
        "argument --reference-speed: the reference speed should be a speed like "
        '"6 km/h" or "3.7 mph", not \'fast\'' in err
    )


@pytest.mark.slow
def test_the_installed_command_imports_and_check_accepts_the_result(tmp_path: Path) -> None:
    source = tmp_path / "Rounds.zwo"
    shutil.copy(DATA / "intervals_events_differ.zwo", source)
    run = subprocess.run(
        [*entry_point(), "import", str(source)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = tmp_path / "Rounds.toml"
    assert run.stdout == f"Wrote {out}: Rounds with their own cues (7:00, 9 phases)\n"
    assert run.stderr.count(": warning: ") == 2
    assert "Traceback" not in run.stderr
    check = subprocess.run(
        [*entry_point(), "check", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.returncode == 0, check.stdout
    assert check.stdout == "OK  Rounds with their own cues  (7:00, 9 phases)\n"
    again = subprocess.run(
        [*entry_point(), "import", str(source)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 1
    assert again.stderr == (
        f"{out}: error: this file already exists: choose another name with -o, or add --force "
        "to replace it\n"
    )


# -- docs/importing.md ---------------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "importing.md"


def test_the_importing_page_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "run_every_block.zwo", tmp_path / "workout.zwo")
    commands = [
        line.split("#")[0].split()[2:]
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("walktimer import ")
    ]
    assert len(commands) == 4
    for command in commands:
        args = shlex.split(" ".join(command))
        for made in ("workout.toml", "my-walk.toml"):
            (tmp_path / made).unlink(missing_ok=True)
        assert cli.main(["import", *args]) == 0, args
    assert "speed = " in (tmp_path / "workout.toml").read_text(encoding="utf-8")


def test_the_importing_page_quotes_the_importer() -> None:
    from walktimer.importing.zwo import MAX_ZWO_BYTES, REFERENCE_PACES

    page = " ".join(DOC.read_text(encoding="utf-8").split())
    assert ", ".join(REFERENCE_PACES[:-1]) + ", " + REFERENCE_PACES[-1] in page
    assert f"over {MAX_ZWO_BYTES // (1024 * 1024)} MiB" in page
