"""What is wrong with a session script: one Problem per mistake, all of them in one SessionError."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from walktimer.core.positions import KeyPath

__all__ = ["Problem", "SessionError", "Severity"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in one file, at a place a user can find.

    `str(problem)` is the line the CLI prints and editors can jump to:
    ``FILE:LINE:COL: error: WHERE: WHAT``, with ``:LINE:COL`` left out when the position is
    not known. WHERE names the place in the script (``phase 3 "Backward walking", cue 2``);
    WHAT says what is wrong and what would be right.

    `key` is the same place as data: the key path the problem concerns (``("phase", 2,
    "cue", 0, "at")``), for editors that show it; None for the file or its syntax. It is not
    part of the printed line, nor of equality.

    `severity` is "error" (the script cannot run) or "warning" (it runs, but something in it
    will not work as written, such as a cue still speaking when the next is due).
    """

    path: str
    line: int | None
    col: int | None
    where: str
    what: str
    key: KeyPath | None = field(default=None, compare=False)
    severity: Severity = "error"

    @property
    def location(self) -> str:
        """``FILE``, ``FILE:LINE`` or ``FILE:LINE:COL``."""
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
            if self.col is not None:
                place += f":{self.col}"
        return place

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.where}: {self.what}"


class SessionError(ValueError):
    """A script that cannot be used, with every problem found in it (never just the first)."""

    def __init__(self, path: Path | str | None, problems: Iterable[Problem]) -> None:
        self.path = path
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
