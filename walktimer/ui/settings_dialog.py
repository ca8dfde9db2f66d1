"""The settings dialog: voice, rate, volume, mute, verbosity, music ducking, theme, font
scale and the treadmill."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QLocale, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from walktimer.core.format.tables import LIMITS
from walktimer.core.script import Voice
from walktimer.i18n import N_, Phrases
from walktimer.ui.settings import Ducking, Settings, Theme, Verbosity
from walktimer.ui.treadmill_picker import FindTreadmills, TreadmillPicker
from walktimer.ui.words import window_phrases

__all__ = [
    "PreviewVoice",
    "SettingsDialog",
    "VoiceEntry",
    "VoiceList",
    "by_locale",
    "finish_voice_loaders",
]

log = logging.getLogger(__name__)

# (id, label) or (id, label, languages such as ("en-gb", "en")).
VoiceEntry = tuple[str, str] | tuple[str, str, tuple[str, ...]]
# Loading may take seconds (it starts the speech engine).
VoiceList = Callable[[], Sequence[VoiceEntry]]
# (text, voice id or None, rate, volume): say it now.
PreviewVoice = Callable[[str, str | None, int, float], None]

SCRIPT_CHOICE = N_("The script's choice")
SAMPLE = N_("Head level, eyes forward. Two minutes left.")


def _tag(language: str) -> str:
    return language.strip().replace("_", "-").lower()


def by_locale(voices: Sequence[VoiceEntry], locale: str) -> list[VoiceEntry]:
    """The voices with those speaking the locale's language first: its exact variant
    ("en-us" for en_US), then the language's other variants and plain "en", then the rest,
    each group in the engine's order."""
    wanted = _tag(locale)
    language = wanted.split("-")[0]

    def rank(entry: VoiceEntry) -> int:
        tags = [_tag(lang) for lang in (entry[2] if len(entry) == 3 else ())]
        if wanted in tags:
            return 0
        return 1 if any(tag.split("-")[0] == language for tag in tags) else 2

    return sorted(voices, key=rank)


class _RateBox(QSpinBox):
    """The rate in words per minute, whose lowest value stands for the script's own rate.
    The first step up from there goes to the rate the script speaks at, not the slowest."""

    def __init__(self, first_step: int) -> None:
        super().__init__()
        self.first_step = first_step

    def stepBy(self, steps: int) -> None:
        if self.value() == self.minimum() and steps > 0:
            self.setValue(self.first_step)
        else:
            super().stepBy(steps)


class _VoiceLoader(QObject):
    """Lists the voices on a daemon thread and hands them over with `loaded`.

    Not a QThread: one still listing when the program quits (starting the speech engine can
    take seconds) must not abort it. Closing the main window waits a moment for loaders to
    end (`finish_voice_loaders`); one that does not is abandoned with the process.
    """

    loaded = Signal(list)

    def __init__(self, provider: VoiceList) -> None:
        super().__init__()
        self._provider = provider
        self._thread = threading.Thread(target=self._run, name="walktimer-voices", daemon=True)

    def start(self) -> None:
        _forget_finished()
        _LOADERS.add(self)  # kept until it ends, and released on the GUI thread
        self._thread.start()

    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, seconds: float) -> bool:
        self._thread.join(max(0.0, seconds))
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            voices = list(self._provider())
        except Exception:  # a thread boundary: no voice list, the field stays editable
            log.exception("listing the voices failed")
            voices = []
        try:
            self.loaded.emit(voices)
        except RuntimeError:  # the program is quitting and the Qt object is gone
            log.debug("the voice list arrived after the window closed")


# Loaders whose thread may still run; pruned on the GUI thread (start, finish_voice_loaders).
_LOADERS: set[_VoiceLoader] = set()
VOICE_WAIT = 2.0  # seconds closing the main window waits for a voice list still coming


def _forget_finished() -> None:
    for loader in [loader for loader in _LOADERS if not loader.running()]:
        _LOADERS.discard(loader)


def finish_voice_loaders(seconds: float | None = None) -> bool:
    """Wait up to `seconds` (VOICE_WAIT) in all for voice lists still being made; True when
    none is left running. Called when the main window closes."""
    end = time.monotonic() + (VOICE_WAIT if seconds is None else seconds)
    for loader in list(_LOADERS):
        loader.wait(end - time.monotonic())
    _forget_finished()
    return not _LOADERS


class SettingsDialog(QDialog):
    """Edits a Settings; `apply()` writes the fields back (OK does it too)."""

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        voices: VoiceList | None = None,
        preview: PreviewVoice | None = None,
        script_rate: int | None = None,
        locale: str | None = None,
        find_treadmills: FindTreadmills | None = None,
    ) -> None:
        """`script_rate` is the rate of the script at hand (None when there is none: the
        format's default); `locale` orders the voices (the system's when None);
        `find_treadmills` scans for treadmills (Bluetooth, as `WALKTIMER_BLE_TRANSPORT`
        says, when None)."""
        super().__init__(parent)
        t = self.t = window_phrases(settings.voice)
        self.setWindowTitle(t.gettext("Settings"))
        self.setAccessibleName(t.gettext("Settings"))
        self.settings = settings
        self._preview = preview
        self._loader: _VoiceLoader | None = None
        self._locale = locale if locale is not None else QLocale.system().name()
        self.script_rate = script_rate if script_rate is not None else Voice().rate

        self.voice = QComboBox()
        self.voice.setEditable(True)
        self.voice.setAccessibleName(t.gettext("Voice"))
        self.voice.setToolTip(
            t.gettext("A voice name or language such as en-gb; empty uses the script's")
        )
        self.voice.addItem(t.gettext(SCRIPT_CHOICE), "")
        current = settings.voice
        if current:
            self.voice.addItem(current, current)
            self.voice.setCurrentIndex(1)

        self.rate = _RateBox(self.script_rate)
        self.rate.setAccessibleName(t.gettext("Speaking rate"))
        slowest, fastest = (int(bound) for bound in LIMITS["voice.rate"])
        # One below the slowest rate stands for 0: the script's own rate.
        self.rate.setRange(slowest - 1, fastest)
        self.rate.setSpecialValueText(t.gettext(SCRIPT_CHOICE))
        self.rate.setSuffix(t.gettext(" words per minute"))
        self.rate.setValue(settings.rate if settings.rate >= slowest else slowest - 1)
        if script_rate is not None:
            whose = t.gettext("the script's rate")
        else:
            whose = t.gettext("the usual rate")
        self.rate.setToolTip(
            t.gettext(
                "{choice} speaks each script at its own rate; the first step up starts "
                "at {rate} words per minute ({whose})"
            ).format(choice=t.gettext(SCRIPT_CHOICE), rate=self.script_rate, whose=whose)
        )

        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setAccessibleName(t.gettext("Volume"))
        self.volume.setRange(0, 100)
        self.volume.setValue(round(settings.volume * 100))
        self.volume.setToolTip(t.gettext("Scales the volume the script asks for"))
        self.volume_percent = QLabel()
        self.volume_percent.setMinimumWidth(
            self.volume_percent.fontMetrics().horizontalAdvance("100 %")
        )
        self.volume_percent.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.volume.valueChanged.connect(self._show_volume)
        self._show_volume(self.volume.value())
        volume_row = QHBoxLayout()
        volume_row.addWidget(self.volume, 1)
        volume_row.addWidget(self.volume_percent)

        self.mute = QCheckBox(t.gettext("Mute all sound"))
        self.mute.setAccessibleName(t.gettext("Mute"))
        self.mute.setChecked(settings.mute)

        self.verbosity = _choices(
            t.gettext("What is spoken"), list(Verbosity), settings.verbosity, t
        )
        self.ducking = _choices(
            t.gettext("Other players during cues"), list(Ducking), settings.ducking, t
        )
        self.duck_tones = QCheckBox(t.gettext("For tones too, not only for speech"))
        self.duck_tones.setAccessibleName(t.gettext("Duck for tones"))
        self.duck_tones.setChecked(settings.duck_tones)
        self.theme = _choices(t.gettext("Theme"), list(Theme), settings.theme, t)

        self.font_scale = QSpinBox()
        self.font_scale.setAccessibleName(t.gettext("Text size"))
        self.font_scale.setRange(60, 200)
        self.font_scale.setSingleStep(10)
        self.font_scale.setSuffix(" %")
        self.font_scale.setValue(round(settings.font_scale * 100))

        self.try_voice = QPushButton(t.gettext("Try the voice"))
        self.try_voice.setAccessibleName(t.gettext("Try the voice"))
        self.try_voice.setEnabled(preview is not None)
        self.try_voice.clicked.connect(self._try)
        voice_row = QHBoxLayout()
        voice_row.addWidget(self.voice, 1)
        voice_row.addWidget(self.try_voice)

        form = QFormLayout()
        voice_label = QLabel(t.gettext("&Voice"))
        voice_label.setBuddy(self.voice)
        form.addRow(voice_label, voice_row)
        form.addRow(t.gettext("&Rate"), self.rate)
        volume_label = QLabel(t.gettext("Vo&lume"))
        volume_label.setBuddy(self.volume)
        form.addRow(volume_label, volume_row)
        form.addRow("", self.mute)
        form.addRow(t.gettext("&Spoken"), self.verbosity)
        form.addRow(t.gettext("&Music"), self.ducking)
        form.addRow("", self.duck_tones)
        form.addRow(t.gettext("&Theme"), self.theme)
        form.addRow(t.gettext("Te&xt size"), self.font_scale)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        for role, name in (
            (QDialogButtonBox.StandardButton.Ok, t.gettext("OK")),
            (QDialogButtonBox.StandardButton.Cancel, t.gettext("Cancel")),
        ):
            button = buttons.button(role)
            if button is not None:
                # Qt's own button texts are English without its translations: say them here.
                button.setText(name)
                button.setAccessibleName(name)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.treadmill = TreadmillPicker(settings, find_treadmills, t=t)
        layout.addWidget(self.treadmill)
        layout.addWidget(buttons)

        if voices is not None:
            self._loader = _VoiceLoader(voices)
            self._loader.loaded.connect(self._fill_voices)
            self._loader.start()

    def _show_volume(self, value: int) -> None:
        self.volume_percent.setText(f"{value} %")
        self.volume.setAccessibleDescription(self.t.gettext("{value} percent").format(value=value))

    def _fill_voices(self, voices: list[VoiceEntry]) -> None:
        chosen = self.voice_id()
        for entry in by_locale(voices, self._locale):
            ident, label = entry[0], entry[1]
            if self.voice.findData(ident) < 0:
                self.voice.addItem(label, ident)
        index = self.voice.findData(chosen)
        if index >= 0:
            self.voice.setCurrentIndex(index)

    def voice_id(self) -> str:
        text = self.voice.currentText().strip()
        index = self.voice.findText(text)
        if index >= 0:
            return str(self.voice.itemData(index) or "")
        return "" if text == self.t.gettext(SCRIPT_CHOICE) else text

    def rate_value(self) -> int:
        return 0 if self.rate.value() == self.rate.minimum() else self.rate.value()

    def _try(self) -> None:
        if self._preview is not None:
            self._preview(
                self.t.gettext(SAMPLE),
                self.voice_id() or None,
                self.rate_value() or self.script_rate,
                self.volume.value() / 100,
            )

    def apply(self) -> None:
        s = self.settings
        s.voice = self.voice_id()
        s.rate = self.rate_value()
        s.volume = self.volume.value() / 100
        s.mute = self.mute.isChecked()
        s.verbosity = Verbosity(self.verbosity.currentData())
        s.ducking = Ducking(self.ducking.currentData())
        s.duck_tones = self.duck_tones.isChecked()
        s.theme = Theme(self.theme.currentData())
        s.font_scale = self.font_scale.value() / 100
        self.treadmill.apply(s)
        s.sync()

    def accept(self) -> None:
        self.apply()
        super().accept()

    def done(self, result: int) -> None:
        self.treadmill.release()
        loader = self._loader
        if loader is not None and loader.running():
            # Still listing: the list arrives after the dialog is gone; nothing takes it.
            loader.loaded.disconnect(self._fill_voices)
        super().done(result)


def _choices(
    name: str,
    options: list[Ducking] | list[Theme] | list[Verbosity],
    current: object,
    t: Phrases,
) -> QComboBox:
    """A combo box of a setting's choices, by label, with `current` selected."""
    box = QComboBox()
    box.setAccessibleName(name)
    for option in options:
        box.addItem(t.gettext(option.label), option.value)
    box.setCurrentIndex([o.value for o in options].index(str(current)))
    return box
