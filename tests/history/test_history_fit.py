"""FIT export: what fit-tool writes, read back with fitdecode (an independent reader)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fitdecode
import pytest

from walktimer import cli, resources
from walktimer.history.fit import fit_bytes, laps, used_treadmill
from walktimer.history.log import HistoryLog, LoggedPhase, PhaseResult, Walk, WalkEnd

BERLIN = ZoneInfo("Europe/Berlin")


def decode(data: bytes) -> list[tuple[str, dict[str, Any]]]:
    out = []
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                out.append((frame.name, {f.name: f.value for f in frame.fields}))
    return out


def messages(data: bytes, name: str) -> list[dict[str, Any]]:
    return [fields for kind, fields in decode(data) if kind == name]


TREADMILL_WALK = Walk(
    started=datetime(2026, 3, 29, 8, 0, tzinfo=BERLIN),  # the morning clocks go forward
    script_name="Beginner walk, 15 minutes",
    script_path=None,
    script_sha256=None,
    planned_seconds=900.0,
    active_seconds=840.0,
    ended=WalkEnd.FINISHED,
    phases=(
        LoggedPhase(0, "Warm-up", PhaseResult.DONE, 0.0, 180.0, 200.0, 4.0),
        LoggedPhase(1, "Steady walk", PhaseResult.EXTENDED, 60.0, 660.0, 800.0, 4.36),
        LoggedPhase(2, "Stretch", PhaseResult.SKIPPED, 0.0, 0.0),
    ),
    id=7,
    distance_m=1000.0,
    avg_speed_kmh=4.28,
    elapsed_seconds=960.0,
)


def test_a_treadmill_walk_has_sport_sub_sport_laps_times_and_distance() -> None:
    data = fit_bytes(TREADMILL_WALK, treadmill=True)
    (file_id,) = messages(data, "file_id")
    assert file_id["type"] == "activity"
    (session,) = messages(data, "session")
    assert (session["sport"], session["sub_sport"]) == ("walking", "treadmill")
    assert session["start_time"] == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert session["total_timer_time"] == pytest.approx(840.0)
    assert session["total_elapsed_time"] == pytest.approx(960.0)
    assert session["total_distance"] == pytest.approx(1000.0)
    assert session["num_laps"] == 2
    lap_messages = messages(data, "lap")
    assert [lap["total_timer_time"] for lap in lap_messages] == pytest.approx([180.0, 660.0])
    assert sum(lap["total_elapsed_time"] for lap in lap_messages) == pytest.approx(960.0)
    assert [lap["total_distance"] for lap in lap_messages] == pytest.approx([200.0, 800.0])
    assert {(lap["sport"], lap["sub_sport"]) for lap in lap_messages} == {("walking", "treadmill")}
    assert lap_messages[1]["start_time"] == datetime(2026, 3, 29, 6, 3, tzinfo=UTC)
    (activity,) = messages(data, "activity")
    assert activity["num_sessions"] == 1
    assert activity["timestamp"] == datetime(2026, 3, 29, 6, 16, tzinfo=UTC)
    events = [(e["event"], e["event_type"]) for e in messages(data, "event")]
    assert events == [("timer", "start"), ("timer", "stop")]


def test_an_outdoor_walk_without_a_treadmill_has_no_distance() -> None:
    walk = Walk(
        datetime(2026, 12, 31, 23, 50, tzinfo=BERLIN), "Walk", None, None, 600.0, 600.0,
        WalkEnd.STOPPED, (LoggedPhase(0, "Walk", PhaseResult.STOPPED, 0.0, 600.0),),
    )  # fmt: skip
    data = fit_bytes(walk, treadmill=False)
    (session,) = messages(data, "session")
    assert (session["sport"], session["sub_sport"]) == ("walking", "generic")
    assert session.get("total_distance") is None
    assert session["total_elapsed_time"] == pytest.approx(600.0)  # not known: the active time
    assert all(r.get("distance") is None for r in messages(data, "record"))


def test_an_old_walk_without_phase_times_is_one_lap() -> None:
    walk = Walk(
        datetime(2024, 1, 1, 8, tzinfo=UTC), "Old", None, None, 60.0, 55.0, WalkEnd.FINISHED
    )
    (lap,) = laps(walk)
    assert (lap.timer_s, lap.elapsed_s) == (55.0, 55.0)
    assert len(messages(fit_bytes(walk, treadmill=False), "lap")) == 1


def test_a_treadmill_session_is_told_by_its_tags_speeds_or_a_reported_distance(
    tmp_path: Path,
) -> None:
    bundled = str(resources.bundled_session("beginner-15.toml"))
    base = Walk(datetime(2026, 1, 1, tzinfo=UTC), "w", None, None, 1.0, 1.0, WalkEnd.FINISHED)
    floor = tmp_path / "floor.toml"
    floor.write_text('format = 1\nname = "F"\n[[phase]]\nname = "p"\nduration = 60\n', "utf-8")
    from dataclasses import replace

    assert used_treadmill(replace(base, script_path=bundled))
    assert not used_treadmill(replace(base, script_path=str(floor)))
    assert not used_treadmill(replace(base, script_path=str(tmp_path / "gone.toml")))
    assert used_treadmill(replace(base, distance_m=5.0))
    assert not used_treadmill(base)


def test_export_fit_writes_the_chosen_walks_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with HistoryLog() as history:
        first = history.add(TREADMILL_WALK)
        second = history.add(
            Walk(TREADMILL_WALK.started + timedelta(days=1), "Next", None, None, 60.0, 60.0,
                 WalkEnd.FINISHED, (LoggedPhase(0, "Walk", PhaseResult.DONE, 0.0, 60.0),))
        )  # fmt: skip
    target = tmp_path / "walk.fit"
    assert cli.main(["history", "--export", "fit", str(target), "--walk", str(first)]) == 0
    assert "Exported 1 walk as FIT" in capsys.readouterr().out
    (session,) = messages(target.read_bytes(), "session")
    assert session["sub_sport"] == "treadmill"  # a treadmill reported the distance
    before = target.read_bytes()
    assert cli.main(["history", "--export", "fit", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_bytes() == before
    folder = tmp_path / "walks"
    args = ["history", "--export", "fit", str(folder), "--walk", str(first), "--walk", str(second)]
    assert cli.main(args) == 0
    assert len(list(folder.glob("*.fit"))) == 2
    assert cli.main(["history", "--export", "gpx", str(target)]) == 2
    assert cli.main(["history", "--export", "fit", str(target), "--walk", "99"]) == 1
    assert "There is no walk 99" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*.tmp"))
