"""Screenshots of the real window for the README: library, run view, treadmill mode, summary.

Needs an X display; without one, run it under Xvfb:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots.py

Writes docs/screenshots/*.png (or --out DIR). A fake clock stands still where each picture is
taken, and a quiet sink keeps it silent; everything else is the program as it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SIZE = (1280, 800)


class _Steady:
    """An inhibitor that holds the screen on without asking anyone (Xvfb has no bus)."""

    def inhibit(self, reason: str) -> str | None:
        return None

    def release(self) -> None:
        pass


def _settle(app: Any, rounds: int = 30) -> None:
    """Let the window system catch up (map, resize, full screen) without a fixed sleep."""
    from PySide6.QtCore import QEventLoop, QTimer

    for _ in range(rounds):
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()
        app.processEvents()


def take(out: Path, *, theme: str = "system") -> list[Path]:
    from walktimer import resources
    from walktimer.core.clock import FakeClock
    from walktimer.core.ports import SilentSink
    from walktimer.ui.app import make_application
    from walktimer.ui.dialogs import QtDialogs
    from walktimer.ui.mainwindow import MainWindow
    from walktimer.ui.media_keys import NoMediaKeys
    from walktimer.ui.settings import Settings, Theme

    app = make_application([sys.argv[0]])
    settings = Settings()
    settings.safety_acknowledged = True
    settings.theme = Theme(theme)
    clock = FakeClock()
    window = MainWindow(
        settings,
        dialogs=QtDialogs(),
        clock=clock,
        sink_factory=lambda session, mute, verbosity: SilentSink(),
        inhibitor=_Steady(),
        list_voices=list,
        media_keys=NoMediaKeys(),
        app=app,
    )
    window.resize(*SIZE)
    window.show()
    window.activateWindow()
    _settle(app)
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shot(name: str) -> None:
        _settle(app, 10)
        path = out / f"{name}.png"
        partial = out / f".{name}.part.png"
        if not window.grab().save(str(partial), "PNG"):
            raise SystemExit(f"could not write {partial}")
        os.replace(partial, path)
        saved.append(path)

    default = resources.bundled_session()
    window.library.select(default)
    shot("library")

    window.open_session(default)
    _settle(app)
    run = window.run
    assert run is not None
    run.host.start()
    clock.advance(3.0)
    run.host.pump()
    # Into "Brisk walk", just after a posture reminder.
    target = 5 * 60 + 76
    clock.advance(target)
    run.host.pump()
    shot("run")

    window.set_treadmill(True)
    _settle(app)
    shot("treadmill")
    window.set_treadmill(False)
    _settle(app)

    clock.advance(3600.0)  # walk on to the end
    run.host.pump()
    _settle(app)
    shot("summary")
    window.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="light")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        print(
            'no X display: run it as xvfb-run -a -s "-screen 0 1280x800x24" '
            ".venv/bin/python scripts/screenshots.py",
            file=sys.stderr,
        )
        return 2
    # Never the user's own settings, library or history.
    with tempfile.TemporaryDirectory(prefix="walktimer-shots-") as home:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            os.environ[var] = str(Path(home) / var.lower())
        for path in take(args.out.resolve(), theme=args.theme):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
