"""The programme file: bundled programmes load, and every mistake is one FILE:LINE:COL line."""

from __future__ import annotations

from pathlib import Path

import pytest

from walktimer import resources
from walktimer.core.loader import load_text as load_session_text
from walktimer.programmes.build import build_to, default_finder
from walktimer.programmes.format import ProgrammeError, check_text, load_path, load_text


def test_the_bundled_programmes_load_and_build_up() -> None:
    paths = resources.bundled_programmes()
    assert {p.stem for p in paths} >= {"back-care-start", "gentle-return"}
    start = load_path(resources.bundled_programme("back-care-start"))
    assert start.name == "Back-care start"
    minutes = [w.planned_seconds // 60 for w in start.weeks]
    assert len(minutes) == 6
    assert 10 <= minutes[0] <= 15
    assert minutes[-1] == 30
    assert minutes == sorted(minutes)
    assert {w.walks for w in start.weeks} == {5}
    gentle = load_path(resources.bundled_programme("gentle-return"))
    gentle_minutes = [w.planned_seconds // 60 for w in gentle.weeks]
    assert gentle_minutes == sorted(gentle_minutes)
    assert gentle_minutes[0] < minutes[0]
    assert gentle.weeks[0].walks < 5


def problems(text: str, tmp_path: Path) -> list[str]:
    return [str(p) for p in check_text(text, tmp_path / "p.toml")]


GOOD_WEEK = '[[week]]\nwalks = 3\nsession = "beginner-15"\n'
TOP = 'format = 1\nname = "P"\n'
WEEK_OF = '[[week]]\nsession = "beginner-15"\n'


def test_a_session_that_does_not_exist_is_one_sentence_at_its_key(tmp_path: Path) -> None:
    text = f'format = 1\nname = "P"\n{GOOD_WEEK}[[week]]\nwalks = 2\nsession = "beginer-15"\n'
    found = problems(text, tmp_path)
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'p.toml'}:8:1: error: week 2: ")
    assert 'there is no session "beginer-15"' in found[0]
    assert 'did you mean "beginner-15"?' in found[0]


def test_a_broken_session_is_one_sentence_and_its_file_is_untouched(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('format = 1\nname = "B"\n', encoding="utf-8")
    before = broken.read_bytes()
    text = 'format = 1\nname = "P"\n[[week]]\nwalks = 2\nsession = "broken"\n'
    found = problems(text, tmp_path)
    assert len(found) == 1
    assert ":5:1: error: week 1: " in found[0]
    assert "cannot be run" in found[0]
    assert "walktimer check" in found[0]
    assert broken.read_bytes() == before


def test_a_week_with_zero_walks_is_one_sentence(tmp_path: Path) -> None:
    text = 'format = 1\nname = "P"\n[[week]]\nwalks = 0\nsession = "beginner-15"\n'
    (found,) = problems(text, tmp_path)
    assert ":4:1: error: week 1: a week with zero walks" in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "P"\n' + GOOD_WEEK, "p.toml: error: top level: format = 1 is missing"),
        ('format = 2\nname = "P"\n' + GOOD_WEEK, "1:1: error: top level: format 2 is newer"),
        ("format = 1\n" + GOOD_WEEK, "error: top level: name is missing"),
        (TOP, "error: top level: there are no weeks"),
        (TOP + "weeks = 3\n" + GOOD_WEEK, 'unknown key "weeks": did you mean "week"'),
        (TOP + WEEK_OF, "week 1: walks is missing"),
        (TOP + WEEK_OF + "walks = 20\n", "5:1: error: week 1: walks must be from 1 to 14"),
        (TOP + "[[week]]\nwalks = 2\n", "week 1: session is missing"),
        (TOP + GOOD_WEEK + 'duration = "2m"\n', "6:1: error: week 1: 2m is too short"),
        (TOP + GOOD_WEEK + 'duration = "ten"\n', "6:1: error: week 1: expected a duration"),
        (TOP + GOOD_WEEK + 'duration = "5h"\n', "week 1: a walk of a programme lasts 1m to 3h"),
        (TOP + "[[week]\n", "3:7: error: TOML syntax:"),
    ],
)
def test_each_mistake_is_named_where_it_is(text: str, expected: str, tmp_path: Path) -> None:
    found = problems(text, tmp_path)
    assert any(expected in line for line in found), found


def test_every_problem_is_reported_at_once_and_load_raises_them(tmp_path: Path) -> None:
    text = 'format = 1\nname = "P"\n[[week]]\nwalks = 0\nsession = "nope"\nextra = 1\n'
    with pytest.raises(ProgrammeError) as caught:
        load_text(text, tmp_path / "p.toml")
    assert len(caught.value.problems) == 3
    assert [p.line for p in caught.value.problems] == [4, 5, 6]


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError, match="there is no such file"):
        load_path(tmp_path / "none.toml")


def test_a_session_beside_the_programme_is_found_first(tmp_path: Path) -> None:
    own = resources.bundled_session("beginner-15.toml").read_text(encoding="utf-8")
    (tmp_path / "beginner-15.toml").write_text(
        own.replace('name = "Beginner walk, 15 minutes"', 'name = "Mine"'), encoding="utf-8"
    )
    programme = load_text('format = 1\nname = "P"\n' + GOOD_WEEK, tmp_path / "p.toml")
    assert programme.weeks[0].session_name == "Mine"
    assert programme.weeks[0].session_path == tmp_path / "beginner-15.toml"


def test_building_to_a_length_changes_only_the_walking_phases() -> None:
    session = default_finder().load(resources.bundled_session("beginner-15.toml"))
    built = build_to(session, 20 * 60)
    assert not isinstance(built, str)
    assert built.total_seconds == 1200
    assert built.name == "Beginner walk, 20 minutes"
    before = [(getattr(p, "name", ""), getattr(p, "duration", 0)) for p in session.phases]
    after = [(getattr(p, "name", ""), getattr(p, "duration", 0)) for p in built.phases]
    changed = [a for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("Steady walk", 480)]
    no_walk = load_session_text(
        'format = 1\nname = "S"\n[[phase]]\nname = "Stretch"\nkind = "stretch"\nduration = 60\n'
    )
    assert "no timed walking phase" in str(build_to(no_walk, 600))
