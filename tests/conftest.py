"""Shared test set-up: headless Qt, every user directory inside tmp_path, shared fakes."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# walktimer's own words follow the system locale when a script leaves the language open; the
# suite pins English so that a German or Spanish desktop gets the same results. Tests of the
# other languages set the language themselves.
os.environ["LANGUAGE"] = "en"

# A suite started in the background of a non-interactive shell inherits SIGINT ignored, and an
# ignored signal stays ignored in every walktimer the tests start, so the Ctrl-C tests would
# meet a walk that cannot be interrupted. Children start as from a shell prompt instead.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The suite is deterministic: property tests draw the same examples on every run, and no
# example database carries state from one run to the next. HYPOTHESIS_PROFILE=explore draws
# fresh, more numerous examples when hunting for bugs on purpose.
settings.register_profile("walktimer", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "walktimer"))

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _root_logger_as_it_was() -> Iterator[None]:
    """cli.main and run_gui set up logging as a real start does; undo it after each test."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def pytest_configure(config: pytest.Config) -> None:
    # PySide6 6.12.0 takes a reference from True on every emit() made from Python; a long
    # test run would abort the interpreter at exit. walktimer.ui.qtfix explains and guards.
    from walktimer.ui.qtfix import protect

    protect()


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's data, cache, state or settings."""
    home = tmp_path / "home"
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CONFIG_HOME", "config"),
    ):
        folder = home / sub
        folder.mkdir(parents=True)
        monkeypatch.setenv(var, str(folder))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    # Nor the user's desktop session bus: no test ducks real music or shows in a media widget.
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    return home


@pytest.fixture
def session_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A dbus-daemon of the test's own; DBUS_SESSION_BUS_ADDRESS points at it."""
    config = tmp_path / "bus.conf"
    socket = tmp_path / "bus.socket"
    config.write_text(
        "<!DOCTYPE busconfig PUBLIC '-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN'"
        " 'http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd'>"
        "<busconfig><type>session</type>"
        f"<listen>unix:path={socket}</listen>"
        "<auth>EXTERNAL</auth>"
        "<policy context='default'><allow send_destination='*' eavesdrop='true'/>"
        "<allow eavesdrop='true'/><allow own='*'/></policy></busconfig>"
    )
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    assert address.startswith("unix:"), "dbus-daemon did not start (apt install dbus-daemon)"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=5)
        daemon.stdout.close()
