"""The weekly goal as the walker set it: a small JSON file in the user config directory.

The GUI and `walktimer history` read and write the same file, so the goal is the same in
both. A missing or unreadable file means the default goal (30+ minutes of walking on five days
a week; see `walktimer.history.stats` for how days count).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from walktimer import files, paths
from walktimer.history.stats import DEFAULT_GOAL, Goal

__all__ = ["GOAL_FILE", "goal_path", "load_goal", "parse_goal", "save_goal"]

log = logging.getLogger(__name__)

GOAL_FILE = "goal.json"


def goal_path() -> Path:
    return paths.config_dir() / GOAL_FILE


MAX_GOAL_BYTES = 64 * 1024  # the file holds two numbers


def load_goal(path: Path | None = None) -> Goal:
    path = path if path is not None else goal_path()
    try:
        data = json.loads(files.read_bounded(path, MAX_GOAL_BYTES).decode("utf-8"))
        return Goal(days=int(data["days"]), minutes=int(data["minutes"]))
    except FileNotFoundError:
        return DEFAULT_GOAL
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("goal: %s unreadable (%s); using the default goal", path, error)
        return DEFAULT_GOAL


def save_goal(goal: Goal, path: Path | None = None) -> None:
    """Write the goal atomically (a temp file in the same folder, then a rename)."""
    path = path if path is not None else goal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"days": goal.days, "minutes": goal.minutes}, indent=2) + "\n"
    files.write_atomic(path, text.encode("utf-8"), new_mode=0o600)


_GOAL_TEXT = re.compile(r"^\s*(\d+)\s*[x×*/:]\s*(\d+)\s*(?:m|min|minutes?)?\s*$", re.IGNORECASE)


def parse_goal(text: str) -> Goal:
    """ "5x30" -> 30+ minutes of walking on five days a week. Raises ValueError (a sentence)."""
    match = _GOAL_TEXT.match(text)
    if match is None:
        raise ValueError(
            f'"{text}" is not a goal; write DAYSxMINUTES, e.g. 5x30 for 30 minutes or more '
            "of walking on five days a week"
        )
    return Goal(days=int(match.group(1)), minutes=int(match.group(2)))
