"""The pain diary's questions in a terminal: a 0-10 rating before and after a real walk.

Type the number and Enter; Enter alone skips. Nothing is asked without a terminal, for a
demo, or for a resumed walk (its before was asked when it began), so a walk never waits for
an answer nobody can give. A rating outside 0-10 gets one sentence and the question again
(three times at most, then it is skipped).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from walktimer.history.log import MAX_RATING, check_note, check_rating

__all__ = ["AFTER", "BEFORE", "NOTE", "ask_note", "ask_rating", "line_asker"]

BEFORE = f"Pain in your back now, 0-{MAX_RATING} (Enter to skip): "
AFTER = f"Pain in your back now, after the walk, 0-{MAX_RATING} (Enter to skip): "
NOTE = "A short note about this walk (Enter to skip): "
TRIES = 3

Ask = Callable[[str], str | None]  # None: the input has ended


def line_asker(stdin: TextIO, stdout: TextIO) -> Ask:
    """Ask on a terminal: print the question, read one line (None at end of input)."""

    def ask(question: str) -> str | None:
        stdout.write(question)
        stdout.flush()
        line = stdin.readline()
        return line if line else None

    return ask


def ask_rating(ask: Ask, say: Callable[[str], None], question: str) -> int | None:
    for _ in range(TRIES):
        answer = ask(question)
        if answer is None or not answer.strip():
            return None
        text = answer.strip()
        try:
            return check_rating(int(text))
        except ValueError as error:
            if text.lstrip("-").isdigit():
                say(str(error))
            else:
                say(f'"{text}" is not a number: type a whole number from 0 to {MAX_RATING}.')
    return None


def ask_note(ask: Ask, say: Callable[[str], None]) -> str:
    for _ in range(TRIES):
        answer = ask(NOTE)
        if answer is None:
            return ""
        try:
            return check_note(answer)
        except ValueError as error:
            say(str(error))
    return ""
