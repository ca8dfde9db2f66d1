"""Icons from assets/icons/: control icons drawn in the theme's text colour, and the app icon."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from walktimer import APP_ID
from walktimer.resources import asset

__all__ = ["CONTROL_ICONS", "app_icon", "control_icon"]

CONTROL_ICONS = (
    "play", "pause", "next", "previous", "extend", "stop", "mute", "sound", "fullscreen",
    "fullscreen-exit", "help", "open", "edit", "new", "history", "settings", "back", "library",
)  # fmt: skip
_SIZES = (24, 48)  # Qt scales between these and greys out disabled icons itself


def _render(svg: bytes, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


@cache
def _svg_text(name: str) -> str:
    return asset("icons", f"{name}.svg").read_text(encoding="utf-8")


@cache
def _control_icon(name: str, colour: str) -> QIcon:
    svg = _svg_text(name).replace("currentColor", colour).encode()
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(_render(svg, size))
    return icon


def control_icon(name: str, colour: QColor) -> QIcon:
    """A control icon in the given colour (so it reads on light and dark backgrounds)."""
    return _control_icon(name, colour.name())


@cache
def app_icon() -> QIcon:
    icon = QIcon()
    hicolor = asset("icons", "hicolor")
    # Up to 128 px: the window system gets every size at each window's first show (a 512 px
    # icon alone is 1 MiB of window property); menus take the large ones from the
    # installed icon theme.
    for size in (16, 22, 24, 32, 48, 64, 128):
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    if icon.isNull():
        icon.addFile(str(asset("icons", f"{APP_ID}.svg")))
    return icon
