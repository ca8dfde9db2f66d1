"""Which characters a script's texts may hold, and the one escape for printing file text.

Control characters (Unicode category Cc: C0, DEL and C1) are refused in every text at load
time, except tab and newline in the texts that may run over several lines (a phase's
instructions, the description, and spoken texts). Anything printed from a file (names, paths,
texts from the history, syntax hints) goes through `printable`, so no byte from a file can
move a terminal's cursor, clear its screen or change its title.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "MULTI_LINE_ALLOWED",
    "MULTI_LINE_TEXTS",
    "control_character",
    "describe_control",
    "printable",
]

# The controls a text written over several lines (TOML """...""") may hold, and the texts that
# may be written so: what is shown as paragraphs or spoken. Names, tags, the author and the
# voice are one line each.
MULTI_LINE_ALLOWED = frozenset("\t\n")
MULTI_LINE_TEXTS = frozenset({"description", "instructions", "say", "texts"})


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def control_character(text: str, *, multi_line: bool = False) -> int | None:
    """The index of the first control character `text` may not hold, or None."""
    if text.isprintable():
        return None
    for index, char in enumerate(text):
        if _is_control(char) and not (multi_line and char in MULTI_LINE_ALLOWED):
            return index
    return None


_NAMES = {
    "\x00": "null",
    "\x07": "bell",
    "\x08": "backspace",
    "\t": "tab",
    "\n": "line break",
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\r": "carriage return",
    "\x1b": "escape",
    "\x7f": "delete",
}


def describe_control(char: str) -> str:
    """A control character as a reader can name it: "U+001B (escape)", "U+009B"."""
    name = _NAMES.get(char)
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character written as an escape (\\t, \\n, \\u001b), so
    printing it cannot drive a terminal. Newlines stay when `keep_newlines`. The escapes are
    JSON's own, so JSON text stays JSON."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if not _is_control(char) or (keep_newlines and char == "\n"):
            out.append(char)
        elif char == "\t":
            out.append("\\t")
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)
