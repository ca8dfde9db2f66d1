"""The run view: what a walker reads from two metres away while a session runs."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from walktimer.core.durations import format_clock
from walktimer.core.engine import State, View
from walktimer.core.plan import Plan
from walktimer.core.script import Incline, Kind, Speed
from walktimer.ui.belt_status import BeltStatus
from walktimer.ui.bigclock import BigClock
from walktimer.ui.theme import DARK, Colours, kind_colour, kind_label
from walktimer.ui.timeline import Segment, TimelineStrip

__all__ = ["RunView", "targets_text"]

CAPTION_SECONDS = 8.0  # how long a spoken cue stays on screen
TARGET_HIGHLIGHT_SECONDS = 10.0  # a new target is highlighted for this long into its phase
BADGE_PADDING = 14  # pixels each side of the highlighted target's text
LINE_GAP = 16  # pixels between the target and "Next"
WAITING_HINT = "Press Space when done"
SMALLEST_FIT = 0.6  # a long text shrinks to this share of its font size to fit its rows
NOTICE_SMALLEST = 0.8  # notices shrink less: older ones give way instead


def targets_text(speed: Speed | None, incline: Incline | None) -> str:
    parts = []
    if speed is not None:
        parts.append(f"Speed {speed.text}")
    if incline is not None:
        parts.append(f"Incline {incline.text}")
    return "   ·   ".join(parts)


def _label(name: str, *, wrap: bool = False, align: Qt.AlignmentFlag | None = None) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(name.replace("_", " ").capitalize())
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if align is not None:
        label.setAlignment(align)
    return label


class RunView(QWidget):
    """Shows the engine's View; knows nothing about timers or the engine itself."""

    jump_requested = Signal(int)
    cancel_prepare = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("run_view")
        self.setAccessibleName("Session")
        self.setAutoFillBackground(True)
        self._colours: Colours = DARK
        self._treadmill = False
        self._font_scale = 1.0
        self._plan: Plan | None = None
        self._kind: Kind = Kind.WALK
        self._caption_until: float | None = None
        # The phase the last redraw showed, and whether a caption arrived since then: a
        # caption left over from an earlier phase goes when the phase changes (Next while
        # paused), one spoken for the new phase stays.
        self._caption_phase: int | None = None
        self._caption_fresh = False
        self._notices: list[str] = []
        self._waiting = False
        self._hint_colour = ""
        self._target_lit = False
        self._shown: tuple[View, int | None, float] | None = None  # the last show_view
        # Wrapped rows with a fixed number of lines, and their font before fitting.
        self._rows: dict[QLabel, tuple[int, QFont]] = {}
        self._row_text: dict[QLabel, str] = {}
        # One-line rows that share their row: their font before it shrinks to fit the width.
        self._lines: dict[QLabel, QFont] = {}

        self.kind_chip = _label("phase_kind", align=Qt.AlignmentFlag.AlignCenter)
        self.kind_chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.phase_name = _label("phase_name")
        self.phase_name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.phase_count = _label("phase_count", align=Qt.AlignmentFlag.AlignRight)
        self.clock = BigClock()
        self.hint = _label("hint", align=Qt.AlignmentFlag.AlignCenter)
        self.targets = _label("targets")
        self.targets.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.next_phase = _label("next_phase", align=Qt.AlignmentFlag.AlignRight)
        self.next_phase.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.instructions = _label(
            "instructions", wrap=True, align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        )
        self.instructions.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.timeline = TimelineStrip()
        self.timeline.segment_clicked.connect(self.jump_requested)
        self.caption = _label("caption", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.caption.setAccessibleName("Spoken cue")
        self.session_line = _label("session_time")
        self.muted = _label("muted")
        self.muted.setText("Muted")
        self.muted.setAccessibleName("Sound is muted")
        self.muted.hide()
        self.notice = _label("notice", wrap=True, align=Qt.AlignmentFlag.AlignRight)
        self.notice.setAccessibleName("Notices")
        self.belt_status = BeltStatus()  # hidden until a treadmill is followed

        self.prepare_panel = QWidget()
        self.prepare_label = _label("prepare_label")
        self.prepare_label.setText("Preparing the spoken cues…")
        self.prepare_bar = QProgressBar()
        self.prepare_bar.setAccessibleName("Preparing the spoken cues")
        self.prepare_bar.setTextVisible(True)
        self.prepare_cancel = QPushButton("Cancel")
        self.prepare_cancel.setAccessibleName("Cancel preparing")
        self.prepare_cancel.setToolTip("Stop preparing and go back to the library (Esc)")
        self.prepare_cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space stays Start
        self.prepare_cancel.clicked.connect(self.cancel_prepare)
        row = QHBoxLayout(self.prepare_panel)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.prepare_label)
        row.addWidget(self.prepare_bar, 1)
        row.addWidget(self.prepare_cancel)
        self.prepare_panel.hide()

        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(self.kind_chip)
        header.addWidget(self.phase_name, 1)
        header.addWidget(self.phase_count)
        info = QHBoxLayout()
        info.setSpacing(LINE_GAP)
        info.addWidget(self.targets, 1)
        info.addWidget(self.next_phase, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.session_line, 1)
        footer.addWidget(self.muted)
        footer.addWidget(self.belt_status)
        footer.addWidget(self.notice, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 16, 28, 14)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.clock, 10)
        layout.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(info)
        layout.addWidget(self.instructions)
        layout.addWidget(self.timeline)
        layout.addWidget(self.caption)
        layout.addWidget(self.prepare_panel)
        layout.addLayout(footer)
        self._apply_fonts()
        self._apply_colours()

    # Set-up.

    def set_plan(self, plan: Plan) -> None:
        self._plan = plan
        self._shown = None
        self.timeline.set_segments([Segment(p.name, p.kind, p.duration) for p in plan.phases])
        self._set_row_text(self.caption, "")
        self._caption_until = None

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self._apply_colours()

    def set_font_scale(self, scale: float) -> None:
        self._font_scale = scale
        self._apply_fonts()

    def set_treadmill(self, on: bool) -> None:
        """Treadmill mode: dark, large, only what matters at a distance."""
        self._treadmill = on
        self._apply_colours()
        self._apply_fonts()

    @property
    def treadmill(self) -> bool:
        return self._treadmill

    def _active_colours(self) -> Colours:
        return DARK if self._treadmill else self._colours

    def _apply_colours(self) -> None:
        colours = self._active_colours()
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, colours.background)
        palette.setColor(QPalette.ColorRole.WindowText, colours.text)
        self.setPalette(palette)
        self.clock.set_colour(colours.text)
        self.timeline.set_colours(colours.track, colours.text)
        for label in (self.next_phase, self.session_line, self.phase_count):
            label.setStyleSheet(f"color: {colours.dim.name()};")
        self._style_targets()
        self.instructions.setStyleSheet(f"color: {colours.text.name()};")
        self.caption.setStyleSheet(f"color: {colours.text.name()}; font-style: italic;")
        self.notice.setStyleSheet(f"color: {colours.notice.name()};")
        self.muted.setStyleSheet(
            f"color: {colours.background.name()}; background: {colours.dim.name()};"
            " border-radius: 4px; padding: 2px 10px;"
        )
        self._style_kind()
        if self._shown is not None:
            # The hint and the digits take their colours from the view shown: redo them.
            self._hint_colour = ""
            self.show_view(*self._shown)

    def _style_kind(self) -> None:
        colour = kind_colour(self._kind)
        self.kind_chip.setStyleSheet(
            f"background: {colour.name()}; color: #ffffff; border-radius: 6px; padding: 4px 14px;"
        )
        self.phase_name.setStyleSheet(f"color: {self._active_colours().text.name()};")

    def _treadmill_scale(self) -> float:
        """How much larger treadmill mode sets its text: 1.3 on a tall screen, less on a
        short one, so the digits keep a third of a small laptop's screen."""
        if not self._treadmill:
            return 1.0
        return 1.0 + 0.3 * min(1.0, max(0.0, (self.height() - 560) / 240))

    def _apply_fonts(self) -> None:
        unit = max(0.6, self.height() / 800) * self._font_scale
        big = self._treadmill_scale()

        def font(px: float, bold: bool = False) -> QFont:
            f = QFont(self.font())
            f.setPixelSize(max(10, round(px * unit)))
            f.setBold(bold)
            return f

        self.phase_name.setFont(font(46 * big, bold=True))
        self.kind_chip.setFont(font(20 * big, bold=True))
        self.phase_count.setFont(font(20))
        self.hint.setFont(font(30 * big, bold=True))
        self._lines[self.targets] = font(34 * big, bold=True)
        self._lines[self.next_phase] = font(32 * big, bold=True)
        # One height for the row whatever font its texts shrink to: the digits never move.
        row = math.ceil(max(QFontMetricsF(f).height() for f in self._lines.values()))
        for line in self._lines:
            line.setFixedHeight(row)
            self._fit_line(line)
        self.session_line.setFont(font(20 * big))
        self.muted.setFont(font(18 * big, bold=True))
        self.prepare_label.setFont(font(18))
        self.timeline.setFixedHeight(max(24, round(34 * unit * big)))
        # Rows keep their height whatever they hold, so the digits never change size when a
        # caption comes and goes or a phase has no instructions; a text too long for its
        # rows gets a smaller font rather than being cut off.
        hint = self.hint.font()
        self.hint.setFixedHeight(math.ceil(QFontMetricsF(hint).lineSpacing()) + 2)
        for label, px, rows in (
            (self.instructions, 24 * big, 2),
            (self.caption, 26 * big, 2),
            (self.notice, 17 * big, 2),
        ):
            base = font(px)
            self._rows[label] = (rows, base)
            label.setFixedHeight(math.ceil(QFontMetricsF(base).lineSpacing() * rows) + 2)
            self._fit(label)

    def _fit_line(self, label: QLabel) -> None:
        """A one-line row in its own font, or smaller (down to SMALLEST_FIT of it) when its
        text is wider than its half of the row; never cut off at the start or the end."""
        base = self._lines.get(label)
        if base is None:
            return
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        inner = self.width() - (margins.left() + margins.right() if margins is not None else 0)
        # The two share the row equally; the new-target badge's padding takes some of it.
        width = max(1, (inner - LINE_GAP) // 2 - 2 * BADGE_PADDING)
        font = QFont(base)
        smallest = max(10, round(base.pixelSize() * SMALLEST_FIT))
        text = label.text()
        while font.pixelSize() > smallest and QFontMetricsF(font).horizontalAdvance(text) > width:
            font.setPixelSize(font.pixelSize() - 1)
        if label.font() != font:
            label.setFont(font)

    def _set_line(self, label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)
            self._fit_line(label)

    def _fit(self, label: QLabel) -> None:
        """Show a wrapped row's text in the largest font (up to its own) at which it fits its
        rows; the script's own line breaks give way (lines run on) before the font shrinks."""
        rows_base = self._rows.get(label)
        if rows_base is None:
            return
        _rows, base = rows_base
        text = self._row_text.get(label, label.text())
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        width = self.width() - (margins.left() + margins.right() if margins is not None else 0)
        if label is self.notice:
            width = label.width()  # shares its row with the session time
        shown, font = text, QFont(base)
        if text and width > 0:
            if label is self.notice:
                # Notices are one per line; when all of them do not fit at a readable size,
                # the newest ones are shown (the tooltip holds all of them).
                lines = text.splitlines()
                groups = [(["\n".join(lines[i:])], NOTICE_SMALLEST) for i in range(len(lines))]
            else:
                run_on = " ".join(line.strip() for line in text.splitlines() if line.strip())
                groups = [([text] if run_on == text else [text, run_on], SMALLEST_FIT)]
            shown, font = self._fitting(groups, base, width, label.height() - 2)
        if label.font() != font:
            label.setFont(font)
        if label.text() != shown:
            label.setText(shown)

    @staticmethod
    def _fitting(
        groups: list[tuple[list[str], float]], base: QFont, width: int, room: int
    ) -> tuple[str, QFont]:
        """The first text (group by group, each from its largest font down to its smallest
        share of `base`) that fits `width` x `room` wrapped; else the last, smallest."""
        flags = int(Qt.TextFlag.TextWordWrap)
        font = QFont(base)
        for candidates, share in groups:
            smallest = max(10, round(base.pixelSize() * share))
            for px in range(base.pixelSize(), smallest - 1, -1):
                font.setPixelSize(px)
                metrics = QFontMetricsF(font)
                for candidate in candidates:
                    box = metrics.boundingRect(QRectF(0, 0, width, 1e6), flags, candidate)
                    if box.height() <= room and box.width() <= width:
                        return candidate, font
        return groups[-1][0][-1], font

    def _set_row_text(self, label: QLabel, text: str) -> None:
        if self._row_text.get(label) != text:
            self._row_text[label] = text
            label.setText(text)
            self._fit(label)

    def row_text(self, label: QLabel) -> str:
        """The whole text given to a wrapped row (the label may show it run on)."""
        return self._row_text.get(label, label.text())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_fonts()

    # Showing.

    def show_view(self, view: View, ready_left: int | None = None, now: float = 0.0) -> None:
        """Redraw from one engine View (and the get-ready count, if one is on)."""
        self._shown = (view, ready_left, now)
        plan = self._plan
        total_phases = len(plan.phases) if plan is not None else 0
        kind = Kind(view.kind) if view.kind is not None else Kind.WALK
        if kind is not self._kind:
            self._kind = kind
            self._style_kind()
        self.kind_chip.setText(kind_label(kind).upper())
        self.phase_name.setText(view.phase_name or "")
        self.phase_count.setText(f"Phase {view.phase_index + 1} of {total_phases}")

        colours = self._active_colours()
        manual = view.phase_remaining is None
        reserve = self._reserve(view)
        if ready_left is not None:
            self.clock.set_text(str(max(1, ready_left)), reserve)
            self.clock.set_colour(colours.accent)
            self._set_hint("Get ready…", colours.accent)
        else:
            if manual:
                self.clock.set_text(format_clock(view.phase_elapsed), reserve)
            else:
                self.clock.set_text(format_clock(view.phase_remaining or 0.0, ceil=True), reserve)
            self.clock.set_colour(colours.dim if view.state is State.PAUSED else colours.text)
            self._set_hint(*self._hint(view, colours))

        self._set_line(self.targets, targets_text(view.speed, view.incline))
        self._light_target(
            self._target_changed(view) and view.phase_elapsed < TARGET_HIGHLIGHT_SECONDS
        )
        self._set_line(
            self.next_phase, f"Next: {view.next_name}" if view.next_name else "Last phase"
        )
        self._set_row_text(self.instructions, (view.instructions or "").strip())

        left = format_clock(view.session_remaining, ceil=True)
        more = "at least " if view.at_least else ""
        self.session_line.setText(
            f"Elapsed {format_clock(view.session_elapsed)}   ·   {more}{left} to go"
        )
        if view.phase_duration:
            self.timeline.set_duration(view.phase_index, view.phase_duration)
            fraction = view.phase_elapsed / view.phase_duration
        else:
            fraction = 0.5
        if view.state is State.READY and ready_left is None:
            fraction = 0.0
        self.timeline.set_position(view.phase_index, fraction)
        stale = view.phase_index != self._caption_phase and not self._caption_fresh
        if self._caption_until is not None and (now >= self._caption_until or stale):
            self._set_row_text(self.caption, "")
            self._caption_until = None
        self._caption_phase = view.phase_index
        self._caption_fresh = False

    def _target_changed(self, view: View) -> bool:
        """Whether this phase's target differs from the phase before it (or is the first)."""
        if view.speed is None and view.incline is None:
            return False
        plan = self._plan
        if plan is None or view.phase_index == 0 or view.phase_index > len(plan.phases):
            return True
        before = plan.phases[view.phase_index - 1]
        return (before.speed, before.incline) != (view.speed, view.incline)

    def _light_target(self, lit: bool) -> None:
        if lit != self._target_lit:
            self._target_lit = lit
            self._style_targets()

    @property
    def target_highlighted(self) -> bool:
        """Whether the target is shown as new (the first seconds of a phase that changes it)."""
        return self._target_lit

    def _style_targets(self) -> None:
        colours = self._active_colours()
        if self._target_lit:
            self.targets.setStyleSheet(
                f"color: {colours.background.name()}; background: {colours.accent.name()};"
                f" border-radius: 10px; padding: 0px {BADGE_PADDING}px;"
            )
        else:
            self.targets.setStyleSheet(f"color: {colours.text.name()};")

    def _reserve(self, view: View) -> str:
        """The longest text this phase's clock can show, so its size holds steady."""
        if view.phase_remaining is None:
            return "00:00"
        longest = max(view.phase_duration or 0.0, view.phase_remaining)
        return format_clock(longest)

    def _hint(self, view: View, colours: Colours) -> tuple[str, QColor]:
        if view.state is State.READY:
            return "Press Space to start", colours.accent
        if view.state is State.PAUSED:
            return "Paused · press Space to resume", colours.notice
        if view.waiting:
            return WAITING_HINT, colours.accent
        if view.state is State.FINISHED:
            return "Session complete", colours.accent
        return "", colours.text

    def _set_hint(self, text: str, colour: QColor) -> None:
        """The line under the digits; while a manual phase waits for the walker it is a
        filled badge, so "press Space when done" cannot be missed across the room."""
        waiting = text == WAITING_HINT
        if (
            text == self.hint.text()
            and waiting == self._waiting
            and colour.name() == (self._hint_colour)
        ):
            return
        self._waiting = waiting
        self._hint_colour = colour.name()
        self.hint.setText(text)
        if waiting:
            background = self._active_colours().background.name()
            self.hint.setStyleSheet(
                f"color: {background}; background: {colour.name()}; border-radius: 10px;"
                " padding: 0px 22px;"
            )
        else:
            self.hint.setStyleSheet(f"color: {colour.name()};")

    @property
    def waiting_shown(self) -> bool:
        """Whether the "press Space when done" badge is on screen."""
        return self._waiting and self.hint.text() == WAITING_HINT

    def show_caption(self, text: str, now: float) -> None:
        self._set_row_text(self.caption, f"“{text}”")
        self._caption_until = now + CAPTION_SECONDS
        self._caption_fresh = True

    def set_muted(self, muted: bool) -> None:
        self.muted.setVisible(muted)

    def add_notice(self, text: str) -> None:
        if text in self._notices:
            return
        self._notices.append(text)
        self.notice.setToolTip("\n".join(self._notices))
        self._set_row_text(self.notice, "\n".join(self._notices[-3:]))

    def notices(self) -> list[str]:
        return list(self._notices)

    def show_refusal(self, text: str) -> None:
        """A command that did not apply, e.g. 'there is no phase before the first one'."""
        self._set_hint(text[:1].upper() + text[1:], self._active_colours().notice)

    def set_preparing(self, done: int, total: int) -> None:
        self.prepare_panel.show()
        self.prepare_bar.setRange(0, max(1, total))
        self.prepare_bar.setValue(min(done, max(1, total)))
        self.prepare_bar.setFormat(f"{done} of {total}")

    def prepared(self) -> None:
        self.prepare_panel.hide()

    def digits_height(self) -> float:
        return self.clock.digit_height()
