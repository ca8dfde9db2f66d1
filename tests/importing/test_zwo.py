"""Zwift workout import: every block, attribute and capitalisation, and every refusal."""

from __future__ import annotations

import math
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from walktimer.core.loader import load_text
from walktimer.core.plan import EventKind, Plan, build_plan
from walktimer.core.script import Block, Kind, Phase, Session, Speed
from walktimer.importing import zwo
from walktimer.importing.zwo import (
    MAX_ZWO_BYTES,
    ImportResult,
    ZwoError,
    convert_zwo,
    import_zwo_file,
    parse_reference_speed,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "zwo"

SIX_KMH = Speed(kmh=6.0)

# File -> (reference speed or None, planned total in seconds, spoken text events as
# (session time, text)), worked out by hand from the files.
IMPORTABLE: dict[str, tuple[str | None, int, list[tuple[float, str]]]] = {
    "run_every_block.zwo": (
        None,
        300 + 600 + 120 + 3 * 90 + 180 + 15 + 240,
        [
            (0, "Warm up easily."),
            (120, "Two minutes in."),
            (300, "Settle into your tempo."),
            (1030, "Stride out."),
            (1120, "Stride out."),
            (1210, "Stride out."),
            (1685, "Nearly done."),
        ],
    ),
    "bike.zwo": (
        None,
        600 + 2 * 900 + 300 + 600,
        [(605, "Settle into sweet spot."), (1505, "Settle into sweet spot.")],
    ),
    "junk_pace.zwo": (None, 360, []),
    "intervals_events_differ.zwo": (
        None,
        4 * 90 + 60,
        [
            (0, "First round, go."),
            (95, "Round two: hold it."),
            (150, "Ease off."),
            (300, "Last one, push."),
        ],
    ),
    # 6 km/h is 5/3 m/s. Warm-up: 500 m ramping 2.5 -> 5 m/3s: 600 ln 2 = 415.9 s; steady
    # 1000 m: 600 s; intervals: 2 x (200 m at 7.5 km/h = 96 s + 100 m at 3 km/h = 120 s);
    # free 300 m: 180 s; cool-down 250 m at 3 km/h: 300 s. Total 1927.9 s -> 1928 s.
    "distance.zwo": (
        "6 km/h",
        1928,
        [
            (416 + 300, "Halfway."),
            (416 + 600 + 216 + 24, "Second round."),
            (416 + 600 + 432 + 30, "Thirty seconds in."),
        ],
    ),
    # 3 x 90.4 + 2 x (30.6 + 29.6) + 59.5 = 451.1 s.
    "fractional.zwo": (None, 451, [(46, "Forty-six.")]),
    "oddities.zwo": (
        None,
        60 + 120 + 3 * 20 + 60,
        [
            (70, "Say (remaining) and ((rep)) literally, over two lines & with a tab."),
            (90, "Café ☕ )("),
        ],
    ),
}


def text_events(plan: Plan) -> list[tuple[float, str]]:
    """Spoken cues that came from text events (not the speed-change cues along ramps)."""
    return [
        (event.t, event.text or "")
        for event in plan.events
        if event.kind is EventKind.CUE
        and not (
            (event.text or "").startswith(("Speed up to ", "Slow down to "))
            and (event.text or "").endswith(" per hour.")
        )
    ]


def imported(name: str, reference: str | Speed | None = None) -> tuple[ImportResult, Session]:
    result = import_zwo_file(DATA / name, reference)
    return result, load_text(result.toml_text, DATA / "imported.toml")


# -- every importable file passes the loader and plans to the workout's total -------------------


@pytest.mark.parametrize("name", sorted(IMPORTABLE))
@pytest.mark.parametrize("with_speed", [False, True])
def test_imports_load_and_plan_to_the_workout_total(name: str, with_speed: bool) -> None:
    needed, total, events = IMPORTABLE[name]
    reference = "6 km/h" if with_speed else needed
    if reference is None and needed is not None:
        pytest.fail("a file that needs a reference speed is listed without one")
    _, session = imported(name, reference)
    plan = build_plan(session)
    assert plan.total == total
    assert session.total_seconds == total
    assert text_events(plan) == [(float(t), text) for t, text in events]


def test_the_header_names_the_source_and_the_file_reads_as_toml() -> None:
    result, _ = imported("run_every_block.zwo")
    first = result.toml_text.splitlines()[0]
    assert first == "# Imported from the Zwift workout run_every_block.zwo by walktimer import."
    doc = tomli.loads(result.toml_text)
    assert doc["format"] == 1
    assert len(doc["phase"]) == 7  # one [[phase]] per block
    assert result.suggested_name == "tempo-and-strides.toml"
    assert result.warnings == ()


def test_metadata_becomes_the_scripts() -> None:
    _, session = imported("run_every_block.zwo")
    assert session.name == "Tempo and strides"
    assert session.author == "Coach Ann"
    assert session.description == (
        "A run workout with every block type.\nSecond line of the description."
    )
    assert session.tags == ("Tempo", "Intervals")


def test_every_block_becomes_a_readable_phase_without_a_reference_speed() -> None:
    _, session = imported("run_every_block.zwo")
    warmup, steady, ramp, intervals, free, max_effort, cooldown = session.phases
    assert isinstance(warmup, Phase)
    assert (warmup.name, warmup.kind, warmup.duration) == ("Warm-up", Kind.WARMUP, 300)
    assert warmup.instructions == "Build up gradually from 50% to 70% of your marathon pace."
    assert warmup.speed is None
    assert [(c.at.value if c.at else None, c.say) for c in warmup.cues] == [
        (0.0, "Warm up easily."),
        (120.0, "Two minutes in."),
    ]
    assert isinstance(steady, Phase)
    assert (steady.name, steady.kind, steady.duration) == ("Steady 85%", Kind.WALK, 600)
    assert steady.instructions == "Intensity 85% of your 5 km pace."
    assert isinstance(ramp, Phase)
    assert ramp.name == "Ramp 80% to 100%"
    assert ramp.instructions == "Build up gradually from 80% to 100% of your 5 km pace."
    assert isinstance(intervals, Block)
    assert (intervals.name, intervals.repeat) == ("Intervals", 3)
    on, off = intervals.steps
    assert (on.name, on.duration, on.instructions) == (
        "On 110%",
        30,
        "Effort at 110% of your 1 mile pace.",
    )
    assert [(c.at.value if c.at else None, c.say) for c in on.cues] == [(10.0, "Stride out.")]
    assert (off.name, off.duration, off.cues) == ("Off 60%", 60, ())
    assert isinstance(free, Phase)
    assert (free.name, free.duration, free.speed) == ("Free walk", 180, None)
    assert isinstance(max_effort, Phase)
    assert (max_effort.name, max_effort.duration) == ("Max effort", 15)
    assert isinstance(cooldown, Phase)
    assert (cooldown.name, cooldown.kind, cooldown.duration) == ("Cool-down", Kind.COOLDOWN, 240)
    assert cooldown.instructions == "Ease down gradually from 70% to 40% of your marathon pace."


def test_a_reference_speed_turns_intensities_into_speed_targets() -> None:
    result, session = imported("run_every_block.zwo", "6 km/h")
    warmup, steady, ramp, intervals, free, _, cooldown = session.phases
    assert isinstance(steady, Phase)
    assert steady.speed == Speed(kmh=5.1)
    assert steady.instructions == "Intensity 85% of your 5 km pace: 5.1 km/h."
    assert isinstance(intervals, Block)
    assert [step.speed for step in intervals.steps] == [Speed(kmh=6.6), Speed(kmh=3.6)]
    assert isinstance(free, Phase)
    assert free.speed is None
    # Ramps start at their first speed and are told each change along the way.
    assert isinstance(warmup, Phase)
    assert warmup.speed == Speed(kmh=3.0)
    changes = [c.say for c in warmup.cues if c.say and c.say.startswith("Speed up")]
    assert changes[-1] == "Speed up to 4.2 kilometres per hour."
    assert len(changes) == 4  # at most one a minute in a 5-minute ramp
    assert isinstance(cooldown, Phase)
    assert cooldown.speed == Speed(kmh=4.2)
    slows = [c.say for c in cooldown.cues if c.say and c.say.startswith("Slow down")]
    assert slows[-1] == "Slow down to 2.4 kilometres per hour."
    assert isinstance(ramp, Phase)
    assert ramp.speed == Speed(kmh=4.8)
    assert "# Speeds are those shares of the reference speed 6 km/h." in result.toml_text
    assert result.warnings == (
        "the workout refers to several reference paces (1 mile pace, 5 km pace, marathon "
        "pace); the reference speed stands for all of them",
    )


def test_a_reference_speed_in_mph_keeps_its_unit() -> None:
    _, session = imported("run_every_block.zwo", "4 mph")
    steady = session.phases[1]
    assert isinstance(steady, Phase)
    assert steady.speed is not None
    assert steady.speed.unit == "mph"
    assert steady.speed.text == "3.4 mph"


@pytest.mark.parametrize("name", ["run_lowercase.zwo", "run_mixed_case.zwo"])
@pytest.mark.parametrize("reference", [None, "6 km/h"])
def test_names_match_in_any_capitalisation(name: str, reference: str | None) -> None:
    """Lower case, upper case, mixed case, "running", and a Cooldown written inverted."""
    canonical = imported("run_every_block.zwo", reference)
    other = imported(name, reference)
    assert other[1] == canonical[1]
    assert other[0].warnings == canonical[0].warnings


def test_an_inverted_cooldown_still_eases_off() -> None:
    zwift = b'<workout_file><workout><Cooldown Duration="60" PowerLow="0.8" PowerHigh="0.3"/>'
    inverted = b'<workout_file><workout><Cooldown Duration="60" PowerLow="0.3" PowerHigh="0.8"/>'
    end = b"</workout></workout_file>"
    first = load_text(convert_zwo(zwift + end, "a.zwo", SIX_KMH)[0])
    second = load_text(convert_zwo(inverted + end, "a.zwo", SIX_KMH)[0])
    assert first == second
    phase = first.phases[0]
    assert isinstance(phase, Phase)
    assert phase.speed == Speed(kmh=4.8)
    assert phase.instructions == "Ease down gradually from 80% to 30%: 4.8 km/h to 1.8 km/h."


def test_a_ramp_may_go_down_and_a_warmup_follows_its_values() -> None:
    data = (
        b"<workout_file><workout>"
        b'<Ramp Duration="60" PowerLow="0.9" PowerHigh="0.6"/>'
        b'<Warmup Duration="60" Power="0.5"/>'
        b"</workout></workout_file>"
    )
    session = load_text(convert_zwo(data)[0])
    ramp, warmup = session.phases
    assert isinstance(ramp, Phase)
    assert ramp.name == "Ramp 90% to 60%"
    assert ramp.instructions == "Ease down gradually from 90% to 60%."
    assert isinstance(warmup, Phase)
    assert (warmup.kind, warmup.instructions) == (Kind.WARMUP, "Intensity 50%.")


# -- sports and paces ---------------------------------------------------------------------------


def test_a_bike_workout_is_imported_with_ftp_in_its_instructions() -> None:
    result, session = imported("bike.zwo")
    assert result.warnings == (
        "this is a bike workout: its intensities are shares of cycling power (FTP); they are "
        "in the phases' instructions, with no treadmill speeds",
    )  # no word about its junk pace values: bike files carry them
    intervals = session.phases[1]
    assert isinstance(intervals, Block)
    assert intervals.steps[0].instructions == "Effort at 90% of FTP (cycling power)."
    assert [c.say for c in intervals.steps[0].cues] == ["Settle into sweet spot."]
    assert all(phase.speed is None for phase in session.flat_phases())
    assert "# A bike workout: its intensities are shares of FTP" in result.toml_text


def test_a_bike_workout_with_a_reference_speed_says_what_was_assumed() -> None:
    result, session = imported("bike.zwo", "6 km/h")
    assert "taken as shares of the reference speed" in result.warnings[0]
    steady = session.phases[2]
    assert isinstance(steady, Phase)
    assert steady.speed == Speed(kmh=3.6)


def test_junk_pace_values_are_ignored_with_one_warning() -> None:
    result, session = imported("junk_pace.zwo")
    assert result.warnings == (
        "pace values '', '-1', '2.5', '7', 'abc' are not reference paces 0 to 4 and were ignored",
    )
    instructions = [phase.instructions for phase in session.flat_phases()]
    assert instructions == ["Intensity 80% of your reference pace."] * 5 + [
        "Intensity 80% of your half marathon pace."
    ]


@pytest.mark.parametrize(
    ("pace", "words"),
    [("0", "1 mile"), ("1", "5 km"), ("2", "10 km"), ("3", "half marathon"), ("4", "marathon")],
)
def test_each_reference_pace_is_named(pace: str, words: str) -> None:
    data = (
        "<workout_file><sportType>run</sportType><workout>"
        f'<SteadyState Duration="60" Power="0.9" pace="{pace}"/>'
        "</workout></workout_file>"
    ).encode()
    phase = load_text(convert_zwo(data)[0]).phases[0]
    assert isinstance(phase, Phase)
    assert phase.instructions == f"Intensity 90% of your {words} pace."


# -- text events ---------------------------------------------------------------------------------


def test_interval_events_that_differ_per_round_are_written_round_by_round() -> None:
    result, session = imported("intervals_events_differ.zwo")
    names = [phase.name for phase in session.phases]
    assert names == [
        "On 105% (1/4)",
        "Off 50% (1/4)",
        "On 105% (2/4)",
        "Off 50% (2/4)",
        "On 105% (3/4)",
        "Off 50% (3/4)",
        "On 105% (4/4)",
        "Off 50% (4/4)",
        "Steady 60%",
    ]
    assert all(isinstance(phase, Phase) for phase in session.phases)
    second = session.phases[2]
    assert isinstance(second, Phase)
    assert second.say == "On 105%, round 2 of 4."
    assert [(c.at.value if c.at else None, c.say) for c in second.cues] == [
        (5.0, "Round two: hold it.")
    ]
    assert "written out round by round because its text events differ" in result.toml_text


def test_interval_events_alike_in_every_round_stay_a_repeated_block() -> None:
    _, session = imported("bike.zwo")
    block = session.phases[1]
    assert isinstance(block, Block)
    assert block.repeat == 2
    assert [c.say for c in block.steps[0].cues] == ["Settle into sweet spot."]


def test_a_text_event_past_its_block_is_a_warning_and_a_comment() -> None:
    result, _ = imported("intervals_events_differ.zwo")
    assert result.warnings == (
        "block 1 (IntervalsT): the text event 'Too late for this block.' at 400 s is past the "
        "block's end (360 s) and was left out",
        "block 2 (SteadyState): the text event 'Past the end.' at 90 s is past the block's end "
        "(60 s) and was left out",
    )
    assert "# Left out, past the end of this block: Past the end." in result.toml_text
    assert "# Left out, past the end of this block: Too late for this block." in result.toml_text


def test_braces_in_messages_cannot_become_placeholders() -> None:
    result, session = imported("oddities.zwo")
    plan = build_plan(session)
    spoken = [text for _, text in text_events(plan)]
    assert all("{" not in text and "}" not in text for text in spoken)
    assert any("braces { } in text events" in warning for warning in result.warnings)
    assert session.name == "Odd {blocks}"  # a name is never a template


def test_odd_blocks_are_warned_about_and_left_out() -> None:
    result, session = imported("oddities.zwo")
    assert result.warnings == (
        "the sport type 'swim' is unknown (expected bike or run); it was ignored",
        "braces { } in text events were written as brackets ( ), so that they are not taken "
        "for placeholders such as {remaining}",
        "block 2 (SteadyState): a text event without a message was left out",
        "block 4 (SolidState) is not a block walktimer knows (Warmup, SteadyState, IntervalsT, "
        "Ramp, FreeRide, MaxEffort, Cooldown) and was left out",
        "block 5 (SteadyState) has no Duration and was left out",
        "block 6 (SteadyState): Power 250 is not an intensity (a share such as 0.75 for 75%) "
        "and was ignored",
        "block 7 (textevent): a text event outside any block was left out",
    )
    warmup, steady, intervals, plain = session.phases
    assert isinstance(warmup, Phase)
    assert warmup.instructions == "No set intensity."
    assert isinstance(steady, Phase)
    assert (steady.name, steady.instructions) == ("Steady 70%–75%", "Intensity 70%–75%.")
    assert isinstance(intervals, Block)
    assert [step.name for step in intervals.steps] == ["On 120%"]  # OffDuration 0: no off part
    assert isinstance(plain, Phase)
    assert plain.name == "Steady"


def test_fractional_durations_keep_the_total_exact() -> None:
    _, session = imported("fractional.zwo")
    durations = [phase.duration for phase in session.flat_phases()]
    assert durations == [90, 91, 90, 31, 30, 31, 30, 58]
    assert sum(d or 0 for d in durations) == round(3 * 90.4 + 2 * (30.6 + 29.6) + 59.5)


def test_text_event_offsets_in_an_interval_fall_in_the_right_step() -> None:
    data = (
        b"<workout_file><workout>"
        b'<IntervalsT Repeat="2" OnDuration="40" OffDuration="20" OnPower="1" OffPower="0.5">'
        b'<textevent timeoffset="45" message="In the off part."/>'
        b'<textevent timeoffset="105" message="In the off part."/>'
        b'<textevent timeoffset="0" message="Go."/><textevent timeoffset="60" message="Go."/>'
        b"</IntervalsT></workout></workout_file>"
    )
    session = load_text(convert_zwo(data)[0])
    block = session.phases[0]
    assert isinstance(block, Block)
    on, off = block.steps
    assert [(c.at.value if c.at else None, c.say) for c in on.cues] == [(0.0, "Go.")]
    assert [(c.at.value if c.at else None, c.say) for c in off.cues] == [(5.0, "In the off part.")]


# -- distance workouts ---------------------------------------------------------------------------


def test_a_distance_workout_without_a_reference_speed_is_refused() -> None:
    with pytest.raises(ZwoError) as caught:
        import_zwo_file(DATA / "distance.zwo")
    message = str(caught.value)
    assert message.startswith("this is a distance workout (durationType distance)")
    assert "--reference-speed" in message
    assert "\n" not in message


def test_a_distance_workout_turns_metres_into_seconds() -> None:
    result, session = imported("distance.zwo", "6 km/h")
    durations = [phase.duration for phase in session.flat_phases()]
    # 600 ln 2 = 415.9 s of warm-up, then whole numbers of seconds as worked out above.
    assert durations == [416, 600, 96, 120, 96, 120, 180, 300]
    assert math.isclose(600 * math.log(2), 415.888, abs_tol=0.001)
    assert result.warnings == (
        "block 5 (Cooldown): the text event 'Past the end.' at 300 m is past the block's end "
        "(250 m) and was left out",
    )
    assert "# A distance workout" in result.toml_text


def test_a_faster_reference_speed_makes_a_distance_workout_shorter() -> None:
    slow = imported("distance.zwo", "6 km/h")[1].total_seconds
    fast = imported("distance.zwo", "12 km/h")[1].total_seconds
    assert fast == pytest.approx(slow / 2, abs=2)


# -- refusals ------------------------------------------------------------------------------------


def one_sentence(error: ZwoError) -> str:
    text = str(error)
    assert text
    assert "\n" not in text
    assert "Traceback" not in text
    return text


def test_broken_xml_is_refused_with_its_position() -> None:
    with pytest.raises(ZwoError) as caught:
        import_zwo_file(DATA / "broken.zwo")
    assert one_sentence(caught.value) == (
        "the file is not well-formed XML (mismatched tag at line 5, column 7): it may be "
        "damaged or cut short; export the workout again"
    )


@pytest.mark.parametrize("name", ["bomb.zwo", "external_entity.zwo"])
def test_entities_are_refused_at_once(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ZwoError) as caught:
        import_zwo_file(DATA / name)
    assert time.perf_counter() - started < 1.0  # nothing was expanded
    assert "XML bomb" in one_sentence(caught.value)
    assert "declares XML entities" in str(caught.value)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.zwo"
    block = b'<SteadyState Duration="60" Power="0.5"/>\n'
    with big.open("wb") as stream:
        stream.write(b"<workout_file><workout>\n")
        stream.write(block * (MAX_ZWO_BYTES // len(block) + 1))
        stream.write(b"</workout></workout_file>\n")
    with pytest.raises(ZwoError) as caught:
        import_zwo_file(big)
    assert one_sentence(caught.value).startswith(
        "the file is 5.0 MiB, and walktimer imports Zwift workouts of at most 5 MiB"
    )
    with pytest.raises(ZwoError, match="at most 5 MiB"):
        convert_zwo(big.read_bytes())


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("not_a_workout.zwo", "this XML file holds <html>, not a Zwift workout"),
        ("no_blocks.zwo", "the workout has no blocks walktimer can use"),
    ],
)
def test_files_that_are_not_workouts_are_refused(name: str, start: str) -> None:
    with pytest.raises(ZwoError) as caught:
        import_zwo_file(DATA / name)
    assert one_sentence(caught.value).startswith(start)


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"<workout_file><name>x</name></workout_file>", "the file has no <workout> element"),
        (b"\xff\xfe\x00garbage", "the file is not well-formed XML"),
        (
            b'<workout_file><workout><IntervalsT Repeat="2000" OnDuration="10"/>'
            b"</workout></workout_file>",
            "block 1 (IntervalsT) repeats 2000 times, and walktimer repeats a block at most 1000",
        ),
        (
            b'<workout_file><workout><SteadyState Duration="90000"/></workout></workout_file>',
            "the workout lasts 25:00:00, and a walktimer session may last at most 24 hours",
        ),
        (
            b'<workout_file><workout><IntervalsT Repeat="1000" OnDuration="2" OffDuration="2"/>'
            b'<IntervalsT Repeat="1000" OnDuration="2" OffDuration="2"/>'
            b'<IntervalsT Repeat="1000" OnDuration="2" OffDuration="2"/>'
            b'<IntervalsT Repeat="1000" OnDuration="2" OffDuration="2"/>'
            b'<IntervalsT Repeat="1000" OnDuration="2" OffDuration="2"/>'
            b'<SteadyState Duration="60"/></workout></workout_file>',
            "the workout has 10001 phases once its intervals are counted",
        ),
    ],
)
def test_bytes_that_cannot_be_a_session_are_refused(data: bytes, start: str) -> None:
    with pytest.raises(ZwoError) as caught:
        convert_zwo(data)
    assert one_sentence(caught.value).startswith(start)


_UNKNOWN = (
    "in its first line, which is not an encoding walktimer knows: correct it (Zwift workouts "
    'are "UTF-8") or save the workout again as UTF-8'
)
_UNREADABLE = (
    "in its first line, which walktimer cannot read XML in: save the workout again as UTF-8"
)


def _declaring(encoding: str, codec: str = "utf-8") -> bytes:
    return f'<?xml version="1.0" encoding="{encoding}"?><workout_file/>'.encode(codec)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_declaring("x-bogus"), f"the file declares the text encoding 'x-bogus' {_UNKNOWN}"),
        (_declaring("TF-8"), f"the file declares the text encoding 'TF-8' {_UNKNOWN}"),
        # Codecs, but not of text:
        (_declaring("rot13"), f"the file declares the text encoding 'rot13' {_UNKNOWN}"),
        (_declaring("idna"), f"the file declares the text encoding 'idna' {_UNKNOWN}"),
        # A declaration in UTF-16 cannot be read for the name:
        (_declaring("x-bogus", "utf-16"), f"the file declares a text encoding {_UNKNOWN}"),
        # Encodings Python knows but expat reads only single-byte ones through:
        (_declaring("shift_jis"), f"the file declares the text encoding 'shift_jis' {_UNREADABLE}"),
        (_declaring("utf-32"), f"the file declares the text encoding 'utf-32' {_UNREADABLE}"),
        (_declaring("utf-7"), f"the file declares the text encoding 'utf-7' {_UNREADABLE}"),
    ],
)
def test_an_encoding_walktimer_cannot_read_is_one_sentence(data: bytes, message: str) -> None:
    with pytest.raises(ZwoError) as caught:
        convert_zwo(data)
    assert one_sentence(caught.value) == message


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_workouts_in_other_readable_encodings_still_import(encoding: str) -> None:
    data = (
        f'<?xml version="1.0" encoding="{encoding}"?><workout_file><name>Café walk</name>'
        '<workout><SteadyState Duration="60"/></workout></workout_file>'
    ).encode(encoding)
    assert load_text(convert_zwo(data)[0]).name == "Café walk"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            '<IntervalsT Repeat="3" OnDuration="1e308" OffDuration="1e308"/>',
            "block 2 (IntervalsT) at line 3, column 1: OnDuration 1e308 is far longer than the "
            "24 hours a walktimer session may last: correct the block in a workout editor first",
        ),
        (
            '<SteadyState Duration="1e30"/>',
            "block 2 (SteadyState) at line 3, column 1: Duration 1e30 is far longer than the 24 "
            "hours a walktimer session may last: correct the block in a workout editor first",
        ),
        (
            '<IntervalsT Repeat="2" OnDuration="60" OffDuration="1e300"/>',
            "block 2 (IntervalsT) at line 3, column 1: OffDuration 1e300 is far longer than the "
            "24 hours a walktimer session may last: correct the block in a workout editor first",
        ),
        (
            '<IntervalsT Repeat="1e308" OnDuration="60"/>',
            "block 2 (IntervalsT) at line 3, column 1: Repeat 1e308 is not a number of rounds a "
            "workout can have, and walktimer repeats a block at most 1000 times: correct the "
            "block in a workout editor first",
        ),
        (
            '<SteadyState Duration="' + "9" * 300 + '"/>',
            "block 2 (SteadyState) at line 3, column 1: Duration " + "9" * 37 + "... is far "
            "longer than the 24 hours a walktimer session may last: correct the block in a "
            "workout editor first",
        ),
    ],
)
def test_absurd_numbers_are_refused_with_their_position(block: str, message: str) -> None:
    data = f'<workout_file><workout>\n<FreeRide Duration="60"/>\n{block}\n</workout></workout_file>'
    with pytest.raises(ZwoError) as caught:
        convert_zwo(data.encode(), "a.zwo", SIX_KMH)
    assert one_sentence(caught.value) == message


def test_absurd_numbers_in_a_distance_workout_are_refused_with_their_position() -> None:
    data = (
        b"<workout_file><durationType>distance</durationType><workout>"
        b'<Ramp Duration="1e300" PowerLow="0" PowerHigh="3"/></workout></workout_file>'
    )
    with pytest.raises(ZwoError) as caught:
        convert_zwo(data, "a.zwo", SIX_KMH)
    assert one_sentence(caught.value).startswith(
        "block 1 (Ramp) at line 1, column 61: Duration 1e300 is far longer than the 24 hours"
    )


def test_absurd_numbers_that_are_only_warned_about_read_as_numbers() -> None:
    data = (
        b"<workout_file><sportType>run</sportType><workout>"
        b'<SteadyState Duration="60" Power="1e308" pace="1e308">'
        b'<textevent timeoffset="1e308" message="Never."/></SteadyState>'
        b'<IntervalsT Repeat="1e400" OnDuration="10"/>'
        b'<SteadyState Duration="60" Power="' + b"1" * 5000 + b'"/>'
        b"</workout></workout_file>"
    )
    _, warnings = convert_zwo(data)
    assert warnings == [
        "block 1 (SteadyState): Power 1e308 is not an intensity (a share such as 0.75 for 75%) "
        "and was ignored",
        "block 1 (SteadyState): the text event 'Never.' at 1e+308 s is past the block's end "
        "(60 s) and was left out",
        "block 2 (IntervalsT): Repeat '1e400' is not a number and was ignored",
        "block 3 (SteadyState): Power '1111111111111111111111111111111111111...' is not a "
        "number and was ignored",
        "the pace value '1e308' is not a reference pace 0 to 4 and was ignored",
    ]


def test_too_many_text_events_are_refused_while_reading() -> None:
    events = "".join(f'<textevent timeoffset="{i}" message="E{i}"/>\n' for i in range(86_000))
    data = (
        '<workout_file><workout><SteadyState Duration="86400">\n'
        f"{events}</SteadyState></workout></workout_file>"
    ).encode()
    with pytest.raises(ZwoError) as caught:
        convert_zwo(data)
    assert one_sentence(caught.value) == (
        "the workout has more than 5000 text events (text event 5001 is at line 5002, column "
        "1), and walktimer imports at most 5000: remove some in a workout editor first"
    )


def test_reading_stops_at_the_first_element_over_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing after the element over the limit is parsed: the cost is what was read."""
    monkeypatch.setattr(zwo, "_MAX_TEXT_EVENTS", 3)
    reader = zwo._Reader()
    event = b'<textevent timeoffset="1" message="x"/>'
    data = b'<workout_file><workout><SteadyState Duration="60">' + event * 1000
    with pytest.raises(ZwoError, match="more than 3 text events"):
        reader.read(data + b"</SteadyState></workout></workout_file>")
    assert reader.elements == 3 + 4  # workout_file, workout, the block, 3 events, the 4th


def test_a_workout_at_the_text_event_limit_still_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zwo, "_MAX_TEXT_EVENTS", 3)
    event = b'<textevent timeoffset="1" message="x"/>'
    block = b'<SteadyState Duration="60">' + event * 3 + b"</SteadyState>"
    text, _ = convert_zwo(b"<workout_file><workout>" + block + b"</workout></workout_file>")
    assert len(load_text(text).phases[0].cues) == 3  # type: ignore[union-attr]
    with pytest.raises(ZwoError, match="text event 4 is at line 1, column 209"):
        convert_zwo(b"<workout_file><workout>" + block + block + b"</workout></workout_file>")


def test_too_many_blocks_are_refused_while_reading() -> None:
    data = b"<workout_file><workout>\n" + b'<FreeRide Duration="1"/>\n' * 10_001 + b"</workout>"
    with pytest.raises(ZwoError) as caught:
        convert_zwo(data + b"</workout_file>")
    assert one_sentence(caught.value) == (
        "the workout has more than 10000 blocks (block 10001 starts at line 10002, column 1), "
        "and a walktimer session may have at most 10000 phases: split it into shorter "
        "workouts in a workout editor"
    )


@pytest.mark.parametrize(
    ("inside", "message"),
    [
        (
            "<a>" * 40,
            "the file has XML elements nested more than 32 deep (the deepest at line 1, column "
            "108), far more than any Zwift workout: this is not a workout file, or not one "
            "walktimer can use",
        ),
        (
            "<tags>" + '<tag name="x"/>' * 40_000 + "</tags>",
            "the file has more than 26000 XML elements (element 26001 at line 1, column 389991), "
            "far more than any Zwift workout: this is not a workout file, or not one walktimer "
            "can use",
        ),
    ],
)
def test_files_no_workout_looks_like_are_refused_while_reading(inside: str, message: str) -> None:
    data = f'<workout_file>{inside}<workout><FreeRide Duration="60"/></workout></workout_file>'
    with pytest.raises(ZwoError) as caught:
        convert_zwo(data.encode())
    assert one_sentence(caught.value) == message


def test_only_the_first_fifty_tags_are_kept() -> None:
    tags = "".join(f'<tag name="Tag {i % 60}"/>' for i in range(25_000))
    data = f'<workout_file><tags>{tags}</tags><workout><FreeRide Duration="60"/></workout>'
    text, warnings = convert_zwo((data + "</workout_file>").encode())
    assert load_text(text).tags == tuple(f"Tag {i}" for i in range(50))
    assert warnings == ["the workout has more than 50 tags; the first 50 were kept"]


def test_a_script_over_the_size_limit_is_refused_as_such() -> None:
    message = "Keep going, " * 700  # 8 KB
    events = "".join(f'<textevent timeoffset="{i}" message="{message}"/>' for i in range(200))
    data = f'<workout_file><workout><SteadyState Duration="600">{events}</SteadyState></workout>'
    with pytest.raises(ZwoError) as caught:
        convert_zwo((data + "</workout_file>").encode())
    assert one_sentence(caught.value) == (
        "the script imported from this workout would be 1.6 MiB, and a session script may be at "
        "most 1 MiB: shorten its texts or split it into several workouts in a workout editor first"
    )


def test_missing_files_and_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ZwoError, match="there is no such file"):
        import_zwo_file(tmp_path / "missing.zwo")
    with pytest.raises(ZwoError, match="this is a folder"):
        import_zwo_file(tmp_path)


def test_a_long_name_is_shortened_to_the_format_limit() -> None:
    data = ("<workout_file><name>" + "Long " * 30 + "</name><workout>"
            '<SteadyState Duration="60"/></workout></workout_file>').encode()  # fmt: skip
    text, warnings = convert_zwo(data)
    session = load_text(text)
    assert len(session.name) == 80
    assert session.name.endswith("…")
    assert warnings[0].startswith("the workout's name is 149 characters long")


def test_speeds_stay_inside_what_a_treadmill_can_set() -> None:
    data = (
        b"<workout_file><workout>"
        b'<SteadyState Duration="60" Power="2.5"/><SteadyState Duration="60" Power="0"/>'
        b"</workout></workout_file>"
    )
    text, warnings = convert_zwo(data, "a.zwo", parse_reference_speed("20 km/h"))
    fast, still = load_text(text).phases
    assert isinstance(fast, Phase)
    assert isinstance(still, Phase)
    assert fast.speed == Speed(kmh=30.0)
    assert still.speed == Speed(kmh=0.1)
    assert any("over 30 km/h" in warning for warning in warnings)
    assert any("under 0.1 km/h" in warning for warning in warnings)


# -- reference speeds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kmh", "unit"),
    [
        ("6 km/h", 6.0, "km/h"),
        ("6kmh", 6.0, "km/h"),
        ("6.5 kph", 6.5, "km/h"),
        ("6,5 km/h", 6.5, "km/h"),
        ("6", 6.0, "km/h"),
        ("3.7 mph", 3.7 * 1.609344, "mph"),
        ("  4 MPH ", 4 * 1.609344, "mph"),
    ],
)
def test_reference_speeds_are_read_in_either_unit(text: str, kmh: float, unit: str) -> None:
    speed = parse_reference_speed(text)
    assert speed.kmh == pytest.approx(kmh)
    assert speed.unit == unit


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("fast", "the reference speed should be a speed like"),
        ("6 m/s", "the reference speed should be a speed like"),
        ("0.5 km/h", "the reference speed 0.5 km/h is not a walking or running speed"),
        ("50", "the reference speed 50 is not a walking or running speed"),
    ],
)
def test_bad_reference_speeds_are_one_sentence(text: str, start: str) -> None:
    with pytest.raises(ZwoError) as caught:
        parse_reference_speed(text)
    assert one_sentence(caught.value).startswith(start)


def test_import_zwo_file_takes_a_speed_or_text() -> None:
    as_text = import_zwo_file(DATA / "run_every_block.zwo", "6 km/h")
    as_speed = import_zwo_file(DATA / "run_every_block.zwo", SIX_KMH)
    assert as_text == as_speed


# -- random workouts -----------------------------------------------------------------------------

_XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=40,
)


@st.composite
def workouts(draw: st.DrawFn) -> tuple[bytes, float, int]:
    """A random .zwo, its exact length in seconds, and how many text events it holds."""
    root = ElementTree.Element("workout_file")
    ElementTree.SubElement(root, "name").text = draw(_XML_TEXT)
    ElementTree.SubElement(root, "sportType").text = draw(st.sampled_from(["run", "bike", ""]))
    workout = ElementTree.SubElement(root, "workout")
    exact = 0.0
    events = 0
    # Blocks of at least a second, fractional ones too; interval parts in whole seconds (a
    # repeated step has one length in every round, so fractions there cannot all even out).
    durations = st.floats(min_value=1, max_value=900).map(lambda x: round(x, 1))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        tag = draw(
            st.sampled_from(
                ["Warmup", "Cooldown", "Ramp", "SteadyState", "FreeRide", "MaxEffort", "IntervalsT"]
            )
        )
        block = ElementTree.SubElement(workout, tag)
        block.set("pace", draw(st.sampled_from(["0", "4", "9", "x"])))
        if tag == "IntervalsT":
            repeat = draw(st.integers(min_value=1, max_value=5))
            on = draw(st.integers(min_value=1, max_value=600))
            off = draw(st.sampled_from([0, 15, 30]))
            block.set("Repeat", str(repeat))
            block.set("OnDuration", str(on))
            block.set("OffDuration", str(off))
            block.set("OnPower", "1.1")
            block.set("OffPower", "0.5")
            length = float(repeat * (on + off))
            exact += length
        else:
            length = draw(durations)
            block.set("Duration", str(length))
            block.set("PowerLow", str(draw(st.floats(0, 1.5).map(lambda x: round(x, 2)))))
            block.set("PowerHigh", str(draw(st.floats(0, 1.5).map(lambda x: round(x, 2)))))
            exact += length
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            event = ElementTree.SubElement(block, "textevent")
            offset = draw(st.floats(min_value=0, max_value=length - 0.01).map(math.floor))
            event.set("timeoffset", str(offset))
            message = draw(
                _XML_TEXT.filter(lambda m: any(ch.isprintable() and not ch.isspace() for ch in m))
            )
            event.set("message", message)
            events += 1
    return ElementTree.tostring(root, encoding="utf-8"), exact, events


@settings(max_examples=120, deadline=None)
@given(workout=workouts(), with_speed=st.booleans())
def test_any_workout_imports_to_a_valid_script_of_the_same_length(
    workout: tuple[bytes, float, int], with_speed: bool
) -> None:
    data, exact, events = workout
    text, _ = convert_zwo(data, "random.zwo", SIX_KMH if with_speed else None)
    session = load_text(text)
    plan = build_plan(session)
    # Rounded to whole seconds; a sum that lands on a half second within float error
    # (1027.4999999999998 here, 1027.5 there) may round either way.
    rounded = {math.floor(exact + 0.5 - 1e-9), math.floor(exact + 0.5 + 1e-9)}
    assert plan.total in rounded
    spoken = text_events(plan)
    assert len(spoken) == events
    assert all("{" not in said and "}" not in said for _, said in spoken)


def test_a_file_that_is_not_xml_at_all_is_called_what_it_is(tmp_path: Path) -> None:
    script = tmp_path / "lunch.toml"
    script.write_text('format = 1\nname = "Lunch"\n', encoding="utf-8")
    with pytest.raises(ZwoError, match="this is not a Zwift workout"):
        import_zwo_file(script)
