"""The editor's document: round trips are byte-identical and an edit touches only its lines."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import tomli

from tests.conftest import REPO
from walktimer import resources
from walktimer.core.loader import check_text
from walktimer.editing import commands as C
from walktimer.editing.document import Document, Loc, make_item
from walktimer.editing.scriptfile import BLANK_TEMPLATE, ScriptFile

COMMENTED = REPO / "tests" / "data" / "editor" / "commented.toml"
SCRIPTS = [*resources.bundled_sessions(), COMMENTED]


def _ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines only in `before` and only in `after` (a line diff)."""
    gone: list[str] = []
    new: list[str] = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            gone.append(line[2:])
        elif line.startswith("+ "):
            new.append(line[2:])
    return gone, new


def test_there_are_bundled_sessions_to_check() -> None:
    assert len(SCRIPTS) >= 4


@pytest.mark.parametrize("path", SCRIPTS, ids=_ids(SCRIPTS))
def test_open_and_save_without_edits_is_byte_identical(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    script = ScriptFile.open(copy)
    assert script.doc.parsed
    assert not script.modified
    script.save()
    assert copy.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("path", SCRIPTS, ids=_ids(SCRIPTS))
def test_changing_the_name_changes_only_its_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = Document(text, path)
    old_name = doc.get(Loc(), "name")
    doc.set_value(Loc(), "name", "Renamed walk")
    gone, new = _changed_lines(text, doc.text())
    assert len(gone) == 1
    assert len(new) == 1
    assert old_name in gone[0]
    assert new[0] == gone[0].replace(_quoted(gone[0], old_name), '"Renamed walk"')
    assert doc.problems() == []


def _quoted(line: str, value: str) -> str:
    for quote in ('"', "'"):
        if f"{quote}{value}{quote}" in line:
            return f"{quote}{value}{quote}"
    raise AssertionError(f"{value!r} not quoted in {line!r}")


@pytest.mark.parametrize("path", SCRIPTS, ids=_ids(SCRIPTS))
def test_changing_a_phase_duration_changes_only_its_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = Document(text, path)
    index = next(
        i for i in range(doc.count(Loc(), "phase")) if "duration" in doc.values(Loc(phase=i))
    )
    doc.set_value(Loc(phase=index), "duration", "7m")
    gone, new = _changed_lines(text, doc.text())
    assert len(gone) == len(new) == 1
    assert new[0].lstrip().startswith('duration = "7m"')
    assert tomli.loads(doc.text())["phase"][index]["duration"] == "7m"


def test_the_commented_file_keeps_every_comment_through_edits_in_inline_tables() -> None:
    text = COMMENTED.read_text(encoding="utf-8")
    doc = Document(text)
    doc.set_value(Loc(table="voice"), "rate", 170)
    doc.set_value(Loc(phase=0, cue=1), "sound", "bell")
    doc.set_value(Loc(phase=1, step=1, cue=0), "say", "Easy now.")
    gone, new = _changed_lines(text, doc.text())
    assert gone == [
        "voice = { rate = 150, volume = 0.8 }   # inline table",
        'cue = [ { at = "2m", say = "Arms loose." }, { at = "-30s", sound = "ping" } ]',
        '        say = "Easy does it."',
    ]
    assert new == [
        "voice = { rate = 170, volume = 0.8 }   # inline table",
        'cue = [ { at = "2m", say = "Arms loose." }, { at = "-30s", sound = "bell" } ]',
        '        say = "Easy now."',
    ]


def test_a_new_key_goes_after_the_last_key_with_its_indentation() -> None:
    text = COMMENTED.read_text(encoding="utf-8")
    doc = Document(text)
    doc.set_value(Loc(phase=1, step=0), "say", "Pick up the pace.")
    lines = doc.text().splitlines()
    speed = lines.index("    speed = 5.0          # km/h as a number")
    assert lines[speed + 1] == '    say = "Pick up the pace."'
    assert lines[speed + 2] == ""
    assert tomli.loads(doc.text())["phase"][1]["step"][0]["say"] == "Pick up the pace."


def test_a_new_key_in_a_table_with_a_trailing_comment_goes_above_the_comment() -> None:
    text = COMMENTED.read_text(encoding="utf-8")
    doc = Document(text)
    doc.set_value(Loc(table="sounds"), "countdown", "tick")
    assert '\tfinish = "chime"\n\tcountdown = "tick"\n# nothing else here\n' in doc.text()


def test_a_literal_string_stays_literal() -> None:
    doc = Document(COMMENTED.read_text(encoding="utf-8"))
    doc.set_value(Loc(), "description", "Forty minutes.")
    assert "description = 'Forty minutes.'  # literal string" in doc.text()


def test_multiline_text_is_written_as_a_block() -> None:
    item = make_item("Line one.\nLine two.")
    assert item.as_string() == '"""\nLine one.\nLine two."""'


def test_moving_a_phase_takes_the_comments_above_it_along() -> None:
    text = COMMENTED.read_text(encoding="utf-8")
    doc = Document(text)
    C.move_item(doc, Loc(), "phase", 1, 2).apply(doc)
    out = doc.text()
    assert tomli.loads(out)["phase"][2]["name"] == "Intervals"
    # The comment above "Intervals" moved with it; nothing was lost or duplicated.
    assert out.index("# The middle: a repeated block") > out.index('name = "Stretch"')
    assert sorted(out.splitlines()) == sorted(text.splitlines()) or sorted(
        line for line in out.splitlines() if line
    ) == sorted(line for line in text.splitlines() if line)
    assert out.endswith("# trailing comment at the very end\n")


def test_deleting_a_phase_keeps_the_comment_above_the_next_one() -> None:
    text = COMMENTED.read_text(encoding="utf-8")
    doc = Document(text)
    C.delete_item(doc, Loc(), "phase", 0).apply(doc)
    out = doc.text()
    assert '# The middle: a repeated block\n[[phase]]\nname = "Intervals"' in out
    assert "Warm-up" not in out
    assert "# ---- phases ----" in out


def test_inline_cues_can_be_moved_added_and_deleted() -> None:
    doc = Document(COMMENTED.read_text(encoding="utf-8"))
    C.move_item(doc, Loc(phase=0), "cue", 1, 0).apply(doc)
    assert [c.get("sound") for c in tomli.loads(doc.text())["phase"][0]["cue"]] == ["ping", None]
    C.add_item(doc, Loc(phase=0), "cue", 2, {"at": "1m", "say": "Hi"}).apply(doc)
    C.delete_item(doc, Loc(phase=0), "cue", 0).apply(doc)
    cues = tomli.loads(doc.text())["phase"][0]["cue"]
    assert cues == [{"at": "2m", "say": "Arms loose."}, {"at": "1m", "say": "Hi"}]
    assert doc.problems() == []


def test_the_first_cue_of_a_phase_is_added_as_an_indented_table() -> None:
    doc = Document(BLANK_TEMPLATE)
    C.add_item(doc, Loc(phase=1), "cue", 0, {"at": "30s", "say": "Thirty seconds in."}).apply(doc)
    assert (
        'duration = "20m"\n\n  [[phase.cue]]\n  at = "30s"\n  say = "Thirty seconds in."\n\n'
        "[[phase]]\n"
    ) in doc.text()
    assert doc.problems() == []


def test_reminders_can_be_removed_and_added_back() -> None:
    text = COMMENTED.read_text(encoding="utf-8")
    doc = Document(text)
    C.SetTable("reminders", None).apply(doc)
    assert "[reminders]" not in doc.text()
    assert "Breathe." not in doc.text()
    assert "# ---- phases ----" in doc.text()
    C.SetTable("reminders", {"every": "90s", "texts": ["Tall.", "Loose."]}).apply(doc)
    parsed = tomli.loads(doc.text())
    assert parsed["reminders"] == {"every": "90s", "texts": ["Tall.", "Loose."]}
    assert doc.text().index("[reminders]") < doc.text().index("[[phase]]")
    assert doc.problems() == []


def test_phase_and_block_convert_both_ways() -> None:
    doc = Document(COMMENTED.read_text(encoding="utf-8"))
    C.phase_to_block(doc, 0).apply(doc)
    block = tomli.loads(doc.text())["phase"][0]
    assert block["repeat"] == 2
    assert block["step"][0]["name"] == "Warm-up"
    assert block["step"][0]["cue"][1] == {"at": "-30s", "sound": "ping"}
    assert doc.problems() == []
    C.block_to_phases(doc, 1).apply(doc)
    names = [p["name"] for p in tomli.loads(doc.text())["phase"]]
    assert names == ["Warm-up block", "Brisk", "Easy", "Stretch"]
    assert doc.problems() == []


def test_undo_gives_back_the_original_bytes() -> None:
    text = COMMENTED.read_text(encoding="utf-8")
    doc = Document(text)
    history = C.History(doc)
    history.do(C.SetFields(Loc(phase=2), {"name": "Stretches"}))
    history.do(C.duplicate_item(doc, Loc(), "phase", 1))
    history.do(C.move_item(doc, Loc(phase=1), "step", 0, 1))
    history.do(C.SetTable("reminders", None))
    history.do(C.SetFields(Loc(table="reminders"), {"every": "1m"}))
    after = doc.text()
    while history.undo():
        pass
    assert doc.text() == text
    while history.redo():
        pass
    assert doc.text() == after


def test_typing_merges_into_one_undo_step() -> None:
    doc = Document(COMMENTED.read_text(encoding="utf-8"))
    history = C.History(doc)
    for typed in ("W", "Wa", "Wal", "Walk"):
        history.do(C.SetFields(Loc(phase=0), {"name": typed}), merge=True)
    assert history.depth == 1
    history.undo()
    assert doc.get(Loc(phase=0), "name") == "Warm-up"


def test_broken_text_is_kept_and_reported_at_its_line_and_column() -> None:
    doc = Document('format = 1\nname = "x\n')
    assert not doc.parsed
    assert doc.syntax_error is not None
    assert doc.syntax_error.line == 2
    assert doc.text() == 'format = 1\nname = "x\n'
    problems = check_text(doc.text(), None)
    assert problems
    assert problems[0].line == 2
    with pytest.raises(Exception, match="not valid TOML"):
        doc.set_value(Loc(), "name", "y")


def test_an_edit_that_fails_leaves_the_text_as_it_was() -> None:
    text = COMMENTED.read_text(encoding="utf-8")
    doc = Document(text)
    command = C.SetFields(Loc(phase=9), {"name": "nowhere"})
    with pytest.raises(Exception, match="no phase 10"):
        command.apply(doc)
    assert doc.text() == text
