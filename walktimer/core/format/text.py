"""Which characters a script's texts may hold, and the one escape for printing file text.

Control characters (Unicode category Cc: C0, DEL and C1) are refused in every text at load
time, except tab and newline in the texts that may run over several lines (a phase's
instructions, the description, and spoken texts). Anything printed from a file (names, paths,
texts from the history, syntax hints) goes through `printable`, so no byte from a file can
move a terminal's cursor, clear its screen or change its title.
"""

from __future__ import annotations

import re

from walktimer.i18n import ENGLISH, N_, Phrases

__all__ = [
    "MULTI_LINE_TEXTS",
    "control_character",
    "describe_control",
    "printable",
]

# The texts that may run over several lines (TOML """..."""), holding tabs and line breaks:
# what is shown as paragraphs or spoken. Names, tags, the author and the voice are one line.
MULTI_LINE_TEXTS = frozenset({"description", "instructions", "say", "texts"})


# Unicode's control characters (category Cc) are exactly these two ranges; a text over
# several lines may hold tab and line feed.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_TAB_AND_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_character(text: str, *, multi_line: bool = False) -> int | None:
    """The index of the first control character `text` may not hold, or None."""
    found = (_CONTROL_BUT_TAB_AND_NEWLINE if multi_line else _CONTROL).search(text)
    return None if found is None else found.start()


_NAMES = {
    "\x00": N_("null"),
    "\x07": N_("bell"),
    "\x08": N_("backspace"),
    "\t": N_("tab"),
    "\n": N_("line break"),
    "\x0b": N_("vertical tab"),
    "\x0c": N_("form feed"),
    "\r": N_("carriage return"),
    "\x1b": N_("escape"),
    "\x7f": N_("delete"),
}


def describe_control(char: str, phrases: Phrases = ENGLISH) -> str:
    """A control character as a reader can name it: "U+001B (escape)", "U+009B"."""
    name = _NAMES.get(char)
    code = f"U+{ord(char):04X}"
    if name is None:
        return code
    return phrases.gettext("{code} ({name})").format(code=code, name=phrases.gettext(name))


_ESCAPES = {"\t": "\\t", "\n": "\\n"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character written as an escape (\\t, \\n, \\u001b), so
    printing it cannot drive a terminal. Newlines stay when `keep_newlines`. The escapes are
    JSON's own, so JSON text stays JSON."""
    if text.isprintable():
        return text
    if keep_newlines:
        return "\n".join(_CONTROL.sub(_escape, line) for line in text.split("\n"))
    return _CONTROL.sub(_escape, text)
