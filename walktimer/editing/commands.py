"""Reversible edits of a Document: each one applies in place and undoes exactly.

A command does its work once, in place, and remembers the text before and after; undo puts
the text back as it was, byte for byte, and redo puts back exactly what the edit produced.
The editor window wraps these in a QUndoStack; `History` is the same without Qt.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from tomlkit.items import AoT, Item, Table

from walktimer.editing.document import (
    SESSION_TABLES,
    Document,
    Entry,
    Loc,
    NotEditable,
    describe,
)
from walktimer.i18n import ENGLISH, N_, Phrases

__all__ = [
    "Command",
    "History",
    "RebuildList",
    "SetFields",
    "SetSource",
    "SetTable",
    "add_item",
    "block_to_phases",
    "delete_item",
    "duplicate_item",
    "move_item",
    "phase_to_block",
]

# Keys a phase has that a repeated block does not (and the other way round).
_BLOCK_KEYS = ("name", "repeat", "step")


class Command:
    """One undoable edit. Subclasses implement `perform` (the first, in-place application)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._before: str | None = None
        self._after: str | None = None

    def perform(self, doc: Document) -> None:
        raise NotImplementedError

    def apply(self, doc: Document) -> None:
        if self._after is None:
            before = doc.text()
            try:
                self.perform(doc)
            except Exception:
                doc.set_text(before)
                raise
            self._before = before
            self._after = doc.text()
        elif doc.text() != self._after:
            doc.set_text(self._after)

    def undo(self, doc: Document) -> None:
        if self._before is None:
            raise RuntimeError("undo before apply")
        if doc.text() != self._before:
            doc.set_text(self._before)

    @property
    def changed(self) -> bool:
        """Whether applying it changed the text at all (a no-op need not be recorded)."""
        return self._before != self._after

    def merge(self, other: Command) -> bool:
        """Absorb a following edit of the same field (typing); True when merged."""
        return False

    def _absorb(self, other: Command) -> None:
        self._after = other._after


class SetFields(Command):
    """Set keys of one place (None removes a key).

    Undo and redo first try to work in place (putting the old items back, setting the
    values again) and keep the result only when it is exactly the recorded text; otherwise
    they restore the text itself. In place is far quicker on a long script than a re-parse.
    """

    def __init__(
        self,
        loc: Loc,
        values: Mapping[str, Any],
        label: str | None = None,
        *,
        phrases: Phrases = ENGLISH,
    ) -> None:
        keys = ", ".join(values)
        # Translators: an undo step; {keys} are key names, {place} is "phase 2, cue 1".
        default = phrases.gettext("Change {keys} of {place}")
        super().__init__(label or default.format(keys=keys, place=describe(loc, phrases)))
        self.loc = loc
        self.values = dict(values)
        self._old: dict[str, Item | None] | None = None

    def perform(self, doc: Document) -> None:
        old: dict[str, Item | None] | None = {}
        for key in self.values:
            item = doc.item(self.loc, key)
            if old is not None and item is not None and not _simple(item):
                old = None  # tables and lists of tables: undo restores the text instead
            elif old is not None:
                old[key] = copy.deepcopy(item)
        for key, value in self.values.items():
            doc.set_value(self.loc, key, value)
        self._old = old

    def apply(self, doc: Document) -> None:
        if self._after is not None and doc.parsed and doc.text() == self._before:
            try:
                for key, value in self.values.items():
                    doc.set_value(self.loc, key, value)
            except (NotEditable, KeyError, ValueError, TypeError):
                doc.set_text(self._after)
                return
            if doc.text() == self._after:
                return
            doc.set_text(self._after)
            return
        super().apply(doc)

    def undo(self, doc: Document) -> None:
        if self._old is not None and doc.parsed and doc.text() == self._after:
            try:
                for key, item in reversed(self._old.items()):
                    doc.restore_item(self.loc, key, copy.deepcopy(item))
            except (NotEditable, KeyError, ValueError, TypeError):
                doc.set_text(self._before or "")
                return
            if doc.text() == self._before:
                return
            doc.set_text(self._before or "")
            return
        super().undo(doc)

    def merge(self, other: Command) -> bool:
        if (
            isinstance(other, SetFields)
            and other.loc == self.loc
            and other.values.keys() == self.values.keys()
        ):
            self.values = dict(other.values)
            self._absorb(other)
            return True
        return False


def _simple(item: Item) -> bool:
    return not isinstance(item, Table | AoT)


class SetSource(Command):
    """Replace the whole text (an edit in the source view); the text may not parse."""

    def __init__(self, text: str, label: str | None = None, *, phrases: Phrases = ENGLISH) -> None:
        super().__init__(label or phrases.gettext("Edit the source"))
        self.text = text

    def perform(self, doc: Document) -> None:
        doc.set_text(self.text)

    def merge(self, other: Command) -> bool:
        if isinstance(other, SetSource):
            self.text = other.text
            self._absorb(other)
            return True
        return False


class SetTable(Command):
    """Add a session table (with values) or remove it (values None): e.g. reminders on/off."""

    def __init__(
        self,
        name: str,
        values: Mapping[str, Any] | None,
        label: str | None = None,
        *,
        phrases: Phrases = ENGLISH,
    ):
        if name not in SESSION_TABLES:
            raise ValueError(f"not a session table: {name}")
        table = f"[{name}]"
        if values is None:
            default = phrases.gettext("Remove {table}").format(table=table)
        else:
            default = phrases.gettext("Add {table}").format(table=table)
        super().__init__(label or default)
        self.name = name
        self.values = None if values is None else dict(values)

    def perform(self, doc: Document) -> None:
        if self.values is None:
            doc.remove_session_table(self.name)
        else:
            doc.add_session_table(self.name, self.values)


class RebuildList(Command):
    """Rebuild a list of phases, steps or cues (add, copy, delete, move, convert)."""

    def __init__(self, owner: Loc, key: str, entries: Sequence[Entry], label: str) -> None:
        super().__init__(label)
        self.owner = owner
        self.key = key
        self.entries = list(entries)

    def perform(self, doc: Document) -> None:
        doc.rebuild_list(self.owner, self.key, self.entries)


# The undo step's name for each change to a list, by the list's key.
_LABELS = {
    ("add", "phase"): N_("Add phase"),
    ("add", "step"): N_("Add step"),
    ("add", "cue"): N_("Add cue"),
    ("duplicate", "phase"): N_("Duplicate phase"),
    ("duplicate", "step"): N_("Duplicate step"),
    ("duplicate", "cue"): N_("Duplicate cue"),
    ("delete", "phase"): N_("Delete phase"),
    ("delete", "step"): N_("Delete step"),
    ("delete", "cue"): N_("Delete cue"),
    ("move", "phase"): N_("Move phase"),
    ("move", "step"): N_("Move step"),
    ("move", "cue"): N_("Move cue"),
}


def _kept(doc: Document, owner: Loc, key: str) -> list[Entry]:
    return [Entry(old=i) for i in range(doc.count(owner, key))]


def add_item(
    doc: Document,
    owner: Loc,
    key: str,
    index: int,
    values: Mapping[str, Any],
    *,
    phrases: Phrases = ENGLISH,
) -> RebuildList:
    entries = _kept(doc, owner, key)
    index = max(0, min(index, len(entries)))
    entries.insert(index, Entry(values=dict(values)))
    return RebuildList(owner, key, entries, phrases.gettext(_LABELS["add", key]))


def duplicate_item(
    doc: Document, owner: Loc, key: str, index: int, *, phrases: Phrases = ENGLISH
) -> RebuildList:
    entries = _kept(doc, owner, key)
    entries.insert(index + 1, Entry(old=index))
    return RebuildList(owner, key, entries, phrases.gettext(_LABELS["duplicate", key]))


def delete_item(
    doc: Document, owner: Loc, key: str, index: int, *, phrases: Phrases = ENGLISH
) -> RebuildList:
    entries = _kept(doc, owner, key)
    del entries[index]
    return RebuildList(owner, key, entries, phrases.gettext(_LABELS["delete", key]))


def move_item(
    doc: Document, owner: Loc, key: str, index: int, to: int, *, phrases: Phrases = ENGLISH
) -> RebuildList:
    """Move one element so that it ends up at position `to`."""
    entries = _kept(doc, owner, key)
    entry = entries.pop(index)
    entries.insert(max(0, min(to, len(entries))), entry)
    return RebuildList(owner, key, entries, phrases.gettext(_LABELS["move", key]))


def phase_to_block(
    doc: Document, index: int, repeat: int = 2, *, phrases: Phrases = ENGLISH
) -> RebuildList:
    """Turn a phase into a repeated block whose single step is that phase; the block is
    named after it, in `phrases`."""
    t = phrases
    values = doc.values(Loc(phase=index))
    name = values.get("name", t.gettext("Block"))
    # Translators: the name of a repeated block made from the phase {name}.
    named = t.gettext("{name} block").format(name=name) if isinstance(name, str) else None
    block = {"name": t.gettext("Block") if named is None else named, "repeat": repeat}
    block["step"] = [values]
    entries = _kept(doc, Loc(), "phase")
    entries[index] = Entry(values=block)
    return RebuildList(Loc(), "phase", entries, t.gettext("Make a repeated block"))


def block_to_phases(doc: Document, index: int, *, phrases: Phrases = ENGLISH) -> RebuildList:
    """Turn a repeated block into its steps as plain phases (played once)."""
    steps = doc.values(Loc(phase=index)).get("step", [])
    entries = _kept(doc, Loc(), "phase")
    replacement = [Entry(values=step) for step in steps if isinstance(step, dict)]
    entries[index : index + 1] = replacement
    return RebuildList(Loc(), "phase", entries, phrases.gettext("Turn the block into phases"))


class History:
    """An undo stack without Qt, for scripts and tests; the editor uses QUndoStack."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._done: list[Command] = []
        self._undone: list[Command] = []

    def do(self, command: Command, *, merge: bool = False) -> None:
        """Apply a command; with `merge`, fold it into the previous one when they edit the
        same field (as typing does)."""
        command.apply(self.doc)
        if not command.changed:
            return
        if not (merge and self._done and self._done[-1].merge(command)):
            self._done.append(command)
        self._undone.clear()

    def undo(self) -> bool:
        if not self._done:
            return False
        command = self._done.pop()
        command.undo(self.doc)
        self._undone.append(command)
        return True

    def redo(self) -> bool:
        if not self._undone:
            return False
        command = self._undone.pop()
        command.apply(self.doc)
        self._done.append(command)
        return True

    @property
    def depth(self) -> int:
        return len(self._done)
