"""The entry point: verbs go to the CLI, sessions to the window, anything else is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from walktimer import __main__ as entry
from walktimer import resources


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """What the window would have been asked to open, instead of opening it."""
    calls: list[list[str]] = []

    def fake_gui(args: list[str]) -> int:
        calls.append(args)
        return 0

    monkeypatch.setattr(entry, "_gui", fake_gui)
    return calls


def test_a_mistyped_verb_is_a_usage_error_with_a_suggestion(
    opened: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert entry.main(["hisotry"]) == 2
    err = capsys.readouterr().err
    assert '"hisotry" is neither a command nor a session file' in err
    assert 'Did you mean "walktimer history"?' in err
    assert opened == []


def test_a_bundled_name_opens_its_file(opened: list[list[str]]) -> None:
    assert entry.main(["backward-10"]) == 0
    assert opened == [[str(resources.bundled_session("backward-10.toml"))]]


def test_a_missing_toml_still_goes_to_the_window_which_explains(
    opened: list[list[str]], tmp_path: Path
) -> None:
    missing = tmp_path / "gone.toml"
    assert entry.main([str(missing)]) == 0
    assert opened == [[str(missing)]]


def test_no_arguments_opens_the_library(opened: list[list[str]]) -> None:
    assert entry.main([]) == 0
    assert opened == [[]]


def test_without_a_display_it_says_so_instead_of_qts_xcb_hint(
    opened: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(entry.sys, "platform", "linux")
    assert entry.main([]) == 1
    err = capsys.readouterr().err
    assert "there is no display" in err
    assert "--no-gui" in err
    assert opened == []


def test_verbs_still_reach_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["check", str(resources.bundled_session())]) == 0
    assert capsys.readouterr().out.startswith("OK  ")
