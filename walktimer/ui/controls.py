"""The window's controls built from its action table: the run toolbar, the library's buttons
and its New menu, the summary's two big buttons. Each shows its action's text, tip and state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from walktimer import resources
from walktimer.ui.actions import ActionTable

__all__ = [
    "TOGGLE_TEXTS",
    "TOOLBAR",
    "build_toolbar",
    "fill_new_menu",
    "summary_buttons",
    "tool_button",
]

# The run page's toolbar, left to right; None is a separator.
TOOLBAR = (
    "library", None, "previous", "toggle", "next", "extend", "stop", None,
    "mute", "fullscreen", None, "settings", "help",
)  # fmt: skip

# Every text the toggle button takes (the window sets it by the session's state).
TOGGLE_TEXTS = ("Start", "Pause", "Resume", "Done")


def build_toolbar(window: QMainWindow, actions: ActionTable) -> QToolBar:
    bar = QToolBar("Controls")
    bar.setObjectName("controls")
    bar.setAccessibleName("Session controls")
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.setIconSize(QSize(36, 36))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
    for name in TOOLBAR:
        if name is None:
            bar.addSeparator()
            continue
        action = actions[name]
        bar.addAction(action)
        widget = bar.widgetForAction(action)
        if widget is not None:
            widget.setAccessibleName(action.text())
            widget.setAccessibleDescription(action.toolTip())
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if name == "toggle":
                _widest(widget, action.text())
    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    if extension is not None:
        extension.setAccessibleName("More controls")
    window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)
    return bar


def _widest(widget: QWidget, text: str) -> None:
    """Give the toggle the width of its longest text, so no button moves when Pause
    becomes Resume."""
    button = widget if isinstance(widget, QToolButton) else None
    if button is None:
        return
    widths = []
    for candidate in TOGGLE_TEXTS:
        button.setText(candidate)
        widths.append(button.sizeHint().width())
    button.setText(text)
    button.setMinimumWidth(max(widths))


def tool_button(actions: ActionTable, name: str, primary: bool = False) -> QToolButton:
    """A library button for action `name`; `primary` is the big bold one (Start)."""
    action = actions[name]
    button = QToolButton()
    button.setDefaultAction(action)
    button.setAccessibleName(action.text())
    button.setAccessibleDescription(action.toolTip())
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setIconSize(QSize(28, 28) if primary else QSize(22, 22))
    button.setMinimumHeight(44)
    if primary:
        font = button.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        button.setFont(font)
        button.setMinimumWidth(140)
    return button


def new_menu(button: QToolButton, fill: Callable[[QMenu], None]) -> QMenu:
    """New in the library: a blank session, or a copy of a bundled one to start from."""
    menu = QMenu(button)
    menu.setAccessibleName("New session")
    menu.aboutToShow.connect(lambda: fill(menu))
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setToolTip("Write a new session: blank, or from a bundled session")
    return menu


def fill_new_menu(
    menu: QMenu,
    names: dict[Path, str],
    blank: Callable[[], None],
    from_template: Callable[[Path], None],
) -> None:
    """The New menu's items: blank, then each bundled session by its name in `names`."""
    menu.clear()
    item = menu.addAction("Blank session\tCtrl+N")
    item.triggered.connect(lambda _checked=False: blank())
    menu.addSection("From a bundled session")
    for path in resources.bundled_sessions():
        item = menu.addAction(names.get(path, path.stem))
        item.setToolTip(f"A copy of {path.name} to change and save as your own")
        item.triggered.connect(lambda _checked=False, p=path: from_template(p))


def summary_buttons(actions: ActionTable) -> QWidget:
    """Done and Walk again, large enough to hit from a treadmill."""
    row = QWidget()
    layout = QVBoxLayout(row)
    layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    for name in ("done", "again"):
        action = actions[name]
        button = QPushButton(action.text())
        button.setAccessibleName(action.text())
        button.setToolTip(action.toolTip())
        button.setMinimumSize(QSize(260, 52))
        font = button.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        button.setFont(font)
        button.clicked.connect(action.trigger)
        layout.addWidget(button)
    history = actions["history"]
    link = QLabel("<a href='history'>Your history and weekly progress</a> (Ctrl+H)")
    link.setObjectName("summary_history")
    font = link.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    link.setFont(font)
    link.setAccessibleName("Your history and weekly progress")
    link.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
    link.linkActivated.connect(lambda _href: history.trigger())
    layout.addWidget(link)
    return row
