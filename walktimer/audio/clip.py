"""Sound clips in memory: reading and checking WAV files, and scaling them to a volume."""

from __future__ import annotations

import sys
import time
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Clip", "ClipError", "check_wav", "read_wav"]

# simpleaudio (ALSA) accepts only the common rates.
_CHUNK = 8192  # samples scaled between two chances for other threads to run
RATES = frozenset({8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000})


class ClipError(Exception):
    """A WAV file that cannot be played; the message is a sentence."""


@dataclass(frozen=True, slots=True)
class Clip:
    """16-bit PCM frames ready for the output device."""

    frames: bytes
    rate: int
    channels: int = 1
    label: str = ""

    @property
    def seconds(self) -> float:
        return len(self.frames) / (2 * self.channels * self.rate)

    def scaled(self, volume: float) -> Clip:
        """The same clip at `volume` (0..1) of its level."""
        volume = max(0.0, min(1.0, volume))
        if volume >= 1.0:
            return self
        samples = array("h")
        samples.frombytes(self.frames)
        if sys.byteorder == "big":
            samples.byteswap()
        scaled = array("h")
        for start in range(0, len(samples), _CHUNK):
            scaled.extend([int(s * volume) for s in samples[start : start + _CHUNK]])
            # A long clip takes a while in pure Python: let the GUI thread have the GIL between
            # chunks instead of waiting out the interpreter's switch interval each time.
            time.sleep(0)
        if sys.byteorder == "big":
            scaled.byteswap()
        return Clip(scaled.tobytes(), self.rate, self.channels, self.label)

    def is_silent(self, threshold: int = 64) -> bool:
        samples = array("h")
        samples.frombytes(self.frames)
        if sys.byteorder == "big":
            samples.byteswap()
        return not samples or max(abs(min(samples)), abs(max(samples))) < threshold


def read_wav(path: Path, label: str | None = None) -> Clip:
    """Read a complete 16-bit PCM WAV; raise ClipError when it is not one."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            rate = wav.getframerate()
            count = wav.getnframes()
            frames = wav.readframes(count)
    except FileNotFoundError as error:
        raise ClipError(f"{path} does not exist.") from error
    except (wave.Error, EOFError, OSError) as error:
        raise ClipError(f"{path} is not a readable WAV file ({error}).") from error
    if width != 2:
        raise ClipError(f"{path} has {8 * width}-bit samples; walktimer plays 16-bit PCM WAVs.")
    if channels not in (1, 2):
        raise ClipError(f"{path} has {channels} channels; walktimer plays mono or stereo WAVs.")
    if rate not in RATES:
        raise ClipError(f"{path} has a sample rate of {rate} Hz, which sound cards do not take.")
    if count == 0:
        raise ClipError(f"{path} holds no sound.")
    if len(frames) != count * width * channels:
        raise ClipError(f"{path} is cut short: it holds less sound than its header says.")
    return Clip(frames, rate, channels, label if label is not None else path.stem)


def check_wav(path: Path) -> str | None:
    """None when `path` is a complete, playable WAV; otherwise a sentence saying what is wrong."""
    try:
        read_wav(path)
    except ClipError as error:
        return str(error)
    return None
