"""Makes walktimer's built-in tones: bell, tick, chime, beep and ping (16-bit mono WAV, 44.1 kHz).

Standard library only, deterministic: running it again gives byte-identical files.

    python assets/audio/make_tones.py            # rewrites the WAVs beside this script
    python assets/audio/make_tones.py OUT_DIR    # writes them somewhere else
"""

from __future__ import annotations

import math
import os
import struct
import sys
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

RATE = 44100
PEAK = 32767

# A tone is a function of time (seconds) returning a sample in -1..1.
Shape = Callable[[float], float]


def partials(freqs: Sequence[tuple[float, float, float]]) -> Shape:
    """A sum of decaying sines: (frequency Hz, amplitude, decay time constant s)."""

    def shape(t: float) -> float:
        return sum(a * math.exp(-t / tau) * math.sin(2 * math.pi * f * t) for f, a, tau in freqs)

    return shape


def attack(shape: Shape, seconds: float) -> Shape:
    """A short fade-in so no tone starts with a click."""

    def shaped(t: float) -> float:
        gain = min(1.0, t / seconds) if seconds > 0 else 1.0
        return gain * shape(t)

    return shaped


def render(shape: Shape, seconds: float, gain: float) -> list[float]:
    count = int(RATE * seconds)
    samples = [shape(i / RATE) for i in range(count)]
    # A 20 ms fade-out so the tail ends at silence, then scale to the wanted peak.
    fade = int(RATE * 0.02)
    for i in range(max(0, count - fade), count):
        samples[i] *= (count - i) / fade
    peak = max(abs(s) for s in samples) or 1.0
    return [s / peak * gain for s in samples]


def bell() -> list[float]:
    """Phase change: a warm bell around A5 with slightly inharmonic partials."""
    f = 880.0
    shape = partials(
        [(f, 1.0, 0.45), (f * 2.0, 0.45, 0.30), (f * 2.76, 0.25, 0.18), (f * 5.4, 0.10, 0.08)]
    )
    return render(attack(shape, 0.004), 1.2, 0.7)


def tick() -> list[float]:
    """Countdown: a short wooden tick."""
    shape = partials([(1500.0, 1.0, 0.012), (3100.0, 0.35, 0.006)])
    return render(attack(shape, 0.001), 0.08, 0.6)


def chime() -> list[float]:
    """Finish: C5, E5, G5 rising, each left to ring."""
    notes = [(523.25, 0.0), (659.25, 0.22), (783.99, 0.44)]

    def shape(t: float) -> float:
        total = 0.0
        for f, start in notes:
            u = t - start
            if u >= 0:
                ramp = min(1.0, u / 0.005)
                total += (
                    ramp
                    * math.exp(-u / 0.55)
                    * (math.sin(2 * math.pi * f * u) + 0.3 * math.sin(4 * math.pi * f * u))
                )
        return total

    return render(shape, 1.8, 0.65)


def beep() -> list[float]:
    """A plain 1 kHz beep with soft edges."""
    length = 0.18

    def shape(t: float) -> float:
        edge = min(1.0, t / 0.01, (length - t) / 0.01)
        return max(0.0, edge) * math.sin(2 * math.pi * 1000.0 * t)

    return render(shape, length, 0.5)


def ping() -> list[float]:
    """Reminders: a soft, high, short ping that does not startle."""
    shape = partials([(1318.5, 1.0, 0.11), (2637.0, 0.15, 0.05)])
    return render(attack(shape, 0.006), 0.45, 0.35)


TONES: dict[str, Callable[[], list[float]]] = {
    "bell": bell,
    "tick": tick,
    "chime": chime,
    "beep": beep,
    "ping": ping,
}


def write_wav(path: Path, samples: Sequence[float]) -> None:
    """16-bit mono PCM, written to a temporary file and moved into place."""
    frames = b"".join(struct.pack("<h", round(max(-1.0, min(1.0, s)) * PEAK)) for s in samples)
    tmp = path.with_name(path.name + ".tmp")
    with wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)
    os.replace(tmp, path)


def main(argv: Sequence[str]) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in TONES.items():
        path = folder / f"{name}.wav"
        write_wav(path, make())
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
