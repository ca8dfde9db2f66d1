"""Session scripts in, a valid Session out: read, parse with tomli, check every format-1 rule.

Nothing stops at the first mistake. Every problem is collected with the place it concerns and,
where it can be found, the line and column of its key, then raised together as one
SessionError. A script that loads is guaranteed to follow SESSION_FORMAT.md, so the plan, the
engine and the screens never see a bad value.

The work is split by what it does: `reading` reads a file within the size limit and decodes
it, `syntax` words tomli's syntax errors, `checker` checks the parsed document against the
rules of `walktimer.core.format`, `wav` checks sound files, `messages` holds the shared
wording. This module is the entry point; each entry takes the `phrases` its messages are
worded in (English by default).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import tomli

from walktimer.core.format.tables import KEYS, LIMITS, MAX_FILE_BYTES, WAV_RATES
from walktimer.core.loader.checker import Checker, overlap_findings
from walktimer.core.loader.messages import SYNTAX
from walktimer.core.loader.reading import decode, file_problem, label_of, read_file, too_big
from walktimer.core.loader.syntax import long_number, long_number_position, syntax_message
from walktimer.core.positions import key_positions
from walktimer.core.problems import Problem, SessionError
from walktimer.core.script import Session
from walktimer.i18n import ENGLISH, Phrases

__all__ = [
    "KEYS",
    "LIMITS",
    "WAV_RATES",
    "Problem",
    "SessionError",
    "check_text",
    "load_bytes",
    "load_path",
    "load_text",
    "overlap_warnings",
]


def load_path(path: Path | str, *, phrases: Phrases = ENGLISH) -> Session:
    """Read, parse and check a script file; raise SessionError with every problem."""
    file = Path(path)
    return load_bytes(read_file(file, str(path), phrases), file, phrases=phrases)


def load_bytes(
    data: bytes, path: Path | str | None = None, *, phrases: Phrases = ENGLISH
) -> Session:
    """Decode UTF-8 bytes and load them as a script."""
    label = label_of(path)
    if len(data) > MAX_FILE_BYTES:
        raise SessionError(
            path, [file_problem(label, too_big(len(data), phrases), phrases=phrases)]
        )
    return load_text(decode(data, path, label, phrases), path, phrases=phrases)


def load_text(text: str, path: Path | str | None = None, *, phrases: Phrases = ENGLISH) -> Session:
    """Parse and check a script's text. `path` names it in messages and anchors sound files."""
    session, problems = _load(text, path, phrases)
    if problems or session is None:
        raise SessionError(path, problems)
    return session


def check_text(
    text: str, path: Path | str | None = None, *, phrases: Phrases = ENGLISH
) -> list[Problem]:
    """Every problem in a script's text, in file order; empty when it is valid."""
    return _load(text, path, phrases)[1]


def overlap_warnings(
    session: Session,
    text: str | None = None,
    rate: int | None = None,
    *,
    phrases: Phrases = ENGLISH,
) -> list[Problem]:
    """Warnings for the places where a loaded script's words are still being said when the
    next sound is due, at `rate` words per minute (the script's own when None). `text` is the
    script's text, for line numbers (None leaves them out)."""
    label = label_of(session.source)
    positions = key_positions(text) if text is not None else {}
    warnings = []
    for at, where, what in overlap_findings(session, rate, phrases):
        line, col = positions.get(at, (None, None))
        warnings.append(Problem(label, line, col, where, what, key=at, severity="warning"))
    return warnings


def _load(text: str, path: Path | str | None, t: Phrases) -> tuple[Session | None, list[Problem]]:
    label = label_of(path)
    if len(text) > MAX_FILE_BYTES or (
        len(text) * 4 > MAX_FILE_BYTES
        and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES
    ):
        size = len(text.encode("utf-8", "surrogatepass"))
        return None, [file_problem(label, too_big(size, t), phrases=t)]
    if not text.strip():
        return None, [
            file_problem(
                label,
                t.gettext(
                    "the file is empty: a session script needs format = 1, a name and at least "
                    "one [[phase]] table"
                ),
                phrases=t,
            )
        ]
    syntax = t.gettext(SYNTAX)
    try:
        doc = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        return None, [Problem(label, error.lineno, error.colno, syntax, syntax_message(error, t))]
    except ValueError:
        # tomli turns an integer's digits into an int, which Python refuses past its digit
        # limit (4,300 by default); no number of the format needs more than a few digits.
        line, col = long_number_position(text)
        return None, [Problem(label, line, col, syntax, long_number(t))]
    except RecursionError:
        return None, [
            Problem(
                label,
                None,
                None,
                syntax,
                t.gettext(
                    "lists or tables are nested too deeply to read: a session script needs only "
                    "a few levels"
                ),
            )
        ]
    if not doc:
        return None, [
            file_problem(
                label,
                t.gettext(
                    "the file holds only comments: a session script needs format = 1, a name "
                    "and at least one [[phase]] table"
                ),
                phrases=t,
            )
        ]
    base = Path(os.path.abspath(Path(path).parent if path is not None else Path()))
    checker = Checker(base, t)
    session = checker.session(doc)
    if not checker.found:
        return replace(session, source=None if path is None else Path(path)), []
    positions = key_positions(text)
    problems = []
    for order, (at, where, what, concerns) in enumerate(checker.found):
        line, col = positions.get(at, (None, None))
        problem = Problem(label, line, col, where, what, key=concerns)
        problems.append((line or 0, col or 0, order, problem))
    problems.sort(key=lambda item: item[:3])
    return None, [item[3] for item in problems]
