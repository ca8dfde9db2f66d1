"""The treadmill on the run view: whether it is connected, and what the belt does.

One line under the countdown, the same words as the terminal runner's treadmill line
(`walktimer.core.treadmill.belt_line`): "treadmill: belt 3.9 km/h (target 4 km/h) · 1.20 km ·
read-only", or that it is connecting, lost and reconnecting. A dot before it carries the state
in colour too, and the whole line is hidden while no treadmill is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QLabel, QWidget

from walktimer.core.treadmill import Link, belt_line

if TYPE_CHECKING:
    from walktimer.core.engine import View
    from walktimer.core.treadmill import Treadmill

__all__ = ["LINK_COLOURS", "BeltIndicator", "BeltSource"]

# The dot's colour per state: green when data flows, amber while connecting, red when lost.
LINK_COLOURS: dict[Link, str] = {
    Link.CONNECTED: "#1f7a4d",
    Link.CONNECTING: "#b35900",
    Link.LOST: "#b3261e",
    Link.CLOSED: "#5c6470",
}


class BeltSource(Protocol):
    """What the indicator reads: the run's treadmill and whether walktimer sets its belt."""

    @property
    def treadmill(self) -> Treadmill: ...

    @property
    def control(self) -> bool: ...


class BeltIndicator(QLabel):
    """The treadmill's line on the run view; `show_belt` on every redraw."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("beltIndicator")
        self.setAccessibleName("Treadmill")
        self.setWordWrap(True)
        self.link: Link | None = None
        self.hide()

    def show_belt(self, belt: BeltSource | None, view: View) -> None:
        """Show `belt`'s state against the engine's `view`, or hide when there is none."""
        if belt is None:
            self.link = None
            self.hide()
            return
        treadmill = belt.treadmill
        link = treadmill.link
        line = belt_line(link, treadmill.reading(), view, control=belt.control)
        colour = LINK_COLOURS[link]
        if link is not self.link:
            self.setStyleSheet(f"QLabel#beltIndicator {{ border-left: 0.6em solid {colour}; "
                               "padding-left: 0.4em; }")  # fmt: skip
            self.link = link
        self.setText(line)
        self.setAccessibleDescription(line)
        self.show()
