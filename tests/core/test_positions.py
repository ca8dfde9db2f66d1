"""The key-position scanner: key paths map to where their keys are written."""

from __future__ import annotations

import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from walktimer.core.positions import key_positions


def test_tables_arrays_of_tables_and_keys() -> None:
    text = (
        "format = 1\n"  # 1
        "[voice]\n"  # 2
        "  rate = 150\n"  # 3
        "[[phase]]\n"  # 4
        'name = "A"\n'  # 5
        "  [[phase.cue]]\n"  # 6
        '  at = "1m"\n'  # 7
        "  [[phase.cue]]\n"  # 8
        '  at = "2m"\n'  # 9
        "[[phase]]\n"  # 10
        'name = "B"\n'  # 11
        "  [[phase.step]]\n"  # 12
        '  name = "S"\n'  # 13
        "    [[phase.step.cue]]\n"  # 14
        "    every = 30\n"  # 15
    )
    pos = key_positions(text)
    assert pos[("format",)] == (1, 1)
    assert pos[("voice",)] == (2, 1)
    assert pos[("voice", "rate")] == (3, 3)
    assert pos[("phase",)] == (4, 1)
    assert pos[("phase", 0)] == (4, 1)
    assert pos[("phase", 0, "name")] == (5, 1)
    assert pos[("phase", 0, "cue", 0)] == (6, 3)
    assert pos[("phase", 0, "cue", 0, "at")] == (7, 3)
    assert pos[("phase", 0, "cue", 1, "at")] == (9, 3)
    assert pos[("phase", 1)] == (10, 1)
    assert pos[("phase", 1, "name")] == (11, 1)
    assert pos[("phase", 1, "step", 0, "name")] == (13, 3)
    assert pos[("phase", 1, "step", 0, "cue", 0, "every")] == (15, 5)
    assert ("phase", 2) not in pos


def test_dotted_and_quoted_keys() -> None:
    text = 'voice.rate = 1\n"voice" . volume = 2\n[ "a b" . \'c\' ]\n"x\\u0079" = 3\n'
    pos = key_positions(text)
    assert pos[("voice",)] == (1, 1)
    assert pos[("voice", "rate")] == (1, 1)
    assert pos[("voice", "volume")] == (2, 1)
    assert pos[("a b", "c")] == (3, 1)
    assert pos[("a b", "c", "xy")] == (4, 1)


def test_inline_tables_and_arrays_record_their_elements() -> None:
    text = 'texts = [\n  "a",  # one\n  "b",\n]\ncue = [{ at = "1m", say = "x" }, { every = 5 }]\n'
    pos = key_positions(text)
    assert pos[("texts", 0)] == (2, 3)
    assert pos[("texts", 1)] == (3, 3)
    assert pos[("cue", 0)] == (5, 8)
    assert pos[("cue", 0, "at")] == (5, 10)
    assert pos[("cue", 0, "say")] == (5, 21)
    assert pos[("cue", 1)] == (5, 34)
    assert pos[("cue", 1, "every")] == (5, 36)


def test_strings_that_look_like_keys_and_tables_are_skipped() -> None:
    text = (
        'a = """\n[[phase]]\nb = 1 \\""" still inside\n"""\n'
        "c = '''\n[x]\n'''''\n"
        "d = 'it is' # comment [y]\n"
        'e = "# not a comment"\n'
        "f = 1979-05-27 07:32:00Z\n"
        "g = [[1, 2], [3]]\n"
        "h = 4\n"
    )
    assert tomli.loads(text)["h"] == 4
    pos = key_positions(text)
    assert set(pos) >= {("a",), ("c",), ("e",), ("f",), ("g",), ("h",)}
    assert ("phase",) not in pos
    assert ("x",) not in pos
    assert ("b",) not in pos
    assert pos[("e",)] == (9, 1)
    assert pos[("h",)] == (12, 1)
    assert pos[("g", 1, 0)] == (11, 15)


def test_crlf_counts_as_one_line_break() -> None:
    pos = key_positions("a = 1\r\nb = 2\r\n[t]\r\nc = 3\r\n")
    assert pos[("b",)] == (2, 1)
    assert pos[("t", "c")] == (4, 1)


def test_text_that_is_not_toml_gives_what_was_found_before_it() -> None:
    pos = key_positions('a = 1\nb = "unclosed\nc = 3\n')
    assert pos == {("a",): (1, 1), ("b",): (2, 1)}
    assert key_positions("") == {}
    assert key_positions("[[[[") == {}
    deep = key_positions("x = " + "[" * 5000)
    assert deep[("x",)] == (1, 1)
    assert deep[("x", 0, 0)] == (1, 7)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_scanned_without_raising(text: str) -> None:
    for line, col in key_positions(text).values():
        assert line >= 1
        assert col >= 1


keys = st.text(alphabet="abcxyz_-", min_size=1, max_size=4)
scalars = st.one_of(st.integers(), st.booleans(), st.text(max_size=8), st.floats(allow_nan=False))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(keys, st.one_of(scalars, st.lists(scalars, max_size=3)), min_size=1))
def test_every_top_level_key_of_a_dumped_document_is_found_on_its_line(
    doc: dict[str, object],
) -> None:
    import tomlkit

    text = tomlkit.dumps(doc)
    assert tomli.loads(text) == doc
    pos = key_positions(text)
    lines = text.split("\n")
    for key in doc:
        line, col = pos[(key,)]
        assert lines[line - 1][col - 1 :].lstrip('"').startswith(key)
