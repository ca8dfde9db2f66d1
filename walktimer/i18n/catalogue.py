"""Gettext catalogues read from their .po source: parsed and compiled in memory when loaded.

The .po files are the only form kept in the repository and shipped in the package; nothing
compiled can go stale, and a clean checkout or an installed wheel needs no build step. The
compiled form is the standard .mo layout, handed to the standard library's GNUTranslations,
so plural rules and lookups are gettext's own.
"""

from __future__ import annotations

import ast
import gettext
import io
import struct
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CatalogueError", "Entry", "compile_mo", "load_translations", "read_po"]

_MO_MAGIC = 0x950412DE


class CatalogueError(ValueError):
    """A .po file that cannot be read, with the place and what is wrong."""


@dataclass(slots=True)
class Entry:
    """One message of a catalogue."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    line: int = 0

    @property
    def translated(self) -> bool:
        """Whether every form has a translation and none is marked fuzzy."""
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise CatalogueError(f"{where}: expected a quoted string, found {text!r}.")
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError) as exc:
        raise CatalogueError(f"{where}: the string {text} is not a valid C string.") from exc
    if not isinstance(value, str):
        raise CatalogueError(f"{where}: expected a quoted string, found {text!r}.")
    return value


def read_po(text: str, name: str = "<po>") -> list[Entry]:
    """The entries of a .po file's text, the header (msgid "") included; obsolete ones left out."""
    entries: list[Entry] = []
    entry = Entry()
    fuzzy = False
    target: tuple[str, int] | None = None  # the field continuation lines add to

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry = Entry()
        target = None

    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}"
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in (flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            if target is None:
                raise CatalogueError(f"{where}: a string continues no msgid or msgstr.")
            _add(entry, target, _unquote(line, where))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
            finish()
        if keyword == "msgctxt":
            target = ("msgctxt", 0)
            entry.msgctxt = ""
        elif keyword == "msgid":
            target = ("msgid", 0)
            entry.line = number
            entry.fuzzy = fuzzy
            fuzzy = False
        elif keyword == "msgid_plural":
            target = ("msgid_plural", 0)
            entry.msgid_plural = ""
        elif keyword == "msgstr":
            target = ("msgstr", 0)
            entry.msgstr[0] = ""
        elif keyword.startswith("msgstr[") and keyword.endswith("]") and keyword[7:-1].isdigit():
            index = int(keyword[7:-1])
            target = ("msgstr", index)
            entry.msgstr[index] = ""
        else:
            raise CatalogueError(f"{where}: unknown keyword {keyword!r}; expected msgid or msgstr.")
        _add(entry, target, _unquote(rest, where))
    finish()
    for item in entries:
        if not item.msgstr:
            raise CatalogueError(f"{name}:{item.line}: msgid {item.msgid!r} has no msgstr.")
    return entries


def _add(entry: Entry, target: tuple[str, int], value: str) -> None:
    kind, index = target
    if kind == "msgid":
        entry.msgid += value
    elif kind == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    elif kind == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + value
    else:
        entry.msgstr[index] += value


def compile_mo(entries: list[Entry]) -> bytes:
    """The entries as a .mo file (GNU layout, no hash table), as msgfmt writes them: fuzzy and
    untranslated entries are left out, so gettext falls back to the original words."""
    pairs: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.msgid and not entry.translated:
            continue
        key = entry.msgid
        if entry.msgid_plural is not None:
            key += "\0" + entry.msgid_plural
        if entry.msgctxt is not None:
            key = entry.msgctxt + "\x04" + key
        value = "\0".join(entry.msgstr[i] for i in sorted(entry.msgstr))
        pairs[key.encode("utf-8")] = value.encode("utf-8")
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    table: list[int] = []
    blob = io.BytesIO()
    for original in keys:
        table += [len(original), data_at + blob.tell()]
        blob.write(original + b"\0")
    for original in keys:
        translation = pairs[original]
        table += [len(translation), data_at + blob.tell()]
        blob.write(translation + b"\0")
    header = struct.pack("<7I", _MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    return header + struct.pack(f"<{len(table)}I", *table) + blob.getvalue()


def load_translations(path: Path) -> gettext.GNUTranslations:
    """The catalogue of one .po file, ready for gettext lookups."""
    text = path.read_text(encoding="utf-8")
    return gettext.GNUTranslations(io.BytesIO(compile_mo(read_po(text, path.name))))
