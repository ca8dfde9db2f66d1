"""Durations: every form the format allows, the refusals, and how they are shown and said."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walktimer.core.durations import (
    DurationError,
    format_clock,
    format_compact,
    format_hms,
    number_words,
    parse_duration,
    parse_offset,
    say_duration,
)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (90, 90),
        ("90s", 90),
        ("5m", 300),
        ("1m30s", 90),
        ("1h5m", 3900),
        ("1h", 3600),
        ("2:30", 150),
        ("1:02:30", 3750),
        (" 5M ", 300),
        ("24h", 86400),
    ],
)
def test_every_form_parses(value: object, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (0, "greater than zero"),
        ("0s", "greater than zero"),
        (-5, "greater than zero"),
        ("abc", 'not "abc"'),
        ("2:75", 'not "2:75"'),
        ("", 'not ""'),
        (True, "not true"),
        (1.5, "whole seconds: write 1"),
        (math.inf, "not inf"),
        (math.nan, "not nan"),
        ([1], "not [1]"),
        ("25h", "longer than a session may be"),
    ],
)
def test_refusals_say_what_is_wrong(value: object, fragment: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(value)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2m", ("start", 120.0)),
        ("-30s", ("end", 30.0)),
        (-30, ("end", 30.0)),
        ("50%", ("percent", 50.0)),
        ("0", ("start", 0.0)),
        (0, ("start", 0.0)),
    ],
)
def test_offsets(value: object, expected: tuple[str, float]) -> None:
    assert parse_offset(value) == expected


@pytest.mark.parametrize("value", ["150%", "x%", "-nope", 2.5, None])
def test_bad_offsets_are_refused(value: object) -> None:
    with pytest.raises(DurationError):
        parse_offset(value)


def test_clocks() -> None:
    assert format_clock(59.2) == "0:59"
    assert format_clock(59.2, ceil=True) == "1:00"
    assert format_clock(3725) == "1:02:05"
    assert format_clock(-3) == "0:00"
    assert format_hms(65) == "0:01:05"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (150, "two minutes thirty"),
        (60, "one minute"),
        (10, "ten seconds"),
        (1, "one second"),
        (3900, "one hour five minutes"),
        (3605, "one hour five seconds"),
        (45 * 60 + 21, "forty-five minutes twenty-one"),
    ],
)
def test_spoken_durations(seconds: int, words: str) -> None:
    assert say_duration(seconds) == words


def test_number_words() -> None:
    assert number_words(0) == "zero"
    assert number_words(42) == "forty-two"
    assert number_words(115) == "one hundred and fifteen"
    assert number_words(1000) == "1000"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=24 * 3600))
def test_compact_form_reads_back(seconds: int) -> None:
    assert parse_duration(format_compact(seconds)) == seconds


def test_number_words_end_at_nine_hundred_and_ninety_nine() -> None:
    assert number_words(999) == "nine hundred and ninety-nine"
    assert number_words(1000) == "1000"
    assert say_duration(999) == "sixteen minutes thirty-nine"
    assert say_duration(999 * 3600) == "nine hundred and ninety-nine hours"
    assert say_duration(1000 * 3600) == "1000 hours"
