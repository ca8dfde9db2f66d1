"""The catalogues: read like msgfmt reads them, complete for every marked string, well formed."""

from __future__ import annotations

import gettext
import re
import subprocess
from pathlib import Path

import pytest

from walktimer.i18n import LANGUAGES, LOCALE_DIR
from walktimer.i18n.catalogue import CatalogueError, Entry, compile_mo, read_po

REPO = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"\{(\w*)\}")

SAMPLE = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

# A translator's note.
#: walktimer/core/plan.py
msgid "Halfway."
msgstr "Halb"
"zeit."

#, fuzzy
msgid "Next: {name}."
msgstr "Weiter: {name}."

msgctxt "menu"
msgid "Open"
msgstr "Öffnen"

msgid "{n} minute"
msgid_plural "{n} minutes"
msgstr[0] "eine Minute"
msgstr[1] "{n} Minuten"

msgid "Say \"hi\"\tnow"
msgstr "Sag \"hallo\"\tjetzt"

#~ msgid "Gone"
#~ msgstr "Weg"
"""


def _ours() -> gettext.GNUTranslations:
    import io

    return gettext.GNUTranslations(io.BytesIO(compile_mo(read_po(SAMPLE))))


def test_the_reader_and_compiler_give_gettext_what_msgfmt_would(tmp_path: Path) -> None:
    po = tmp_path / "sample.po"
    po.write_text(SAMPLE, encoding="utf-8")
    mo = tmp_path / "sample.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as file:
        theirs = gettext.GNUTranslations(file)
    ours = _ours()
    for t in (ours, theirs):
        assert t.gettext("Halfway.") == "Halbzeit."
        assert t.gettext("Next: {name}.") == "Next: {name}."  # fuzzy: left out
        assert t.pgettext("menu", "Open") == "Öffnen"
        assert t.gettext("Open") == "Open"
        assert [t.ngettext("{n} minute", "{n} minutes", n) for n in (1, 2)] == [
            "eine Minute",
            "{n} Minuten",
        ]
        assert t.gettext('Say "hi"\tnow') == 'Sag "hallo"\tjetzt'
        assert t.gettext("Gone") == "Gone"


def test_entries_know_whether_they_are_translated() -> None:
    entries = {e.msgid: e for e in read_po(SAMPLE)}
    assert entries["Halfway."].translated
    assert not entries["Next: {name}."].translated
    assert entries["{n} minute"].msgid_plural == "{n} minutes"
    assert not Entry("x", msgstr={0: ""}).translated


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('msgid "a"\nmsgstr b\n', "x.po:2: expected a quoted string"),
        ('msgid "a"\nmsgwhat "b"\n', "x.po:2: unknown keyword 'msgwhat'"),
        ('"stray"\n', "x.po:1: a string continues no msgid or msgstr"),
        ('msgid "a"\n', "x.po:1: msgid 'a' has no msgstr"),
        ('msgid "a"\nmsgstr "\\q\\x"\n', "x.po:2: the string"),
    ],
)
def test_a_broken_catalogue_says_where_and_what(text: str, message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        read_po(text, "x.po")
    assert str(caught.value).startswith(message)


def _extract(tmp_path: Path) -> list[Entry]:
    pot = tmp_path / "walktimer.pot"
    subprocess.run([str(REPO / "scripts" / "i18n.sh"), "--pot", str(pot)], check=True)
    return [e for e in read_po(pot.read_text(encoding="utf-8"), pot.name) if e.msgid]


def test_extraction_finds_the_spoken_phrases(tmp_path: Path) -> None:
    ids = {e.msgid for e in _extract(tmp_path)}
    assert {"Session complete.", "Halfway.", "Next: {name}.", "{n} minute"} <= ids
    assert "{name}, round {rep} of {reps}" in ids


def test_the_committed_template_is_what_extraction_gives(tmp_path: Path) -> None:
    fresh = {(e.msgid, e.msgid_plural) for e in _extract(tmp_path)}
    committed = LOCALE_DIR / "walktimer.pot"
    kept = {(e.msgid, e.msgid_plural) for e in read_po(committed.read_text(encoding="utf-8"))}
    assert fresh == kept - {("", None)}, "run ./dev i18n to bring the catalogues up to date"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_is_translated(tmp_path: Path, language: str) -> None:
    po = LOCALE_DIR / f"{language}.po"
    have = {(e.msgid, e.msgid_plural): e for e in read_po(po.read_text(encoding="utf-8"))}
    missing = [
        e.msgid
        for e in _extract(tmp_path)
        if (e.msgid, e.msgid_plural) not in have or not have[(e.msgid, e.msgid_plural)].translated
    ]
    assert missing == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language: str) -> None:
    po = LOCALE_DIR / f"{language}.po"
    for entry in read_po(po.read_text(encoding="utf-8")):
        if not entry.msgid:
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        for index, text in entry.msgstr.items():
            found = set(PLACEHOLDER.findall(text))
            if entry.msgid_plural is not None and index == 0:
                # The singular form may say its number as a word ("eine Minute").
                assert found <= wanted, (entry.msgid, text)
            else:
                assert found == wanted, (entry.msgid, text)


@pytest.mark.parametrize("language", TRANSLATED)
def test_msgfmt_accepts_the_catalogue(language: str) -> None:
    po = LOCALE_DIR / f"{language}.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
