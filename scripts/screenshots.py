"""Screenshots of the real window for the README: library, run view, treadmill mode, summary.

Needs an X display; without one, run it under Xvfb:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots.py

Writes docs/screenshots/*.png (or --out DIR). A fake clock stands still where each picture is
taken, and a quiet sink keeps it silent; everything else is the program as it runs.

With --fit the windows size themselves to the screen as they do for a user (run it on a small
screen, "-screen 0 1024x600x24"): it takes the library and the editor and writes fit.json, where
each window and each widget of their bottom rows is on the screen.
"""

from __future__ import annotations

import argparse
import json
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


def _rect(widget: Any) -> list[int]:
    """A widget's rectangle on the screen: x, y, width, height."""
    from PySide6.QtCore import QPoint

    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def fit(out: Path, *, theme: str = "system") -> list[Path]:
    """The library and the editor as they open on this screen, and where their bottom rows are."""
    from PySide6.QtWidgets import QAbstractButton

    from walktimer import resources
    from walktimer.ui.editor import EditorWindow
    from walktimer.ui.screenfit import available_area

    app, window, _clock = _window(theme)
    window.show()
    _settle(app)
    out.mkdir(parents=True, exist_ok=True)
    window.library.select(resources.bundled_session())
    _settle(app, 10)
    saved = [_save(window, out / "fit-library.png")]
    report: dict[str, Any] = {"screen": _area(available_area(window))}
    buttons = [b for b in window.library.findChildren(QAbstractButton) if b.isVisible()]
    layout = window.library.buttons
    row = [layout.itemAt(i).widget() for i in range(layout.count())]
    report["library"] = {
        "window": _frame(window),
        "widgets": {b.text() or b.objectName(): _rect(b) for b in buttons if b in row},
    }
    editor = EditorWindow(resources.bundled_session())
    editor.show()
    _settle(app)
    saved.append(_save(editor, out / "fit-editor.png"))
    add = next(b for b in editor.findChildren(QAbstractButton) if b.text() == "Add phase")
    report["editor"] = {
        "window": _frame(editor),
        "widgets": {"Add phase": _rect(add), "problem line": _rect(editor.problem_title)},
    }
    path = out / "fit.json"
    path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    saved.append(path)
    editor.close()
    window.close()
    return saved


def _area(rect: Any) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def _frame(window: Any) -> list[int]:
    return _area(window.frameGeometry())


def _save(widget: Any, path: Path) -> Path:
    partial = path.with_name(f".{path.stem}.part.png")
    if not widget.grab().save(str(partial), "PNG"):
        raise SystemExit(f"could not write {partial}")
    os.replace(partial, path)
    return path


def _window(theme: str) -> tuple[Any, Any, Any]:
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
    return app, window, clock


def take(out: Path, *, theme: str = "system") -> list[Path]:
    from walktimer import resources

    app, window, clock = _window(theme)
    window.resize(*SIZE)
    window.show()
    window.activateWindow()
    _settle(app)
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shot(name: str) -> None:
        _settle(app, 10)
        saved.append(_save(window, out / f"{name}.png"))

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
    parser.add_argument(
        "--fit", action="store_true", help="let the windows fit the screen and report where"
    )
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
        taker = fit if args.fit else take
        for path in taker(args.out.resolve(), theme=args.theme):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
