"""Bundled sessions and assets are found from a source checkout and from a built wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from walktimer import resources

REPO = Path(__file__).resolve().parent.parent

PROBE = """\
import json, walktimer, walktimer.resources as r
print(json.dumps({
    "package": walktimer.__file__,
    "root": str(r.resource_root()),
    "sessions": [str(p) for p in r.bundled_sessions()],
    "default": str(r.bundled_session()),
    "bell": str(r.asset("audio", "bell.wav")),
    "bundled": r.is_bundled(r.bundled_session()),
}))
"""


def test_from_the_checkout() -> None:
    assert resources.resource_root() == REPO
    sessions = resources.bundled_sessions()
    assert sessions == sorted((REPO / "sessions").glob("*.toml"))
    assert resources.DEFAULT_SESSION in [p.name for p in sessions]
    assert resources.bundled_session().is_file()
    assert resources.asset("audio", "bell.wav").is_file()
    assert resources.is_bundled(sessions[0])
    assert not resources.is_bundled(REPO / "pyproject.toml")


def test_is_bundled_refuses_a_lookalike_outside(tmp_path: Path) -> None:
    copy = tmp_path / "sessions" / resources.DEFAULT_SESSION
    copy.parent.mkdir()
    copy.write_bytes(resources.bundled_session().read_bytes())
    assert not resources.is_bundled(copy)


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built into a wheel (as pip would install it) and unzipped."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(out.glob("walktimer-*.whl"))
    assert len(wheels) == 1
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheels[0]) as archive:
        archive.extractall(site)
    return site


@pytest.mark.slow
def test_from_a_built_wheel(unpacked_wheel: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    site = unpacked_wheel.resolve()
    # The copy inside the wheel answered, not the checkout.
    assert Path(found["package"]).resolve().is_relative_to(site)
    root = Path(found["root"]).resolve()
    assert root == site / "walktimer" / "_data"
    sessions = [Path(p) for p in found["sessions"]]
    assert [p.name for p in sessions] == [p.name for p in resources.bundled_sessions()]
    for path in [*sessions, Path(found["default"]), Path(found["bell"])]:
        assert path.resolve().is_relative_to(site), path
        assert path.is_file(), path
    assert Path(found["default"]).name == resources.DEFAULT_SESSION
    assert found["bundled"] is True


@pytest.mark.slow
def test_the_wheel_carries_every_session_programme_and_audio_asset(unpacked_wheel: Path) -> None:
    data = unpacked_wheel / "walktimer" / "_data"
    for folder in ("sessions", "programmes", "assets/audio"):
        source = sorted(p.name for p in (REPO / folder).iterdir() if p.is_file())
        packed = sorted(p.name for p in (data / folder).iterdir() if p.is_file())
        assert packed == source, folder


@pytest.mark.slow
def test_the_wheel_speaks_german_and_spanish_from_its_own_catalogues(
    unpacked_wheel: Path, tmp_path: Path
) -> None:
    probe = (
        "import json, walktimer.i18n as i\n"
        "print(json.dumps([str(i.LOCALE_DIR), i.phrases('de').gettext('Session complete.'),"
        " i.phrases('es').duration(90)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked_wheel)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    folder, german, spanish = json.loads(result.stdout)
    assert Path(folder).resolve().is_relative_to(unpacked_wheel.resolve())
    assert german == "Einheit abgeschlossen."
    assert spanish == "un minuto treinta"
