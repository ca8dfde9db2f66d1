"""Hostile scripts: numbers past Python's limits, deep nesting, control characters.

Each gets one sentence with its position, never a traceback, and never costs the positions
of the problems after it.
"""

from __future__ import annotations

import pytest

from walktimer.core.format.values import DurationError, parse_duration, parse_offset
from walktimer.core.loader import check_text

HEAD = 'format = 1\nname = "Hostile"\n\n[[phase]]\nname = "Walk"\n'
MANY = "1" * 5000  # past Python's 4,300-digit limit for converting text to int


def lines(text: str) -> list[str]:
    return [str(problem) for problem in check_text(text)]


@pytest.mark.parametrize(
    "value", [MANY + "s", MANY + ":00", MANY + ":00:00", "0" * 5000 + "1h" + MANY + "m"]
)
def test_a_duration_text_with_thousands_of_digits_is_too_long(value: str) -> None:
    with pytest.raises(DurationError, match="longer than a session may be"):
        parse_duration(value)
    assert lines(HEAD + f'duration = "{value}"\n') == [
        f'<text>:6:1: error: phase 1 "Walk": duration: "{value[:37]}..." is longer than a '
        "session may be (24 hours)"
    ]


def test_leading_zeros_do_not_count_as_digits() -> None:
    assert parse_duration("0" * 5000 + "90s") == 90


def test_an_offset_with_thousands_of_digits_is_too_long() -> None:
    with pytest.raises(DurationError, match="longer than a session may be"):
        parse_offset("-" + MANY + "s")
    text = HEAD + f'duration = "5m"\n\n[[phase.cue]]\nat = "-{MANY}s"\nsay = "Hi."\n'
    (problem,) = check_text(text)
    assert (problem.line, problem.col) == (9, 1)
    assert "longer than a session may be (24 hours)" in problem.what


def test_a_toml_integer_with_thousands_of_digits_gets_a_sentence_with_its_position() -> None:
    assert lines(HEAD + f"duration = {MANY}\n") == [
        "<text>:6:12: error: TOML syntax: this number has more than 4,300 digits, more than "
        "walktimer can read: a session script needs only small numbers, like 90 or 5"
    ]


@pytest.mark.parametrize("value", ["1e308", "1.7976931348623157e308", "1e999", "-1e308"])
def test_overflowing_floats_get_a_sentence(value: str) -> None:
    for key in ("duration", "speed", "incline", "countdown"):
        text = HEAD + ('duration = "5m"\n' if key != "duration" else "") + f"{key} = {value}\n"
        (problem,) = check_text(text)
        assert problem.line is not None
        assert problem.what.startswith(f"{key}: ")
        assert len(problem.what) < 200, problem.what


def test_a_huge_float_duration_is_not_spelt_out() -> None:
    assert lines(HEAD + "duration = 1e308\n") == [
        '<text>:6:1: error: phase 1 "Walk": duration: 1e+308 is longer than a session may be '
        "(24 hours)"
    ]


# -- deep nesting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "deep",
    [
        "[" * 150 + '"a"' + "]" * 150,
        "{a = " * 150 + '"]}"' + "}" * 150,
        "[" + "[" * 150 + "'''x]'''" + "]" * 150 + ", # ]\n 3]",
    ],
    ids=["lists", "inline tables", "strings and comments inside"],
)
def test_one_deeply_nested_value_keeps_the_positions_of_later_problems(deep: str) -> None:
    text = f'format = 1\nname = "Deep"\ntags = {deep}\n\n[[phase]]\nname = "Walk"\ndurtion = "5m"\n'
    problems = check_text(text)
    assert problems[0].line == 3
    assert all(p.line is not None and p.col is not None for p in problems)
    line = text[: text.index("durtion")].count("\n") + 1
    assert (problems[-1].line, problems[-1].col) == (line, 1)
    assert problems[-1].what == 'unknown key "durtion": did you mean duration?'


# -- control characters -------------------------------------------------------------------------

GOOD = 'format = 1\nname = "Walk"\n\n[[phase]]\nname = "Walk"\nduration = "5m"\n'


@pytest.mark.parametrize(
    ("line", "where", "what"),
    [
        (
            'name = "Walk\\u001b[2J"',
            'phase 1 "Walk\\u001b[2J"',  # the place names it, escaped
            "name: character 5 of the text is the control character U+001B (escape): remove it "
            "(it is one line, without tabs or line breaks)",
        ),
        (
            'say = "Go\\u009b1m"',
            'phase 1 "Walk"',
            "say: character 3 of the text is the control character U+009B: remove it (only tabs "
            "and line breaks may be written in it)",
        ),
        (
            'instructions = "Tall\\rnow"',
            'phase 1 "Walk"',
            "instructions: character 5 of the text is the control character U+000D (carriage "
            "return): remove it (only tabs and line breaks may be written in it)",
        ),
        (
            'name = "Two\\tcolumns"',
            'phase 1 "Two\\tcolumns"',
            "name: character 4 of the text is the control character U+0009 (tab): remove it (it "
            "is one line, without tabs or line breaks)",
        ),
    ],
)
def test_control_characters_in_texts_are_refused_with_their_place(
    line: str, where: str, what: str
) -> None:
    key = line.split(" ", 1)[0]
    text = "\n".join(
        line if existing.startswith(f"{key} =") and i > 2 else existing
        for i, existing in enumerate(GOOD.splitlines())
    )
    if f"{key} =" not in text.split("[[phase]]")[1]:
        text += "\n" + line
    problems = check_text(text + "\n")
    assert [(p.line, p.where, p.what) for p in problems] == [
        (text.splitlines().index(line) + 1, where, what)
    ]


def test_tags_reminders_and_the_session_name_are_checked_too() -> None:
    text = (
        'format = 1\nname = "W\\u0007"\ntags = ["a\\u0000"]\n\n[reminders]\nevery = "1m"\n'
        'texts = ["Up\\u007f"]\n\n[[phase]]\nname = "Walk"\nduration = "5m"\n'
    )
    found = [(p.line, p.what.split(":")[0]) for p in check_text(text)]
    assert found == [(2, "name"), (3, "tag 1"), (7, "text 1")]


def test_tabs_and_line_breaks_are_fine_where_a_text_may_run_over_lines() -> None:
    text = GOOD + (
        'say = "Walk.\\tTall."\ninstructions = """\nHead up.\n\tShoulders down."""\n'
        'description = "Two\\nlines"\n'
    ).replace("description", '[[phase.cue]]\nat = 1\nsay = "a\\tb\\nc"\n#')
    assert check_text(text) == []
    text = GOOD.replace('name = "Walk"\n\n', 'name = "Walk"\ndescription = "One.\\n\\tTwo."\n\n', 1)
    assert check_text(text) == []


@pytest.mark.parametrize("key", ["speed", "incline"])
@pytest.mark.parametrize("sign", ["", "-"])
def test_an_integer_too_large_for_a_float_is_out_of_range(key: str, sign: str) -> None:
    text = HEAD + f'duration = "5m"\n{key} = {sign}1{"0" * 400}\n'
    (problem,) = check_text(text)
    assert (problem.line, problem.col) == (7, 1)
    assert problem.what.startswith(f"{key}: a very large number ")


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (f'"{MANY}"', f'duration: "{MANY[:37]}..." is longer than a session may be (24 hours)'),
        ('"\\u00b2"', 'duration: expected a duration like 90, "90s", "5m", "1m30s", "2:30" or'),
        ('"\\u0663m"', 'duration: expected a duration like 90, "90s", "5m", "1m30s", "2:30" or'),
        ("0x" + "f" * 5000, "duration: a very large number is longer than a session may be"),
    ],
    ids=["digits", "superscript two", "arabic-indic three", "huge hexadecimal"],
)
def test_digit_texts_python_reads_but_the_format_does_not(value: str, what: str) -> None:
    (problem,) = check_text(HEAD + f"duration = {value}\n")
    assert problem.line == 6
    assert problem.what.startswith(what)


def test_a_huge_hexadecimal_format_number_is_named_not_spelt_out() -> None:
    (problem,) = check_text(f'format = 0x{"f" * 5000}\nname = "x"\n')
    assert problem.what.startswith("this script was written for a newer walktimer (format a very")
