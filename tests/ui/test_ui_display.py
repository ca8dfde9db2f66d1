"""No usable display: every way into the window says one sentence instead of Qt aborting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from walktimer import resources
from walktimer.ui.display import X_TCP_PORT, no_display, release_probes

BOGUS = 4093  # an X display number nothing listens on
SENTENCE_END = (
    "). Start it from a desktop session, or walk in this terminal with: "
    "walktimer run SESSION --no-gui\n"
)


def walktimer(tmp_path: Path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """The real command, in a process of its own, with only the display variables given."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_RUNTIME_DIR")
    }
    clean.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), **env)
    return subprocess.run(
        [sys.executable, "-m", "walktimer", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(autouse=True)
def _closed_probes() -> Iterator[None]:
    yield
    release_probes()


@pytest.fixture
def bogus_display() -> str:
    assert not Path(f"/tmp/.X11-unix/X{BOGUS}").exists()
    return f":{BOGUS}"


@pytest.mark.parametrize(
    "args",
    [["run", "SESSION"], ["SESSION"], []],
    ids=["walktimer run FILE", "walktimer FILE", "walktimer"],
)
def test_a_display_that_points_at_no_server_gets_the_sentence(
    tmp_path: Path, bogus_display: str, args: list[str]
) -> None:
    session = str(resources.bundled_session())
    result = walktimer(tmp_path, [session if a == "SESSION" else a for a in args],
                       DISPLAY=bogus_display)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        f"walktimer: there is no display to open a window on (DISPLAY={bogus_display} "
        "reaches no X server" + SENTENCE_END
    )
    assert result.stdout == ""


def test_xcb_asked_for_without_x_gets_the_sentence(tmp_path: Path) -> None:
    result = walktimer(tmp_path, ["run", str(resources.bundled_session())], QT_QPA_PLATFORM="xcb")
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "walktimer: there is no display to open a window on (QT_QPA_PLATFORM=xcb, no DISPLAY"
        + SENTENCE_END
    )


def test_no_display_at_all_is_the_sentence_bare_walktimer_always_said(tmp_path: Path) -> None:
    result = walktimer(tmp_path, ["run", str(resources.bundled_session())])
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "walktimer: there is no display to open a window on (neither DISPLAY nor "
        "WAYLAND_DISPLAY is set" + SENTENCE_END
    )


# --- what counts as a display --------------------------------------------------------------


@pytest.fixture
def x_server() -> Iterator[str]:
    """Something listening where a remote X server of some display number would."""
    for number in range(60, 400):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", X_TCP_PORT + number))
        except OSError:
            listener.close()
            continue
        listener.listen(64)
        with listener:
            yield f"127.0.0.1:{number}.0"
        return
    raise AssertionError("no free port for a pretend X server")


@pytest.fixture
def compositor(tmp_path: Path) -> Iterator[Path]:
    """Something listening on a Wayland socket in a runtime folder."""
    folder = tmp_path / "run"
    folder.mkdir()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(folder / "wayland-7"))
    listener.listen(64)
    with listener:
        yield folder


def test_a_listening_x_server_is_a_display(x_server: str) -> None:
    assert no_display({"DISPLAY": x_server}) is None
    assert no_display({"DISPLAY": x_server, "QT_QPA_PLATFORM": "xcb"}) is None
    gone = x_server.replace(":", ":1")  # ten times the number: nobody there
    assert no_display({"DISPLAY": gone}) is not None


def test_the_probe_stays_connected_until_qt_is(compositor: Path) -> None:
    """An X server with no other client resets when the last one leaves; Qt would wait."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(compositor / "wayland-8"))
    listener.listen(4)
    with listener:
        assert no_display({"WAYLAND_DISPLAY": str(compositor / "wayland-8")}) is None
        server_side, _ = listener.accept()
        with server_side:
            server_side.setblocking(False)
            with pytest.raises(BlockingIOError):
                server_side.recv(1)  # still connected: nothing sent, nothing closed
            release_probes()
            server_side.setblocking(True)
            assert server_side.recv(1) == b""  # closed once Qt has its own connection


def test_a_listening_compositor_is_a_display(compositor: Path, bogus_display: str) -> None:
    env = {"WAYLAND_DISPLAY": "wayland-7", "XDG_RUNTIME_DIR": str(compositor)}
    assert no_display(env) is None
    assert no_display({**env, "DISPLAY": bogus_display}) is None
    assert no_display({**env, "QT_QPA_PLATFORM": "wayland"}) is None
    assert no_display({"WAYLAND_DISPLAY": str(compositor / "wayland-7")}) is None
    # Qt told to use X finds no X server, whatever Wayland offers.
    refused = no_display({**env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": bogus_display})
    assert refused is not None
    assert f"(QT_QPA_PLATFORM=xcb, DISPLAY={bogus_display} reaches no X server)" in refused
    assert no_display({"WAYLAND_DISPLAY": "wayland-7"}) is not None  # no runtime folder


@pytest.mark.parametrize("platform", ["offscreen", "minimal", "vnc", "offscreen;xcb"])
def test_platforms_without_a_display_server_are_left_to_qt(
    platform: str, bogus_display: str
) -> None:
    assert no_display({"QT_QPA_PLATFORM": platform, "DISPLAY": bogus_display}) is None


def test_malformed_displays_reach_nothing() -> None:
    for value in ("nonsense", ":", ":x", "host:"):
        assert no_display({"DISPLAY": value}) is not None, value
