"""The terminal in German and Spanish: walktimer --help, the verbs' summaries, cache, schema."""

from __future__ import annotations

import pytest

from walktimer import cli
from walktimer.i18n import phrases


def help_text(monkeypatch: pytest.MonkeyPatch, language: str, *argv: str) -> str:
    monkeypatch.setenv("LANGUAGE", language)
    monkeypatch.setenv("COLUMNS", "1000")  # one line per entry, so texts can be looked for
    parser = cli.build_parser()
    if argv:
        with pytest.raises(SystemExit):
            parser.parse_args([*argv, "--help"])
        return ""
    return parser.format_help()


@pytest.mark.parametrize("language", ["de", "es"])
def test_every_verbs_summary_is_translated(monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    text = help_text(monkeypatch, language)
    t = phrases(language)
    for name in cli.VERBS:
        summary = cli._verb_module(name).HELP
        assert t.gettext(summary) != summary, name
        assert t.gettext(summary) in text, name
        assert summary not in text, name
    assert t.gettext("A guided walking timer that speaks your session script.") in text


def test_english_help_is_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    text = help_text(monkeypatch, "en")
    assert "Show or empty the cache of rendered speech." in text
    assert "A guided walking timer that speaks your session script." in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Sprachspeicher: {folder}: 0 Dateien, 0 Bytes.\n"),
        ("es", "Caché de voz: {folder}: 0 archivos, 0 bytes.\n"),
        ("en", "Speech cache: {folder}: 0 files, 0 bytes.\n"),
    ],
)
def test_cache_speaks_the_users_language(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
    expected: str,
) -> None:
    from walktimer.audio.cache import SpeechCache

    monkeypatch.setenv("LANGUAGE", language)
    assert cli.main(["cache"]) == 0
    assert capsys.readouterr().out == expected.format(folder=SpeechCache().folder)


@pytest.mark.parametrize(("language", "word"), [("de", "Einmal speichern"), ("es", "Guárdalo")])
def test_a_verbs_description_is_translated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], language: str, word: str
) -> None:
    help_text(monkeypatch, language, "schema")
    out = capsys.readouterr().out
    assert word in out
    assert "Save it once" not in out
