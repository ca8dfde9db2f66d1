"""The treadmill's connection on the run view: connected, connecting, lost or not connected,
and whether walktimer sets the belt (control) or only reads it (read-only).

`BeltStatus` follows one SessionHost's treadmill through its `belt_changed` signal; with no
treadmill it stays hidden, so a walk without one shows nothing extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from walktimer.core.belt_tally import LINK_WORDS
from walktimer.core.treadmill import BeltReading, Link

if TYPE_CHECKING:
    from walktimer.ui.host import SessionHost

__all__ = ["BeltStatus", "describe_belt"]

# One colour per link state, readable on the light and the dark theme alike.
_COLOURS = {
    Link.CONNECTED: "#2ea043",
    Link.CONNECTING: "#d29922",
    Link.LOST: "#e5534b",
    Link.CLOSED: "#8b949e",
}


def describe_belt(link: Link, reading: BeltReading | None, *, control: bool) -> str:
    """The indicator's words. `control`: walktimer has control of the belt right now."""
    if link in LINK_WORDS:
        return f"Treadmill: {LINK_WORDS[link]}"
    parts = ["Treadmill connected"]
    if reading is not None and reading.speed_kmh is not None:
        parts.append(f"belt {reading.speed_kmh:.1f} km/h")
    parts.append("control" if control else "read-only")
    return " · ".join(parts)


class BeltStatus(QLabel):
    """A small line with a coloured dot: the treadmill's link and who sets the belt."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("belt_status")
        self.setAccessibleName("Treadmill connection")
        self._host: SessionHost | None = None
        self.link: Link | None = None  # what is shown; None: no treadmill
        self.hide()

    def follow(self, host: SessionHost) -> None:
        """Show `host`'s treadmill from now on (hidden when it has none)."""
        self._host = host
        if host.treadmill is None:
            self.link = None
            self.hide()
            return
        host.belt_changed.connect(lambda: self._changed(host))
        self._changed(host)
        self.show()

    def _changed(self, host: SessionHost) -> None:
        belt = host.treadmill
        if host is not self._host or belt is None:
            return  # a host closed since, still saying goodbye
        control = host.companion is not None and host.companion.control and belt.controllable
        self.link = belt.link
        text = describe_belt(belt.link, belt.reading(), control=control)
        colour = _COLOURS[belt.link]
        self.setText(f'<span style="color:{colour}">●</span> {text}')
        self.setToolTip(
            "walktimer sets the belt's speed and incline, and says each change first"
            if control
            else "walktimer only reads the belt: set its speed on the treadmill"
        )
