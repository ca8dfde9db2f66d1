"""The settings dialog's voice, rate and volume controls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QAbstractSpinBox
from ui_helpers import open_ready

from walktimer.core.script import Voice
from walktimer.ui.mainwindow import MainWindow
from walktimer.ui.settings import Settings
from walktimer.ui.settings_dialog import SCRIPT_CHOICE, SettingsDialog, VoiceEntry, by_locale

VOICES: list[VoiceEntry] = [
    ("af", "Afrikaans (af)", ("af",)),
    ("de", "German (de)", ("de",)),
    ("en-gb", "English (GB) (en-gb, en)", ("en-gb", "en")),
    ("en-us", "English (America) (en-us)", ("en-us",)),
    ("fr", "French (fr)", ("fr-fr",)),
    ("x", "No language", ()),
]


def _listed(dialog: SettingsDialog) -> list[str]:
    return [str(dialog.voice.itemData(i)) for i in range(dialog.voice.count())]


def test_voices_speaking_the_locale_come_first(qtbot: Any, settings: Settings) -> None:
    dialog = SettingsDialog(settings, voices=lambda: VOICES, locale="en_US")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.voice.count() == len(VOICES) + 1)
    assert _listed(dialog) == ["", "en-us", "en-gb", "af", "de", "fr", "x"]

    german = SettingsDialog(settings, voices=lambda: VOICES, locale="de_AT")
    qtbot.addWidget(german)
    qtbot.waitUntil(lambda: german.voice.count() == len(VOICES) + 1)
    assert _listed(german)[:2] == ["", "de"]


def test_locale_order_keeps_the_engines_order_and_takes_plain_pairs() -> None:
    assert [v[0] for v in by_locale(VOICES, "fr_CA")] == ["fr", "af", "de", "en-gb", "en-us", "x"]
    pairs: list[VoiceEntry] = [("a", "A"), ("b", "B")]
    assert by_locale(pairs, "en_US") == pairs


def test_chosen_voice_stays_chosen_after_the_list_arrives(qtbot: Any, settings: Settings) -> None:
    settings.voice = "de"
    dialog = SettingsDialog(settings, voices=lambda: VOICES, locale="en_GB")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.voice.findData("en-gb") >= 0)
    assert dialog.voice_id() == "de"
    assert _listed(dialog)[2] == "en-gb"  # after the script's choice and the chosen one


def test_first_step_from_the_scripts_choice_is_the_scripts_rate(
    qtbot: Any, settings: Settings
) -> None:
    dialog = SettingsDialog(settings, script_rate=150)
    qtbot.addWidget(dialog)
    assert dialog.rate.text() == SCRIPT_CHOICE
    dialog.rate.stepBy(1)
    assert dialog.rate.value() == 150
    assert dialog.rate_value() == 150
    dialog.rate.stepBy(1)
    assert dialog.rate.value() == 151
    dialog.rate.stepBy(-1)
    assert dialog.rate.value() == 150
    # Down from the slowest rate is the script's choice again.
    dialog.rate.setValue(80)
    dialog.rate.stepBy(-1)
    assert dialog.rate_value() == 0
    assert "150 words per minute" in dialog.rate.toolTip()


def test_first_step_without_a_script_is_the_usual_rate(qtbot: Any, settings: Settings) -> None:
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.rate.stepBy(1)
    assert dialog.rate.value() == Voice().rate == 170
    assert "usual rate" in dialog.rate.toolTip()


def test_keyboard_step_up_from_the_scripts_choice(qtbot: Any, settings: Settings) -> None:
    from PySide6.QtCore import Qt

    dialog = SettingsDialog(settings, script_rate=200)
    qtbot.addWidget(dialog)
    assert dialog.rate.stepEnabled() & QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
    qtbot.keyClick(dialog.rate, Qt.Key.Key_Up)
    assert dialog.rate.value() == 200


def test_volume_shows_its_percentage(qtbot: Any, settings: Settings) -> None:
    settings.volume = 0.8
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.volume_percent.text() == "80 %"
    dialog.volume.setValue(35)
    assert dialog.volume_percent.text() == "35 %"
    assert dialog.volume.accessibleDescription() == "35 percent"


def test_try_the_voice_uses_the_chosen_rate(qtbot: Any, settings: Settings) -> None:
    said: list[tuple[str, str | None, int, float]] = []

    def preview(text: str, voice: str | None, rate: int, volume: float) -> None:
        said.append((text, voice, rate, volume))

    dialog = SettingsDialog(settings, preview=preview, script_rate=140)
    qtbot.addWidget(dialog)
    dialog.try_voice.click()  # the script's choice: the script's own rate
    dialog.rate.setValue(260)
    dialog.volume.setValue(50)
    dialog.try_voice.click()
    assert [(rate, volume) for _text, _voice, rate, volume in said] == [(140, 1.0), (260, 0.5)]


def test_settings_from_the_window_start_at_the_open_scripts_rate(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any
) -> None:
    script = tmp_path / "slow.toml"
    script.write_text(
        'format = 1\nname = "Slow"\n[voice]\nrate = 120\n'
        '[[phase]]\nname = "Walk"\nduration = "1m"\n',
        "utf-8",
    )
    shown: list[int] = []

    def exec_(dialog: SettingsDialog) -> int:
        shown.append(dialog.script_rate)
        return 0

    monkeypatch.setattr(SettingsDialog, "exec", exec_)
    window.show_settings()
    open_ready(qtbot, window, script)
    window.show_settings()
    assert shown == [170, 120]
