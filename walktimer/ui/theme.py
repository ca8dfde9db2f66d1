"""Colours and fonts: the light, dark and treadmill palettes and one colour per phase kind."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from walktimer.core.script import Kind
from walktimer.i18n import N_
from walktimer.ui.settings import Theme

__all__ = [
    "KIND_COLOURS",
    "Colours",
    "apply_theme",
    "clock_font",
    "colours_for",
    "is_dark",
    "kind_colour",
    "kind_label",
]

# Chosen to stay apart from each other for common colour-vision deficiencies and to carry
# white text at 4.5:1 or better.
KIND_COLOURS: dict[Kind, str] = {
    Kind.WARMUP: "#b35900",  # amber
    Kind.WALK: "#1f7a4d",  # green
    Kind.TECHNIQUE: "#6a3fb5",  # violet
    Kind.STRETCH: "#1f5fa8",  # blue
    Kind.COOLDOWN: "#0e7281",  # teal
    Kind.REST: "#5c6470",  # slate
}

_KIND_LABELS: dict[Kind, str] = {
    Kind.WARMUP: N_("Warm-up"),
    Kind.WALK: N_("Walk"),
    Kind.TECHNIQUE: N_("Technique"),
    Kind.STRETCH: N_("Stretch"),
    Kind.COOLDOWN: N_("Cool-down"),
    Kind.REST: N_("Rest"),
}


def kind_colour(kind: Kind | str) -> QColor:
    try:
        return QColor(KIND_COLOURS[Kind(kind)])
    except ValueError:
        return QColor(KIND_COLOURS[Kind.WALK])


def kind_label(kind: Kind | str) -> str:
    try:
        return _KIND_LABELS[Kind(kind)]
    except ValueError:
        return str(kind).capitalize()


@dataclass(frozen=True, slots=True)
class Colours:
    """The run view's own colours (the rest of the window follows the Qt palette)."""

    background: QColor
    text: QColor
    dim: QColor  # secondary text, still >= 4.5:1 on the background
    accent: QColor
    track: QColor  # the timeline's background between segments
    notice: QColor


DARK = Colours(
    background=QColor("#101418"),
    text=QColor("#f4f6f8"),
    dim=QColor("#aab4bf"),
    accent=QColor("#4cd08d"),
    track=QColor("#2a3139"),
    notice=QColor("#ffcf66"),
)
LIGHT = Colours(
    background=QColor("#fbfbfa"),
    text=QColor("#15191d"),
    dim=QColor("#4d5660"),
    accent=QColor("#1f7a4d"),
    track=QColor("#dde1e5"),
    notice=QColor("#8a4b00"),
)


def colours_for(dark: bool) -> Colours:
    return DARK if dark else LIGHT


def is_dark(theme: Theme) -> bool:
    if theme is Theme.DARK:
        return True
    if theme is Theme.LIGHT:
        return False
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


def _palette(colours: Colours, dark: bool) -> QPalette:
    palette = QPalette()
    base = QColor("#1a1f24") if dark else QColor("#ffffff")
    button = QColor("#252b31") if dark else QColor("#eef0f2")
    roles = {
        QPalette.ColorRole.Window: colours.background,
        QPalette.ColorRole.WindowText: colours.text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: button,
        QPalette.ColorRole.Text: colours.text,
        QPalette.ColorRole.Button: button,
        QPalette.ColorRole.ButtonText: colours.text,
        QPalette.ColorRole.ToolTipBase: base,
        QPalette.ColorRole.ToolTipText: colours.text,
        QPalette.ColorRole.PlaceholderText: colours.dim,
        QPalette.ColorRole.Highlight: QColor("#2f8f5f") if dark else QColor("#1f7a4d"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: colours.accent,
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    disabled = QColor(colours.dim)
    disabled.setAlpha(150)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(app: QApplication, theme: Theme, font_scale: float = 1.0) -> bool:
    """Set the application palette and base font; returns whether the result is dark."""
    dark = is_dark(theme)
    # The style is chosen when the application is made (make_application passes
    # "-style fusion"): asking for it here would cost a tenth of the start-up.
    app.setPalette(_palette(colours_for(dark), dark))
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(max(8.0, size * 1.1 * font_scale))
    app.setFont(font)
    return dark


def clock_font() -> QFont:
    """The countdown's font: a clean sans face with tabular (equal-width) digits."""
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Noto Sans", "Liberation Sans", "Sans Serif"])
    font.setWeight(QFont.Weight.DemiBold)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setFeature(QFont.Tag("tnum"), 1)
    return font
