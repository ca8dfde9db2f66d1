"""The editor's document: a session script held as a tomlkit document and edited in place.

Every edit changes only what it names. Values are replaced where they stand (keeping the
comment after them), new keys go after the last key of their table with its indentation,
and whole tables (phases, steps, cues, `[reminders]`, ...) are moved, copied, added and
deleted as spans of text, found through tomlkit (see `regions`), so the comment lines above
a header travel with it. Each structural edit is checked: the re-parsed document must hold
exactly the values the edit meant; if it does not (an unusual layout), the edit falls back to
tomlkit's own list operations.

Places in a script are named by `Loc`: the top level, a session table (`voice`, ...), a
phase, a step of a repeated block, or a cue of either.
"""

from __future__ import annotations

import copy
import difflib
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import tomlkit
from tomlkit import TOMLDocument
from tomlkit.container import Container
from tomlkit.exceptions import ParseError
from tomlkit.items import AoT, Array, InlineTable, Item, String, StringType, Table, Whitespace

from walktimer.core.problems import Problem
from walktimer.core.script import Session
from walktimer.editing.regions import Span, spans, trailer
from walktimer.i18n import ENGLISH, Phrases

__all__ = [
    "SESSION_TABLES",
    "Document",
    "Entry",
    "Loc",
    "NotEditable",
    "SyntaxProblem",
]

# The session's own tables, in the order the format shows them; new ones go in this order.
SESSION_TABLES = ("voice", "sounds", "announce", "reminders")

Plain: TypeAlias = Any  # a plain Python value as tomlkit unwraps it
TomlContainer: TypeAlias = TOMLDocument | Table | InlineTable


class NotEditable(Exception):
    """An edit that cannot be made now: the text does not parse, or the place does not exist."""


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """Why the text is not TOML, at a 1-based line and column."""

    line: int
    col: int
    message: str


@dataclass(frozen=True, slots=True)
class Loc:
    """A place in a script. Loc() is the top level; Loc(table="voice") a session table;
    Loc(phase=2) the third phase; Loc(phase=2, step=0) the first step of that block;
    Loc(phase=2, cue=1) its second cue; Loc(phase=2, step=0, cue=1) a step's cue."""

    table: str | None = None
    phase: int | None = None
    step: int | None = None
    cue: int | None = None

    def parent_list(self) -> tuple[Loc, str, int]:
        """The list this place is an element of: (owner, key, index)."""
        if self.cue is not None:
            return Loc(phase=self.phase, step=self.step), "cue", self.cue
        if self.step is not None:
            return Loc(phase=self.phase), "step", self.step
        if self.phase is not None:
            return Loc(), "phase", self.phase
        raise ValueError("only phases, steps and cues are list elements")


@dataclass(frozen=True, slots=True)
class Entry:
    """An element of a rebuilt list: an existing one (by index) or new values."""

    old: int | None = None
    values: Mapping[str, Plain] | None = None


def _key_indent(table: Table) -> str | None:
    for key, item in table.value.body:
        if key is not None and not isinstance(item, Table | AoT | Whitespace):
            return item.trivia.indent
    return None


def _header_text(owner: Loc, key: str) -> str:
    if key == "phase":
        return "phase"
    if owner.step is not None:
        return f"phase.step.{key}"
    return f"phase.{key}"


def _escape_multiline(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"""', '""\\"')
    for code in range(32):
        char = chr(code)
        if char not in "\n\t":
            out = out.replace(char, f"\\u{code:04x}")
    return out.replace("\x7f", "\\u007f")


def make_item(value: Plain, old: Item | None = None) -> Item:
    """A tomlkit item for a plain value, written the way the value it replaces was."""
    if isinstance(value, str):
        multiline = "\n" in value
        if isinstance(old, String):
            literal = old.type in (StringType.SLL, StringType.MLL)
            if literal and ("'" in value if not multiline else "'''" in value):
                literal = False
            if literal and not multiline and old.type is StringType.SLL:
                return tomlkit.string(value, literal=True)
            if literal and multiline:
                return tomlkit.string(value, literal=True, multiline=True)
            if not multiline and old.type is StringType.MLB and "\n" not in value:
                return tomlkit.string(value)
        if multiline and not value.startswith("\n"):
            # Written as """ on its own line, the form hand-written scripts use.
            parsed = tomlkit.parse(f'x = """\n{_escape_multiline(value)}"""\n')
            item = parsed.item("x")
            if isinstance(item, String) and parsed["x"] == value:
                return item
        return tomlkit.item(value)
    if isinstance(value, list) and len(value) > 1 and all(isinstance(v, str) for v in value):
        array = tomlkit.array()
        array.extend(value)
        if isinstance(old, Array) and "\n" in old.as_string():
            array.multiline(True)
        return array
    return tomlkit.item(value)


class Document:
    """A session script being edited: its text, its tomlkit tree while the text parses."""

    def __init__(self, text: str, path: Path | None = None, *, phrases: Phrases = ENGLISH) -> None:
        self.path = path
        # The words of its messages and of the problems it lists.
        self.t = phrases
        self._toml: TOMLDocument | None = None
        self._text = text
        self.syntax_error: SyntaxProblem | None = None
        self.set_text(text)

    # -- the whole text -------------------------------------------------------------------------

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        """Replace everything (the source view, undo, reload). The text may be broken TOML."""
        self._text = text
        try:
            self._toml = tomlkit.parse(text)
        except ParseError as error:
            self._toml = None
            self.syntax_error = SyntaxProblem(error.line, error.col + 1, _parse_message(error))
        except (ValueError, TypeError, RecursionError) as error:
            self._toml = None
            why = str(error) or self.t.gettext("this is not valid TOML")
            self.syntax_error = SyntaxProblem(1, 1, why)
        else:
            self.syntax_error = None

    @property
    def parsed(self) -> bool:
        return self._toml is not None

    @property
    def toml(self) -> TOMLDocument:
        if self._toml is None:
            raise NotEditable(
                self.t.gettext("the text is not valid TOML; fix it in the source first")
            )
        return self._toml

    def _changed(self) -> None:
        self._text = self.toml.as_string()

    def problems(self, phrases: Phrases | None = None) -> list[Problem]:
        """What `walktimer check` says about the text as it is now, worded in `phrases` (the
        document's own when None)."""
        from walktimer.core.loader import check_text

        return check_text(self._text, self.path, phrases=phrases or self.t)

    def to_session(self, phrases: Phrases | None = None) -> Session:
        """The session the text describes; raises SessionError when it is not valid."""
        from walktimer.core.loader import load_text

        return load_text(self._text, self.path, phrases=phrases or self.t)

    # -- reading --------------------------------------------------------------------------------

    def container(self, loc: Loc) -> TomlContainer:
        """The table a Loc names; raises NotEditable when it does not exist."""
        doc = self.toml
        try:
            if loc.table is not None:
                found = doc[loc.table]
                if not isinstance(found, Table | InlineTable):
                    message = self.t.gettext("{place} is not a table")
                    raise NotEditable(message.format(place=f"[{loc.table}]"))
                return found
            if loc.phase is None:
                return doc
            current: Any = doc["phase"][loc.phase]
            if loc.step is not None:
                current = current["step"][loc.step]
            if loc.cue is not None:
                current = current["cue"][loc.cue]
        except (KeyError, IndexError, TypeError) as error:
            message = self.t.gettext("there is no {place} in this script")
            raise NotEditable(message.format(place=describe(loc, self.t))) from error
        if not isinstance(current, Table | InlineTable):
            message = self.t.gettext("{place} is not a table")
            raise NotEditable(message.format(place=describe(loc, self.t)))
        return current

    def exists(self, loc: Loc) -> bool:
        try:
            self.container(loc)
        except NotEditable:
            return False
        return True

    def get(self, loc: Loc, key: str, default: Plain = None) -> Plain:
        """A plain value, or `default` when the place or key is missing."""
        if not self.parsed:
            return default
        try:
            container = self.container(loc)
        except NotEditable:
            return default
        if key not in container:
            return default
        value = container[key]
        return value.unwrap() if isinstance(value, Item | Container) else value

    def item(self, loc: Loc, key: str) -> Item | None:
        """The tomlkit item of a key, or None when the place or the key is missing."""
        if not self.parsed or not self.exists(loc):
            return None
        container = self.container(loc)
        if key not in container:
            return None
        found = container.item(key) if not isinstance(container, InlineTable) else container[key]
        return found if isinstance(found, Item) else None

    def restore_item(self, loc: Loc, key: str, item: Item | None) -> None:
        """Put back an item as it was (None: the key did not exist); used by undo."""
        if item is None:
            self.remove_key(loc, key)
            return
        container = self.container(loc)
        if key in container:
            container[key] = item
        else:
            _add_key(container, key, item)
        self._changed()

    def values(self, loc: Loc) -> dict[str, Plain]:
        """Every key of a place as plain values ({} when it does not exist)."""
        if not self.parsed or not self.exists(loc):
            return {}
        unwrapped: dict[str, Plain] = self.container(loc).unwrap()
        return unwrapped

    def count(self, owner: Loc, key: str) -> int:
        """How many elements a list has (phases, steps or cues); 0 when there is none."""
        value = self.get(owner, key, [])
        return len(value) if isinstance(value, list) else 0

    def is_block(self, phase: int) -> bool:
        return "repeat" in self.values(Loc(phase=phase)) or self.count(Loc(phase=phase), "step") > 0

    # -- editing values in place ----------------------------------------------------------------

    def set_value(self, loc: Loc, key: str, value: Plain) -> None:
        """Set one key (None removes it). Creates a missing session table."""
        if value is None:
            self.remove_key(loc, key)
            return
        if loc.table is not None and loc.table not in self.toml:
            self.add_session_table(loc.table, {key: value})
            return
        container = self.container(loc)
        if key in container:
            found = container.item(key) if not isinstance(container, InlineTable) else None
            if found is None:
                found = container[key]
            old = found if isinstance(found, Item) else None
            if isinstance(old, Array) and isinstance(value, list):
                _edit_array(old, value)
            elif _same(old, value):
                return
            else:
                container[key] = make_item(value, old)
        else:
            _add_key(container, key, make_item(value))
        self._changed()

    def remove_key(self, loc: Loc, key: str) -> None:
        if not self.exists(loc):
            return
        container = self.container(loc)
        if key in container:
            del container[key]
            self._changed()

    # -- whole tables ---------------------------------------------------------------------------

    def add_session_table(self, name: str, values: Mapping[str, Plain]) -> None:
        """Add `[voice]`, `[sounds]`, `[announce]` or `[reminders]` in the format's order."""
        doc = self.toml
        if name in doc:
            for key, value in values.items():
                self.set_value(Loc(table=name), key, value)
            return
        chunk = _render_table(f"[{name}]", values, "", "")
        expected = copy.deepcopy(doc.unwrap())
        expected[name] = copy.deepcopy(dict(values))
        later = [doc[t] for t in SESSION_TABLES[SESSION_TABLES.index(name) + 1 :] if t in doc]
        anchors: list[Table] = [t for t in later if isinstance(t, Table)]
        phases = doc.get("phase")
        if isinstance(phases, AoT) and len(phases.body):
            anchors.append(phases.body[0])
        found = spans(doc, anchors[:1]) if anchors else spans(doc, [])
        if found is not None:
            text, places = found
            if places:
                at = places[0].lead
                new_text = text[:at] + chunk + "\n" + text[at:]
            else:
                body = text.rstrip("\n")
                new_text = (body + "\n\n" if body else "") + chunk
            if self._adopt(new_text, expected):
                return
        table = tomlkit.table()
        for key, value in values.items():
            table[key] = make_item(value)
        doc[name] = table
        self._changed()

    def remove_session_table(self, name: str) -> None:
        doc = self.toml
        if name not in doc:
            return
        table = doc[name]
        expected = copy.deepcopy(doc.unwrap())
        del expected[name]
        if isinstance(table, Table) and not table.is_super_table():
            found = spans(doc, [table])
            if found is not None:
                text, (place,) = found
                if self._adopt(_cut(text, place), expected):
                    return
        del doc[name]
        self._changed()

    def rebuild_list(self, owner: Loc, key: str, entries: Sequence[Entry]) -> None:
        """Replace a list of tables (phases, steps or cues) by `entries`: existing elements
        by index (moved, repeated or left out) and new ones by value."""
        container = self.container(owner)
        current = container.get(key)
        old_plain: list[Plain] = current.unwrap() if isinstance(current, Item) else []
        new_plain = [
            copy.deepcopy(old_plain[e.old])
            if e.old is not None
            else copy.deepcopy(dict(e.values or {}))
            for e in entries
        ]
        expected = copy.deepcopy(self.toml.unwrap())
        _put(expected, owner, key, new_plain)
        if isinstance(current, AoT) or current is None:
            new_text = self._rebuild_text(owner, key, current, entries)
            if new_text is not None and self._adopt(new_text, expected):
                return
        self._rebuild_objects(container, key, current, entries)
        self._changed()

    def _rebuild_text(
        self, owner: Loc, key: str, current: AoT | None, entries: Sequence[Entry]
    ) -> str | None:
        doc = self.toml
        header = _header_text(owner, key)
        if current is not None and len(current.body):
            tables = list(current.body)
            found = spans(doc, tables)
            if found is None:
                return None
            text, places = found
            first = tables[0]
            head_indent = first.trivia.indent
            key_indent = _key_indent(first)
            if key_indent is None:
                key_indent = head_indent
            chunks = [_chunk(text, place) for place in places]
            seps = [text[a.end : b.lead] for a, b in itertools.pairwise(places)]
            start, stop = places[0].lead, places[-1].end
            ends_open = not text[:stop].endswith("\n")
        else:
            parent = self.container(owner)
            if not isinstance(parent, Table | TOMLDocument):
                return None
            if isinstance(parent, Table):
                found = spans(doc, [parent])
                if found is None:
                    return None
                text, (place,) = found
                start = stop = place.end
                inner = _key_indent(parent)
                head_indent = (inner if inner is not None else parent.trivia.indent) + "  "
            else:
                text = doc.as_string()
                start = stop = len(text.rstrip("\n"))
                head_indent = ""
            key_indent = head_indent
            chunks, seps = [], []
            ends_open = False
        default_sep = seps[-1] if seps else "\n"
        pieces: list[str] = []
        for number, entry in enumerate(entries):
            if entry.old is not None:
                piece = chunks[entry.old]
            else:
                piece = _render_table(f"[[{header}]]", entry.values or {}, head_indent, key_indent)
            if not piece.endswith("\n"):
                piece += "\n"
            if number:
                pieces.append(seps[number - 1] if number - 1 < len(seps) else default_sep)
            pieces.append(piece)
        middle = "".join(pieces)
        if ends_open and middle.endswith("\n"):
            middle = middle[:-1]
        if not chunks:
            if not entries:
                return text
            before, rest = text[:start], text[stop:]
            if before and not before.endswith("\n"):
                before += "\n"
            if not rest.strip():
                rest = ""
            elif not rest.startswith("\n"):
                rest = "\n" + rest
            return before + ("\n" if before else "") + middle + rest
        if not entries:
            # Drop the whole list, with the blank lines that separated it from what follows.
            tail = text[stop:]
            before = text[:start]
            if not tail.strip():
                return before.rstrip("\n") + "\n" if before.strip() else ""
            return before + tail.lstrip("\n")
        return text[:start] + middle + text[stop:]

    def _rebuild_objects(
        self, container: TomlContainer, key: str, current: Item | None, entries: Sequence[Entry]
    ) -> None:
        """The fallback: tomlkit's own list operations (layout may shift, values are right)."""
        if isinstance(current, Array):
            old_items = list(current)
            values: list[Any] = []
            for entry in entries:
                if entry.old is not None:
                    values.append(copy.deepcopy(old_items[entry.old]))
                else:
                    table = tomlkit.inline_table()
                    table.update({k: make_item(v) for k, v in (entry.values or {}).items()})
                    values.append(table)
            while len(current):
                del current[0]
            for value in values:
                current.append(value)
            return
        old_tables = list(current.body) if isinstance(current, AoT) else []
        aot = tomlkit.aot()
        for entry in entries:
            if entry.old is not None:
                aot.append(copy.deepcopy(old_tables[entry.old]))
            else:
                aot.append(_make_table(entry.values or {}))
        if key in container:
            del container[key]
        if entries:
            container[key] = aot

    def _adopt(self, new_text: str, expected: Plain) -> bool:
        """Take the text of a structural edit if it parses to exactly the expected values."""
        try:
            parsed = tomlkit.parse(new_text)
        except (ParseError, ValueError, TypeError):
            return False
        if parsed.unwrap() != expected:
            return False
        self._toml = parsed
        self._text = new_text
        self.syntax_error = None
        return True


# -- helpers -------------------------------------------------------------------------------------


def describe(loc: Loc, phrases: Phrases = ENGLISH) -> str:
    """A place as words: "phase 3, step 1, cue 2" (1-based, as the problems name them)."""
    t = phrases
    parts: list[str] = []
    if loc.table is not None:
        parts.append(f"[{loc.table}]")
    if loc.phase is not None:
        parts.append(t.gettext("phase {number}").format(number=loc.phase + 1))
    if loc.step is not None:
        parts.append(t.gettext("step {number}").format(number=loc.step + 1))
    if loc.cue is not None:
        parts.append(t.gettext("cue {number}").format(number=loc.cue + 1))
    return ", ".join(parts) or t.gettext("top level")


def _parse_message(error: ParseError) -> str:
    # tomlkit ends its message with the place, which the editor shows apart.
    message = str(error).removesuffix(f" at line {error.line} col {error.col}")
    return message[:1].lower() + message[1:]


def _same(old: Item | None, value: Plain) -> bool:
    if old is None:
        return False
    unwrapped = old.unwrap()
    return type(unwrapped) is type(value) and bool(unwrapped == value)


def _edit_array(array: Array, new: list[Plain]) -> None:
    """Change a list element by element, keeping its layout and per-element comments."""
    old = [item.unwrap() if isinstance(item, Item) else item for item in array]
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                array[i1 + offset] = new[j1 + offset]
            continue
        for index in reversed(range(i1, i2)):
            del array[index]
        for offset, value in enumerate(new[j1:j2]):
            array.insert(i1 + offset, value)


def _add_key(container: TomlContainer, key: str, item: Item) -> None:
    """Add a key after the last key of its table, indented like it (tomlkit's own `append`
    would put it after the table's trailing comments, above the next header)."""
    if isinstance(container, InlineTable):
        container[key] = item
        return
    body = container.value if isinstance(container, Table) else container
    last_key = None
    indent = ""
    for existing, value in body.body:
        if existing is not None and not isinstance(value, Table | AoT | Whitespace):
            last_key = existing
            indent = value.trivia.indent
    if last_key is None:
        if isinstance(container, Table):
            indent = container.trivia.indent if container.is_aot_element() else ""
        item.trivia.indent = indent
        if not len(body.body):
            container[key] = item
            return
        body._insert_at(0, key, item)
    else:
        item.trivia.indent = indent
        body._insert_after(last_key, key, item)
    if isinstance(container, Table):
        # The container's own insert does not update the Table's mapping view of it, which
        # `del table[key]` later needs.
        dict.__setitem__(container, key, item)


def _chunk(text: str, place: Span) -> str:
    return text[place.lead : place.end]


def _cut(text: str, place: Span) -> str:
    """Text without one table's span and the blank lines after it. Comment paragraphs set
    apart below it by a blank line (a section heading for what follows) stay."""
    if place.next_lead is not None:
        keep = trailer(text, place.header, place.next_lead)
        return (
            text[: place.lead] + text[keep : place.next_lead].lstrip("\n") + text[place.next_lead :]
        )
    before = text[: place.lead].rstrip("\n")
    rest = text[place.end :].lstrip("\n")
    return (before + "\n" if before else "") + rest


def _render_value(key: str, value: Plain) -> str:
    return f"{tomlkit.key(key).as_string()} = {make_item(value).as_string()}"


def _is_table_list(value: Plain) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _render_table(
    header: str, values: Mapping[str, Plain], head_indent: str, key_indent: str
) -> str:
    """A new table as text: header, plain keys, then its own lists of tables, nested."""
    lines = [f"{head_indent}{header}\n"]
    nested: list[tuple[str, list[Mapping[str, Plain]]]] = []
    for key, value in values.items():
        if _is_table_list(value):
            nested.append((key, value))
        else:
            lines.append(f"{key_indent}{_render_value(key, value)}\n")
    name = header.strip("[]")
    for key, tables in nested:
        inner = key_indent + "  "
        for table in tables:
            lines.append("\n")
            lines.append(_render_table(f"[[{name}.{key}]]", table, inner, inner))
    return "".join(lines)


def _make_table(values: Mapping[str, Plain]) -> Table:
    table = tomlkit.table()
    for key, value in values.items():
        if _is_table_list(value):
            aot = tomlkit.aot()
            for element in value:
                aot.append(_make_table(element))
            table[key] = aot
        else:
            table[key] = make_item(value)
    return table


def _put(plain: dict[str, Plain], owner: Loc, key: str, value: list[Plain]) -> None:
    """Set a list inside a plain copy of the document (what a rebuild must produce)."""
    target: Any = plain
    if owner.table is not None:
        target = target[owner.table]
    if owner.phase is not None:
        target = target["phase"][owner.phase]
    if owner.step is not None:
        target = target["step"][owner.step]
    if owner.cue is not None:
        target = target["cue"][owner.cue]
    if value:
        target[key] = value
    else:
        target.pop(key, None)


EditFunction = Callable[[Document], None]
