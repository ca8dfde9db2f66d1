"""`walktimer schema`: prints the format-1 JSON Schema that editors use."""

from __future__ import annotations

import json

import jsonschema
import pytest

from walktimer import cli
from walktimer.core.schema import build_schema


def test_prints_the_schema_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schema"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    printed = json.loads(out)
    assert printed == build_schema()
    jsonschema.Draft202012Validator.check_schema(printed)
    assert printed["title"] == "walktimer session script, format 1"


def test_takes_no_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["schema", "extra"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: extra" in capsys.readouterr().err


def test_help_says_how_to_use_it_in_an_editor(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["schema", "--help"])
    out = capsys.readouterr().out
    assert "walktimer schema > walktimer-session.schema.json" in out
    assert "#:schema" in out
