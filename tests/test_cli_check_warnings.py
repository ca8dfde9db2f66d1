"""`walktimer check` warns of cues still speaking when the next sound is due."""

from __future__ import annotations

from pathlib import Path

import pytest

from walktimer import cli

LONG = (
    "Now get ready to turn around carefully, holding the rail with both hands, "
    "and then walk backwards."
)
SCRIPT = f"""\
format = 1
name = "Crowded"

[[phase]]
name = "Warm up"
duration = "2m"
say = "Walk."

[[phase.cue]]
at = "10s"
say = "{LONG}"

[[phase.cue]]
at = "16s"
say = "Shoulders down."
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = cli.main(["check", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_a_valid_script_with_an_overlap_is_ok_with_a_warning_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "crowded.toml"
    script.write_text(SCRIPT, "utf-8")
    # At the script's rate (170) the long cue ends about 15 s in, before the next cue.
    code, out, err = run(capsys, str(script))
    assert (code, out, err) == (0, ["OK  Crowded  (2:00, 1 phase)"], "")
    # At 100 words per minute it runs on well past 0:16.
    code, out, err = run(capsys, "--rate", "100", str(script))
    assert code == 0
    assert err == ""
    assert out[0] == "OK  Crowded  (2:00, 1 phase)"
    assert len(out) == 2
    assert out[1].startswith(
        f'{script}:13:1: warning: phase 1 "Warm up", cue 2: the cue at 0:16 starts while the '
        "one at 0:10 is still speaking, about "
    )
    assert out[1].endswith(
        " s late at 100 words per minute (your chosen rate): move the cue later or say less"
    )


def test_a_rate_out_of_range_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "crowded.toml"
    script.write_text(SCRIPT, "utf-8")
    with pytest.raises(SystemExit) as stop:
        cli.main(["check", "--rate", "fast", str(script)])
    assert stop.value.code == 2
    assert "'fast' is not a speaking rate: give a whole number of words per minute from 80 " in (
        capsys.readouterr().err
    )
