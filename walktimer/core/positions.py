"""Where each key of a TOML document is written, so an error can name its line and column.

tomli gives positions only for syntax errors. For a value that parses but breaks a rule, this
small scanner walks the source text once and maps key paths to the place their key is
written: ``("phase", 2, "cue", 0, "at")`` is the ``at`` key of the first ``[[phase.cue]]`` of
the third ``[[phase]]``. A table's own path maps to its header (``[voice]``, ``[[phase]]``),
and an element of an inline array to the element itself (``("reminders", "texts", 1)``).

It understands tables, arrays of tables, dotted and quoted keys, inline tables and arrays
(also across lines), comments and every string form. It is meant for documents tomli has
already accepted; on anything else it stops early and returns what it has found, never
raising. The loader runs it only when there is a problem to report, so valid files never pay
for it.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_right

__all__ = ["KeyPath", "key_positions"]

KeyPath = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_WS = frozenset(" \t")
_BLANK = frozenset(" \t\n\r")
_SCALAR_END = frozenset(",]}\n#")
_MAX_DEPTH = 100  # session scripts need a handful of levels
_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    '"': '"',
    "\\": "\\",
}


class _Stop(Exception):
    """The text is not TOML the scanner understands; keep what was found so far."""


def key_positions(text: str) -> dict[KeyPath, tuple[int, int]]:
    """Map every key path in `text` to the 1-based (line, column) where it is written."""
    src = text.replace("\r\n", "\n")
    scanner = _Scanner(src)
    # Stop early on text this scanner does not understand, keeping what it found.
    with contextlib.suppress(_Stop, IndexError, ValueError, RecursionError):
        scanner.document()
    starts = [0]
    starts.extend(i + 1 for i, char in enumerate(src) if char == "\n")
    out: dict[KeyPath, tuple[int, int]] = {}
    for path, offset in scanner.offsets.items():
        line = bisect_right(starts, offset)
        out[path] = (line, offset - starts[line - 1] + 1)
    return out


class _Scanner:
    def __init__(self, src: str) -> None:
        self.src = src
        self.n = len(src)
        self.pos = 0
        self.offsets: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}  # array-of-tables path -> tables seen so far

    # -- the document -------------------------------------------------------------------------

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank()
            if self.pos >= self.n:
                return
            start = self.pos
            if self.src.startswith("[[", start):
                self.pos += 2
                array = self.resolve(self.key())
                self.expect("]]")
                index = self.arrays.get(array, 0)
                self.arrays[array] = index + 1
                self.mark_prefixes(array, start)
                self.offsets.setdefault(array, start)
                table = (*array, index)
                self.offsets[table] = start
            elif self.src[start] == "[":
                self.pos += 1
                table = self.resolve(self.key())
                self.expect("]")
                self.mark_prefixes(table, start)
                self.offsets[table] = start
            else:
                self.pair(table, 0)
            self.end_of_line()

    def resolve(self, names: list[str]) -> KeyPath:
        """A header's path, with each enclosing array of tables at its latest table."""
        path: KeyPath = ()
        for i, name in enumerate(names):
            path = (*path, name)
            if i < len(names) - 1 and path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        return path

    def mark_prefixes(self, path: KeyPath, offset: int) -> None:
        for end in range(1, len(path)):
            self.offsets.setdefault(path[:end], offset)

    def pair(self, table: KeyPath, depth: int) -> None:
        """`key = value`, recording the key (and any dotted parts) at the key's start."""
        start = self.pos
        path = (*table, *self.key())
        self.mark_prefixes(path, start)
        self.offsets[path] = start
        self.skip_ws()
        self.expect("=")
        self.skip_ws()
        self.value(path, depth)

    # -- keys ---------------------------------------------------------------------------------

    def key(self) -> list[str]:
        names: list[str] = []
        while True:
            self.skip_ws()
            names.append(self.key_part())
            self.skip_ws()
            if self.pos < self.n and self.src[self.pos] == ".":
                self.pos += 1
                continue
            return names

    def key_part(self) -> str:
        if self.pos >= self.n:
            raise _Stop
        char = self.src[self.pos]
        if char == '"':
            return self.basic_string()
        if char == "'":
            return self.literal_string()
        start = self.pos
        while self.pos < self.n and self.src[self.pos] in _BARE:
            self.pos += 1
        if self.pos == start:
            raise _Stop
        return self.src[start : self.pos]

    # -- values -------------------------------------------------------------------------------

    def value(self, path: KeyPath, depth: int) -> None:
        if self.pos >= self.n:
            raise _Stop
        if depth > _MAX_DEPTH:
            # Deeper than any script needs: step over the value without recording what is
            # inside it, so the keys after it still get their places.
            self.skip_nested()
            return
        src, pos = self.src, self.pos
        char = src[pos]
        if src.startswith('"""', pos):
            self.multiline('"""', escapes=True)
        elif src.startswith("'''", pos):
            self.multiline("'''", escapes=False)
        elif char == '"':
            self.basic_string()
        elif char == "'":
            self.literal_string()
        elif char == "[":
            self.array(path, depth)
        elif char == "{":
            self.inline_table(path, depth)
        else:
            while self.pos < self.n and src[self.pos] not in _SCALAR_END:
                self.pos += 1
            if self.pos == pos:
                raise _Stop

    def array(self, path: KeyPath, depth: int) -> None:
        self.pos += 1  # [
        index = 0
        while True:
            self.skip_blank()
            if self.pos >= self.n:
                raise _Stop
            if self.src[self.pos] == "]":
                self.pos += 1
                return
            element = (*path, index)
            self.offsets[element] = self.pos
            self.value(element, depth + 1)
            index += 1
            self.skip_blank()
            if self.pos < self.n and self.src[self.pos] == ",":
                self.pos += 1
            elif self.pos < self.n and self.src[self.pos] != "]":
                raise _Stop

    def inline_table(self, path: KeyPath, depth: int) -> None:
        self.pos += 1  # {
        while True:
            self.skip_blank()
            if self.pos >= self.n:
                raise _Stop
            if self.src[self.pos] == "}":
                self.pos += 1
                return
            self.pair(path, depth + 1)
            self.skip_blank()
            if self.pos < self.n and self.src[self.pos] == ",":
                self.pos += 1
            elif self.pos < self.n and self.src[self.pos] != "}":
                raise _Stop

    def skip_nested(self) -> None:
        """Step over one value, however deeply its lists and inline tables nest, without
        recursion: brackets are counted, strings and comments passed over whole."""
        src = self.src
        open_brackets = 0
        while self.pos < self.n:
            char = src[self.pos]
            if src.startswith('"""', self.pos):
                self.multiline('"""', escapes=True)
                continue
            if src.startswith("'''", self.pos):
                self.multiline("'''", escapes=False)
                continue
            if char == '"':
                self.basic_string()
                continue
            if char == "'":
                self.literal_string()
                continue
            if char == "#":
                end = src.find("\n", self.pos)
                self.pos = self.n if end < 0 else end
                continue
            if char in "[{":
                open_brackets += 1
            elif char in "]}":
                open_brackets -= 1
                if open_brackets < 0:
                    return  # the end of the enclosing list or table: not ours
            elif open_brackets == 0 and char in _SCALAR_END:
                return  # a bare value ended
            self.pos += 1
            if open_brackets == 0 and char in "]}":
                return
        if open_brackets:
            raise _Stop

    # -- strings ------------------------------------------------------------------------------

    def basic_string(self) -> str:
        """A "..." string, decoded (keys may be written quoted with escapes)."""
        self.pos += 1
        out: list[str] = []
        src = self.src
        while True:
            if self.pos >= self.n or src[self.pos] == "\n":
                raise _Stop
            char = src[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(out)
            if char == "\\":
                out.append(self.escape())
            else:
                out.append(char)
                self.pos += 1

    def escape(self) -> str:
        code = self.src[self.pos + 1 : self.pos + 2]
        if code in _ESCAPES:
            self.pos += 2
            return _ESCAPES[code]
        width = {"x": 2, "u": 4, "U": 8}.get(code)
        if width is None:
            raise _Stop
        digits = self.src[self.pos + 2 : self.pos + 2 + width]
        self.pos += 2 + width
        return chr(int(digits, 16))

    def literal_string(self) -> str:
        end = self.src.find("'", self.pos + 1)
        if end < 0:
            raise _Stop
        text = self.src[self.pos + 1 : end]
        self.pos = end + 1
        return text

    def multiline(self, quotes: str, *, escapes: bool) -> None:
        self.pos += 3
        src = self.src
        while self.pos < self.n:
            if escapes and src[self.pos] == "\\":
                self.pos += 2
            elif src.startswith(quotes, self.pos):
                self.pos += 3
                # Up to two more quote marks belong to the string's content.
                for _ in range(2):
                    if self.pos < self.n and src[self.pos] == quotes[0]:
                        self.pos += 1
                return
            else:
                self.pos += 1
        raise _Stop

    # -- blanks -------------------------------------------------------------------------------

    def skip_ws(self) -> None:
        while self.pos < self.n and self.src[self.pos] in _WS:
            self.pos += 1

    def skip_blank(self) -> None:
        """Whitespace, newlines and comments."""
        src = self.src
        while self.pos < self.n:
            char = src[self.pos]
            if char in _BLANK:
                self.pos += 1
            elif char == "#":
                end = src.find("\n", self.pos)
                self.pos = self.n if end < 0 else end
            else:
                return

    def end_of_line(self) -> None:
        self.skip_ws()
        if self.pos < self.n and self.src[self.pos] == "#":
            end = self.src.find("\n", self.pos)
            self.pos = self.n if end < 0 else end
        if self.pos < self.n and self.src[self.pos] not in "\n\r":
            raise _Stop

    def expect(self, token: str) -> None:
        self.skip_ws()
        if not self.src.startswith(token, self.pos):
            raise _Stop
        self.pos += len(token)
