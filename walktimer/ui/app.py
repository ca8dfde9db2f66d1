"""Starts the window: the application object, its identity, logging, the error hook, the files."""

from __future__ import annotations

import linecache
import logging
import math
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from walktimer import APP_ID, APP_NAME, __version__
from walktimer.core.clock import Clock, ScaledClock, SystemClock
from walktimer.core.ports import CueSink
from walktimer.core.script import Session
from walktimer.logs import LOG_FILE, RotatingLog, setup_logging
from walktimer.ui.dialogs import QtDialogs
from walktimer.ui.display import no_display, release_probes
from walktimer.ui.inhibit import ScreenSaverInhibitor
from walktimer.ui.settings import Ducking, Settings, Verbosity

if TYPE_CHECKING:
    from walktimer.audio.sink import Verbosity as AudioVerbosity
    from walktimer.core.engine import View
    from walktimer.desktop.mpris import Controls
    from walktimer.ui.controller import SinkFactory
    from walktimer.ui.mainwindow import MainWindow
    from walktimer.ui.media_keys import MediaKeysPort
    from walktimer.ui.resume_prompt import RunTracker
    from walktimer.ui.settings_dialog import VoiceEntry

__all__ = [
    "LOG_FILE",
    "ErrorReporter",
    "MediaKeysAfterPaint",
    "RotatingLog",
    "restore_music",
    "run_gui",
    "setup_logging",
    "track_runs",
]

log = logging.getLogger(__name__)

USAGE = (
    "usage: walktimer [--debug] [--mute] [--speed FACTOR] [FILE]\n\nOpens the session "
    "library, or the session script FILE.\n--debug logs everything, to the log file and to the "
    "terminal.\n--mute starts with the sound off (this time only; M turns it on).\n"
    "--speed FACTOR runs the clock FACTOR times faster, to try a script quickly; such a run "
    "is kept in the history as a demo that counts towards no goal."
)
MAX_SPEED = 10_000.0  # as `walktimer run --speed`

EXIT_NO_DISPLAY = 1
ShowError = Callable[[str], None]


def _qt_messages(kind: QtMsgType, _context: object, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(kind, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", message)


class ErrorReporter(QObject):
    """sys.excepthook and threading.excepthook: every unexpected exception is logged with
    its traceback; the first one is also shown in one dialog naming the log file. Later ones
    (a timer slot failing every second, say) are only logged, so dialogs never pile up."""

    _report = Signal(str)

    def __init__(self, log_file: Path, show: ShowError | None = None) -> None:
        super().__init__()
        self.log_file = log_file
        self.count = 0
        self.shown = False
        self._show: ShowError = show if show is not None else self._dialog
        self._report.connect(self._show_once)  # queued when raised on another thread

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_hook

    def excepthook(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        self.count += 1
        log.critical("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        self._report.emit(f"{kind.__name__}: {value}")

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        value = args.exc_value if args.exc_value is not None else args.exc_type()
        self.excepthook(args.exc_type, value, args.exc_traceback)

    def _show_once(self, summary: str) -> None:
        if self.shown:
            return
        self.shown = True
        self._show(
            "WalkTimer ran into an unexpected problem and may not work as it should.\n\n"
            f"{summary}\n\n"
            f"The details are in {self.log_file}. Please include that file when you report "
            "the problem. Your session scripts are not affected."
        )

    def _dialog(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        parent = QApplication.activeWindow()
        QMessageBox.critical(parent if isinstance(parent, QWidget) else None, "WalkTimer", text)


def make_application(argv: list[str]) -> QApplication:
    """The QApplication with walktimer's identity (names, desktop id, icon)."""
    from walktimer.ui.qtfix import protect

    protect()  # before the first signal is emitted from Python
    existing = QApplication.instance()
    QGuiApplication.setApplicationName(APP_NAME)
    QGuiApplication.setApplicationDisplayName("WalkTimer")
    QGuiApplication.setOrganizationName(APP_NAME)
    QGuiApplication.setOrganizationDomain("walktimer.org")
    QGuiApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    if existing is None and "-style" not in argv and not os.environ.get("QT_STYLE_OVERRIDE"):
        # Fusion follows the light and dark palettes on every desktop.
        argv = [*argv, "-style", "fusion"]
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    from walktimer.ui.icons import app_icon

    app.setWindowIcon(app_icon())
    return app


def _parse(args: list[str]) -> tuple[Path | None, str | None]:
    """(FILE, None) or (None, an error sentence)."""
    files = [a for a in args if not a.startswith("-")]
    options = [a for a in args if a.startswith("-")]
    if options:
        return None, f"unknown option {options[0]}"
    if len(files) > 1:
        return None, "give at most one session file"
    return (Path(files[0]) if files else None), None


def _trial_options(args: list[str]) -> tuple[list[str], bool, float, str | None]:
    """Take --mute and --speed FACTOR (or --speed=FACTOR) out of `args`: (the rest, mute,
    speed, None) or (..., an error sentence)."""
    rest: list[str] = []
    mute = False
    speed = 1.0
    items = iter(args)
    for arg in items:
        if arg == "--mute":
            mute = True
        elif arg == "--speed" or arg.startswith("--speed="):
            text = arg.partition("=")[2] if "=" in arg else next(items, "")
            try:
                speed = float(text)
            except ValueError:
                speed = math.nan
            if not (math.isfinite(speed) and 0 < speed <= MAX_SPEED):
                return (
                    rest,
                    mute,
                    1.0,
                    (
                        f"the speed must be a number greater than 0 and at most {MAX_SPEED:g}, "
                        f"like 60 (a minute a second), not {text!r}"
                    ),
                )
        else:
            rest.append(arg)
    return rest, mute, speed, None


def sounding_sinks(settings: Settings) -> SinkFactory:
    """The real sinks: speech and tones, with other players ducked as the settings say. A
    sink is made on the prepare thread, after the first frame, so its imports (the audio
    device, the speech worker) do not delay the window."""

    def make(session: Session, *, mute: bool, verbosity: Verbosity) -> CueSink:
        from walktimer.audio.sink import build_sink
        from walktimer.desktop.ducking import Ducker

        mode = settings.ducking
        ducking = (
            None if mode is Ducking.OFF else Ducker("pause" if mode is Ducking.PAUSE else "lower")
        )
        return build_sink(
            session, mute=mute, verbosity=_SPOKEN[verbosity], ducking=ducking,
            duck_tones=settings.duck_tones,
        )  # fmt: skip

    return make


_SPOKEN: dict[Verbosity, AudioVerbosity] = {
    Verbosity.ALL: "all",
    Verbosity.PHASES: "phases",
    Verbosity.SILENT: "silent",
}


def _voice_list() -> list[VoiceEntry]:
    """The speech engine's voices as (id, label, languages); runs on the settings dialog's
    thread."""
    from walktimer.audio.speech import SpeechService

    service = SpeechService()
    try:
        return [
            (v.id, f"{v.name} ({', '.join(v.languages)})" if v.languages else v.name, v.languages)
            for v in service.voices()
        ]
    finally:
        service.close()


def forget_module_sources() -> None:
    """Drop the source lines PySide's import hook read. It reads every module imported after
    PySide6 (to look for `from __feature__ import`) into linecache, some 5 MiB for the
    window's modules, which stay for nothing; a traceback reads its lines again."""
    linecache.clearcache()


def restore_music() -> None:
    """Put back the music a walktimer that was killed left lowered or paused."""
    from walktimer.desktop.ducking import restore_leftovers  # the session bus: after paint

    restored = restore_leftovers()
    if restored is not None:
        log.info("%s", restored)


class MediaKeysAfterPaint:
    """The window's media keys, registered on the session bus once the window is up: a run
    opened before that (`walktimer FILE`) gets its MPRIS player when `start` is called, and
    a sentence saying why media keys are off goes to `notice` then."""

    def __init__(self, keys: MediaKeysPort) -> None:
        self._keys = keys
        self._started = False
        self._waiting: Controls | None = None

    def start(self, notice: Callable[[str], None]) -> None:
        self._started = True
        controls, self._waiting = self._waiting, None
        if controls is not None:
            problem = self._keys.open(controls)
            if problem is not None:
                notice(problem)

    def open(self, controls: Controls) -> str | None:
        if not self._started:
            self._waiting = controls
            return None
        return self._keys.open(controls)

    def publish(self, session: str, view: View) -> None:
        self._keys.publish(session, view)

    def close(self) -> None:
        self._waiting = None
        self._keys.close()


def track_runs(window: MainWindow) -> RunTracker:
    """Give the window its run tracker (the resume file while a walk goes, the history row
    when it ends) and, once the window is up, the offer to resume a walk a crash left."""
    from walktimer.ui.resume_prompt import RunTracker  # the history code: after first paint

    forget_module_sources()
    tracker = RunTracker(window)
    window.history_tracker = tracker
    QTimer.singleShot(0, tracker.offer)
    return tracker


def run_gui(args: list[str]) -> int:
    """The window's composition root: builds every service and hands each to what needs it."""
    if any(a in ("-h", "--help") for a in args):
        print(USAGE)
        return 0
    debug = "--debug" in args
    rest, mute, speed, problem = _trial_options([a for a in args if a != "--debug"])
    file = None
    if problem is None:
        file, problem = _parse(rest)
    if problem is not None:
        print(f"walktimer: {problem}\n{USAGE}", file=sys.stderr)
        return 2
    no_window = no_display()  # before Qt, which would abort the process
    if no_window is not None:
        print(no_window, file=sys.stderr)
        return EXIT_NO_DISPLAY
    log_file = setup_logging(debug=debug)
    log.info("walktimer %s starting", __version__)
    app = make_application([sys.argv[0] if sys.argv else APP_NAME])
    release_probes()  # Qt is connected now: the display check's probe may go
    qInstallMessageHandler(_qt_messages)
    reporter = ErrorReporter(log_file)
    reporter.install()

    from walktimer.ui.mainwindow import MainWindow
    from walktimer.ui.media_keys import MediaKeys

    forget_module_sources()
    settings = Settings()
    # A sped-up clock makes every run a demo: the history marks it so (RunTracker reads the
    # clock's factor), as it does for `walktimer run --no-gui --speed`.
    clock: Clock = SystemClock() if speed == 1.0 else ScaledClock(SystemClock(), speed)
    media_keys = MediaKeysAfterPaint(MediaKeys())
    window = MainWindow(
        settings,
        dialogs=QtDialogs(),
        clock=clock,
        sink_factory=sounding_sinks(settings),
        inhibitor=ScreenSaverInhibitor(),
        list_voices=_voice_list,
        media_keys=media_keys,
        app=app,
        open_library=file is None,
        mute=mute,
    )
    # The first frame waits for none of these. Music is put back first, before any cue of
    # this run can lower it again (cues sound only once a run is prepared, after this).
    window.after_first_paint(restore_music)
    window.after_first_paint(lambda: media_keys.start(window.run_view.add_notice))
    window.after_first_paint(lambda: track_runs(window))
    if file is not None and not window.open_session(file.expanduser()):
        window.show_library()
    window.show()
    code = app.exec()
    log.info("walktimer exits with %d", code)
    return int(code)
