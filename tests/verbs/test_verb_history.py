"""`walktimer history`: the listing, the weekly table, CSV export, deleting, the goal."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from walktimer import cli
from walktimer.history.goal import load_goal
from walktimer.history.log import HistoryLog, LoggedPhase, PhaseResult, Walk, WalkEnd, default_path
from walktimer.history.stats import Goal
from walktimer.verbs import history as verb

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2021, 1, 6, 20, 0, tzinfo=BERLIN)  # Wednesday of 2021-W01


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verb, "_now", lambda: NOW)


def make_walk(day: date, minutes: float, name: str = "Back-care walk", **kw: object) -> Walk:
    values: dict[str, object] = {
        "started": datetime(day.year, day.month, day.day, 7, 30, tzinfo=BERLIN),
        "script_name": name,
        "script_path": "/home/w/back.toml",
        "script_sha256": "cd" * 32,
        "planned_seconds": 1800.0,
        "active_seconds": minutes * 60,
        "ended": WalkEnd.FINISHED,
        "phases": (
            LoggedPhase(0, "Warm-up", PhaseResult.DONE, 0.0, 300.0),
            LoggedPhase(1, "Walk", PhaseResult.EXTENDED, 90.0, 1590.0),
        ),
    }
    values.update(kw)
    return Walk(**values)  # type: ignore[arg-type]


def year_end_history() -> list[int]:
    """Three weeks meeting the goal (2020-W51 to W53, across New Year), then two days."""
    days = [date(2020, 12, 14) + timedelta(days=i) for i in range(5)]
    days += [date(2020, 12, 21) + timedelta(days=i) for i in range(5)]
    days += [date(2020, 12, 28), date(2020, 12, 29), date(2020, 12, 30)]
    days += [date(2021, 1, 1), date(2021, 1, 2), date(2021, 1, 4), date(2021, 1, 5)]
    with HistoryLog() as history:
        ids = history.add_many([make_walk(d, 32) for d in days])
        ids.append(
            history.add(
                make_walk(
                    date(2021, 1, 6),
                    12,
                    name="Beginner walk",
                    ended=WalkEnd.STOPPED,
                    phases=(
                        LoggedPhase(0, "Warm-up", PhaseResult.DONE),
                        LoggedPhase(1, "Hills", PhaseResult.SKIPPED, 0.0, 15.0),
                        LoggedPhase(2, "Walk", PhaseResult.STOPPED, 0.0, 410.0),
                        LoggedPhase(3, "Cool-down", PhaseResult.NOT_REACHED),
                    ),
                )
            )
        )
    return ids


def test_an_empty_history_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["history"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No walks in the history yet; `walktimer run` starts one.\n")
    assert "Streak: 0 weeks in a row meeting the goal (best 0)." in out
    assert "Totals" not in out


def test_recent_walks_weekly_table_streak_and_totals(capsys: pytest.CaptureFixture[str]) -> None:
    ids = year_end_history()
    assert cli.main(["history", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Recent walks (3 of 18, newest first):"
    assert lines[1].split() == ["ID", "Started", "Script", "Active", "Planned", "Ended"]
    assert lines[2].split() == [
        str(ids[-1]), "Wed", "06", "Jan", "2021", "07:30", "Beginner", "walk", "12:00", "30:00",
        "stopped", "(1", "of", "4", "phases", "walked)",
    ]  # fmt: skip
    assert lines[3].split()[:7] == [str(ids[-2]), "Tue", "05", "Jan", "2021", "07:30", "Back-care"]
    table = lines[lines.index("") + 1 :]
    assert table[0] == "Weekly goal: 30+ minutes of walking on 5 days a week."
    assert table[1] == (
        "Minutes walked per day (* = 30+, a goal day; Days = goal days of the 5 needed):"
    )
    weeks = {line.split()[0]: line for line in table[3:11]}
    assert list(weeks) == [f"2020-W{w}" for w in range(47, 54)] + ["2021-W01"]
    assert weeks["2020-W53"].split() == ["2020-W53", "32*", "32*", "32*", ".", "32*", "32*", ".",
                                         "5/5", "160", "met"]  # fmt: skip
    current = weeks["2021-W01"].split()
    assert current == ["2021-W01", "32*", "32*", "12", "2/5", "76", "(this", "week)"]
    assert table[11] == "Streak: 3 weeks in a row meeting the goal (best 3)."
    assert table[12] == "Totals: 18 walks, 9 h 16 min walking, since 14 Dec 2020."


def test_limit_zero_lists_every_walk(capsys: pytest.CaptureFixture[str]) -> None:
    year_end_history()
    assert cli.main(["history", "-n", "0"]) == 0
    out = capsys.readouterr().out
    assert "Recent walks (18, newest first):" in out
    assert out.count("07:30") == 18


def test_csv_exports_every_walk_oldest_first(capsys: pytest.CaptureFixture[str]) -> None:
    ids = year_end_history()
    assert cli.main(["history", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [int(r["id"]) for r in rows] == ids
    assert list(rows[0]) == list(verb.CSV_COLUMNS)
    first = rows[0]
    assert first["started"] == "2020-12-14T07:30:00+01:00"
    assert first["started_utc"] == "2020-12-14T06:30:00Z"
    assert first["local_day"] == "2020-12-14"
    assert first["active_seconds"] == "1920.0"
    assert first["ended"] == "finished"
    assert (first["phases_done"], first["phases_extended"], first["extended_seconds"]) == (
        "1",
        "1",
        "90.0",
    )
    assert first["phases"] == "Warm-up: done | Walk: extended +1:30"
    last = rows[-1]
    assert last["script_name"] == "Beginner walk"
    assert (last["phases_skipped"], last["phases_stopped"], last["phases_not_reached"]) == (
        "1",
        "1",
        "1",
    )
    assert last["phases"] == (
        "Warm-up: done | Hills: skipped | Walk: stopped after 6:50 | Cool-down: not reached"
    )


def test_csv_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    year_end_history()
    target = tmp_path / "walks.csv"
    assert cli.main(["history", "--csv", "-o", str(target)]) == 0
    assert capsys.readouterr().out == f"Exported 18 walks to {target}.\n"
    assert len(list(csv.reader(io.StringIO(target.read_text())))) == 19
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in {".csv", ".tmp"}) == [
        "walks.csv"
    ]


def test_csv_to_a_missing_folder_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["history", "--csv", "-o", str(tmp_path / "nope" / "w.csv")]) == 1
    err = capsys.readouterr().err
    folder = tmp_path / "nope"
    assert err == f"walktimer: {folder} is not a folder; give -o a file in an existing folder.\n"


def test_output_without_csv_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["history", "-o", "x.csv"]) == 2
    assert "add --csv" in capsys.readouterr().err


def test_delete_one_walk_with_yes(capsys: pytest.CaptureFixture[str]) -> None:
    ids = year_end_history()
    assert cli.main(["history", "--delete", str(ids[0]), "--yes"]) == 0
    assert capsys.readouterr().out == (
        f"Deleted walk {ids[0]} (Mon 14 Dec 2020 07:30, Back-care walk, 32:00).\n"
    )
    with HistoryLog() as history:
        assert [w.id for w in history.walks(newest_first=False)] == ids[1:]


def test_deleting_without_a_terminal_needs_yes(capsys: pytest.CaptureFixture[str]) -> None:
    ids = year_end_history()
    assert cli.main(["history", "--delete", str(ids[0])]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert cli.main(["history", "--delete-all"]) == 2
    with HistoryLog() as history:
        assert history.count() == 18


def test_deleting_asks_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = year_end_history()
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    asked: list[str] = []
    answers = iter(["n", "y"])

    def answer(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    assert cli.main(["history", "--delete-all"]) == 0
    assert asked == ["Delete all 18 walks from the history? This cannot be undone. [y/N] "]
    with HistoryLog() as history:
        assert history.count() == 18
    assert cli.main(["history", "--delete", str(ids[3])]) == 0
    assert asked[1].startswith(f"Delete walk {ids[3]} (")
    with HistoryLog() as history:
        assert history.count() == 17


def test_deleting_a_walk_that_is_not_there(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["history", "--delete", "99", "--yes"]) == 1
    assert "There is no walk 99 in the history" in capsys.readouterr().err


def test_delete_all(capsys: pytest.CaptureFixture[str]) -> None:
    year_end_history()
    assert cli.main(["history", "--delete-all", "-y"]) == 0
    assert capsys.readouterr().out == "Deleted 18 walks; the history is empty.\n"
    assert cli.main(["history", "--delete-all", "-y"]) == 0
    assert capsys.readouterr().out == "The history is already empty.\n"


def test_set_goal_is_kept_and_used(capsys: pytest.CaptureFixture[str]) -> None:
    year_end_history()
    assert cli.main(["history", "--set-goal", "2x30"]) == 0
    assert capsys.readouterr().out == "Weekly goal set: 30+ minutes of walking on 2 days a week.\n"
    assert load_goal() == Goal(2, 30)
    assert cli.main(["history"]) == 0
    out = capsys.readouterr().out
    assert "Streak: 4 weeks in a row meeting the goal (best 4)." in out


def test_a_bad_goal_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["history", "--set-goal", "lots"]) == 2
    assert "write DAYSxMINUTES" in capsys.readouterr().err


def test_a_damaged_history_is_moved_aside_with_one_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 100)
    assert cli.main(["history"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("walktimer: The walk history could not be read")
    assert "No walks in the history yet" in captured.out
    [aside] = path.parent.glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes() == b"\x00garbage" * 100


def test_a_demo_is_listed_as_one_and_counted_nowhere(capsys: pytest.CaptureFixture[str]) -> None:
    with HistoryLog() as history:
        history.add(make_walk(date(2021, 1, 5), 32))
        history.add(make_walk(date(2021, 1, 6), 15, name="Beginner", speed=60.0))
    assert cli.main(["history"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Recent walks (2, newest first):"
    assert lines[2].split()[-3:] == ["demo", "x60,", "finished"]
    assert lines[3].split()[-1] == "finished"
    assert lines[4].startswith("  (demo: run with --speed; kept here, but counted in no day")
    current = next(line for line in lines if "(this week)" in line).split()
    assert current == ["2021-W01", ".", "32*", ".", "1/5", "32", "(this", "week)"]
    assert "Totals: 1 walk, 32 min walking, since 05 Jan 2021." in out
    assert cli.main(["history", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["speed"] for r in rows] == ["1", "60"]


def test_a_number_too_large_for_the_history_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["history", "--delete", "99999999999999999999", "--yes"])
    assert stopped.value.code == 2
    assert "larger than any walk number" in capsys.readouterr().err


def test_names_from_the_history_are_printed_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    # An older walktimer took control characters in names; the history keeps what it stored.
    with HistoryLog() as history:
        history.add(make_walk(date(2021, 1, 5), 32, name="Walk\x1b[2J\x9b"))
    assert cli.main(["history"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x9b" not in out
    assert "Walk\\u001b[2J\\u009b" in out
    assert cli.main(["history", "--csv"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "Walk\\u001b[2J\\u009b" in out
