"""Each rule of the format has a broken script under tests/data/broken and its exact problems.

NAME.toml is the script, NAME.expected the problem lines `walktimer check NAME.toml` prints
from inside that folder. A new rule gets a new pair; a changed message means updating the
.expected file on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from walktimer.core.loader import SessionError, check_text, load_path

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"
CASES = sorted(BROKEN.glob("*.toml"))


def test_there_are_enough_cases_and_each_has_its_expected_lines() -> None:
    assert len(CASES) >= 45
    for case in CASES:
        assert case.with_suffix(".expected").is_file(), f"{case.name} has no .expected file"
    for expected in BROKEN.glob("*.expected"):
        assert expected.with_suffix(".toml").is_file(), f"{expected.name} has no script"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_broken_script_gives_exactly_the_expected_problems(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert expected, f"{case.name}: an expected file lists at least one problem"
    with pytest.raises(SessionError) as caught:
        load_path(case.name)
    assert [str(problem) for problem in caught.value.problems] == expected


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("case", [c for c in CASES if _is_utf8(c)], ids=lambda p: p.stem)
def test_check_text_finds_the_same_problems(case: Path) -> None:
    text = case.read_text(encoding="utf-8").removeprefix("\ufeff")
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    found = [str(p) for p in check_text(text, BROKEN / case.name)]
    assert [line.removeprefix(f"{BROKEN}/") for line in found] == expected


# Each rule of SESSION_FORMAT.md, and a fragment of the message that proves a case covers it.
RULES = {
    "empty file": "file: the file is empty",
    "not UTF-8": "is not UTF-8 text (byte 0xE9 at line 2",
    "TOML syntax": "error: TOML syntax:",
    "format missing": "missing format",
    "format newer": "written for a newer walktimer",
    "format wrong": "format: expected 1",
    "name missing": "missing name: give the session a name",
    "name empty": "name is empty",
    "name too long": "shorten it to 80 or fewer",
    "top-level types": "author: expected text in quotes",
    "tags": "tag 2: expected a non-empty word",
    "unknown key with suggestion": 'unknown key "durtion": did you mean duration?',
    "key in the wrong table": "belongs in [voice]",
    "phases missing": "missing phases",
    "phase single brackets": "write each phase as [[phase]]",
    "voice rate range": "words per minute from 80 to 400, not 500",
    "voice volume range": "to 1.0 (full), not 1.5",
    "sound name": '"bel" is neither a built-in sound nor a .wav file (did you mean bell?)',
    "sound file missing": '"sounds/fanfare.wav" does not exist',
    "sound file not WAV": "is not a WAV file",
    "sound file 8-bit": "is 8-bit",
    "sound file rate": "is sampled at 12345 Hz",
    "sound file channels": "has 3 channels",
    "sound file not PCM": "is not plain 16-bit PCM",
    "sound file is a folder": "is a folder, not a sound file",
    "sound file empty": "holds no sound",
    "sound file damaged": "is cut short or damaged",
    "announce countdown": "countdown: expected a whole number of seconds from 0 to 60",
    "announce remaining": "remaining: expected a list of durations",
    "announce booleans": "halfway: expected true or false",
    "reminders every required": "missing every",
    "reminders texts required": "missing texts",
    "reminders texts non-empty": "texts is empty",
    "reminder text non-empty": "text 2: expected a non-empty text",
    "reminders order": 'order: expected "cycle" (in turn) or "shuffle" (mixed), not "random"',
    "reminders = true without [reminders]": "reminders = true needs a [reminders] table",
    "duration required": "missing duration",
    "duration form": 'not "5x"',
    "duration positive": "a duration must be greater than zero",
    "duration whole seconds": "durations are whole seconds",
    "duration at most 24 hours": "longer than a session may be (24 hours)",
    "kind": 'kind: expected one of warmup, walk, technique, stretch, cooldown, rest, not "wlk"',
    "speed": 'speed: "3.5" needs a unit',
    "speed range": "is not a walking speed a treadmill can set",
    "incline": 'incline: expected a percentage like 2 or "2%"',
    "incline range": "is out of range: use -10% to 40%",
    "phase countdown": "countdown: expected a whole number of seconds from 0 to 60",
    "say empty": "say is empty",
    "cue at and every": "a cue has either at (once) or every (repeating), never both",
    "cue needs a time": "a cue needs a time",
    "cue needs say or sound": "a cue needs something to play",
    "cue with only sound none": 'with sound = "none" it needs say',
    "cue after the phase end": "falls at or after the end of this 5:00 phase",
    "cue before the phase start": "falls before the start of this 5:00 phase",
    "cue at 100%": "is the end of the phase: use a share below 100%",
    "every never comes round": "never comes round inside this 5:00 phase",
    "cue single brackets": "write each cue as [[phase.cue]]",
    "manual: no negative at": "counts back from the end, but a manual phase has no set end",
    "manual: no percent at": "is a share of the phase, but a manual phase has no set length",
    "manual: no {remaining}": "{remaining} cannot be used in a manual phase",
    "manual: no countdown": "a manual phase has no end to count down to",
    "manual: no reminders = true": "a manual phase has no posture reminders",
    "unknown placeholder": "unknown placeholder {phse} (did you mean {phase}?)",
    "{rep} outside a block": "{rep} only works inside a repeated block",
    "repeat >= 1": "repeat: expected a whole number of rounds from 1 to 1000, not 0",
    "duration xor repeat": "a phase has either duration or repeat with [[phase.step]] tables",
    "steps need repeat": "steps need a repeat count",
    "repeat needs steps": "repeat needs steps to repeat",
    "block keys": "a repeated block carries only name, repeat and its [[phase.step]] tables",
    "blocks do not nest": "a step cannot have repeat of its own (blocks do not nest)",
    "block steps non-empty": "step: expected one or more [[phase.step]] tables",
    "session at most 24 hours": "a session may last at most 24 hours",
    "played phases limit": "the session plays 11000 phases",
}


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_has_a_broken_case(rule: str) -> None:
    fragment = RULES[rule]
    hits = [
        case.stem
        for case in CASES
        if fragment in case.with_suffix(".expected").read_text(encoding="utf-8")
    ]
    assert hits, f"no broken case shows the rule {rule!r} ({fragment!r})"
