"""The treadmill part of Settings, and what the window's run takes from it.

The picker scans for FTMS treadmills on a daemon thread (a scan takes seconds) and offers
"None" or one of them; the belt's speed is only ever set with the walker's explicit consent,
a box that is off by default, cleared whenever another treadmill is chosen, and capped by a
maximum speed (6 km/h unless changed). `window_treadmill` turns the stored choice into the
connection and the BeltCompanion a run needs, as `run --no-gui --treadmill` builds them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from walktimer.i18n import N_, Phrases
from walktimer.ui.settings import BELT_TOP_SPEED, MIN_BELT_CAP, Settings
from walktimer.ui.words import window_phrases

if TYPE_CHECKING:
    from walktimer.core.clock import Clock
    from walktimer.core.plan import Plan
    from walktimer.core.treadmill import BeltCompanion, Treadmill
    from walktimer.treadmill.finder import InRange

__all__ = [
    "NONE",
    "BeltConnection",
    "Connect",
    "FindTreadmills",
    "TreadmillChoice",
    "TreadmillPicker",
    "window_treadmill",
]

log = logging.getLogger(__name__)

NONE = N_("None")
CONSENT = N_("Allow walktimer to set the belt speed")
CONSENT_DETAIL = N_(
    "walktimer then starts the belt when you start a session, pauses, resumes and stops it "
    "with the session, and sets each phase's speed and incline, saying each change three "
    "seconds before it happens. It never goes above the maximum speed. Off: walktimer only "
    "reads the belt and tells you what to set."
)

# Blocks while it scans; raises TreadmillError with one sentence when it cannot.
FindTreadmills = Callable[[], "Sequence[InRange]"]


def _find_in_range() -> Sequence[InRange]:
    from walktimer.treadmill.finder import find_treadmills

    return find_treadmills()


@dataclass(frozen=True, slots=True)
class TreadmillChoice:
    """The stored treadmill setting: which one, and whether walktimer may set its speed."""

    wanted: str  # a name or an address
    control: bool
    max_speed: float  # km/h

    @classmethod
    def of(cls, settings: Settings) -> TreadmillChoice | None:
        """The choice in `settings`; None when no treadmill is chosen."""
        wanted = settings.treadmill.strip()
        if not wanted:
            return None
        return cls(wanted, bool(settings.treadmill_control), float(settings.treadmill_max_speed))


class BeltConnection(Protocol):
    """A treadmill a run holds: the port, and closing it when the run ends
    (walktimer.treadmill.transport.Connected)."""

    @property
    def treadmill(self) -> Treadmill: ...

    def close(self) -> None: ...


# (name or address, control allowed) -> the connection, which connects in the background.
Connect = Callable[[str, bool], BeltConnection]


def _connect(wanted: str, control: bool) -> BeltConnection:
    from walktimer.treadmill.transport import Connected

    return Connected(wanted, control=control)


def window_treadmill(
    settings: Settings, plan: Plan, clock: Clock, *, connect: Connect | None = None
) -> tuple[BeltConnection, BeltCompanion] | None:
    """The connection to the chosen treadmill and the companion that decides what is said and
    (with consent) asked of the belt during `plan`; None when no treadmill is chosen. Does
    not wait: the adapter connects in the background, and the companion says so once it has,
    or that it cannot. Control is asked for only when the walker allowed it in Settings.
    Close the connection when the run ends."""
    choice = TreadmillChoice.of(settings)
    if choice is None:
        return None
    from walktimer.core.treadmill import BeltCompanion

    connected = (connect or _connect)(choice.wanted, choice.control)
    companion = BeltCompanion(
        plan, connected.treadmill, clock, control=choice.control, max_speed=choice.max_speed
    )
    return connected, companion


class _Scan(QObject):
    """One scan on a daemon thread; `done` carries the treadmills found or a sentence."""

    done = Signal(object)  # list[InRange] | str

    def __init__(self, find: FindTreadmills) -> None:
        super().__init__()
        self._find = find
        self._thread = threading.Thread(target=self._run, name="walktimer-scan", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        from walktimer.core.treadmill import TreadmillError

        result: list[InRange] | str
        try:
            result = list(self._find())
        except TreadmillError as error:
            result = str(error)
        except Exception:  # a thread boundary: say it failed, keep the dialog usable
            log.exception("scanning for treadmills failed")
            result = N_("Scanning for treadmills failed; the log has the details.")
        try:
            self.done.emit(result)
        except RuntimeError:  # the dialog is gone
            log.debug("a treadmill scan ended after the dialog closed")


class TreadmillPicker(QGroupBox):
    """Settings' "Treadmill" box: the treadmill, the consent to control it, the speed cap."""

    scanned = Signal()  # a scan ended (its result is shown)

    def __init__(
        self,
        settings: Settings,
        find: FindTreadmills | None = None,
        parent: QWidget | None = None,
        *,
        t: Phrases | None = None,
    ) -> None:
        """`t`: the words' language (the settings' voice, then the system locale, when None)."""
        t = self.t = t if t is not None else window_phrases(settings.voice)
        super().__init__(t.gettext("Treadmill"), parent)
        self.setAccessibleName(t.gettext("Treadmill"))
        self._find = find if find is not None else _find_in_range
        self._scan: _Scan | None = None
        self._stored = settings.treadmill.strip()

        self.device = QComboBox()
        self.device.setAccessibleName(t.gettext("Treadmill to use"))
        self.device.setToolTip(t.gettext("An FTMS (Bluetooth fitness machine) treadmill, or none"))
        self.device.addItem(t.gettext(NONE), "")
        if self._stored:
            self.device.addItem(self._stored, self._stored)
            self.device.setCurrentIndex(1)
        self.scan = QPushButton(t.gettext("Sc&an"))
        self.scan.setAccessibleName(t.gettext("Scan for treadmills"))
        self.scan.clicked.connect(self.start_scan)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(t.gettext("Treadmill scan result"))

        self.control = QCheckBox(t.gettext(CONSENT))
        self.control.setAccessibleName(t.gettext(CONSENT))
        self.control.setToolTip(t.gettext(CONSENT_DETAIL))
        self.control.setChecked(bool(self._stored) and settings.treadmill_control)
        self.max_speed = QDoubleSpinBox()
        self.max_speed.setAccessibleName(t.gettext("Maximum belt speed"))
        self.max_speed.setRange(MIN_BELT_CAP, BELT_TOP_SPEED)
        self.max_speed.setDecimals(1)
        self.max_speed.setSingleStep(0.5)
        self.max_speed.setSuffix(" km/h")
        self.max_speed.setValue(settings.treadmill_max_speed)
        self.max_speed.setToolTip(t.gettext("walktimer never sets the belt faster than this"))

        row = QHBoxLayout()
        row.addWidget(self.device, 1)
        row.addWidget(self.scan)
        form = QFormLayout(self)
        use = QLabel(t.gettext("&Use"))
        use.setBuddy(self.device)
        form.addRow(use, row)
        form.addRow("", self.status)
        form.addRow("", self.control)
        form.addRow(t.gettext("Maximum s&peed"), self.max_speed)

        self.device.currentIndexChanged.connect(self._device_changed)
        self.control.toggled.connect(self._update_enabled)
        self._update_enabled()

    def chosen(self) -> str:
        """The chosen treadmill's address (or stored name); "" for none."""
        return str(self.device.currentData() or "")

    def start_scan(self) -> None:
        if self._scan is not None and self._scan.running():
            return
        self.scan.setEnabled(False)
        self.status.setText(
            self.t.gettext("Looking for treadmills (switch yours on and wake its console)…")
        )
        self._scan = _Scan(self._find)
        self._scan.done.connect(self._scanned)
        self._scan.start()

    def _scanned(self, result: object) -> None:
        self.scan.setEnabled(True)
        if isinstance(result, str):
            self.status.setText(self.t.gettext(result))
        elif isinstance(result, list) and result:
            chosen = self.chosen()
            for item in result:
                index = self.device.findData(item.address)
                if index < 0:
                    self.device.addItem(item.label, item.address)
                else:
                    self.device.setItemText(index, item.label)
            count = len(result)
            found = self.t.ngettext(
                "Found {count} treadmill: choose one above.",
                "Found {count} treadmills: choose one above.",
                count,
            )
            self.status.setText(found.format(count=count))
            index = self.device.findData(chosen)
            if index >= 0:
                self.device.setCurrentIndex(index)
        else:
            self.status.setText(
                self.t.gettext(
                    "No FTMS treadmill found: switch it on and wake its console, then scan again."
                )
            )
        self.scanned.emit()

    def _device_changed(self) -> None:
        # Consent is given for one treadmill: choosing another asks for it again.
        if self.chosen() != self._stored:
            self.control.setChecked(False)
        self._update_enabled()

    def _update_enabled(self) -> None:
        chosen = bool(self.chosen())
        self.control.setEnabled(chosen)
        self.max_speed.setEnabled(chosen and self.control.isChecked())

    def apply(self, settings: Settings) -> None:
        chosen = self.chosen()
        settings.treadmill = chosen
        settings.treadmill_control = bool(chosen) and self.control.isChecked()
        settings.treadmill_max_speed = self.max_speed.value()
        self._stored = chosen

    def release(self) -> None:
        """The dialog closes: a scan still going reports to nobody."""
        scan = self._scan
        if scan is not None and scan.running():
            scan.done.disconnect(self._scanned)
