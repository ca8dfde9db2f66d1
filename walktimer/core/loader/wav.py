"""Why a WAV file cannot be played, in words, with the sox command that fixes it."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

from walktimer.core.format.tables import WAV_RATES
from walktimer.i18n import ENGLISH, Phrases

__all__ = ["wav_problem"]


def wav_problem(file: Path, phrases: Phrases = ENGLISH) -> str | None:
    """Why a WAV file cannot be played, or None when it can. The words follow "the sound file
    "NAME" ..." in the loader's message."""
    t = phrases

    def fix(options: str) -> str:
        return f'sox "{file.name}" {options} fixed.wav'

    pcm16 = "-b 16 -e signed-integer"
    try:
        if file.is_dir():
            return t.gettext("is a folder, not a sound file: give the path of a .wav file")
        if not file.exists():
            return t.gettext(
                "does not exist: check the name (paths are relative to the script's folder), "
                "or use a built-in sound such as bell"
            )
        if not file.is_file():
            return t.gettext("is not a regular file: give the path of a .wav file")
        with wave.open(str(file), "rb") as reader:
            width = reader.getsampwidth()
            channels = reader.getnchannels()
            rate = reader.getframerate()
            frames = reader.getnframes()
    except PermissionError:
        return t.gettext("cannot be read (permission denied): check its permissions")
    except wave.Error as error:
        if str(error).startswith("unknown format"):
            return t.gettext(
                "is not plain 16-bit PCM, the only WAV encoding walktimer plays: convert it "
                "with: {command}"
            ).format(command=fix(pcm16))
        return t.gettext("is not a WAV file: convert it with: {command}").format(
            command=fix(pcm16 + " -r 44100")
        )
    except (EOFError, ValueError, struct.error):
        return t.gettext("is cut short or damaged: export it again as a 16-bit PCM WAV file")
    except OSError as error:
        return t.gettext("cannot be read ({reason}): check that it is a readable file").format(
            reason=error.strerror or error
        )
    if width != 2:
        return t.gettext(
            "is {bits}-bit, but walktimer plays 16-bit WAV files: convert it with: {command}"
        ).format(bits=width * 8, command=fix(pcm16))
    if channels not in (1, 2):
        return t.ngettext(
            "has {channels} channel, but walktimer plays mono or stereo: convert it with: "
            "{command}",
            "has {channels} channels, but walktimer plays mono or stereo: convert it with: "
            "{command}",
            channels,
        ).format(channels=channels, command=fix("-c 2"))
    if rate not in WAV_RATES:
        rates = ", ".join(str(rate) for rate in WAV_RATES)
        return t.gettext(
            "is sampled at {rate} Hz; use one of {rates} Hz: convert it with: {command}"
        ).format(rate=rate, rates=rates, command=fix("-r 44100"))
    if frames == 0:
        return t.gettext("holds no sound: record or convert it again")
    return None
