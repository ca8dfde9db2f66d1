"""build_plan against SESSION_FORMAT.md's "How the timeline is built", on hand-built sessions."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from walktimer.core.plan import (
    Anchor,
    Event,
    EventKind,
    Plan,
    TextContext,
    build_plan,
    fill_text,
)
from walktimer.core.script import (
    Announce,
    Block,
    Cue,
    Incline,
    Kind,
    Offset,
    Phase,
    ReminderOrder,
    Reminders,
    Session,
    Sound,
    Sounds,
    Speed,
)

REPO = Path(__file__).resolve().parents[2]

BELL = Sound(name="bell")
TICK = Sound(name="tick")
CHIME = Sound(name="chime")
PING = Sound(name="ping")
BEEP = Sound(name="beep")


def session(*phases: Phase | Block, **kwargs: object) -> Session:
    return Session(name="Test", phases=phases, **kwargs)  # type: ignore[arg-type]


def plan_of(*phases: Phase | Block, **kwargs: object) -> Plan:
    return build_plan(session(*phases, **kwargs))


def kinds(plan: Plan, phase: int | None = None) -> list[EventKind]:
    return [e.kind for e in plan.events if phase is None or e.phase == phase]


def of_kind(plan: Plan, kind: EventKind, phase: int | None = None) -> list[Event]:
    return [e for e in plan.events if e.kind is kind and (phase is None or e.phase == phase)]


def times(events: list[Event]) -> list[float]:
    return [e.t for e in events]


QUIET = Announce(countdown=0, remaining=(), halfway=False, next=False, targets=False)


# --- phase start -------------------------------------------------------------------------------


def test_phase_start_is_sound_then_name_then_targets_then_say() -> None:
    plan = plan_of(
        Phase("Warm-up", duration=300, say="Warm up gently.", speed=Speed(2.5)),
        Phase("Brisk", duration=600, speed=Speed(4.5), incline=Incline(2)),
        Phase("Easy", duration=60, say="Walk easy."),
    )
    first = plan.events[:4]
    assert [e.kind for e in first] == [
        EventKind.PHASE_START, EventKind.NAME, EventKind.TARGETS, EventKind.SAY,
    ]  # fmt: skip
    assert [e.t for e in first] == [0, 0, 0, 0]
    assert first[0].sound == BELL
    assert first[0].text is None
    assert first[1].text == "Warm-up"
    assert first[2].text == "Speed 2.5 kilometres per hour."
    assert first[3].text == "Warm up gently."
    second = [e for e in plan.events if e.phase == 1][:4]
    assert [e.kind for e in second][:3] == [
        EventKind.PHASE_START, EventKind.NAME, EventKind.TARGETS,
    ]  # fmt: skip
    assert second[3].kind is not EventKind.SAY  # no `say`: the name alone, then the targets
    assert [e.t for e in second[:3]] == [300, 300, 300]
    assert second[1].text == "Brisk"
    assert second[2].text == "Speed 4.5 kilometres per hour, incline 2 percent."
    third = [e for e in plan.events if e.phase == 2][:2]
    assert [(e.kind, e.text) for e in third] == [
        (EventKind.PHASE_START, None), (EventKind.SAY, "Walk easy."),
    ]  # fmt: skip  # no targets: the phase's words as before


def test_targets_in_mph_and_incline_alone() -> None:
    plan = plan_of(
        Phase("A", duration=60, speed=Speed(2.2 * 1.609344, unit="mph")),
        Phase("B", duration=60, incline=Incline(1.5)),
    )
    targets = of_kind(plan, EventKind.TARGETS)
    assert [e.text for e in targets] == ["Speed 2.2 miles per hour.", "Incline 1.5 percent."]


def test_no_targets_event_without_targets_or_when_announce_off() -> None:
    assert of_kind(plan_of(Phase("A", duration=60)), EventKind.TARGETS) == []
    off = Announce(targets=False)
    plan = plan_of(Phase("A", duration=60, speed=Speed(3)), announce=off)
    assert of_kind(plan, EventKind.TARGETS) == []


def test_phase_sound_none_still_speaks_the_phase() -> None:
    plan = plan_of(Phase("A", duration=60), sounds=Sounds(phase=None))
    assert of_kind(plan, EventKind.PHASE_START) == []
    assert [e.text for e in of_kind(plan, EventKind.SAY)] == ["A"]


def test_planned_phases_carry_offsets_and_resolved_fields() -> None:
    plan = plan_of(
        Phase("A", kind=Kind.WARMUP, duration=300, instructions="Arm circles."),
        Phase("B", duration=600, countdown=5),
        Phase("C", kind=Kind.STRETCH, duration=None),
        Phase("D", kind=Kind.COOLDOWN, duration=120),
    )
    assert [p.start for p in plan.phases] == [0, 300, 900, 900]
    assert [p.duration for p in plan.phases] == [300, 600, None, 120]
    assert [p.end for p in plan.phases] == [300, 900, 900, 1020]
    assert [p.countdown for p in plan.phases] == [3, 5, 0, 3]
    assert [p.kind for p in plan.phases] == [Kind.WARMUP, Kind.WALK, Kind.STRETCH, Kind.COOLDOWN]
    assert plan.phases[0].instructions == "Arm circles."
    assert [p.index for p in plan.phases] == [0, 1, 2, 3]
    assert plan.total == 1020
    assert plan.has_manual


# --- placeholders ------------------------------------------------------------------------------


def test_say_placeholders_are_filled_at_the_phase_start() -> None:
    plan = plan_of(
        Phase(
            "Brisk",
            duration=150,
            speed=Speed(4.5),
            incline=Incline(1),
            say="{phase} at {speed}, {incline}, for {remaining}. Then {next}.",
        ),
        Phase("Slow", duration=60, say="{phase}: {speed}, {incline}. Then {next}."),
    )
    assert plan.phases[0].say == (
        "Brisk at 4.5 kilometres per hour, 1 percent, for two minutes thirty. Then Slow."
    )
    assert plan.phases[1].say == "Slow: your own pace, no incline. Then the end."
    assert [e.text for e in of_kind(plan, EventKind.SAY)] == [p.say for p in plan.phases]


def test_fill_text_refills_time_placeholders() -> None:
    plan = plan_of(Phase("A", duration=300))
    ctx = TextContext(plan.phases[0], "B", elapsed=75, remaining=225)
    assert fill_text("{elapsed} in, {remaining} to go", ctx) == (
        "One minute fifteen in, three minutes forty-five to go"
    )
    assert fill_text("{ phase } / {next}", ctx) == "A / B"


def test_a_placeholder_that_begins_a_sentence_is_capitalised() -> None:
    plan = plan_of(Phase("A", duration=300))
    ctx = TextContext(plan.phases[0], None, elapsed=280, remaining=20)
    assert fill_text("{remaining} to go.", ctx) == "Twenty seconds to go."
    assert fill_text("Nearly there. {remaining} to go!  {next} next.", ctx) == (
        "Nearly there. Twenty seconds to go!  The end next."
    )
    assert fill_text("Only {remaining} to go, then {next}.", ctx) == (
        "Only twenty seconds to go, then the end."
    )


# --- before the end: next, countdown, remaining, halfway ----------------------------------------


def test_next_is_announced_ten_seconds_before_the_end() -> None:
    plan = plan_of(Phase("A", duration=120), Phase("Backward walking", duration=60))
    nexts = of_kind(plan, EventKind.NEXT)
    assert len(nexts) == 1  # the last phase has no next
    assert nexts[0].t == 110
    assert nexts[0].anchor is Anchor.END
    assert nexts[0].offset == 10
    assert nexts[0].text == "Next: Backward walking."


def test_no_next_when_off_or_phase_too_short() -> None:
    plan = plan_of(Phase("A", duration=60), Phase("B", duration=60), announce=Announce(next=False))
    assert of_kind(plan, EventKind.NEXT) == []
    plan = plan_of(Phase("A", duration=10), Phase("B", duration=11), Phase("C", duration=60))
    assert [e.t for e in of_kind(plan, EventKind.NEXT)] == [11]  # only B (from 10 s), 1 s in


def test_countdown_ticks_in_the_last_seconds() -> None:
    plan = plan_of(Phase("A", duration=60), Phase("B", duration=60))
    ticks = of_kind(plan, EventKind.COUNTDOWN)
    assert times(ticks) == [57, 58, 59, 117, 118, 119]
    assert all(e.sound == TICK and e.text is None for e in ticks)
    assert [e.offset for e in ticks[:3]] == [3, 2, 1]
    assert all(e.anchor is Anchor.END for e in ticks)


def test_countdown_override_and_off() -> None:
    plan = plan_of(
        Phase("A", duration=60, countdown=5),
        Phase("B", duration=60, countdown=0),
        announce=Announce(countdown=0),
    )
    assert times(of_kind(plan, EventKind.COUNTDOWN)) == [55, 56, 57, 58, 59]
    plan = plan_of(Phase("A", duration=60), announce=Announce(countdown=0))
    assert of_kind(plan, EventKind.COUNTDOWN) == []


def test_countdown_never_longer_than_the_phase() -> None:
    plan = plan_of(Phase("A", duration=2, countdown=10), Phase("B", duration=1))
    assert [p.countdown for p in plan.phases] == [1, 0]
    assert times(of_kind(plan, EventKind.COUNTDOWN)) == [1]


def test_countdown_ticks_come_before_a_next_at_the_same_moment() -> None:
    plan = plan_of(Phase("A", duration=60, countdown=10), Phase("B", duration=60))
    at_fifty = [e.kind for e in plan.events if e.t == 50]
    assert at_fifty == [EventKind.COUNTDOWN, EventKind.NEXT]


def test_remaining_only_where_the_phase_is_long_enough() -> None:
    plan = plan_of(Phase("A", duration=90), Phase("B", duration=89))
    remaining = of_kind(plan, EventKind.REMAINING)
    assert [(e.phase, e.t, e.text) for e in remaining] == [(0, 30, "One minute left.")]
    assert remaining[0].anchor is Anchor.END
    assert remaining[0].offset == 60


def test_several_remaining_values_are_spoken_in_time_order() -> None:
    announce = Announce(remaining=(120, 30, 90))
    plan = plan_of(Phase("A", duration=600), announce=announce)
    assert [(e.t, e.text) for e in of_kind(plan, EventKind.REMAINING)] == [
        (480, "Two minutes left."),
        (510, "One minute thirty left."),
        (570, "Thirty seconds left."),
    ]


def test_halfway_in_phases_of_two_minutes_or_more() -> None:
    announce = Announce(halfway=True)
    plan = plan_of(Phase("A", duration=120), Phase("B", duration=119), announce=announce)
    assert [(e.t, e.text) for e in of_kind(plan, EventKind.HALFWAY)] == [(60, "Halfway.")]
    assert of_kind(plan_of(Phase("A", duration=600)), EventKind.HALFWAY) == []  # off by default


# --- reminders ---------------------------------------------------------------------------------

TEXTS = ("Head level.", "Shoulders down.", "Core engaged.")


def reminders(every: int, texts: tuple[str, ...] = TEXTS, **kw: object) -> Reminders:
    return Reminders(every=every, texts=texts, **kw)  # type: ignore[arg-type]


def test_reminders_every_interval_from_each_phase_start() -> None:
    plan = plan_of(Phase("A", duration=300), Phase("B", duration=200), reminders=reminders(60))
    found = of_kind(plan, EventKind.REMINDER)
    # A: 60..240 (285 is the last allowed moment); B from 300: 60, 120, 180 (185 is the limit).
    assert times(found) == [60, 120, 180, 240, 360, 420, 480]
    assert all(e.sound == PING for e in found)
    assert all(e.anchor is Anchor.START for e in found)


def test_reminders_never_in_the_first_or_last_fifteen_seconds() -> None:
    plan = plan_of(Phase("A", duration=60), reminders=reminders(10))
    assert times(of_kind(plan, EventKind.REMINDER)) == [20, 30, 40]
    plan = plan_of(Phase("A", duration=60), reminders=reminders(15))
    assert times(of_kind(plan, EventKind.REMINDER)) == [15, 30, 45]
    plan = plan_of(Phase("A", duration=44), reminders=reminders(30))
    assert of_kind(plan, EventKind.REMINDER) == []


def test_reminders_cycle_across_phases() -> None:
    plan = plan_of(
        Phase("A", duration=200),  # 60, 120, 180 (the last allowed moment is 185)
        Phase("B", duration=150),  # 60, 120 (the last allowed moment is 135)
        reminders=reminders(60),
    )
    assert [e.text for e in of_kind(plan, EventKind.REMINDER)] == [
        "Head level.",
        "Shoulders down.",
        "Core engaged.",
        "Head level.",
        "Shoulders down.",
    ]


def test_reminders_follow_the_phase_kind_and_its_override() -> None:
    plan = plan_of(
        Phase("Warm-up", kind=Kind.WARMUP, duration=300),
        Phase("Walk", kind=Kind.WALK, duration=300),
        Phase("Technique", kind=Kind.TECHNIQUE, duration=300),
        Phase("Quiet walk", kind=Kind.WALK, duration=300, reminders=False),
        Phase("Stretch", kind=Kind.STRETCH, duration=300),
        Phase("Posture stretch", kind=Kind.STRETCH, duration=300, reminders=True),
        Phase("Rest", kind=Kind.REST, duration=300),
        Phase("Cool-down", kind=Kind.COOLDOWN, duration=300),
        reminders=reminders(120),
    )
    assert sorted({e.phase for e in of_kind(plan, EventKind.REMINDER)}) == [1, 2, 5]
    assert [p.reminders for p in plan.phases] == [
        False, True, True, False, False, True, False, False,
    ]  # fmt: skip


def test_no_reminders_without_a_reminders_table_or_texts() -> None:
    assert of_kind(plan_of(Phase("A", duration=600)), EventKind.REMINDER) == []
    plan = plan_of(Phase("A", duration=600), reminders=reminders(60, texts=()))
    assert of_kind(plan, EventKind.REMINDER) == []
    assert not plan.phases[0].reminders


def test_reminder_sound_none_keeps_the_words() -> None:
    plan = plan_of(Phase("A", duration=100), reminders=reminders(30), sounds=Sounds(reminder=None))
    found = of_kind(plan, EventKind.REMINDER)
    assert [(e.text, e.sound) for e in found] == [("Head level.", None), ("Shoulders down.", None)]


def test_reminder_placeholders_are_filled_where_they_fall() -> None:
    texts = ("{remaining} to go in {phase}.",)
    plan = plan_of(Phase("Brisk", duration=300), reminders=reminders(90, texts=texts))
    found = of_kind(plan, EventKind.REMINDER)
    assert [e.text for e in found] == [
        "Three minutes thirty to go in Brisk.",
        "Two minutes to go in Brisk.",
        "Thirty seconds to go in Brisk.",
    ]
    assert all(e.template == texts[0] for e in found)


SHUFFLE_TEXTS = tuple(f"Reminder {i}." for i in range(12))


def shuffled_plan() -> Plan:
    return plan_of(
        Phase("A", duration=24 * 60 + 15),
        reminders=reminders(60, texts=SHUFFLE_TEXTS, order=ReminderOrder.SHUFFLE),
    )


def test_shuffled_reminders_are_a_fixed_permutation_that_then_cycles() -> None:
    found = [e.text for e in of_kind(shuffled_plan(), EventKind.REMINDER)]
    assert len(found) == 24
    first_round = found[:12]
    assert sorted(first_round) == sorted(SHUFFLE_TEXTS)
    assert first_round != list(SHUFFLE_TEXTS)  # really shuffled
    assert found[12:] == first_round
    assert found == [e.text for e in of_kind(shuffled_plan(), EventKind.REMINDER)]


def test_shuffle_is_the_same_in_every_interpreter() -> None:
    """Not seeded from hash(): the order must survive a new process with another hash seed."""
    code = (
        "import sys; sys.path.insert(0, 'tests/core'); import test_plan as t; "
        "print([e.text for e in t.of_kind(t.shuffled_plan(), t.EventKind.REMINDER)][:12])"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    here = str([e.text for e in of_kind(shuffled_plan(), EventKind.REMINDER)][:12])
    assert outputs == {here + "\n"}


# --- cues --------------------------------------------------------------------------------------


def test_every_cues_repeat_from_the_start_up_to_the_end() -> None:
    cue = Cue(every=60, say="Switch sides. {remaining} left.")
    plan = plan_of(Phase("Warm-up", duration=100), Phase("Stretch", duration=240, cues=(cue,)))
    found = of_kind(plan, EventKind.CUE)
    assert times(found) == [160, 220, 280]  # not at the end (340)
    assert [e.text for e in found] == [
        "Switch sides. Three minutes left.",
        "Switch sides. Two minutes left.",
        "Switch sides. One minute left.",
    ]
    assert all(e.template == cue.say for e in found)
    assert all(e.every is None for e in found)  # timed phases: one event per repeat
    assert [e.offset for e in found] == [60, 120, 180]


def test_cue_at_start_offset_from_end_and_percentage() -> None:
    cues = (
        Cue(at=Offset("start", 120), say="Now half squats."),
        Cue(at=Offset("end", 30), say="{elapsed} done, {remaining} to go."),
        Cue(at=Offset("percent", 25), sound=BEEP),
    )
    plan = plan_of(Phase("Warm-up", duration=60), Phase("Main", duration=400, cues=cues))
    found = of_kind(plan, EventKind.CUE)
    assert [(e.t, e.anchor, e.offset) for e in found] == [
        (160, Anchor.START, 100),
        (180, Anchor.START, 120),
        (430, Anchor.END, 30),
    ]
    assert [(e.text, e.sound) for e in found] == [
        (None, BEEP),
        ("Now half squats.", None),
        ("Six minutes ten done, thirty seconds to go.", None),
    ]
    assert found[0].template is None
    assert found[1].template is None  # no time placeholder: nothing to refill
    assert found[2].template == "{elapsed} done, {remaining} to go."


def test_cue_with_both_sound_and_words_is_one_event() -> None:
    plan = plan_of(
        Phase("A", duration=60, cues=(Cue(at=Offset("start", 20), say="Hi", sound=PING),))
    )
    found = of_kind(plan, EventKind.CUE)
    assert [(e.text, e.sound) for e in found] == [("Hi", PING)]


def test_end_anchored_events_move_when_a_phase_is_longer() -> None:
    cue = Cue(at=Offset("end", 30), say="Thirty to go.")
    plan = plan_of(Phase("A", duration=120, cues=(cue,)), Phase("B", duration=60))
    cue_event = of_kind(plan, EventKind.CUE)[0]
    nxt = of_kind(plan, EventKind.NEXT)[0]
    assert cue_event.position(120) == 90
    assert cue_event.position(180) == 150  # extended by a minute
    assert nxt.position(180) == 170
    assert of_kind(plan, EventKind.SAY)[0].position(180) == 0


def test_cue_at_the_phase_start_comes_after_the_intro() -> None:
    cue = Cue(at=Offset("start", 0), say="Go.")
    plan = plan_of(Phase("A", duration=60, speed=Speed(3), cues=(cue,)))
    assert kinds(plan)[:4] == [
        EventKind.PHASE_START,
        EventKind.NAME,
        EventKind.TARGETS,
        EventKind.CUE,
    ]


# --- repeated blocks ---------------------------------------------------------------------------


def block_plan() -> Plan:
    block = Block(
        name="Intervals",
        repeat=3,
        steps=(
            Phase("Brisk forward", duration=120, speed=Speed(4.5)),
            Phase(
                "Backward walking",
                kind=Kind.TECHNIQUE,
                duration=60,
                speed=Speed(1.5),
                say="Backward walking, round {rep} of {reps}.",
            ),
        ),
    )
    return plan_of(Phase("Warm-up", duration=300), block, Phase("Cool-down", duration=120))


def test_repeats_are_expanded_and_named() -> None:
    plan = block_plan()
    assert [p.name for p in plan.phases] == [
        "Warm-up",
        "Brisk forward (1/3)",
        "Backward walking (1/3)",
        "Brisk forward (2/3)",
        "Backward walking (2/3)",
        "Brisk forward (3/3)",
        "Backward walking (3/3)",
        "Cool-down",
    ]
    assert [p.base_name for p in plan.phases][1:3] == ["Brisk forward", "Backward walking"]
    assert [p.rep for p in plan.phases] == [None, 1, 1, 2, 2, 3, 3, None]
    assert {p.reps for p in plan.phases[1:7]} == {3}
    assert {p.block for p in plan.phases[1:7]} == {"Intervals"}
    assert plan.phases[0].block is None
    assert [p.source for p in plan.phases] == [
        (0, None), (1, 0), (1, 1), (1, 0), (1, 1), (1, 0), (1, 1), (2, None),
    ]  # fmt: skip
    assert [p.start for p in plan.phases] == [0, 300, 420, 480, 600, 660, 780, 840]
    assert plan.total == 960


def test_repeated_names_are_spoken_with_their_round() -> None:
    plan = block_plan()
    says = [e.text for e in of_kind(plan, EventKind.SAY)]
    assert says[:4] == [
        "Warm-up",  # no targets: the spoken name
        "Round 1 of 3.",  # no `say`: the round after the name and the targets
        "Backward walking, round 1 of 3.",  # its words say the round: not said twice
        "Round 2 of 3.",
    ]
    names = [e.text for e in of_kind(plan, EventKind.NAME)]
    assert names[:3] == ["Brisk forward", "Backward walking", "Brisk forward"]
    nexts = [e.text for e in of_kind(plan, EventKind.NEXT)]
    assert nexts[:4] == [
        "Next: Brisk forward, round 1 of 3.",
        "Next: Backward walking, round 1 of 3.",
        "Next: Brisk forward, round 2 of 3.",
        "Next: Backward walking, round 2 of 3.",
    ]
    assert nexts[-1] == "Next: Cool-down."
    assert plan.phases[4].spoken_name == "Backward walking, round 2 of 3"
    assert plan.phases[0].spoken_name == "Warm-up"


def test_a_name_is_spoken_as_written_not_filled_as_a_template() -> None:
    plan = plan_of(Phase("Walk {next}", duration=60), Phase("B", duration=60))
    assert plan.phases[0].say == "Walk {next}"


def test_rep_placeholders_outside_a_block_read_one() -> None:
    plan = plan_of(Phase("A", duration=60, say="Round {rep} of {reps}."))
    assert plan.phases[0].say == "Round 1 of 1."


# --- manual phases -----------------------------------------------------------------------------


def manual_plan() -> Plan:
    hold = Phase(
        "Hamstring stretch",
        kind=Kind.STRETCH,
        duration=None,
        reminders=True,
        cues=(
            Cue(every=20, say="Breathe out and ease a little deeper."),
            Cue(at=Offset("start", 30), say="Switch legs when you are ready."),
        ),
    )
    return plan_of(
        Phase("Walk", duration=120),
        hold,
        Phase("Last walk", duration=120),
        reminders=reminders(30),
        announce=Announce(halfway=True),
    )


def test_manual_phase_has_no_countdown_next_remaining_halfway_or_reminders() -> None:
    plan = manual_plan()
    hold = plan.phases[1]
    assert hold.manual
    assert hold.duration is None
    assert hold.countdown == 0
    assert not hold.reminders  # resolved like countdown: a manual phase never has them
    assert plan.phases[0].reminders
    assert kinds(plan, phase=1) == [
        EventKind.PHASE_START,
        EventKind.SAY,
        EventKind.CUE,  # the every-cue, first due at 20 s
        EventKind.CUE,  # the at-cue at 30 s
    ]
    # The phase before it still announces it.
    assert of_kind(plan, EventKind.NEXT, phase=0)[0].text == "Next: Hamstring stretch."


def test_manual_every_cue_is_one_event_that_repeats() -> None:
    plan = manual_plan()
    every, at = of_kind(plan, EventKind.CUE, phase=1)
    assert every.every == 20
    assert every.offset == 20
    assert every.anchor is Anchor.START
    assert every.text == "Breathe out and ease a little deeper."
    assert at.every is None
    assert at.offset == 30
    assert at.t == 150  # from the manual phase's start at 120


def test_phases_after_a_manual_one_count_it_as_zero_seconds() -> None:
    plan = manual_plan()
    assert [p.start for p in plan.phases] == [0, 120, 120]
    assert plan.total == 240
    assert plan.has_manual
    last_start = of_kind(plan, EventKind.PHASE_START, phase=2)[0]
    assert last_start.t == 120


def test_manual_last_phase_is_followed_by_the_finish() -> None:
    hold = Phase("Hold", kind=Kind.STRETCH, duration=None, cues=(Cue(every=15, sound=BEEP),))
    plan = plan_of(Phase("Walk", duration=60), hold)
    last = plan.events[-1]
    assert last.kind is EventKind.FINISH
    assert last.phase == 1
    assert last.t == 60
    assert kinds(plan, phase=1) == [
        EventKind.PHASE_START,
        EventKind.SAY,
        EventKind.CUE,
        EventKind.FINISH,
    ]


# --- finish, order, determinism ----------------------------------------------------------------


def test_finish_is_last_once_at_the_total() -> None:
    plan = block_plan()
    finishes = of_kind(plan, EventKind.FINISH)
    assert len(finishes) == 1
    assert plan.events[-1] is finishes[0]
    assert finishes[0].t == plan.total == 960
    assert finishes[0].text == "Session complete."
    assert finishes[0].sound == CHIME
    assert finishes[0].anchor is Anchor.END
    # The last phase's countdown comes just before it.
    assert [e.kind for e in plan.events[-4:-1]] == [EventKind.COUNTDOWN] * 3


def test_finish_without_a_sound_still_says_session_complete() -> None:
    plan = plan_of(Phase("A", duration=60), sounds=Sounds(finish=None))
    assert (plan.events[-1].kind, plan.events[-1].text, plan.events[-1].sound) == (
        EventKind.FINISH,
        "Session complete.",
        None,
    )


def test_the_example_of_the_format_page_lays_out_as_described() -> None:
    example = Session(
        name="Back-care walk",
        reminders=Reminders(every=90, texts=("Head level, eyes forward.", "Engage your core.")),
        phases=(
            Phase(
                "Warm-up",
                kind=Kind.WARMUP,
                duration=300,
                say="Warm up.",
                speed=Speed(2.5),
                cues=(Cue(at=Offset("start", 120), say="Now half squats."),),
            ),
            Block(
                "Intervals",
                3,
                (
                    Phase("Brisk forward", duration=120, speed=Speed(4.5)),
                    Phase("Backward walking", kind=Kind.TECHNIQUE, duration=60, speed=Speed(1.5)),
                ),
            ),
            Phase(
                "Cool-down stretches",
                kind=Kind.STRETCH,
                duration=240,
                reminders=False,
                cues=(Cue(every=60, say="Switch sides. {remaining} left."),),
            ),
        ),
    )
    plan = build_plan(example)
    timeline = [(e.t, e.kind.value, e.text) for e in plan.events if e.text]
    assert timeline[:9] == [
        (0, "name", "Warm-up"),
        (0, "targets", "Speed 2.5 kilometres per hour."),
        (0, "say", "Warm up."),
        (120, "cue", "Now half squats."),
        (240, "remaining", "One minute left."),
        (290, "next", "Next: Brisk forward, round 1 of 3."),
        (300, "name", "Brisk forward"),
        (300, "targets", "Speed 4.5 kilometres per hour."),
        (300, "say", "Round 1 of 3."),
    ]
    # Brisk forward is 2 minutes: one reminder at 90 s; then "One minute left" at 60 s before.
    brisk = [(e.t - 300, e.kind.value) for e in plan.events if e.phase == 1]
    assert brisk == [
        (0, "phase"), (0, "name"), (0, "targets"), (0, "say"), (60, "remaining"), (90, "reminder"),
        (110, "next"), (117, "countdown"), (118, "countdown"), (119, "countdown"),
    ]  # fmt: skip
    # Backward walking, 1 minute: too short for a reminder or "One minute left".
    assert {e.kind for e in plan.events if e.phase == 2} == {
        EventKind.PHASE_START,
        EventKind.NAME,
        EventKind.SAY,
        EventKind.TARGETS,
        EventKind.NEXT,
        EventKind.COUNTDOWN,
    }
    assert plan.total == 300 + 3 * 180 + 240
    assert plan.events[-1].t == plan.total


def test_same_session_same_plan() -> None:
    assert build_plan(manual_plan().session) == manual_plan()
    assert block_plan() == block_plan()


def test_seq_numbers_follow_timeline_order() -> None:
    plan = block_plan()
    assert [e.seq for e in plan.events] == list(range(len(plan.events)))
    assert times(list(plan.events)) == sorted(times(list(plan.events)))


def test_spoken_texts_are_distinct_in_first_use_order() -> None:
    plan = block_plan()
    texts = plan.spoken_texts()
    assert len(texts) == len(set(texts))
    assert texts[0] == "Warm-up"
    assert texts[-1] == "Session complete."
    assert "Next: Backward walking, round 3 of 3." in texts


# --- properties --------------------------------------------------------------------------------


def phases_strategy() -> st.SearchStrategy[tuple[Phase | Block, ...]]:
    share = st.builds(Offset, st.just("percent"), st.floats(0, 100))
    cue = st.one_of(
        st.builds(Cue, every=st.integers(5, 200), say=st.just("Every {remaining}.")),
        st.builds(Cue, at=share, sound=st.just(BEEP)),
    )
    phase = st.builds(
        Phase,
        name=st.sampled_from(["Walk", "Brisk", "Backward"]),
        kind=st.sampled_from(list(Kind)),
        duration=st.integers(1, 900),
        countdown=st.none() | st.integers(0, 10),
        reminders=st.none() | st.booleans(),
        cues=st.lists(cue, max_size=3).map(tuple),
    )
    block = st.builds(
        Block,
        name=st.just("Block"),
        repeat=st.integers(1, 4),
        steps=st.lists(phase, min_size=1, max_size=3).map(tuple),
    )
    return st.lists(st.one_of(phase, block), min_size=1, max_size=6).map(tuple)


@settings(max_examples=100, deadline=None)
@given(
    phases=phases_strategy(),
    every=st.integers(5, 300),
    announce=st.builds(
        Announce,
        countdown=st.integers(0, 5),
        remaining=st.lists(st.integers(10, 600), max_size=3).map(tuple),
        halfway=st.booleans(),
        next=st.booleans(),
        targets=st.booleans(),
    ),
)
def test_timed_sessions_give_sorted_timelines_ending_at_the_total(
    phases: tuple[Phase | Block, ...], every: int, announce: Announce
) -> None:
    plan = plan_of(*phases, reminders=reminders(every), announce=announce)
    events = plan.events
    assert [e.t for e in events] == sorted(e.t for e in events)
    assert [e.phase for e in events] == sorted(e.phase for e in events)
    assert events[-1].kind is EventKind.FINISH
    assert events[-1].t == plan.total == plan.session.total_seconds
    assert sum(e.kind is EventKind.FINISH for e in events) == 1
    for e in events:
        phase = plan.phases[e.phase]
        assert phase.start <= e.t <= phase.end
        if e.kind is EventKind.REMINDER:
            assert phase.reminders
            assert 15 <= e.t - phase.start <= phase.end - 15 - phase.start
        if e.kind is EventKind.CUE and e.template is not None:
            position = e.position(phase.duration)
            remaining = (phase.duration or 0) - position
            ctx = TextContext(phase, None, position, remaining)
            assert fill_text(e.template, ctx) == e.text
    assert build_plan(plan.session) == plan


def test_replacing_a_phase_duration_changes_only_later_offsets() -> None:
    base = block_plan()
    longer = base.session.phases[0]
    assert isinstance(longer, Phase)
    changed = build_plan(
        replace(base.session, phases=(replace(longer, duration=360), *base.session.phases[1:]))
    )
    assert [p.start - q.start for p, q in zip(changed.phases, base.phases, strict=True)] == [
        0, 60, 60, 60, 60, 60, 60, 60,
    ]  # fmt: skip


def test_a_spoken_countdown_says_the_numbers_instead_of_ticking() -> None:
    spoken = Announce(countdown=3, countdown_voice=True)
    plan = plan_of(Phase("A", duration=60), Phase("B", duration=30), announce=spoken)
    ticks = of_kind(plan, EventKind.COUNTDOWN, phase=0)
    assert [(e.t, e.text, e.sound) for e in ticks] == [
        (57, "three", None), (58, "two", None), (59, "one", None),
    ]  # fmt: skip
    assert {"three", "two", "one"} <= set(plan.spoken_texts())  # rendered before the walk
    ticked = plan_of(Phase("A", duration=60), announce=Announce(countdown=3))
    assert all(e.text is None and e.sound is not None for e in of_kind(ticked, EventKind.COUNTDOWN))
