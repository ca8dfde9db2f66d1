"""Keeps the screen awake while a session runs: org.freedesktop.ScreenSaver over D-Bus."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from walktimer import APP_NAME

if TYPE_CHECKING:
    from PySide6.QtDBus import QDBusConnection, QDBusInterface

__all__ = ["WHERE_TO_CHANGE", "Inhibitor", "ScreenSaverInhibitor"]

# Where the common desktops keep screen blanking, said with the notice.
WHERE_TO_CHANGE = (
    "GNOME: Settings, Power, Screen Blank; KDE: System Settings, Power Management; "
    "Xfce: Power Manager, Display; or xset s off -dpms on X11"
)

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.ScreenSaver"
OBJECT_PATHS = ("/org/freedesktop/ScreenSaver", "/ScreenSaver")
CALL_TIMEOUT_MS = 2000


class Inhibitor(Protocol):
    def inhibit(self, reason: str) -> str | None:
        """Keep the screen on; None when that worked, else a sentence saying it could not."""
        ...

    def release(self) -> None: ...


def _cannot(why: str) -> str:
    return (
        f"The screen may blank during the walk ({why}): turn screen blanking off in your "
        f"desktop's settings ({WHERE_TO_CHANGE})."
    )


class ScreenSaverInhibitor:
    """Asks the desktop's screensaver service not to blank the screen until `release`."""

    def __init__(self, bus: QDBusConnection | None = None) -> None:
        self._bus = bus
        self._cookie: int | None = None
        self._iface: QDBusInterface | None = None

    @property
    def active(self) -> bool:
        return self._cookie is not None

    def inhibit(self, reason: str) -> str | None:
        if self._cookie is not None:
            return None
        # Imported here: D-Bus is only needed once a session runs, not for the first frame.
        from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage

        bus = self._bus if self._bus is not None else QDBusConnection.sessionBus()
        if not bus.isConnected():
            return _cannot("no desktop session bus")
        for path in OBJECT_PATHS:
            iface = QDBusInterface(SERVICE, path, SERVICE, bus)
            if not iface.isValid():
                continue
            iface.setTimeout(CALL_TIMEOUT_MS)
            reply = iface.call("Inhibit", APP_NAME, reason)
            if reply.type() == QDBusMessage.MessageType.ErrorMessage:
                log.info("ScreenSaver.Inhibit at %s failed: %s", path, reply.errorMessage())
                continue
            args = reply.arguments()
            if args and isinstance(args[0], int):
                self._cookie = int(args[0])
                self._iface = iface
                log.info("screensaver inhibited (cookie %d)", self._cookie)
                return None
        return _cannot("no org.freedesktop.ScreenSaver service")

    def release(self) -> None:
        if self._cookie is None or self._iface is None:
            return
        from PySide6.QtDBus import QDBusMessage

        reply = self._iface.call("UnInhibit", self._cookie)
        if reply.type() == QDBusMessage.MessageType.ErrorMessage:
            log.info("ScreenSaver.UnInhibit failed: %s", reply.errorMessage())
        self._cookie = None
        self._iface = None
