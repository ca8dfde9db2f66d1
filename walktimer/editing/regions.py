"""Where each table of a tomlkit document sits in its text, so whole tables can move as text.

tomlkit keeps the comment lines written above a `[[phase]]` header inside the *previous*
table, so moving or deleting tables through its objects carries those comments to the wrong
place (tomlkit issues 295 and 392). The editor therefore moves, copies and deletes whole
tables as spans of text: a table's span starts at the comment lines directly above its
header and ends at its last non-blank line; the blank lines between spans stay where they
are. The positions come from tomlkit itself (a marker is rendered into each header for one
`as_string()` call), so headers inside multi-line strings can never be mistaken for real ones.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from tomlkit import TOMLDocument
from tomlkit.container import Container
from tomlkit.items import AoT, Item, Table

__all__ = ["Span", "header_tables", "spans", "trailer"]

_MARK_OPEN = "\ue000"
_MARK_CLOSE = "\ue001"


@dataclass(frozen=True, slots=True)
class Span:
    """One table's text: [lead, end) holds its leading comments, header, keys and children."""

    lead: int  # start of the comment lines directly above the header (or the header)
    header: int  # start of the header line
    end: int  # just past the last non-blank line of the table and its children
    next_lead: int | None  # where the next table's span starts; None: only blank text follows


def _children(container: Container) -> Iterator[Table]:
    for _key, item in container.body:
        yield from _tables_in(item)


def _tables_in(item: Item) -> Iterator[Table]:
    if isinstance(item, AoT):
        for table in item.body:
            yield table
            yield from _children(table.value)
    elif isinstance(item, Table):
        yield item
        yield from _children(item.value)


def header_tables(doc: TOMLDocument) -> list[Table]:
    """Every table of the document in rendering order (super tables included)."""
    return list(_children(doc))


def _descendants(table: Table) -> set[int]:
    return {id(child) for child in _children(table.value)}


def _header_positions(doc: TOMLDocument, tables: Sequence[Table]) -> tuple[str, dict[int, int]]:
    """The document text and, for each table that renders a header, where its line starts."""
    saved = [table.trivia.comment_ws for table in tables]
    try:
        for number, table in enumerate(tables):
            table.trivia.comment_ws = f"{_MARK_OPEN}{number}{_MARK_CLOSE}{saved[number]}"
        marked = doc.as_string()
    finally:
        for table, comment_ws in zip(tables, saved, strict=True):
            table.trivia.comment_ws = comment_ws
    positions: dict[int, int] = {}
    plain: list[str] = []
    removed = 0
    cursor = 0
    while True:
        start = marked.find(_MARK_OPEN, cursor)
        if start < 0:
            plain.append(marked[cursor:])
            break
        stop = marked.index(_MARK_CLOSE, start)
        number = int(marked[start + 1 : stop])
        plain.append(marked[cursor:start])
        line_start = marked.rfind("\n", 0, start) + 1
        positions[id(tables[number])] = line_start - removed
        removed += stop + 1 - start
        cursor = stop + 1
    return "".join(plain), positions


def _is_comment(line: str) -> bool:
    return line.lstrip(" \t").startswith("#")


def _is_blank(line: str) -> bool:
    return line.strip(" \t\r\n") == ""


def _lead(text: str, header: int, floor: int) -> int:
    """Walk back from a header over the comment lines directly above it."""
    lead = header
    while lead > floor:
        previous = text.rfind("\n", 0, lead - 1) + 1
        if previous < floor or not _is_comment(text[previous:lead]):
            break
        lead = previous
    return lead


def _content_end(text: str, start: int, stop: int) -> int:
    """Just past the last non-blank line in text[start:stop] (stop if it ends mid-line)."""
    end = stop
    while end > start:
        previous = text.rfind("\n", start, end - 1) + 1
        previous = max(previous, start)
        if not _is_blank(text[previous:end]):
            break
        end = previous
    return end


def trailer(text: str, start: int, stop: int) -> int:
    """Where the text at the very end that belongs to the file, not to the last table,
    begins: comment lines set apart from the table by a blank line stay at the end."""
    cut = stop
    cursor = stop
    while cursor > start:
        previous = max(text.rfind("\n", start, cursor - 1) + 1, start)
        line = text[previous:cursor]
        if _is_blank(line):
            cut = previous
        elif not _is_comment(line):
            break
        cursor = previous
    return cut if cut < stop and not _is_blank(text[cut:stop]) else stop


def spans(doc: TOMLDocument, wanted: Sequence[Table]) -> tuple[str, list[Span]] | None:
    """The text of the document and the span of each wanted table, or None when a wanted
    table renders no header of its own (an inline or dotted form the caller must handle)."""
    tables = header_tables(doc)
    text, positions = _header_positions(doc, tables)
    owners = sorted((place, key) for key, place in positions.items())
    ordered = [place for place, _key in owners]
    result: list[Span] = []
    for table in wanted:
        header = positions.get(id(table))
        if header is None:
            return None
        inside = _descendants(table)
        boundary = len(text)
        after = False
        for place, key in islice(owners, bisect_right(ordered, header), None):
            if key not in inside and key != id(table):
                boundary, after = place, True
                break
        below = bisect_left(ordered, header)
        floor = ordered[below - 1] if below > 0 else 0
        lead = _lead(text, header, floor)
        if after:
            next_lead = _lead(text, boundary, header)
            end = _content_end(text, header, next_lead)
        else:
            next_lead = None
            end = _content_end(text, header, trailer(text, header, boundary))
        result.append(Span(lead=lead, header=header, end=end, next_lead=next_lead))
    return text, result
