"""`walktimer check` warns of cues still speaking when the next sound is due."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli_check import run
from walktimer import cli

CROWDED = Path(__file__).resolve().parent / "data" / "timing" / "crowded.toml"


def test_a_valid_script_with_an_overlap_is_ok_with_a_warning_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = CROWDED
    # At the script's rate (170) the long cue ends about 15 s in, before the next cue.
    code, out, err = run(capsys, str(script))
    assert (code, out, err) == (0, ["OK  Crowded  (3:00, 2 phases)"], "")
    # At 100 words per minute it runs on well past 0:16.
    code, out, err = run(capsys, "--rate", "100", str(script))
    assert code == 0
    assert err == ""
    assert out[0] == "OK  Crowded  (3:00, 2 phases)"
    assert len(out) == 2
    assert out[1].startswith(
        f'{script}:13:1: warning: phase 1 "Warm up", cue 2: the cue at 0:16 starts while the '
        "one at 0:10 is still speaking, about "
    )
    assert out[1].endswith(
        " s late at 100 words per minute (your chosen rate): move the cue later or say less"
    )


def test_a_rate_out_of_range_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = CROWDED
    with pytest.raises(SystemExit) as stop:
        cli.main(["check", "--rate", "fast", str(script)])
    assert stop.value.code == 2
    assert "'fast' is not a speaking rate: give a whole number of words per minute from 80 " in (
        capsys.readouterr().err
    )
