"""The pain diary in the window: a 0-10 rating before and after a real walk, and a note.

A bar across the bottom of the window asks, and the keyboard answers: a digit key is the
rating, 1 then 0 is 10, Enter skips (or takes what was typed). Nothing waits for it: the
walk starts as the question appears, and the before-rating can be given in the walk's first
minute (then the question goes away by itself). After the walk the rating is asked again,
then a short free note (Enter keeps it, Esc leaves it out).

Only a real walk begun here is asked about, as in the terminal (walktimer.runner.diary):
not a demo (another speed), not a resumed walk. The answers go where the terminal's go: the
before-rating onto the run's RunKeeper, which logs it with the walk; the after-rating and
the note through `RunKeeper.add_after`, once the walk is logged.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from walktimer.history.log import MAX_NOTE, MAX_RATING

if TYPE_CHECKING:
    from walktimer.history.keeper import RunKeeper
    from walktimer.ui.host import SessionHost

__all__ = ["BEFORE_OPEN_MS", "FOLLOW_MS", "DiaryPanel", "Question"]

BEFORE_OPEN_MS = 60_000  # the before-question stays this long into the walk
FOLLOW_MS = 1_500  # after a 1, this long for a 0 that makes it 10
KEYS_HINT = f"0-9 · 1 then 0 for {MAX_RATING} · Enter skips"


class Question(Enum):
    NONE = "none"
    BEFORE = "before"
    AFTER = "after"
    NOTE = "note"


_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class DiaryPanel(QWidget):
    """The diary's question bar. `follow(host, keeper)` asks about one run."""

    answered = Signal(str, object)  # Question.value, the rating (int | None) or the note

    def __init__(
        self,
        *,
        before_open_ms: int = BEFORE_OPEN_MS,
        follow_ms: int = FOLLOW_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("diary_panel")
        self.setAccessibleName("Pain diary")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.question = Question.NONE
        self.rating: int | None = None
        self.keeper: RunKeeper | None = None
        self.message = QLabel()
        self.message.setObjectName("diary_question")
        self.message.setWordWrap(True)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.message.setFont(font)
        self.keys = QLabel(KEYS_HINT)
        self.keys.setObjectName("diary_keys")
        self.note = QLineEdit()
        self.note.setObjectName("diary_note")
        self.note.setAccessibleName("A short note about this walk")
        self.note.setPlaceholderText("A short note about this walk (Enter keeps it, Esc skips)")
        self.note.setMaxLength(MAX_NOTE)
        self.note.installEventFilter(self)
        self.note.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.note, 2)
        layout.addWidget(self.keys)
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(before_open_ms)
        self._open_timer.timeout.connect(self._before_expired)
        self._follow_timer = QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setInterval(follow_ms)
        self._follow_timer.timeout.connect(self._take_rating)
        self._back_to: QWidget | None = None
        self.hide()

    # Which runs are asked about.

    def follow(self, host: SessionHost, keeper: RunKeeper) -> bool:
        """Ask about this run if it is a real walk begun here; True when it is."""
        if keeper.speed != 1.0 or keeper.resumes:
            return False
        self.keeper = keeper
        host.finished.connect(lambda *_args: self._walk_ended(keeper))
        self.ask(Question.BEFORE)
        return True

    def _walk_ended(self, keeper: RunKeeper) -> None:
        if keeper is not self.keeper:
            return
        self._open_timer.stop()
        if self.question is Question.BEFORE and self._follow_timer.isActive():
            self._take_rating()
        self.ask(Question.AFTER)

    # Asking.

    def ask(self, question: Question) -> None:
        self.question = question
        self.rating = None
        self._follow_timer.stop()
        if question is Question.NOTE:
            self.message.setText("A note about this walk?")
            self.keys.setText("Enter keeps it · Esc skips")
            self.note.clear()
            self.note.show()
            self._open(self.note)
            return
        self.note.hide()
        self.keys.setText(KEYS_HINT)
        if question is Question.BEFORE:
            self.message.setText(f"Pain in your back now, 0-{MAX_RATING}? The walk has begun.")
            self._open_timer.start()
        else:
            self.message.setText(f"Pain in your back now, after the walk, 0-{MAX_RATING}?")
        self._open(self)

    def _open(self, focus: QWidget) -> None:
        bar = self.parentWidget()
        if bar is not None:
            bar.show()
        self.show()
        current = self.window().focusWidget() if self.window() is not None else None
        if current is not None and current is not self and current is not self.note:
            self._back_to = current
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_question(self) -> None:
        self.question = Question.NONE
        self._open_timer.stop()
        self._follow_timer.stop()
        self.hide()
        bar = self.parentWidget()
        if bar is not None and bar is not self.window():
            bar.hide()
        back, self._back_to = self._back_to, None
        if back is not None and back.isVisible():
            back.setFocus(Qt.FocusReason.OtherFocusReason)

    # Keys.

    def event(self, event: QEvent) -> bool:
        # Digits and Enter are the diary's while it asks, not the window's shortcuts (Enter
        # is Start in the library and Done on the summary).
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._is_answer_key(event)
        ):
            event.accept()
            return True
        return super().event(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and isinstance(event, QKeyEvent):
            key = event.key()
            if event.type() == QEvent.Type.ShortcutOverride and key in (*_ENTER, Qt.Key.Key_Escape):
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress and key in _ENTER:
                self._answer_note(self.note.text())
                return True
            if event.type() == QEvent.Type.KeyPress and key == Qt.Key.Key_Escape:
                self._answer_note("")
                return True
        return super().eventFilter(watched, event)

    def _is_answer_key(self, event: QKeyEvent) -> bool:
        if self.question not in (Question.BEFORE, Question.AFTER):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        return event.key() in _ENTER or Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._is_answer_key(event):
            super().keyPressEvent(event)
            return
        key = event.key()
        if key in _ENTER:
            self._take_rating()
            return
        digit = key - Qt.Key.Key_0
        if self.rating == 1 and digit == 0 and self._follow_timer.isActive():
            self.rating = MAX_RATING
            self._take_rating()
            return
        self.rating = digit
        self.message.setText(self._pending_text(digit))
        if digit == 1:
            self._follow_timer.start()  # a 0 may follow, for 10
        else:
            self._take_rating()

    def _pending_text(self, digit: int) -> str:
        return f"Pain {digit}: press 0 now for {MAX_RATING}, or Enter for {digit}."

    # Answers.

    def _before_expired(self) -> None:
        if self.question is Question.BEFORE:
            self._take_rating()

    def _take_rating(self) -> None:
        self._follow_timer.stop()
        question, rating, keeper = self.question, self.rating, self.keeper
        if question is Question.BEFORE:
            if keeper is not None:
                keeper.pain_before = rating
            self.answered.emit(question.value, rating)
            self.close_question()
        elif question is Question.AFTER:
            self.answered.emit(question.value, rating)
            self._after = rating
            self.ask(Question.NOTE)

    _after: int | None = None

    def _answer_note(self, text: str) -> None:
        keeper = self.keeper
        self.answered.emit(Question.NOTE.value, text)
        self.close_question()
        self.keeper = None
        if keeper is None:
            return
        problem = keeper.add_after(self._after, text)
        if problem is not None:
            self.message.setText(problem)
            self.keys.setText("")
            self.note.hide()
            self._open(self)
            QTimer.singleShot(8000, self._hide_problem)

    def _hide_problem(self) -> None:
        if self.question is Question.NONE:
            self.close_question()
