"""The loader on valid scripts, on files it cannot read, and its public API."""

from __future__ import annotations

import os
import wave
from dataclasses import fields
from pathlib import Path

import pytest

from walktimer.core.loader import (
    KEYS,
    Problem,
    SessionError,
    check_text,
    load_bytes,
    load_path,
    load_text,
)
from walktimer.core.plan import build_plan
from walktimer.core.script import (
    KMH_PER_MPH,
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
    Voice,
)
from walktimer.resources import bundled_sessions

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"

MINIMAL = 'format = 1\nname = "Short"\n\n[[phase]]\nname = "Walk"\nduration = "5m"\n'


def problems_of(text: str, name: str = "s.toml") -> list[str]:
    return [str(p) for p in check_text(text, name)]


# -- a valid script loads into exactly the model it describes -------------------------------------


def test_complex_script_loads_into_the_exact_model() -> None:
    path = GOOD / "complex.toml"
    gong = Sound(path=GOOD / "sounds" / "gong.wav")
    expected = Session(
        name="Everything walk",
        description="Every key of format 1 in one script.",
        tags=("treadmill", "test"),
        author="walktimer tests",
        voice=Voice(rate=150, volume=0.75, voice="en-gb"),
        sounds=Sounds(phase=gong, countdown=Sound(name="beep"), finish=None),
        announce=Announce(
            countdown=5, remaining=(120, 60), halfway=True, next=False, targets=False
        ),
        reminders=Reminders(
            every=90,
            order=ReminderOrder.SHUFFLE,
            texts=("Head level, eyes forward.", "Shoulders down, {phase} is going well."),
        ),
        phases=(
            Phase(
                name="Warm-up",
                kind=Kind.WARMUP,
                duration=300,
                say="Warm up at {speed}.",
                instructions="Arm circles, half squats.\nBuild up the pace.",
                speed=Speed(kmh=2.2 * KMH_PER_MPH, unit="mph"),
                incline=Incline(percent=2.0),
                countdown=0,
                cues=(
                    Cue(at=Offset("end", 30.0), say="{remaining} to go."),
                    Cue(at=Offset("percent", 50.0), sound=Sound(name="tick")),
                ),
            ),
            Block(
                name="Intervals",
                repeat=2,
                steps=(
                    Phase(
                        name="Brisk",
                        duration=120,
                        speed=Speed(kmh=5.5),
                        incline=Incline(percent=-1.5),
                        say="Round {rep} of {reps}.",
                        reminders=False,
                        cues=(Cue(every=40, say="Keep it up, {elapsed} done.", sound=gong),),
                    ),
                    Phase(
                        name="Backward walking",
                        kind=Kind.TECHNIQUE,
                        duration=60,
                        speed=Speed(kmh=1.5),
                    ),
                ),
            ),
            Phase(
                name="Hold",
                kind=Kind.STRETCH,
                duration=None,
                reminders=False,
                cues=(
                    Cue(every=20, say="Breathe. {elapsed} held."),
                    Cue(at=Offset("start", 10.0), sound=Sound(name="bell")),
                ),
            ),
            Phase(name="Cool-down", kind=Kind.COOLDOWN, duration=150),
        ),
        source=path,
    )
    session = load_path(path)
    assert session == expected
    assert session.phases[0].speed is not None
    assert session.phases[0].speed.text == "2.2 mph"
    assert session.has_manual
    assert session.total_seconds == 300 + 2 * 180 + 150


def test_the_format_documents_example_loads_and_plans() -> None:
    # format-example.toml is the complete example of the format's specification, verbatim.
    text = (GOOD / "format-example.toml").read_text(encoding="utf-8")
    session = load_text(text, GOOD / "format-example.toml")
    assert session.name == "Back-care walk"
    assert [type(p).__name__ for p in session.phases] == ["Phase", "Block", "Phase"]
    assert session.total_seconds == 5 * 60 + 3 * 180 + 4 * 60
    plan = build_plan(session)
    assert plan.events[-1].t == session.total_seconds


@pytest.mark.parametrize("path", bundled_sessions(), ids=lambda p: p.name)
def test_every_bundled_session_loads(path: Path) -> None:
    session = load_path(path)
    assert session.name
    assert session.source == path


def test_load_text_without_a_path_names_the_text_and_sets_no_source() -> None:
    session = load_text(MINIMAL)
    assert session.source is None
    assert session.phases == (Phase(name="Walk", duration=300),)
    with pytest.raises(SessionError) as caught:
        load_text(MINIMAL.replace('"5m"', '"5x"'))
    assert str(caught.value).startswith('<text>:6:1: error: phase 1 "Walk": duration:')


def test_load_bytes_and_load_text_agree() -> None:
    assert load_bytes(MINIMAL.encode(), "a.toml") == load_text(MINIMAL, "a.toml")


def test_a_byte_order_mark_is_accepted() -> None:
    assert load_bytes(b"\xef\xbb\xbf" + MINIMAL.encode(), "bom.toml").name == "Short"


def test_crlf_line_endings_are_accepted() -> None:
    assert load_text(MINIMAL.replace("\n", "\r\n")).phases[0].duration == 300


def test_sound_files_are_found_next_to_the_script_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "scripts"
    (folder / "tones").mkdir(parents=True)
    (folder / "tones" / "gong.wav").write_bytes((GOOD / "sounds" / "gong.wav").read_bytes())
    script = folder / "walk.toml"
    script.write_text(MINIMAL + '\n[sounds]\nphase = "tones/gong.wav"\n')
    monkeypatch.chdir(tmp_path)
    session = load_path(Path("scripts") / "walk.toml")
    assert session.sounds.phase == Sound(path=folder / "tones" / "gong.wav")
    assert session.sounds.phase is not None
    assert session.sounds.phase.path is not None
    assert session.sounds.phase.path.is_absolute()


# -- the public API --------------------------------------------------------------------------------


def test_problem_formats_as_file_line_col() -> None:
    assert (
        str(Problem("a.toml", 3, 7, "[voice]", "rate: x")) == "a.toml:3:7: error: [voice]: rate: x"
    )
    assert str(Problem("a.toml", None, None, "top level", "y")) == "a.toml: error: top level: y"
    assert str(Problem("a.toml", 4, None, "file", "z")) == "a.toml:4: error: file: z"


def test_session_error_carries_every_problem_and_prints_them_as_lines() -> None:
    text = 'format = 1\nname = ""\n\n[[phase]]\nname = "Walk"\nduration = 0\n'
    with pytest.raises(SessionError) as caught:
        load_text(text, "two.toml")
    error = caught.value
    assert error.path == "two.toml"
    assert [(p.line, p.col) for p in error.problems] == [(2, 1), (6, 1)]
    assert str(error).splitlines() == [str(p) for p in error.problems]
    assert check_text(text, "two.toml") == error.problems


def test_check_text_is_empty_for_a_valid_script() -> None:
    assert check_text(MINIMAL, "ok.toml") == []


def test_problems_come_in_file_order_with_unplaced_ones_first() -> None:
    text = (
        'name = "Late format"\n\n[[phase]]\nname = "Walk"\nduration = "5x"\n\n[voice]\nrate = 1\n'
    )
    assert [(p.line, p.where) for p in check_text(text)] == [
        (None, "top level"),
        (5, 'phase 1 "Walk"'),
        (8, "[voice]"),
    ]


def test_keys_cover_every_field_of_the_model() -> None:
    def names(cls: type) -> set[str]:
        return {f.name for f in fields(cls)}

    assert set(KEYS["voice"]) == names(Voice)
    assert set(KEYS["sounds"]) == names(Sounds)
    assert set(KEYS["announce"]) == names(Announce)
    assert set(KEYS["reminders"]) == names(Reminders)
    assert set(KEYS["cue"]) == names(Cue)
    assert set(KEYS["step"]) == (names(Phase) - {"cues"}) | {"cue"}
    assert set(KEYS["block"]) == (names(Block) - {"steps"}) | {"step"}
    assert set(KEYS["phase"]) == set(KEYS["step"]) | set(KEYS["block"])
    top_model = names(Session) - {"phases", "source"}
    assert set(KEYS["top"]) == top_model | {"phase"}
    assert set(KEYS) == {"top", "voice", "sounds", "announce", "reminders", "phase", "block",
                         "step", "cue"}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('durtion = "5m"', 'unknown key "durtion": did you mean duration?'),
        ('Duration = "5m"', 'unknown key "Duration": did you mean duration?'),
        ("speeed = 4", 'unknown key "speeed": did you mean speed?'),
        ('instruction = "x"', 'unknown key "instruction": did you mean instructions?'),
        ("cues = []", 'unknown key "cues": did you mean cue?'),
        (
            'every = "1m"',
            'unknown key "every" here: every belongs in [reminders] or in '
            "[[phase.cue]]; move it there",
        ),
    ],
)
def test_unknown_keys_suggest_the_nearest_known_key(line: str, expected: str) -> None:
    text = f'format = 1\nname = "x"\n\n[[phase]]\nname = "Walk"\nduration = "5m"\n{line}\n'
    assert problems_of(text) == [f's.toml:7:1: error: phase 1 "Walk": {expected}']


def test_a_format_newer_than_this_walktimer_is_the_only_problem_reported() -> None:
    text = 'format = 3\nbrand_new = true\n\n[[phase]]\nname = "Walk"\nlength = "5m"\n'
    assert problems_of(text) == [
        "s.toml:1:1: error: top level: this script was written for a newer walktimer "
        "(format 3); this walktimer reads format 1: update walktimer to use it"
    ]


def test_every_cue_shorter_than_its_phase_and_cues_at_the_edges_are_fine() -> None:
    text = MINIMAL + (
        '\n  [[phase.cue]]\n  at = 0\n  say = "Start."\n'
        '\n  [[phase.cue]]\n  at = "-5m"\n  say = "Also the start."\n'
        '\n  [[phase.cue]]\n  at = "4:59"\n  say = "Last second."\n'
        '\n  [[phase.cue]]\n  at = "0%"\n  say = "Start again."\n'
        '\n  [[phase.cue]]\n  every = "4m59s"\n  say = "Once."\n'
    )
    cues = load_text(text).phases[0].cues  # type: ignore[union-attr]
    assert [c.at for c in cues[:4]] == [
        Offset("start", 0.0),
        Offset("end", 300.0),
        Offset("start", 299.0),
        Offset("percent", 0.0),
    ]
    assert cues[4].every == 299


def test_a_session_of_exactly_24_hours_is_allowed() -> None:
    text = 'format = 1\nname = "Day"\n\n[[phase]]\nname = "Walk"\nduration = "24h"\n'
    assert load_text(text).total_seconds == 24 * 3600
    longer = text + '\n[[phase]]\nname = "More"\nduration = 1\n'
    assert problems_of(longer) == [
        "s.toml: error: top level: the phases add up to 24:00:01, and a session may last at "
        "most 24 hours: shorten phases or lower repeat counts"
    ]


def test_manual_phases_do_not_count_towards_the_24_hours() -> None:
    text = (
        'format = 1\nname = "Day"\n\n[[phase]]\nname = "Walk"\nduration = "24h"\n'
        '\n[[phase]]\nname = "Hold"\nduration = "manual"\n'
    )
    assert load_text(text).has_manual


# -- files that cannot be read: one sentence each -----------------------------------------------


def only_problem(path: Path | str) -> str:
    with pytest.raises(SessionError) as caught:
        load_path(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    assert only_problem(path) == (
        f"{path}: error: file: there is no such file: check the name and the folder"
    )


def test_a_directory(tmp_path: Path) -> None:
    assert only_problem(tmp_path) == (
        f"{tmp_path}: error: file: this is a folder, not a session script: give the path of a "
        ".toml file"
    )


def test_a_file_over_one_mebibyte(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(MINIMAL.encode() + b"#" * (2 * 1024 * 1024))
    assert only_problem(path) == (
        f"{path}: error: file: the file is 2.0 MiB, and a session script may be at most 1 MiB: "
        "split it into several sessions"
    )


def test_a_file_just_over_one_mebibyte(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * (1024 * 1024 + 1))
    assert only_problem(path).endswith(
        "the file is larger than 1 MiB, and a session script may be at most 1 MiB: split it "
        "into several sessions"
    )
    with pytest.raises(SessionError, match="larger than 1 MiB"):
        load_bytes(b"#" * (1024 * 1024 + 1), "b.toml")
    with pytest.raises(SessionError, match="larger than 1 MiB"):
        load_text("#" * (1024 * 1024 + 1), "b.toml")
    with pytest.raises(SessionError, match=r"the file is 1\.2 MiB"):
        load_text("é" * (600 * 1024), "b.toml")  # 600 Ki characters, 1.2 MiB of UTF-8


def test_a_file_of_exactly_one_mebibyte_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.toml"
    data = MINIMAL.encode()
    path.write_bytes(data + b"#" * (1024 * 1024 - len(data)))
    assert load_path(path).name == "Short"


def test_a_file_without_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.toml"
    path.write_text(MINIMAL)
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    # Tests may run as root, who can read anything: refuse the way the kernel would.
    monkeypatch.setattr(Path, "open", refuse)
    assert only_problem(path) == (
        f"{path}: error: file: walktimer is not allowed to read this file (permission denied): "
        "check its permissions"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    assert only_problem(path) == (
        f"{path}: error: file: this is not a regular file: give the path of a .toml session script"
    )


def test_a_sound_file_without_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "gong.wav").write_bytes((GOOD / "sounds" / "gong.wav").read_bytes())
    script = tmp_path / "walk.toml"
    script.write_text(MINIMAL + '\n[sounds]\nfinish = "gong.wav"\n')

    def refuse(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(wave, "open", refuse)
    assert only_problem(script) == (
        f'{script}:9:1: error: [sounds]: finish: the sound file "gong.wav" cannot be read '
        "(permission denied): check its permissions"
    )


def test_one_sound_file_used_twice_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "gong.wav").write_bytes((GOOD / "sounds" / "gong.wav").read_bytes())
    script = tmp_path / "walk.toml"
    script.write_text(
        MINIMAL + '\n  [[phase.cue]]\n  at = "1m"\n  sound = "gong.wav"\n'
        '\n[sounds]\nphase = "gong.wav"\nfinish = "./gong.wav"\n'
    )
    opened: list[str] = []
    real_open = wave.open

    def counting(name: str, mode: str) -> object:
        opened.append(name)
        return real_open(name, mode)

    monkeypatch.setattr(wave, "open", counting)
    session = load_path(script)
    assert session.sounds.phase == session.sounds.finish
    assert opened == [str(tmp_path / "gong.wav")]


def test_countdown_voice_is_read_and_checked() -> None:
    base = (
        'format = 1\nname = "S"\n[announce]\ncountdown_voice = {}\n'
        '[[phase]]\nname = "A"\nduration = "1m"\n'
    )
    session = load_text(base.format("true"))
    assert session.announce.countdown_voice is True
    assert load_text(base.replace("countdown_voice = {}\n", "")).announce.countdown_voice is False
    [problem] = problems_of(base.format('"yes"'))
    assert "countdown_voice" in problem
    assert "true or false" in problem
