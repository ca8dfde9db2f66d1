"""The real window under Xvfb at 1280x800: library, run view and treadmill mode, not blank;
and on 1024x600 and 1366x768 screens the windows fit, nothing of their bottom rows cut off."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "screenshots.py"


def _spread(image: QImage) -> tuple[float, int]:
    """Variance of grey levels over a grid of pixels, and how many distinct levels."""
    levels = []
    for y in range(0, image.height(), 8):
        for x in range(0, image.width(), 8):
            c = image.pixelColor(x, y)
            levels.append(0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue())
    mean = sum(levels) / len(levels)
    variance = sum((v - mean) ** 2 for v in levels) / len(levels)
    return variance, len({round(v) for v in levels})


def _screenshots(tmp_path: Path, screen: str, *options: str) -> None:
    """Run the screenshot script under Xvfb on a screen of `screen` ("1280x800") pixels."""
    xvfb = shutil.which("xvfb-run")
    assert xvfb is not None, "xvfb-run is missing: run scripts/setup-system.sh"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    result = subprocess.run(
        [xvfb, "-a", "-s", f"-screen 0 {screen}x24", sys.executable, str(SCRIPT), "--out",
         str(tmp_path), *options],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def _inside(rect: list[int], screen: list[int]) -> bool:
    x, y, width, height = rect
    sx, sy, swidth, sheight = screen
    return sx <= x and sy <= y and x + width <= sx + swidth and y + height <= sy + sheight


@pytest.mark.xvfb
@pytest.mark.slow
@pytest.mark.parametrize("screen", ["1024x600", "1366x768"])
def test_the_windows_fit_a_small_screen(qtbot: Any, tmp_path: Path, screen: str) -> None:
    _screenshots(tmp_path, screen, "--fit")
    report = json.loads((tmp_path / "fit.json").read_text(encoding="utf-8"))
    width, height = (int(n) for n in screen.split("x"))
    assert report["screen"] == [0, 0, width, height]
    expected = {
        "library": {"Start", "Edit", "History", "Settings"},
        "editor": {"Add phase", "problem line"},
    }
    for name, widgets in expected.items():
        part = report[name]
        assert _inside(part["window"], report["screen"]), (name, part["window"])
        assert widgets <= set(part["widgets"]), (name, part["widgets"])
        for widget, rect in part["widgets"].items():
            assert rect[2] > 0, (name, widget, rect)
            assert rect[3] > 0, (name, widget, rect)
            assert _inside(rect, report["screen"]), (name, widget, rect)
        image = QImage(str(tmp_path / f"fit-{name}.png"))
        assert not image.isNull(), name
        variance, distinct = _spread(image)
        assert variance > 200, (name, variance)
        assert distinct > 8, (name, distinct)


@pytest.mark.xvfb
@pytest.mark.slow
def test_screenshots_of_the_real_window(qtbot: Any, tmp_path: Path) -> None:
    _screenshots(tmp_path, "1280x800")
    for name in ("library", "run", "treadmill", "summary"):
        image = QImage(str(tmp_path / f"{name}.png"))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == (1280, 800), name
        variance, distinct = _spread(image)
        assert variance > 200, (name, variance)
        assert distinct > 8, (name, distinct)
    # Treadmill mode is dark: most of the screen is near black.
    tread = QImage(str(tmp_path / "treadmill.png"))
    corner = tread.pixelColor(5, tread.height() // 2)
    assert corner.lightness() < 40
