"""Whether a window can be shown here, asked before Qt is: Qt aborts the process instead.

Without a reachable X server or Wayland compositor, Qt's xcb and wayland platforms end the
process (exit 134) with a misleading "reinstalling may fix this" hint. Every way into the
window (`walktimer`, `walktimer FILE`, `walktimer run FILE`) asks `no_display()` first and
prints its one sentence instead. Only connecting is tried (no X handshake), so it costs
microseconds on a desktop; the connection stays open until Qt has its own
(`release_probes`). Imports nothing from Qt.
"""

from __future__ import annotations

# The C module under `socket`: socket.py builds four enum classes as it is imported, which
# cost every window start several milliseconds for two connect() calls.
import _socket
import os
import sys
from collections.abc import Mapping

__all__ = ["no_display", "release_probes"]

X_TCP_PORT = 6000  # display N of a remote X server listens on 6000 + N
CONNECT_TIMEOUT = 1.0  # seconds for a remote X server to accept a connection
QT_WAYLAND = "wayland"  # also wayland-egl, wayland-brcm

# Probes that reached a server, kept open until release_probes() (see there).
_held: list[_socket.socket] = []


def no_display(environ: Mapping[str, str] | None = None) -> str | None:
    """A sentence when Qt would find no display to open a window on (Linux only), else None.

    QT_QPA_PLATFORM picks what is checked: xcb needs an X server, wayland a compositor, and
    both unset lets either do; other platforms (offscreen, vnc, eglfs) are Qt's business."""
    if not sys.platform.startswith("linux"):
        return None
    env = os.environ if environ is None else environ
    wanted = [p.split(":")[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";")]
    wanted = [p for p in wanted if p]
    if any(p != "xcb" and not p.startswith(QT_WAYLAND) for p in wanted):
        return None
    x_display = env.get("DISPLAY", "")
    wayland = env.get("WAYLAND_DISPLAY", "")
    check_x = not wanted or "xcb" in wanted
    check_wayland = not wanted or any(p.startswith(QT_WAYLAND) for p in wanted)
    if check_x and x_display and _x_reachable(x_display):
        return None
    if check_wayland and wayland and _wayland_reachable(wayland, env.get("XDG_RUNTIME_DIR")):
        return None
    why = _why(env, check_x=check_x, check_wayland=check_wayland)
    return (
        f"walktimer: there is no display to open a window on ({why}). Start it from a "
        "desktop session, or walk in this terminal with: walktimer run SESSION --no-gui"
    )


def _why(env: Mapping[str, str], *, check_x: bool, check_wayland: bool) -> str:
    """What was looked for and not found, e.g. "DISPLAY=:9 reaches no X server"."""
    x_display = env.get("DISPLAY", "")
    wayland = env.get("WAYLAND_DISPLAY", "")
    platform = env.get("QT_QPA_PLATFORM", "")
    if not platform and not x_display and not wayland:
        return "neither DISPLAY nor WAYLAND_DISPLAY is set"
    said = [f"QT_QPA_PLATFORM={platform}"] if platform else []
    # Unset variables are named only where QT_QPA_PLATFORM asked for what they point to.
    if check_x and (x_display or platform):
        said.append(f"DISPLAY={x_display} reaches no X server" if x_display else "no DISPLAY")
    if check_wayland and (wayland or platform):
        said.append(
            f"WAYLAND_DISPLAY={wayland} reaches no Wayland compositor"
            if wayland
            else "no WAYLAND_DISPLAY"
        )
    return ", ".join(said)


def release_probes() -> None:
    """Close the connections the check left open; call once Qt has its own.

    An X server whose last client leaves resets itself (Xvfb takes 20-40 ms, and Qt's
    connection waits for it): a probe closed before Qt connects would make every headless
    start pay that. On a desktop other clients keep the server up, and closing is free."""
    while _held:
        _held.pop().close()


def _connects(family: int, address: str | bytes | tuple[str, int]) -> bool:
    probe = _socket.socket(family, _socket.SOCK_STREAM)
    try:
        probe.settimeout(CONNECT_TIMEOUT)
        probe.connect(address)
    except (OSError, ValueError):
        probe.close()
        return False
    _held.append(probe)
    return True


def _x_reachable(display: str) -> bool:
    """Whether an X server listens for DISPLAY (`[host]:N[.screen]`)."""
    host, colon, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not colon or not number.isdigit():
        return False
    if host in ("", "unix"):
        local = f"/tmp/.X11-unix/X{number}"
        # Linux X servers listen on an abstract socket as well as the file.
        return _connects(_socket.AF_UNIX, b"\0" + local.encode()) or _connects(
            _socket.AF_UNIX, local
        )
    return _connects(_socket.AF_INET, (host, X_TCP_PORT + int(number)))


def _wayland_reachable(name: str, runtime_dir: str | None) -> bool:
    """Whether a compositor listens on WAYLAND_DISPLAY (a name in XDG_RUNTIME_DIR, or a path)."""
    if os.path.isabs(name):
        return _connects(_socket.AF_UNIX, name)
    if not runtime_dir:
        return False
    return _connects(_socket.AF_UNIX, os.path.join(runtime_dir, name))
