"""The log: one rotating file in the user log folder, shared by the window, the CLI verbs
and the terminal runner. Only the entry points (`walktimer.cli.main`, `ui.app.run_gui`) set
it up; every module logs to its own `logging.getLogger(__name__)`.

The window also shows warnings on stderr. A command-line verb does not: it says what the
user must know in its own sentences, so raw log lines never reach the terminal. `--debug`
logs everything down to DEBUG, to the file and to stderr.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from walktimer import paths

__all__ = ["LOG_FILE", "RotatingLog", "setup_logging"]

LOG_FILE = "walktimer.log"
_FILE_HANDLER = "walktimer-file"
_CONSOLE_HANDLER = "walktimer-console"


def setup_logging(folder: Path | None = None, *, debug: bool = False, console: bool = True) -> Path:
    """Log to the rotating file (INFO and up, everything with `debug`); with `console`,
    warnings (everything with `debug`) to stderr too. Returns the file. Calling it again
    replaces what an earlier call set up."""
    folder = folder if folder is not None else paths.log_dir()
    file = folder / LOG_FILE
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() in (_FILE_HANDLER, _CONSOLE_HANDLER):
            root.removeHandler(old)
            old.close()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        # No log folder (a read-only home): carry on without the file rather than not at all.
        print(f"walktimer: cannot write the log in {folder} ({error.strerror}).", file=sys.stderr)
    else:
        handler = RotatingLog(file)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.set_name(_FILE_HANDLER)
        root.addHandler(handler)
    if console or debug:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.DEBUG if debug else logging.WARNING)
        stream.setFormatter(logging.Formatter("walktimer: %(message)s"))
        stream.set_name(_CONSOLE_HANDLER)
        root.addHandler(stream)
    elif not root.handlers:
        # Without any handler Python prints warnings raw on stderr (its "last resort").
        root.addHandler(logging.NullHandler())
    return file


class RotatingLog(logging.FileHandler):
    """A log file that moves to .1 (.1 to .2, ...) when it grows past `max_bytes`.

    The same as logging.handlers.RotatingFileHandler for this use, without importing that
    module (sockets, pickle, queues), which alone cost a tenth of the start-up time.
    """

    def __init__(self, file: Path, max_bytes: int = 1_000_000, backups: int = 3) -> None:
        super().__init__(file, encoding="utf-8", delay=True)
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is not None and self.stream.tell() >= self.max_bytes:
            self.rotate()
        super().emit(record)

    def rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        for i in range(self.backups - 1, 0, -1):
            if os.path.exists(f"{base}.{i}"):
                os.replace(f"{base}.{i}", f"{base}.{i + 1}")
        if os.path.exists(base):
            os.replace(base, f"{base}.1")
