"""How long words take to say: an estimate from the text and the rate, with no speech engine.

The rate is in words per minute, as the script's `[voice] rate` and the settings give it. A
"word" of a speech engine is not a written word: long words, numbers and pauses take longer.
The estimate counts syllables (groups of vowels), written words, the pauses after commas and
sentence ends, and the extra words a number is read as ("1.5" is "one point five"), each
weighted by what it costs espeak-ng (fitted on the bundled sessions' texts at rates from 80
to 400 words per minute; tests/audio/test_speech_length.py checks it against rendered speech).
"""

from __future__ import annotations

import re

__all__ = ["spoken_seconds"]

# Seconds at one word per minute, per unit (divide by the rate).
_PER_SYLLABLE = 0.277 * 60
_PER_WORD = 0.278 * 60
_PER_PAUSE = 1.059 * 60  # after a comma, semicolon or colon
_PER_SENTENCE = 2.142 * 60  # after a full stop, question or exclamation mark
_PER_DECIMAL = 0.598 * 60  # the "point" of 1.5
_TRIM = 0.18  # seconds the engine leaves off the pauses' sum at the very end
_SHORTEST = 0.2  # even one short word takes this long

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
_VOWELS = re.compile(r"[aeiouyàâäéèêëîïôöùûüáíóúñ]+")
_PAUSE = re.compile(r"[,;:](?=\s|$)")
_SENTENCE = re.compile(r"[.!?]+(?=\s|$)")
_DECIMAL = re.compile(r"\d[.,]\d")


def _syllables(word: str) -> int:
    if word.isdigit():
        return 2 * len(word)  # "twelve", "one hundred and five": about two a digit
    lower = word.lower()
    count = len(_VOWELS.findall(lower))
    if len(lower) > 3 and lower.endswith("e") and not lower.endswith(("le", "ee")):
        count -= 1  # a silent final e: "take", "slide"
    return max(1, count)


def spoken_seconds(text: str, rate: int) -> float:
    """About how many seconds `text` takes to say at `rate` words per minute (0 for no words).

    Good to a quarter or so of the real length (more for one- or two-word texts, which a
    fraction of a second decides): enough to tell that a cue will still be speaking when the
    next one is due, not to time anything."""
    if rate <= 0:
        raise ValueError(f"a speaking rate is a positive number of words per minute, not {rate}")
    words = _WORD.findall(text)
    if not words:
        return 0.0
    units = (
        _PER_SYLLABLE * sum(_syllables(word) for word in words)
        + _PER_WORD * len(words)
        + _PER_PAUSE * len(_PAUSE.findall(text))
        + _PER_SENTENCE * max(1, len(_SENTENCE.findall(text)))  # the last ends one too
        + _PER_DECIMAL * len(_DECIMAL.findall(text))
    )
    return max(_SHORTEST, units / rate - _TRIM)
