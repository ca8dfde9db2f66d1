"""The editor's forms: the session's settings, a phase (or a step of a block), a block.

A form never changes the document itself: every change becomes a command it emits
(`command`), which the window applies and puts on the undo stack. `load` fills the widgets
from the document without emitting anything. Values the script leaves out are shown as their
defaults and written only once the user changes them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from walktimer.core.durations import format_clock, format_compact
from walktimer.core.format.tables import BUILTIN_SOUNDS, LIMITS
from walktimer.core.format.values import (
    ValueProblem,
    is_manual,
    parse_duration,
    parse_incline,
    parse_speed,
    plain_seconds,
)
from walktimer.core.script import Announce, Kind, Sounds, Voice
from walktimer.editing.commands import Command, SetFields, SetTable, add_item, delete_item
from walktimer.editing.document import Document, Loc
from walktimer.i18n import N_, Phrases
from walktimer.ui.theme import kind_label
from walktimer.ui.words import user_phrases

__all__ = [
    "DEFAULT_REMINDERS",
    "BlockForm",
    "PhaseForm",
    "SessionForm",
    "duration_hint",
    "duration_value",
    "incline_reading",
    "speed_reading",
]

# Written into the script in the window's language when reminders are turned on.
DEFAULT_REMINDERS = [
    N_("Head level, eyes forward."),
    N_("Relax your shoulders."),
    N_("Engage your core."),
]
_VOICE, _SOUNDS, _ANNOUNCE = Voice(), Sounds(), Announce()


def duration_value(text: str) -> Any:
    """What a typed duration is written as: 90 stays a number, "5m" a string, "" nothing."""
    stripped = text.strip()
    if not stripped:
        return None
    number = plain_seconds(stripped)
    if number is not None:
        return number
    negative = stripped.startswith("-") and stripped[1:2].isdigit()
    if negative and (number := plain_seconds(stripped[1:])) is not None:
        return -number
    return stripped


def duration_hint(value: Any, t: Phrases | None = None) -> str:
    """What a duration field says beside itself: "= 1:30", or why the value is no duration."""
    if value is None:
        return ""
    if is_manual(value):
        return (t or user_phrases()).gettext("until you press Next")
    try:
        return f"= {format_clock(parse_duration(value, phrases=t or user_phrases()))}"
    except ValueProblem as error:
        return str(error)


def speed_reading(value: Any) -> tuple[float, str] | None:
    """A speed target as the form shows it (number, unit); None when the loader refuses it."""
    try:
        speed = parse_speed(value)
    except ValueProblem:
        return None
    return round(speed.value, 6), speed.unit


def incline_reading(value: Any) -> float | None:
    """An incline target as the form shows it; None when the loader refuses it."""
    try:
        return parse_incline(value).percent
    except ValueProblem:
        return None


def _set_range(spin: QSpinBox | QDoubleSpinBox, limit: str) -> None:
    """A spin box's range from the format's limits."""
    low, high = LIMITS[limit]
    if isinstance(spin, QSpinBox):
        spin.setRange(int(low), int(high))
    else:
        spin.setRange(low, high)


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A row label whose &-key focuses the row's main widget."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        edit.setText(text)


def _set_plain(edit: QPlainTextEdit, text: str) -> None:
    if edit.toPlainText() != text:
        edit.setPlainText(text)


_CUE_COLUMNS = {"at": 1, "every": 1, "say": 2, "sound": 3}


def _hint_label() -> QLabel:
    """The text beside a field saying why its value cannot be used (empty when it can)."""
    label = QLabel()
    label.setObjectName("hint")
    label.setWordWrap(True)
    label.hide()
    return label


def _name_row(edit: QLineEdit, hint: QLabel) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(hint, 1)
    return row


def _list_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    return _text(value)


def _list_value(text: str) -> list[Any]:
    return [duration_value(part) for part in text.split(",") if part.strip()]


class _Form(QWidget):
    """Shared plumbing: the command signal, a loading guard, widgets by key for problems."""

    command = Signal(object, bool)  # (Command, merge with the previous edit of this field)
    speak = Signal(str)  # preview this text with the session's voice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.t = user_phrases()
        self.loading = False
        self.doc: Document | None = None
        self.loc = Loc()
        self.fields: dict[str, QWidget] = {}
        self.name_hint = _hint_label()

    def mark(self, problems: dict[tuple[int | None, str | None], str]) -> None:
        """Show the loader's problems of this place beside their fields: `problems` maps
        (cue row or None, key) to what is wrong."""
        what = problems.get((None, "name"), "")
        self.name_hint.setText(what)
        self.name_hint.setVisible(bool(what))  # the field is full width while it is fine

    def emit_set(self, key: str, value: Any, *, loc: Loc | None = None, merge: bool = True) -> None:
        if self.loading or self.doc is None:
            return
        self.command.emit(SetFields(loc or self.loc, {key: value}, phrases=self.t), merge)

    def emit_command(self, command: Command) -> None:
        if not self.loading:
            self.command.emit(command, False)

    def field(self, key: str) -> QWidget | None:
        return self.fields.get(key)


class PhaseForm(_Form):
    """A phase, or a step of a repeated block: the same keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = self.t
        outer = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("formTitle")
        outer.addWidget(self.title)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)

        self.name = QLineEdit()
        self.name.setAccessibleName(t.gettext("Phase name"))
        self.name.textEdited.connect(lambda text: self.emit_set("name", text))
        form.addRow(_buddy(t.gettext("&Name"), self.name), _name_row(self.name, self.name_hint))

        self.kind = QComboBox()
        self.kind.setAccessibleName(t.gettext("Kind"))
        for kind in Kind:
            self.kind.addItem(t.gettext(kind_label(kind)), kind.value)
        self.kind.activated.connect(
            lambda _i: self.emit_set("kind", self.kind.currentData(), merge=False)
        )
        form.addRow(t.gettext("&Kind"), self.kind)

        self.duration = QLineEdit()
        self.duration.setAccessibleName(t.gettext("Duration"))
        self.duration.setPlaceholderText(t.gettext("5m, 1m30s, 2:30, 90 …"))
        self.duration.setToolTip('Seconds (90) or "90s", "5m", "1m30s", "1h5m", "2:30", "1:02:30".')
        self.duration.textEdited.connect(self._duration_edited)
        self.manual = QCheckBox(t.gettext("Manual (ends when you press Next)"))
        self.manual.setAccessibleName(t.gettext("Manual phase"))
        self.manual.toggled.connect(self._manual_toggled)
        self.duration_hint = QLabel()
        self.duration_hint.setObjectName("hint")
        row = QHBoxLayout()
        row.addWidget(self.duration, 1)
        row.addWidget(self.duration_hint, 1)
        form.addRow(_buddy(t.gettext("&Duration"), self.duration), row)
        form.addRow("", self.manual)

        self.say = QLineEdit()
        self.say.setAccessibleName(t.gettext("Spoken at the start"))
        self.say.setPlaceholderText(t.gettext("Default: the phase name"))
        self.say.textEdited.connect(lambda text: self.emit_set("say", text or None))
        speak_say = QPushButton(t.gettext("Speak it"))
        speak_say.setAccessibleName(t.gettext("Speak the start text"))
        speak_say.clicked.connect(lambda: self.speak.emit(self.say.text() or self.name.text()))
        row = QHBoxLayout()
        row.addWidget(self.say, 1)
        row.addWidget(speak_say)
        form.addRow(_buddy(t.gettext("&Say"), self.say), row)

        self.instructions = QPlainTextEdit()
        self.instructions.setAccessibleName(t.gettext("Instructions on screen"))
        self.instructions.setPlaceholderText(
            t.gettext("Shown on screen during the phase, not spoken")
        )
        self.instructions.setFixedHeight(72)
        self.instructions.textChanged.connect(
            lambda: self.emit_set("instructions", self.instructions.toPlainText() or None)
        )
        form.addRow(t.gettext("&Instructions"), self.instructions)

        self.speed_on = QCheckBox()
        self.speed_on.setAccessibleName(t.gettext("Speed target on"))
        self.speed = QDoubleSpinBox()
        self.speed.setAccessibleName(t.gettext("Speed"))
        _set_range(self.speed, "speed")
        self.speed.setDecimals(1)
        self.speed.setSingleStep(0.1)
        self.speed_unit = QComboBox()
        self.speed_unit.setAccessibleName(t.gettext("Speed unit"))
        self.speed_unit.addItems(["km/h", "mph"])
        self.speed_on.toggled.connect(self._speed_changed)
        self.speed.valueChanged.connect(self._speed_changed)
        self.speed_unit.activated.connect(self._speed_changed)
        row = QHBoxLayout()
        row.addWidget(self.speed_on)
        row.addWidget(self.speed)
        row.addWidget(self.speed_unit)
        row.addStretch(1)
        form.addRow(_buddy(t.gettext("S&peed"), self.speed_on), row)

        self.incline_on = QCheckBox()
        self.incline_on.setAccessibleName(t.gettext("Incline target on"))
        self.incline = QDoubleSpinBox()
        self.incline.setAccessibleName(t.gettext("Incline"))
        _set_range(self.incline, "incline")
        self.incline.setDecimals(1)
        self.incline.setSingleStep(0.5)
        self.incline.setSuffix(" %")
        self.incline_on.toggled.connect(self._incline_changed)
        self.incline.valueChanged.connect(self._incline_changed)
        row = QHBoxLayout()
        row.addWidget(self.incline_on)
        row.addWidget(self.incline)
        row.addStretch(1)
        form.addRow(_buddy(t.gettext("In&cline"), self.incline_on), row)

        self.countdown_on = QCheckBox(t.gettext("own"))
        self.countdown_on.setAccessibleName(t.gettext("Own countdown"))
        self.countdown = QSpinBox()
        self.countdown.setAccessibleName(t.gettext("Countdown seconds"))
        _set_range(self.countdown, "countdown")
        self.countdown.setSuffix(" s")
        self.countdown_on.toggled.connect(self._countdown_changed)
        self.countdown.valueChanged.connect(self._countdown_changed)
        row = QHBoxLayout()
        row.addWidget(self.countdown_on)
        row.addWidget(self.countdown)
        row.addStretch(1)
        form.addRow(_buddy(t.gettext("Coun&tdown"), self.countdown_on), row)

        self.reminders = QComboBox()
        self.reminders.setAccessibleName(t.gettext("Posture reminders"))
        self.reminders.addItem(t.gettext("As the kind says"), None)
        self.reminders.addItem(t.gettext("On"), True)
        self.reminders.addItem(t.gettext("Off"), False)
        self.reminders.activated.connect(
            lambda _i: self.emit_set("reminders", self.reminders.currentData(), merge=False)
        )
        form.addRow(t.gettext("&Reminders"), self.reminders)

        box = QGroupBox(t.gettext("Cues"))
        cue_layout = QVBoxLayout(box)
        self.cues = QTableWidget(0, 4)
        self.cues.setAccessibleName(t.gettext("Cues"))
        self.cues.setHorizontalHeaderLabels(
            [t.gettext("When"), t.gettext("Time"), t.gettext("Say"), t.gettext("Sound")]
        )
        header = self.cues.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.cues.verticalHeader().setVisible(False)
        self.cues.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cues.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cues.setToolTip(
            t.gettext(
                'Time: "2m" from the start, "-30s" before the end, "50%" of the phase. '
                "Sound: bell, beep, tick, chime, ping, none or a .wav file."
            )
        )
        self.cues.cellChanged.connect(self._cue_cell_changed)
        cue_layout.addWidget(self.cues)
        buttons = QHBoxLayout()
        self.add_cue = QPushButton(t.gettext("Add cue"))
        self.add_cue.clicked.connect(self._add_cue)
        self.delete_cue = QPushButton(t.gettext("Delete cue"))
        self.delete_cue.clicked.connect(self._delete_cue)
        self.speak_cue = QPushButton(t.gettext("Speak it"))
        self.speak_cue.setAccessibleName(t.gettext("Speak the selected cue"))
        self.speak_cue.clicked.connect(self._speak_cue)
        for button in (self.add_cue, self.delete_cue, self.speak_cue):
            buttons.addWidget(button)
        buttons.addStretch(1)
        cue_layout.addLayout(buttons)
        outer.addWidget(box, 1)

        self.fields = {
            "name": self.name,
            "kind": self.kind,
            "duration": self.duration,
            "say": self.say,
            "instructions": self.instructions,
            "speed": self.speed,
            "incline": self.incline,
            "countdown": self.countdown,
            "reminders": self.reminders,
            "cue": self.cues,
        }

    # -- loading ----------------------------------------------------------------------------------

    def load(self, doc: Document, loc: Loc) -> None:
        self.loading = True
        try:
            self.doc = doc
            self.loc = loc
            values = doc.values(loc)
            phase = (loc.phase or 0) + 1
            where = (
                self.t.gettext("Step {step} of phase {phase}").format(
                    step=loc.step + 1, phase=phase
                )
                if loc.step is not None
                else self.t.gettext("Phase {phase}").format(phase=phase)
            )
            self.title.setText(f"<b>{where}</b>")
            _set_text(self.name, _text(values.get("name")))
            kind = values.get("kind", "walk")
            index = self.kind.findData(kind)
            self.kind.setCurrentIndex(index if index >= 0 else self.kind.findData("walk"))
            duration = values.get("duration")
            manual = is_manual(duration)
            self.manual.setChecked(manual)
            self.duration.setEnabled(not manual)
            if not manual:
                _set_text(self.duration, _text(duration))
            self.duration_hint.setText(duration_hint(duration, self.t))
            _set_text(self.say, _text(values.get("say")))
            _set_plain(self.instructions, _text(values.get("instructions")))
            self._load_speed(values.get("speed"))
            self._load_incline(values.get("incline"))
            countdown = values.get("countdown")
            self.countdown_on.setChecked(countdown is not None)
            self.countdown.setEnabled(countdown is not None and not manual)
            self.countdown_on.setEnabled(not manual)
            if isinstance(countdown, int) and not isinstance(countdown, bool):
                self.countdown.setValue(countdown)
            reminders = values.get("reminders")
            self.reminders.setCurrentIndex(
                self.reminders.findData(reminders) if isinstance(reminders, bool) else 0
            )
            self._load_cues(values.get("cue", []))
        finally:
            self.loading = False

    def _load_speed(self, value: Any) -> None:
        self.speed_on.setChecked(value is not None)
        self.speed.setEnabled(value is not None)
        self.speed_unit.setEnabled(value is not None)
        reading = speed_reading(value)
        if reading is not None:
            number, unit = reading
            self.speed.setValue(number)
            self.speed_unit.setCurrentText(unit)

    def _load_incline(self, value: Any) -> None:
        self.incline_on.setChecked(value is not None)
        self.incline.setEnabled(value is not None)
        reading = incline_reading(value)
        if reading is not None:
            self.incline.setValue(reading)

    def _load_cues(self, cues: Any) -> None:
        rows = [cue for cue in cues if isinstance(cue, dict)] if isinstance(cues, list) else []
        selected = self.cues.currentRow()
        self.cues.setRowCount(len(rows))
        for row, cue in enumerate(rows):
            when = "every" if "every" in cue and "at" not in cue else "at"
            combo = self.cues.cellWidget(row, 0)
            if not isinstance(combo, QComboBox):
                combo = QComboBox()
                combo.addItem(self.t.gettext("at"), "at")
                combo.addItem(self.t.gettext("every"), "every")
                combo.setAccessibleName(
                    self.t.gettext("Cue {row}: at or every").format(row=row + 1)
                )
                combo.activated.connect(lambda _i, r=row: self._when_changed(r))
                self.cues.setCellWidget(row, 0, combo)
            combo.setCurrentIndex(combo.findData(when))
            for column, value in ((1, cue.get(when)), (2, cue.get("say")), (3, cue.get("sound"))):
                item = self.cues.item(row, column)
                text = _text(value)
                if item is None:
                    self.cues.setItem(row, column, QTableWidgetItem(text))
                elif item.text() != text:
                    item.setText(text)
        if 0 <= selected < len(rows):
            self.cues.selectRow(selected)

    def mark(self, problems: dict[tuple[int | None, str | None], str]) -> None:
        """Beside the name; in the cue table, the cells a problem names turn red and say
        why in their tooltip (a cue with nothing to play: its Say and Sound cells)."""
        super().mark(problems)
        marked: dict[tuple[int, int], list[str]] = {}
        for (row, key), what in problems.items():
            if row is None:
                continue
            columns = [_CUE_COLUMNS[key]] if key in _CUE_COLUMNS else [2, 3]
            for column in columns:
                marked.setdefault((row, column), []).append(what)
        self.cues.blockSignals(True)
        try:
            for row in range(self.cues.rowCount()):
                for column in (1, 2, 3):
                    item = self.cues.item(row, column)
                    if item is None:
                        continue
                    whats = marked.get((row, column))
                    item.setBackground(QBrush(QColor(255, 80, 80, 70)) if whats else QBrush())
                    item.setToolTip("\n".join(whats) if whats else "")
        finally:
            self.cues.blockSignals(False)

    # -- editing ----------------------------------------------------------------------------------

    def _duration_edited(self, text: str) -> None:
        value = duration_value(text)
        self.duration_hint.setText(duration_hint(value))
        self.emit_set("duration", value)

    def _manual_toggled(self, on: bool) -> None:
        if self.loading:
            return
        if on:
            self.emit_set("duration", "manual", merge=False)
        else:
            self.emit_set("duration", duration_value(self.duration.text()) or "5m", merge=False)

    def _speed_changed(self) -> None:
        if self.loading:
            return
        self.speed.setEnabled(self.speed_on.isChecked())
        self.speed_unit.setEnabled(self.speed_on.isChecked())
        if not self.speed_on.isChecked():
            self.emit_set("speed", None, merge=False)
            return
        number = round(self.speed.value(), 1)
        unit = self.speed_unit.currentText()
        old = self.doc.get(self.loc, "speed") if self.doc is not None else None
        if unit == "km/h" and isinstance(old, int | float) and not isinstance(old, bool):
            value: Any = number
        else:
            value = f"{number:g} {unit}"
        self.emit_set("speed", value)

    def _incline_changed(self) -> None:
        if self.loading:
            return
        self.incline.setEnabled(self.incline_on.isChecked())
        if not self.incline_on.isChecked():
            self.emit_set("incline", None, merge=False)
            return
        number = round(self.incline.value(), 1)
        old = self.doc.get(self.loc, "incline") if self.doc is not None else None
        numeric = isinstance(old, int | float) and not isinstance(old, bool)
        self.emit_set("incline", number if numeric else f"{number:g}%")

    def _countdown_changed(self) -> None:
        if self.loading:
            return
        self.countdown.setEnabled(self.countdown_on.isChecked())
        value = self.countdown.value() if self.countdown_on.isChecked() else None
        self.emit_set("countdown", value)

    def _cue_loc(self, row: int) -> Loc:
        return Loc(phase=self.loc.phase, step=self.loc.step, cue=row)

    def _when(self, row: int) -> str:
        combo = self.cues.cellWidget(row, 0)
        return str(combo.currentData() or "at") if isinstance(combo, QComboBox) else "at"

    def _cue_cell_changed(self, row: int, column: int) -> None:
        if self.loading or self.doc is None:
            return
        item = self.cues.item(row, column)
        text = item.text().strip() if item is not None else ""
        loc = self._cue_loc(row)
        if column == 1:
            self.emit_set(self._when(row), duration_value(text), loc=loc, merge=False)
        elif column == 2:
            self.emit_set("say", text or None, loc=loc, merge=False)
        elif column == 3:
            self.emit_set("sound", text or None, loc=loc, merge=False)

    def _when_changed(self, row: int) -> None:
        if self.loading or self.doc is None:
            return
        when = self._when(row)
        other = "every" if when == "at" else "at"
        loc = self._cue_loc(row)
        value = self.doc.get(loc, other)
        if value is None:
            value = self.doc.get(loc, when)
        self.command.emit(
            SetFields(loc, {other: None, when: value}, self.t.gettext("Change a cue")), False
        )

    def _add_cue(self) -> None:
        if self.doc is None:
            return
        owner = Loc(phase=self.loc.phase, step=self.loc.step)
        count = self.doc.count(owner, "cue")
        self.emit_command(
            add_item(
                self.doc,
                owner,
                "cue",
                count,
                {"at": "30s", "say": self.t.gettext("New cue.")},
                phrases=self.t,
            )
        )
        self.cues.selectRow(count)

    def _delete_cue(self) -> None:
        row = self.cues.currentRow()
        if self.doc is None or row < 0:
            return
        owner = Loc(phase=self.loc.phase, step=self.loc.step)
        self.emit_command(delete_item(self.doc, owner, "cue", row, phrases=self.t))

    def _speak_cue(self) -> None:
        row = max(self.cues.currentRow(), 0)
        item = self.cues.item(row, 2)
        text = item.text() if item is not None else ""
        self.speak.emit(text or self.say.text() or self.name.text())


class BlockForm(_Form):
    """A repeated block: its name and how many rounds; the steps are in the structure view."""

    add_step = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = self.t
        outer = QVBoxLayout(self)
        self.title = QLabel()
        outer.addWidget(self.title)
        form = QFormLayout()
        outer.addLayout(form)
        self.name = QLineEdit()
        self.name.setAccessibleName(t.gettext("Block name"))
        self.name.textEdited.connect(lambda text: self.emit_set("name", text))
        form.addRow(_buddy(t.gettext("&Name"), self.name), _name_row(self.name, self.name_hint))
        self.repeat = QSpinBox()
        self.repeat.setAccessibleName(t.gettext("Rounds"))
        _set_range(self.repeat, "repeat")
        self.repeat.setSuffix(" rounds")
        self.repeat.setMaximumWidth(140)
        self.repeat.valueChanged.connect(lambda value: self.emit_set("repeat", value))
        row = QHBoxLayout()
        row.addWidget(self.repeat)
        row.addStretch(1)
        form.addRow(_buddy(t.gettext("&Repeat"), self.repeat), row)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        button = QPushButton(t.gettext("Add step"))
        button.clicked.connect(self.add_step.emit)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.fields = {"name": self.name, "repeat": self.repeat, "step": button}

    def load(self, doc: Document, loc: Loc) -> None:
        self.loading = True
        try:
            self.doc = doc
            self.loc = loc
            values = doc.values(loc)
            title = self.t.gettext("Repeated block, phase {phase}").format(
                phase=(loc.phase or 0) + 1
            )
            self.title.setText(f"<b>{title}</b>")
            _set_text(self.name, _text(values.get("name")))
            repeat = values.get("repeat")
            if isinstance(repeat, int) and not isinstance(repeat, bool):
                self.repeat.setValue(repeat)
            steps = doc.count(loc, "step")
            summary = self.t.ngettext(
                "Its {n} step play in order, once per round. "
                "Select a step on the left to edit it; Ctrl+Up and Ctrl+Down move it.",
                "Its {n} steps play in order, once per round. "
                "Select a step on the left to edit it; Ctrl+Up and Ctrl+Down move it.",
                steps,
            )
            self.summary.setText(summary.format(n=steps))
        finally:
            self.loading = False


class _SoundRow(QWidget):
    """A built-in sound or a WAV file."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = user_phrases()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.addItems(list(BUILTIN_SOUNDS))
        self.combo.setAccessibleName(t.gettext("{label} sound").format(label=label))
        self.combo.setToolTip(t.gettext("A built-in sound, none, or the path of a .wav file"))
        self.choose = QPushButton(t.gettext("WAV file…"))
        self.choose.setAccessibleName(
            t.gettext("Choose a WAV file for the {sound} sound").format(sound=label.lower())
        )
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.choose)


class SessionForm(_Form):
    """The session's name, voice, sounds, announcements and posture reminders."""

    preview_voice = Signal()
    choose_wav = Signal(str)  # the [sounds] key to choose a file for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = self.t
        outer = QVBoxLayout(self)

        about = QGroupBox(t.gettext("Session"))
        form = QFormLayout(about)
        self.name = QLineEdit()
        self.name.setAccessibleName(t.gettext("Session name"))
        self.name.textEdited.connect(lambda text: self.emit_set("name", text))
        form.addRow(_buddy(t.gettext("&Name"), self.name), _name_row(self.name, self.name_hint))
        self.description = QPlainTextEdit()
        self.description.setAccessibleName(t.gettext("Description"))
        self.description.setFixedHeight(56)
        self.description.textChanged.connect(
            lambda: self.emit_set("description", self.description.toPlainText() or None)
        )
        form.addRow(t.gettext("&Description"), self.description)
        self.tags = QLineEdit()
        self.tags.setAccessibleName(t.gettext("Tags"))
        self.tags.setPlaceholderText(t.gettext("treadmill, back-care"))
        self.tags.textEdited.connect(self._tags_edited)
        form.addRow(t.gettext("&Tags"), self.tags)
        outer.addWidget(about)

        voice = QGroupBox(t.gettext("Voice"))
        form = QFormLayout(voice)
        self.voice = QLineEdit()
        self.voice.setAccessibleName(t.gettext("Voice"))
        self.voice.setPlaceholderText(
            t.gettext("The speech engine's default (or a language like en-gb)")
        )
        self.voice.textEdited.connect(
            lambda text: self.emit_set("voice", text or None, loc=Loc(table="voice"))
        )
        form.addRow(t.gettext("&Voice"), self.voice)
        self.rate = QSpinBox()
        self.rate.setAccessibleName(t.gettext("Speaking rate"))
        _set_range(self.rate, "voice.rate")
        self.rate.setSuffix(" words/min")
        self.rate.valueChanged.connect(
            lambda value: self.emit_set("rate", value, loc=Loc(table="voice"))
        )
        self.volume = QDoubleSpinBox()
        self.volume.setAccessibleName(t.gettext("Volume"))
        _set_range(self.volume, "voice.volume")
        self.volume.setSingleStep(0.05)
        self.volume.setDecimals(2)
        self.volume.valueChanged.connect(
            lambda value: self.emit_set("volume", round(value, 2), loc=Loc(table="voice"))
        )
        preview = QPushButton(t.gettext("Preview"))
        preview.setAccessibleName(t.gettext("Preview the voice"))
        preview.clicked.connect(self.preview_voice.emit)
        row = QHBoxLayout()
        row.addWidget(self.rate)
        row.addWidget(QLabel(t.gettext("Volume")))
        row.addWidget(self.volume)
        row.addWidget(preview)
        row.addStretch(1)
        form.addRow(_buddy(t.gettext("&Rate"), self.rate), row)
        outer.addWidget(voice)

        sounds = QGroupBox(t.gettext("Sounds"))
        form = QFormLayout(sounds)
        self.sounds: dict[str, _SoundRow] = {}
        for key, label in (
            ("phase", t.gettext("Phase change")),
            ("countdown", t.gettext("Countdown")),
            ("finish", t.gettext("Finish")),
            ("reminder", t.gettext("Reminder")),
        ):
            row_widget = _SoundRow(label)
            row_widget.combo.currentTextChanged.connect(
                lambda text, k=key: self.emit_set(k, text.strip() or None, loc=Loc(table="sounds"))
            )
            row_widget.choose.clicked.connect(lambda _c=False, k=key: self.choose_wav.emit(k))
            self.sounds[key] = row_widget
            form.addRow(label, row_widget)
        outer.addWidget(sounds)

        announce = QGroupBox(t.gettext("Announcements"))
        form = QFormLayout(announce)
        self.countdown = QSpinBox()
        self.countdown.setAccessibleName(t.gettext("Countdown ticks"))
        _set_range(self.countdown, "countdown")
        self.countdown.setSuffix(" s")
        self.countdown.setSpecialValueText(t.gettext("off"))
        self.countdown.setMaximumWidth(120)
        self.countdown.valueChanged.connect(
            lambda value: self.emit_set("countdown", value, loc=Loc(table="announce"))
        )
        form.addRow(t.gettext("&Countdown"), self.countdown)
        self.remaining = QLineEdit()
        self.remaining.setAccessibleName(t.gettext("Time left announcements"))
        self.remaining.setPlaceholderText(t.gettext("none"))
        self.remaining.setToolTip(
            t.gettext('"1m, 30s": say the time left at these points of each phase')
        )
        self.remaining.textEdited.connect(
            lambda text: self.emit_set("remaining", _list_value(text), loc=Loc(table="announce"))
        )
        form.addRow(t.gettext("Time &left at"), self.remaining)
        row = QHBoxLayout()
        self.halfway = QCheckBox(t.gettext("Halfway"))
        self.next = QCheckBox(t.gettext("Next phase"))
        self.targets = QCheckBox(t.gettext("Treadmill targets"))
        for key, box in (("halfway", self.halfway), ("next", self.next), ("targets", self.targets)):
            box.setAccessibleName(t.gettext("Announce {what}").format(what=box.text().lower()))
            box.toggled.connect(
                lambda on, k=key: self.emit_set(k, on, loc=Loc(table="announce"), merge=False)
            )
            row.addWidget(box)
        row.addStretch(1)
        form.addRow(t.gettext("Say"), row)
        outer.addWidget(announce)

        self.reminders = QGroupBox(t.gettext("Posture reminders"))
        self.reminders.setCheckable(True)
        self.reminders.setAccessibleName(t.gettext("Posture reminders on"))
        self.reminders.toggled.connect(self._reminders_toggled)
        form = QFormLayout(self.reminders)
        self.every = QLineEdit()
        self.every.setAccessibleName(t.gettext("Reminder interval"))
        self.every.setPlaceholderText(t.gettext("90s"))
        self.every.textEdited.connect(
            lambda text: self.emit_set("every", duration_value(text), loc=Loc(table="reminders"))
        )
        self.order = QComboBox()
        self.order.setAccessibleName(t.gettext("Reminder order"))
        self.order.addItem(t.gettext("In order"), "cycle")
        self.order.addItem(t.gettext("Shuffled"), "shuffle")
        self.order.activated.connect(
            lambda _i: self.emit_set(
                "order", self.order.currentData(), loc=Loc(table="reminders"), merge=False
            )
        )
        row = QHBoxLayout()
        row.addWidget(self.every)
        row.addWidget(self.order)
        row.addStretch(1)
        form.addRow(_buddy(t.gettext("&Every"), self.every), row)
        self.texts = QPlainTextEdit()
        self.texts.setAccessibleName(t.gettext("Reminder texts, one per line"))
        self.texts.setPlaceholderText(t.gettext("One reminder per line"))
        self.texts.setFixedHeight(96)
        self.texts.textChanged.connect(self._texts_changed)
        form.addRow(t.gettext("Te&xts"), self.texts)
        outer.addWidget(self.reminders)
        outer.addStretch(1)

        self.fields = {
            "name": self.name,
            "description": self.description,
            "tags": self.tags,
            "voice.voice": self.voice,
            "voice.rate": self.rate,
            "voice.volume": self.volume,
            **{f"sounds.{key}": row.combo for key, row in self.sounds.items()},
            "announce.countdown": self.countdown,
            "announce.remaining": self.remaining,
            "announce.halfway": self.halfway,
            "announce.next": self.next,
            "announce.targets": self.targets,
            "reminders.every": self.every,
            "reminders.order": self.order,
            "reminders.texts": self.texts,
        }

    def load(self, doc: Document, loc: Loc | None = None) -> None:
        self.loading = True
        try:
            self.doc = doc
            self.loc = Loc()
            top = doc.values(Loc())
            _set_text(self.name, _text(top.get("name")))
            _set_plain(self.description, _text(top.get("description")))
            tags = top.get("tags")
            _set_text(self.tags, ", ".join(str(t) for t in tags) if isinstance(tags, list) else "")
            voice = _table(top, "voice")
            _set_text(self.voice, _text(voice.get("voice")))
            self.rate.setValue(_number(voice.get("rate"), _VOICE.rate))
            self.volume.setValue(_number(voice.get("volume"), _VOICE.volume))
            sounds = _table(top, "sounds")
            for key, row in self.sounds.items():
                default = getattr(_SOUNDS, key)
                text = _text(sounds.get(key, "none" if default is None else default.label))
                if row.combo.currentText() != text:
                    row.combo.setCurrentText(text)
            announce = _table(top, "announce")
            self.countdown.setValue(_number(announce.get("countdown"), _ANNOUNCE.countdown))
            default_remaining = [format_compact(seconds) for seconds in _ANNOUNCE.remaining]
            remaining = _list_text(announce.get("remaining", default_remaining))
            if _list_value(self.remaining.text()) != _list_value(remaining):
                self.remaining.setText(remaining)
            self.halfway.setChecked(announce.get("halfway") is True)
            self.next.setChecked(announce.get("next") is not False)
            self.targets.setChecked(announce.get("targets") is not False)
            reminders = top.get("reminders")
            self.reminders.setChecked(isinstance(reminders, dict))
            table = reminders if isinstance(reminders, dict) else {}
            _set_text(self.every, _text(table.get("every")))
            order = self.order.findData(table.get("order", "cycle"))
            self.order.setCurrentIndex(max(order, 0))
            texts = table.get("texts")
            lines = "\n".join(str(t) for t in texts) if isinstance(texts, list) else ""
            if self.texts.toPlainText().rstrip("\n") != lines:
                self.texts.setPlainText(lines)
        finally:
            self.loading = False

    def _tags_edited(self, text: str) -> None:
        tags = [tag.strip() for tag in text.split(",") if tag.strip()]
        self.emit_set("tags", tags or None)

    def _texts_changed(self) -> None:
        lines = [line.strip() for line in self.texts.toPlainText().splitlines() if line.strip()]
        self.emit_set("texts", lines, loc=Loc(table="reminders"))

    def _reminders_toggled(self, on: bool) -> None:
        if self.loading:
            return
        if on:
            texts = [self.t.gettext(text) for text in DEFAULT_REMINDERS]
            values = {"every": "90s", "order": "cycle", "texts": texts}
            self.emit_command(
                SetTable("reminders", values, self.t.gettext("Turn posture reminders on"))
            )
        else:
            off = self.t.gettext("Turn posture reminders off")
            self.emit_command(SetTable("reminders", None, off))


def _table(top: dict[str, Any], key: str) -> dict[str, Any]:
    value = top.get(key)
    return value if isinstance(value, dict) else {}


def _number(value: Any, default: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return default
