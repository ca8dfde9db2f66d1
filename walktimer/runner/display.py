"""What the terminal shows: the live status block on a TTY, plain lines anywhere else."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Protocol, TextIO

from walktimer.core.durations import format_clock, format_hms
from walktimer.core.engine import State
from walktimer.core.format.text import printable
from walktimer.core.treadmill import belt_line

if TYPE_CHECKING:
    from walktimer.core.engine import Fired, RunRecord, View
    from walktimer.core.plan import PlannedPhase

__all__ = [
    "KEY_HINTS",
    "LiveScreen",
    "PlainScreen",
    "Screen",
    "belt_line",
    "big_digits",
    "cue_line",
    "phase_line",
    "progress_bar",
    "status_lines",
    "summary_line",
]

KEY_HINTS = "space pause · n next · p back · + 1 min · q stop"
BAR_WIDTH = 20

# A three-row font for the remaining time, so it reads from a treadmill.
_GLYPHS = {
    "0": ("█▀█", "█ █", "▀▀▀"),
    "1": ("▀█ ", " █ ", "▀▀▀"),
    "2": ("▀▀█", "█▀▀", "▀▀▀"),
    "3": ("▀▀█", " ▀█", "▀▀▀"),
    "4": ("█ █", "▀▀█", "  ▀"),
    "5": ("█▀▀", "▀▀█", "▀▀▀"),
    "6": ("█▀▀", "█▀█", "▀▀▀"),
    "7": ("▀▀█", "  █", "  ▀"),
    "8": ("█▀█", "█▀█", "▀▀▀"),
    "9": ("█▀█", "▀▀█", "▀▀▀"),
    ":": (" ", "▀", "▀"),
}


def big_digits(text: str) -> list[str]:
    """`text` (digits and colons) as three rows of block characters."""
    rows = ["", "", ""]
    for char in text:
        glyph = _GLYPHS.get(char, (" ", " ", " "))
        for i in range(3):
            rows[i] += glyph[i] + " "
    return [row.rstrip() for row in rows]


def progress_bar(progress: float, width: int = BAR_WIDTH) -> str:
    filled = round(max(0.0, min(1.0, progress)) * width)
    return "█" * filled + "░" * (width - filled)


def _targets(view: View) -> str:
    parts = []
    if view.speed is not None:
        parts.append(f"speed {view.speed.text}")
    if view.incline is not None:
        parts.append(f"incline {view.incline.text}")
    return " · ".join(parts)


def _state_mark(state: State) -> str:
    return {
        State.READY: "READY",
        State.RUNNING: "▶",
        State.PAUSED: "⏸ PAUSED",
        State.FINISHED: "■ FINISHED",
        State.STOPPED: "■ STOPPED",
    }[state]


def _fit(text: str, width: int) -> str:
    """Cut a line to the terminal width, so a redraw never wraps."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


def status_lines(
    view: View, width: int = 80, message: str | None = None, belt: str | None = None
) -> list[str]:
    """The live block: what phase, the big remaining time, what comes next, progress, keys."""
    head = f"{_state_mark(view.state)} {view.phase_name} · phase {view.phase_index + 1} of "
    head += f"{view.phase_count}"
    targets = _targets(view)
    if targets:
        head += f" · {targets}"
    if view.phase_remaining is not None:
        shown = format_clock(view.phase_remaining, ceil=True)
        aside = "left"
    else:
        shown = format_clock(view.phase_elapsed)
        aside = "held: press n when done" if view.waiting else ""
    digits = big_digits(shown)
    digits[1] = f"{digits[1]}   {aside}".rstrip()
    left = format_clock(view.session_remaining, ceil=True)
    if view.at_least:
        left = f"at least {left}"
    tail = f"next: {view.next_name or 'the end'}  {progress_bar(view.progress)} "
    tail += f"{round(view.progress * 100)}%  {left} to go"
    lines = [head, *(f"  {row}" for row in digits), tail]
    if belt is not None:
        lines.append(belt)
    lines.append(message or KEY_HINTS)
    return [_fit(line, max(1, width - 1)) for line in lines]


def cue_line(fired: Fired) -> str:
    """One fired event as a line: `0:05:00  Warm-up  say  Warm up slowly.`"""
    what = []
    if fired.sound is not None:
        what.append(f"[{fired.sound.label}]")
    if fired.text:
        what.append(fired.text)
    return f"{format_hms(fired.t_plan)}  {fired.phase_name}  {fired.kind}  {' '.join(what)}"


def phase_line(phase: PlannedPhase, count: int, duration: float | None) -> str:
    """The status printed once per phase without a TTY."""
    length = "until you press n" if duration is None else format_clock(duration)
    line = f"== {phase.name} · phase {phase.index + 1} of {count} · {length}"
    if phase.speed is not None:
        line += f" · speed {phase.speed.text}"
    if phase.incline is not None:
        line += f" · incline {phase.incline.text}"
    return line


def summary_line(record: RunRecord) -> str:
    """How the run went, in one sentence."""
    from walktimer.core.engine import PhaseStatus, RunEnd

    walked = format_clock(record.active_seconds)
    planned = format_clock(record.planned_seconds)
    if record.at_least:
        planned = f"at least {planned}"
    verb = "Session complete" if record.ended is RunEnd.FINISHED else "Session stopped"
    done = record.count(PhaseStatus.DONE)
    counts = [f"{done} phase{'' if done == 1 else 's'} done"]
    if extended := record.count(PhaseStatus.EXTENDED):
        counts.append(f"{extended} extended by {format_clock(record.extended_seconds)}")
    if skipped := record.count(PhaseStatus.SKIPPED):
        counts.append(f"{skipped} skipped")
    for phase in record.phases:
        if phase.status is PhaseStatus.STOPPED:
            counts.append(f'"{phase.name}" stopped after {format_clock(phase.active_seconds)}')
    if missed := record.count(PhaseStatus.NOT_REACHED):
        counts.append(f"{missed} not reached")
    return f"{verb}: {walked} walked of {planned} planned; {', '.join(counts)}."


class Screen(Protocol):
    live: bool

    def line(self, text: str) -> None:
        """A line that stays (a cue, a notice)."""
        ...

    def phase_started(self, text: str) -> None: ...

    def show(self, view: View, message: str | None = None, belt: str | None = None) -> None:
        """Bring the status up to date (a live screen redraws; a plain one prints changes).
        `belt` is the treadmill line, when one is connected."""
        ...

    def close(self) -> None: ...


def _without_distance(belt: str) -> str:
    """A belt line less the part that always moves on (its metres or kilometres)."""
    return " · ".join(p for p in belt.split(" · ") if not p.endswith((" m", " km")))


class PlainScreen:
    """No TTY: a line per cue, a status line per phase, messages as lines. The belt's line
    is printed after each phase's line and whenever it says something new (the link, the
    speed, the incline, stopped, control); the distance alone moving prints nothing."""

    live = False

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._message: str | None = None
        self._state: State | None = None
        self._belt: str | None = None  # the last belt line printed, without its distance

    def line(self, text: str) -> None:
        self._out.write(printable(text) + "\n")
        self._out.flush()  # someone may be watching through a pipe (| tee)

    def phase_started(self, text: str) -> None:
        self.line(text)
        self._belt = None  # each phase's line is followed by the belt's

    def show(self, view: View, message: str | None = None, belt: str | None = None) -> None:
        if message and message != self._message:
            self.line(message)
        self._message = message
        if belt is not None and _without_distance(belt) != self._belt:
            self._belt = _without_distance(belt)
            self.line(belt)
        changed = view.state is not self._state and view.state in (State.PAUSED, State.RUNNING)
        if changed and State.PAUSED in (self._state, view.state):
            self.line("Paused." if view.state is State.PAUSED else "Resumed.")
        self._state = view.state

    def close(self) -> None:
        self._out.flush()


class LiveScreen:
    """A TTY: cue lines scroll up while a status block stays at the bottom, redrawn in place."""

    live = True

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._drawn: list[str] = []
        self._out.write("\x1b[?25l")  # hide the cursor while the block is redrawn

    def _width(self) -> int:
        return shutil.get_terminal_size((80, 24)).columns

    def _clear(self) -> None:
        if not self._drawn:
            return
        self._out.write("\r\x1b[2K" + "\x1b[1A\x1b[2K" * (len(self._drawn) - 1))
        self._drawn = []

    def _draw(self, lines: list[str]) -> None:
        self._out.write("\n".join(printable(line) for line in lines))
        self._drawn = lines

    def line(self, text: str) -> None:
        lines = self._drawn
        self._clear()
        self._out.write(printable(text) + "\n")  # a lasting line may wrap; only the block must not
        if lines:
            self._draw(lines)
        self._out.flush()

    def phase_started(self, text: str) -> None:
        pass  # the status block names the phase

    def show(self, view: View, message: str | None = None, belt: str | None = None) -> None:
        lines = status_lines(view, self._width(), message, belt)
        if lines == self._drawn:
            return
        self._clear()
        self._draw(lines)
        self._out.flush()

    def close(self) -> None:
        self._clear()
        self._out.write("\x1b[?25h")
        self._out.flush()
