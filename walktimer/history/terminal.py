"""What `walktimer run` does in a terminal when the last session died mid-walk.

- `--resume`: resume it without asking (when its script is unchanged).
- a terminal (stdin and stderr are TTYs): ask once: resume / log as interrupted / ignore.
- no terminal and no `--resume`: log it as interrupted, say so, and start what was asked for.

A session whose script changed or vanished cannot be resumed: it is logged as interrupted
and the walker is told why.

A demo (run with `--speed`) that died is never asked about: someone who killed a demo does
not want to be asked whether to carry on with it the next time they walk. Without `--resume`
it is logged as an interrupted demo, which counts towards nothing, and one line says so;
`--resume` still carries it on (which is how the crash tests check resuming at speed). The
window does the same without a word (`walktimer.ui.resume_prompt`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from walktimer.history.resume import Choice, Pending, ResumePoint, describe, find_pending, settle

__all__ = ["PROMPT", "ask_choice", "pending_for_terminal"]

PROMPT = "Resume it (r), log it as interrupted (l), or ignore it (i)? [r] "
_ANSWERS = {
    "": Choice.RESUME,
    "r": Choice.RESUME,
    "resume": Choice.RESUME,
    "l": Choice.LOG,
    "log": Choice.LOG,
    "i": Choice.IGNORE,
    "ignore": Choice.IGNORE,
}


def _say(text: str) -> None:
    print(f"walktimer: {text}", file=sys.stderr)


def ask_choice(ask: Callable[[str], str], say: Callable[[str], None]) -> Choice:
    """Ask until the answer is one of the three; end of input means "log it"."""
    for _ in range(5):
        try:
            answer = ask(PROMPT).strip().lower()
        except EOFError:
            return Choice.LOG
        if answer in _ANSWERS:
            return _ANSWERS[answer]
        say(f'"{answer}" is not one of r, l or i.')
    return Choice.LOG


def pending_for_terminal(
    *,
    resume: bool,
    interactive: bool,
    ask: Callable[[str], str] | None = None,
    say: Callable[[str], None] = _say,
    path: Path | None = None,
    history_path: Path | None = None,
) -> ResumePoint | None:
    """Deal with a session left behind by a crash; returns the point to resume from, if the
    walker (or --resume) chose to."""
    found: Pending | None = find_pending(path=path, history_path=history_path, on_notice=say)
    if found is None:
        return None
    what = describe(found.point)
    if not found.resumable:
        settle(found, Choice.LOG, path=path, history_path=history_path, on_notice=say)
        say(
            f"The last session did not end: {what}. It cannot be resumed because "
            f"{found.reason}; it was logged as interrupted."
        )
        return None
    if resume:
        say(f"Resuming {what}.")
        return found.point
    if found.point.demo:
        settle(found, Choice.LOG, path=path, history_path=history_path, on_notice=say)
        say(
            f"The last session, a demo at x{found.point.speed:g}, did not end: {what}. It was "
            "logged as interrupted (run with --resume to carry on such a session instead); "
            "a demo counts towards no goal, streak or total."
        )
        return None
    if not interactive:
        settle(found, Choice.LOG, path=path, history_path=history_path, on_notice=say)
        say(
            f"The last session did not end: {what}. It was logged as interrupted "
            "(run with --resume to carry on such a session instead)."
        )
        return None
    say(f"The last session did not end: {what}.")
    choice = ask_choice(ask or input, say)
    point = settle(found, choice, path=path, history_path=history_path, on_notice=say)
    if point is not None:
        say(f"Resuming {what}.")
    elif choice is Choice.LOG:
        say("It was logged as interrupted.")
    else:
        say("It was ignored: not resumed and not logged.")
    return point
