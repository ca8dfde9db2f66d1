"""TOML syntax errors in words: what tomli's message means for a session script, and how to
fix it."""

from __future__ import annotations

import re
import sys

import tomli

from walktimer.core.format.text import printable
from walktimer.i18n import ENGLISH, N_, Phrases

__all__ = [
    "SYNTAX_HINTS",
    "long_number",
    "long_number_position",
    "syntax_message",
    "unquoted_value",
]


def _hints() -> tuple[tuple[str, str], ...]:
    """How each of tomli's messages starts (its English, matched against and never shown),
    with the hint that says what it means for a script."""
    return (
        (
            "Invalid statement",
            N_("this line is not a key = value pair, a [table] header or a comment"),
        ),
        (
            "Expected newline or end of document",
            N_(
                "expected the end of the line after the value: put each key = value on its own "
                "line, and start comments with #"
            ),
        ),
        (
            "Expected '=' after a key",
            N_('expected "=" after the key: write key = value, with text values in quotes'),
        ),
        ("Cannot declare", N_("this table is declared twice: merge the two into one")),
        (
            "Cannot overwrite a value",
            N_("this key is already set above, or clashes with a table of the same name: keep one"),
        ),
        (
            "Cannot redefine namespace",
            N_(
                "this dotted key adds to a table that already has its own [header]: "
                "put the key under that header"
            ),
        ),
        (
            "Cannot mutate immutable namespace",
            N_("this adds to a table or list that was written inline above: write it in one place"),
        ),
        ("Expected ']' at the end", N_('a table header needs its closing "]"')),
        (
            "Expected ']]' at the end",
            N_('an array-of-tables header like [[phase]] needs its closing "]]"'),
        ),
        (
            "Invalid initial character for a key",
            N_('a key cannot start here: keys are letters, digits, "_" and "-", or text in quotes'),
        ),
        ("Unclosed array", N_('this list is not closed: add the missing "]"')),
        ("Unclosed inline table", N_('this inline table is not closed: add the missing "}"')),
        ("Duplicate inline table key", N_("this inline table sets the same key twice: keep one")),
        (
            "Unescaped '\\'",
            N_("a backslash in \"...\" text must be doubled (\\\\), or use '...' quotes instead"),
        ),
        ("Invalid hex value", N_("this escape needs hexadecimal digits, like \\u00e9")),
        ("Escaped character is not a Unicode", N_("this escape is not a valid character")),
        ("Unterminated string", N_("this text is not closed: add the closing quote")),
        ("Illegal character", N_("this character is not allowed in text: remove it or escape it")),
        ("Invalid date or datetime", N_("this looks like a date or time but is not a valid one")),
        (
            "Invalid value",
            N_(
                'this value is not valid TOML: put text in quotes ("5m"), and write true or false '
                "in lower case"
            ),
        ),
    )


SYNTAX_HINTS = _hints()


def syntax_message(error: tomli.TOMLDecodeError, phrases: Phrases = ENGLISH) -> str:
    """tomli's error in words; nothing of the file's text in it is echoed raw. tomli's own
    message is quoted as it is, in English."""
    t = phrases
    message = printable(error.msg)
    # Translators: {hint} says what is wrong; {message} is the TOML parser's English message.
    says = t.gettext("{hint} (the TOML parser says: {message})")
    better = unquoted_value(error, t)
    if better is not None:
        return says.format(hint=better, message=message)
    if message == "Illegal character '\\n'":
        return says.format(
            hint=t.gettext(
                "this text is not closed before the end of the line: add the closing quote, or "
                'use """ for text over several lines'
            ),
            message=message,
        )
    for start, hint in SYNTAX_HINTS:
        if message.startswith(start):
            return says.format(hint=t.gettext(hint), message=message)
    return t.gettext("the file is not valid TOML: {message}").format(message=message)


def unquoted_value(error: tomli.TOMLDecodeError, phrases: Phrases = ENGLISH) -> str | None:
    """For `duration = 5m` or `kind = walk`: the same line with the value quoted."""
    if not error.msg.startswith(("Invalid value", "Expected newline or end of document")):
        return None
    doc, pos = error.doc, error.pos
    start = doc.rfind("\n", 0, pos) + 1
    end = doc.find("\n", pos)
    line = doc[start : len(doc) if end < 0 else end]
    key, equals, raw = line.partition("=")
    value = raw.split("#", 1)[0].strip()
    if not equals or not value or value[0] in "\"'[{" or not key.strip():
        return None
    key, value = printable(key.strip()), printable(value)
    if value.lower() in ("true", "false"):
        return phrases.gettext(
            "true and false are written in lower case: write {key} = {value}"
        ).format(key=key, value=value.lower())
    if '"' in value:
        return None
    return phrases.gettext('text values need quotes: write {key} = "{value}"').format(
        key=key, value=value
    )


def _digit_limit() -> int:
    return sys.get_int_max_str_digits() or 4300


def long_number_position(text: str) -> tuple[int | None, int | None]:
    """The line and column of the first number too long for Python to read, if found."""
    most = _digit_limit() + 1
    found = re.search(rf"(?<![\w.])[+-]?(?:0[xob])?[0-9A-Fa-f_]{{{most},}}", text)
    if found is None:
        return None, None
    start = found.start()
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def long_number(phrases: Phrases = ENGLISH) -> str:
    """The sentence for a number with more digits than Python converts."""
    return phrases.gettext(
        "this number has more than {digits} digits, more than walktimer can read: a session "
        "script needs only small numbers, like 90 or 5"
    ).format(digits=f"{_digit_limit():,}")
