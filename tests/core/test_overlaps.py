"""Warnings for cues still speaking when the next sound is due (core/overlaps.py and the
loader's overlap_warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from walktimer.core.loader import load_path, load_text, overlap_warnings
from walktimer.core.overlaps import overlaps
from walktimer.core.plan import EventKind, build_plan
from walktimer.core.speech_length import spoken_seconds
from walktimer.resources import bundled_sessions

CROWDED_FILE = Path(__file__).resolve().parents[1] / "data" / "timing" / "crowded.toml"
LONG = (
    "Now get ready to turn around carefully, holding the rail with both hands, "
    "and then walk backwards."
)
# The second cue six seconds after the long one is in time at 170 words per minute; at two
# seconds after, it is late.
CROWDED = CROWDED_FILE.read_text("utf-8").replace('at = "16s"', 'at = "12s"')


def test_a_cue_due_while_another_speaks_is_a_warning_with_both_positions() -> None:
    session = load_text(CROWDED)  # a warning does not stop a script loading
    warnings = overlap_warnings(session, CROWDED)
    assert len(warnings) == 1
    warning = warnings[0]
    late = round(10 + spoken_seconds(LONG, 170) - 12)
    assert late >= 2
    assert warning.severity == "warning"
    assert warning.where == 'phase 1 "Warm up", cue 2'
    assert warning.what.startswith(
        f"the cue at 0:12 starts while the one at 0:10 is still speaking, about {late} s late "
        "at 170 words per minute (the script's rate)"
    )
    assert warning.key == ("phase", 0, "cue", 1)
    assert (warning.line, warning.col) == (13, 1)  # the [[phase.cue]] of the late cue
    assert str(warning).startswith("<text>:13:1: warning: phase 1")


def test_the_users_rate_is_used_when_given() -> None:
    session = load_text(CROWDED)
    slow = overlap_warnings(session, CROWDED, rate=80)
    fast = overlap_warnings(session, CROWDED, rate=400)
    assert fast == []
    assert "at 80 words per minute (your chosen rate)" in slow[0].what
    # Slower speech is later, and at 80 words per minute "Walk." runs into nothing.
    assert int(slow[0].what.split("about ")[1].split(" s")[0]) > 2


def test_the_late_one_may_be_a_sound_and_the_warning_names_the_cue_that_runs_on() -> None:
    text = CROWDED.replace('at = "12s"', 'at = "0s"').replace('at = "10s"', 'at = "1m53s"')
    warnings = overlap_warnings(load_text(text), text)
    assert [w.where for w in warnings] == ['phase 1 "Warm up", cue 1']
    assert warnings[0].what.startswith("the countdown at 1:57 starts while the cue at 1:53")


def test_words_running_into_the_next_phase_are_found() -> None:
    text = CROWDED.replace('at = "10s"', 'at = "1m58s"').replace('at = "12s"', 'at = "5s"')
    text = text.replace('duration = "2m"', 'duration = "2m"\ncountdown = 0')
    warnings = overlap_warnings(load_text(text), text)
    assert len(warnings) == 1
    assert warnings[0].what.startswith(
        'the next phase, "Backward", starts while the cue at 1:58 is still speaking'
    )
    assert warnings[0].where == 'phase 1 "Warm up", cue 1'  # the words that run on


def test_events_due_at_the_same_moment_are_not_an_overlap() -> None:
    text = CROWDED.replace('at = "12s"', 'at = "10s"')
    assert overlap_warnings(load_text(text), text) == []


def test_a_short_lateness_is_not_reported() -> None:
    # "Walk." ends well before a cue two seconds on; even a second early would be noise.
    text = 'format = 1\nname = "A"\n[[phase]]\nname = "W"\nduration = "1m"\nsay = "Walk."\n'
    text += '[[phase.cue]]\nat = "2s"\nsay = "Go."\n'
    assert overlap_warnings(load_text(text), text) == []


def test_a_repeated_block_reports_each_place_once() -> None:
    text = f"""\
format = 1
name = "Blocks"

[[phase]]
name = "Intervals"
repeat = 3

[[phase.step]]
name = "Fast"
duration = "1m"

[[phase.step.cue]]
at = "20s"
say = "{LONG}"

[[phase.step.cue]]
at = "21s"
sound = "ping"

[[phase.step]]
name = "Slow"
duration = "1m"
"""
    plan = build_plan(load_text(text))
    found = list(overlaps(plan))
    assert len(found) == 1
    assert found[0].later.kind is EventKind.CUE
    warnings = overlap_warnings(load_text(text), text)
    assert [w.where for w in warnings] == ['phase 1 "Intervals", step 1 "Fast", cue 2']
    assert warnings[0].key == ("phase", 0, "step", 0, "cue", 1)


def test_every_cues_that_crowd_each_other_are_found_once() -> None:
    text = 'format = 1\nname = "E"\n[[phase]]\nname = "W"\nduration = "10m"\n'
    text += f'[[phase.cue]]\nevery = "3s"\nsay = "{LONG}"\n'
    warnings = overlap_warnings(load_text(text), text)
    assert len(warnings) == 1
    assert warnings[0].what.startswith("the cue at 0:06 starts while the one at 0:03")
    assert warnings[0].where == 'phase 1 "W", cue 1'


def test_manual_phases_carry_nothing_into_the_next() -> None:
    text = 'format = 1\nname = "M"\n[[phase]]\nname = "Hold"\nduration = "manual"\n'
    text += f'say = "{LONG}"\n[[phase]]\nname = "Walk"\nduration = "1m"\n'
    assert overlap_warnings(load_text(text), text) == []


@pytest.mark.parametrize("path", bundled_sessions(), ids=lambda p: p.stem)
def test_bundled_sessions_have_no_overlap_at_their_own_rate(path: Path) -> None:
    session = load_path(path)
    assert overlap_warnings(session, path.read_text("utf-8")) == []


def test_without_the_text_warnings_have_no_line() -> None:
    warnings = overlap_warnings(load_text(CROWDED))
    assert [(w.line, w.col) for w in warnings] == [(None, None)]
