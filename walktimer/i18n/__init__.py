"""walktimer's translation layer: gettext catalogues per language, number words and durations
as they are said, and the choice of the speech language.

Pure Python (the standard library's gettext and num2words), so walktimer.core may use it. One
`Phrases` object per language holds everything that is said or shown in that language; nothing
here keeps a current language of its own: whoever builds a plan or a screen passes its Phrases.

Strings are marked for extraction (`./dev i18n`) by calling `gettext` / `ngettext` on a Phrases
object with a literal, or with N_ where the text is kept and translated later; the English text
is the message id, so English needs no catalogue. The terminal's messages are in `interface()`'s
language: the user's locale.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from walktimer.i18n.catalogue import load_translations

__all__ = [
    "ENGLISH",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Phrases",
    "choose_language",
    "host_language",
    "interface",
    "language_of",
    "phrases",
    "speech_voice",
    "system_language",
]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The languages walktimer has phrases for; English is the source language.
LANGUAGES = ("en", "de", "es")
# The environment variables gettext reads, in its order.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_TAG = re.compile(r"[A-Za-z]{2,3}(?=$|[-_.@])")
# Numbers at most this large are said as words; larger ones are left as digits for the voice.
MAX_WORDS = 999
# English number words, as num2words says them (a test compares every number up to
# MAX_WORDS): importing num2words loads all its languages, which the window's first frame,
# whose plan says its durations in words, should not wait for.
_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def language_of(tag: str | None) -> str | None:
    """The language a locale name, language tag or espeak voice names: "de_DE.UTF-8", "de-AT",
    "es", "gmw/de" -> "de"/"es"; None for nothing, "C" or "POSIX"."""
    if not tag:
        return None
    tag = tag.strip().rsplit("/", 1)[-1]
    if tag.upper() in ("C", "POSIX") or tag.upper().startswith(("C.", "POSIX.")):
        return None
    match = _TAG.match(tag)
    return match.group(0).lower() if match else None


def system_language(environ: Mapping[str, str]) -> str | None:
    """The language of the user's locale, from the variables gettext reads (first one set)."""
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            # LANGUAGE is a list ("de:en"); the first entry is the preferred one.
            return language_of(value.split(":", 1)[0])
    return None


def choose_language(*candidates: str | None) -> str:
    """The language of the first candidate that names one, if walktimer has phrases for it,
    else English. Speech passes the script's `[voice]` voice, then the user's setting, then
    the system locale. A script in French keeps English phrases rather than the locale's
    German: the script's choice of voice stands, and walktimer has no French words."""
    for candidate in candidates:
        language = language_of(candidate)
        if language is not None:
            return language if language in LANGUAGES else "en"
    return "en"


def host_language(setting: str | None, environ: Mapping[str, str]) -> str:
    """The language a host offers a plan for speech the script leaves open: the user's
    setting, then the system locale, then English (see build_plan)."""
    return choose_language(setting, system_language(environ))


def speech_voice(voice: str | None, language: str) -> str | None:
    """The voice to speak a plan in: the one asked for, else the plan's language when it is not
    the speech engine's default English, so German words get a German voice."""
    return voice or (language if language != "en" else None)


def _english_number(n: int) -> str:
    """0 <= n <= 999 in English words: "forty-two", "one hundred and five"."""
    hundreds, rest = divmod(n, 100)
    if rest < 20:
        tail = _ONES[rest]
    else:
        tens, ones = divmod(rest, 10)
        tail = _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if not hundreds:
        return tail
    head = f"{_ONES[hundreds]} hundred"
    return f"{head} and {tail}" if rest else head


@dataclass(frozen=True, slots=True, eq=False)
class Phrases:
    """walktimer's words in one language: translated messages, numbers and durations."""

    language: str
    catalogue: _gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """`message` where the same English word means something else elsewhere."""
        return self.catalogue.pgettext(context, message)

    def number(self, n: int) -> str:
        """A whole number as it is said ("forty-two", "zweiundvierzig"); digits past 999."""
        if n < 0 or n > MAX_WORDS:
            return str(n)
        if self.language == "en":
            return _english_number(n)
        # Imported when first needed: the command-line verbs and English start without it.
        from num2words import num2words

        return str(num2words(n, lang=self.language))

    def decimal(self, value: float) -> str:
        """A measured value as the voice reads it, to two places: "3.5", in German "3,5"."""
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        text = text if text != "-0" else "0"
        return text.replace(".", self.decimal_mark)

    @property
    def decimal_mark(self) -> str:
        return "." if self.language == "en" else ","

    def _counted(self, n: int, template: str, *, feminine: bool = False) -> str:
        """`template` ("{n} minutes", chosen by ngettext for n) filled with n's words."""
        words = self.number(n)
        if self.language == "es" and words.endswith("uno"):
            # Spanish shortens "uno" before a noun: "veintiún minutos", "treinta y una horas".
            words = words[:-3] + ("una" if feminine else ("ún" if words.endswith("iuno") else "un"))
        return template.format(n=words)

    def duration(self, seconds: float) -> str:
        """A duration as it is said: "two minutes thirty", "one hour five minutes"."""
        whole = max(0, round(seconds))
        h, rest = divmod(whole, 3600)
        m, s = divmod(rest, 60)
        if h == 0 and m == 0:
            return self._counted(s, self.ngettext("{n} second", "{n} seconds", s))
        parts: list[str] = []
        if h:
            hours = self.ngettext("{n} hour", "{n} hours", h)
            parts.append(self._counted(h, hours, feminine=True))
        if m:
            parts.append(self._counted(m, self.ngettext("{n} minute", "{n} minutes", m)))
        if s:
            seconds_words = self.ngettext("{n} second", "{n} seconds", s)
            parts.append(self.number(s) if m else self._counted(s, seconds_words))
        return " ".join(parts)

    def seconds(self, n: int) -> str:
        """A count of seconds, always in seconds: "three seconds", "drei Sekunden"."""
        return self._counted(n, self.ngettext("{n} second", "{n} seconds", n))

    def leading_count(self, seconds: float) -> int:
        """The number a spoken duration starts with, for the grammatical number of a phrase
        around it ("Queda un minuto", "Quedan dos minutos")."""
        whole = max(0, round(seconds))
        h, rest = divmod(whole, 3600)
        m, s = divmod(rest, 60)
        return h or m or s


@cache
def phrases(language: str) -> Phrases:
    """The Phrases of one of LANGUAGES (others fall back to English), read once."""
    if language not in LANGUAGES or language == "en":
        return ENGLISH
    return Phrases(language, load_translations(LOCALE_DIR / f"{language}.po"))


ENGLISH = Phrases("en", _gettext.NullTranslations())


def N_(message: str) -> str:
    """Marks a literal for extraction where it is kept now and translated when it is shown."""
    return message


def interface(environ: Mapping[str, str] | None = None) -> Phrases:
    """The Phrases of the terminal's messages: the language of the user's locale."""
    return phrases(choose_language(system_language(os.environ if environ is None else environ)))
