"""The translation layer: the speech language's order, number words and durations per language."""

from __future__ import annotations

import pytest
from num2words import num2words

from walktimer.i18n import (
    ENGLISH,
    LANGUAGES,
    MAX_WORDS,
    choose_language,
    host_language,
    language_of,
    phrases,
    speech_voice,
    system_language,
)


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("de", "de"),
        ("de_DE.UTF-8", "de"),
        ("es-ES", "es"),
        ("en-gb", "en"),
        ("gmw/de", "de"),
        ("roa/es", "es"),
        ("fr_FR@euro", "fr"),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("", None),
        (None, None),
        ("x", None),
    ],
)
def test_language_of_reads_locales_tags_and_espeak_voices(tag: str | None, language: str) -> None:
    assert language_of(tag) == language


def test_the_script_comes_first_then_the_setting_then_the_system() -> None:
    assert choose_language("es", "de", "en_GB.UTF-8") == "es"
    assert choose_language(None, "de", "es_ES.UTF-8") == "de"
    assert choose_language(None, None, "es_ES.UTF-8") == "es"
    assert choose_language(None, None, None) == "en"


def test_a_language_without_phrases_speaks_english() -> None:
    # French has no catalogue: a French voice reads English, not the locale's German.
    assert choose_language("fr", "de", None) == "en"
    assert choose_language(None, None, "it_IT.UTF-8") == "en"
    # What names no language (an engine's voice name) leaves the choice to the next.
    assert choose_language("English (Great Britain)", "de", None) == "de"


def test_the_system_language_follows_gettexts_variables_in_order() -> None:
    env = {"LANG": "es_ES.UTF-8", "LC_MESSAGES": "de_DE.UTF-8"}
    assert system_language(env) == "de"
    assert system_language({**env, "LC_ALL": "en_US.UTF-8"}) == "en"
    assert system_language({**env, "LANGUAGE": "es:de"}) == "es"
    assert system_language({"LANG": "C.UTF-8"}) is None
    assert system_language({}) is None


def test_a_host_offers_the_users_setting_before_the_locale() -> None:
    assert host_language("es", {"LANG": "de_DE.UTF-8"}) == "es"
    assert host_language("", {"LANG": "de_DE.UTF-8"}) == "de"
    assert host_language(None, {}) == "en"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("n", [0, 1, 7, 21, 42, 99, 100, 115, 999])
def test_number_words_are_num2words_own(language: str, n: int) -> None:
    assert phrases(language).number(n) == num2words(n, lang=language)


def test_english_number_words_are_num2words_own_for_every_worded_number() -> None:
    # English words are walktimer's own, so the window starts without num2words.
    assert [ENGLISH.number(n) for n in range(MAX_WORDS + 1)] == [
        num2words(n, lang="en") for n in range(MAX_WORDS + 1)
    ]
    assert ENGLISH.number(MAX_WORDS + 1) == str(MAX_WORDS + 1)


def test_number_words_in_each_language() -> None:
    assert [phrases("de").number(n) for n in (0, 30, 42)] == ["null", "dreißig", "zweiundvierzig"]
    assert [phrases("es").number(n) for n in (0, 30, 42)] == ["cero", "treinta", "cuarenta y dos"]
    assert ENGLISH.number(115) == "one hundred and fifteen"
    assert phrases("de").number(1000) == "1000"


@pytest.mark.parametrize(
    ("seconds", "en", "de", "es"),
    [
        (1, "one second", "eine Sekunde", "un segundo"),
        (45, "forty-five seconds", "fünfundvierzig Sekunden", "cuarenta y cinco segundos"),
        (60, "one minute", "eine Minute", "un minuto"),
        (150, "two minutes thirty", "zwei Minuten dreißig", "dos minutos treinta"),
        (21 * 60, "twenty-one minutes", "einundzwanzig Minuten", "veintiún minutos"),
        (31 * 60, "thirty-one minutes", "einunddreißig Minuten", "treinta y un minutos"),
        (3600, "one hour", "eine Stunde", "una hora"),
        (3900, "one hour five minutes", "eine Stunde fünf Minuten", "una hora cinco minutos"),
        (21 * 3600, "twenty-one hours", "einundzwanzig Stunden", "veintiuna horas"),
    ],
)
def test_durations_are_said_in_each_language(seconds: int, en: str, de: str, es: str) -> None:
    assert [phrases(lang).duration(seconds) for lang in ("en", "de", "es")] == [en, de, es]


def test_measured_values_use_the_languages_decimal_mark() -> None:
    assert [phrases(lang).decimal(3.5) for lang in ("en", "de", "es")] == ["3.5", "3,5", "3,5"]
    assert phrases("de").decimal(4.0) == "4"


def test_an_unknown_language_speaks_english() -> None:
    assert phrases("fr") is ENGLISH


def test_a_voice_asked_for_wins_else_the_language_names_one() -> None:
    assert speech_voice("en-gb", "de") == "en-gb"
    assert speech_voice(None, "de") == "de"
    assert speech_voice("", "es") == "es"
    assert speech_voice(None, "en") is None
