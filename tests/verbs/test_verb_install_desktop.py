"""`walktimer install-desktop`: the menu entry and icons, and taking them away again."""

from __future__ import annotations

import argparse
import configparser
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from walktimer import APP_ID, __version__
from walktimer.verbs import install_desktop


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    install_desktop.add_arguments(parser)
    return install_desktop.run(parser.parse_args(list(argv)))


def test_installs_the_entry_and_every_icon_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = tmp_path / "share"
    assert _run("--prefix", str(prefix)) == 0
    desktop = prefix / "applications" / f"{APP_ID}.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(desktop, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Icon"] == APP_ID
    assert section["Exec"].endswith(" %f")
    program = section["Exec"].removesuffix(" %f").strip('"')
    assert Path(program.split(" -m ")[0]).is_absolute()
    assert Path(section["TryExec"]).is_absolute()
    for size in install_desktop.SIZES:
        png = prefix / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (prefix / f"icons/hicolor/scalable/apps/{APP_ID}.svg").read_text().startswith("<svg")
    assert "Installed" in capsys.readouterr().out


def test_uninstall_removes_what_was_installed(tmp_path: Path) -> None:
    prefix = tmp_path / "share"
    assert _run("--prefix", str(prefix)) == 0
    assert _run("--prefix", str(prefix), "--uninstall") == 0
    left = [p for p in prefix.rglob("*") if p.is_file() and APP_ID in p.name]
    assert left == []


def test_exec_arguments_with_spaces_are_quoted() -> None:
    assert install_desktop._quote("/opt/walk timer/bin/walktimer") == (
        '"/opt/walk timer/bin/walktimer"'
    )
    assert install_desktop._quote("/usr/bin/walktimer") == "/usr/bin/walktimer"


def test_default_prefix_follows_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert install_desktop.data_home() == tmp_path / "data"


def test_the_appstream_metadata_is_installed_beside_the_entry_and_valid(tmp_path: Path) -> None:
    prefix = tmp_path / "share"
    assert _run("--prefix", str(prefix)) == 0
    metainfo = prefix / "metainfo" / f"{APP_ID}.metainfo.xml"
    root = ET.parse(metainfo).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
    assert (prefix / "applications" / f"{APP_ID}.desktop").exists()
    # Every screenshot it names is one the project ships, at its real size.
    shots = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    for image in root.iter("image"):
        name = (image.text or "").rsplit("/", 1)[-1]
        data = (shots / name).read_bytes()
        width, height = struct.unpack(">II", data[16:24])
        assert (str(width), str(height)) == (image.get("width"), image.get("height"))
    releases = [r.get("version") for r in root.iter("release")]
    assert __version__ in releases
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--explain", str(metainfo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _run("--prefix", str(prefix), "--uninstall") == 0
    assert not metainfo.exists()
