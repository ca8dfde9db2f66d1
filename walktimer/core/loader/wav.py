"""Why a WAV file cannot be played, in words, with the sox command that fixes it."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

from walktimer.core.format.tables import WAV_RATES

__all__ = ["wav_problem"]


def wav_problem(file: Path) -> str | None:
    """Why a WAV file cannot be played, or None when it can."""

    def fix(options: str) -> str:
        return f'convert it with: sox "{file.name}" {options} fixed.wav'

    pcm16 = "-b 16 -e signed-integer"
    try:
        if file.is_dir():
            return "is a folder, not a sound file: give the path of a .wav file"
        if not file.exists():
            return (
                "does not exist: check the name (paths are relative to the script's folder), "
                "or use a built-in sound such as bell"
            )
        if not file.is_file():
            return "is not a regular file: give the path of a .wav file"
        with wave.open(str(file), "rb") as reader:
            width = reader.getsampwidth()
            channels = reader.getnchannels()
            rate = reader.getframerate()
            frames = reader.getnframes()
    except PermissionError:
        return "cannot be read (permission denied): check its permissions"
    except wave.Error as error:
        if str(error).startswith("unknown format"):
            return f"is not plain 16-bit PCM, the only WAV encoding walktimer plays: {fix(pcm16)}"
        return f"is not a WAV file: {fix(pcm16 + ' -r 44100')}"
    except (EOFError, ValueError, struct.error):
        return "is cut short or damaged: export it again as a 16-bit PCM WAV file"
    except OSError as error:
        return f"cannot be read ({error.strerror or error}): check that it is a readable file"
    if width != 2:
        return f"is {width * 8}-bit, but walktimer plays 16-bit WAV files: {fix(pcm16)}"
    if channels not in (1, 2):
        return f"has {channels} channels, but walktimer plays mono or stereo: {fix('-c 2')}"
    if rate not in WAV_RATES:
        rates = ", ".join(str(rate) for rate in WAV_RATES)
        return f"is sampled at {rate} Hz; use one of {rates} Hz: {fix('-r 44100')}"
    if frames == 0:
        return "holds no sound: record or convert it again"
    return None
