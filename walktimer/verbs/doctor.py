"""`walktimer doctor`: what works and what does not (speech, sound, cache, Qt), with the fixes."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from walktimer.audio.clip import Clip

from walktimer.i18n import N_

HELP = N_("Check speech, sound output, the speech cache and the Qt platform, with fixes.")

DESCRIPTION = """\
Checks what walktimer needs and prints one line for each: the speech engine and its voices,
the audio output device (it plays a short test tone), the speech cache and its size, and
the Qt platform plugin (from QT_QPA_PLATFORM). Each failing line is followed by the fix.

Exit status: 0 when everything works, 1 when something does not."""

QT_PROBE = """\
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
print(app.platformName())
"""


@dataclass(frozen=True)
class Line:
    ok: bool
    what: str
    text: str
    fix: str | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--no-render",
        action="store_true",
        help="do not start the speech engine (only look for it)",
    )


def run(args: argparse.Namespace) -> int:
    checks = [_speech(render=not args.no_render), _output(), _cache(), _qt(), _bluetooth()]
    lines = [line for group in checks for line in group]
    width = max(len(line.what) for line in lines)
    for line in lines:
        mark = "ok  " if line.ok else "FAIL"
        print(f"{mark}  {line.what.ljust(width)}  {line.text}")
        if line.fix:
            print(f"      {' ' * width}  fix: {line.fix}")
    failed = sum(not line.ok for line in lines)
    if failed:
        noun = "check" if failed == 1 else "checks"
        print(f"\n{failed} {noun} failed; walktimer still runs, without what failed.")
        return 1
    print("\nEverything works.")
    return 0


def _speech(*, render: bool) -> list[Line]:
    import tempfile
    from pathlib import Path

    from walktimer.audio.cache import SpeechCache
    from walktimer.audio.speech import SpeechService, engine_id

    engine, problem = engine_id()
    if engine is None:
        return [Line(False, "speech engine", "not available", _fix_from(problem))]
    if not render:
        return [Line(True, "speech engine", f"{engine} (not started: --no-render)")]
    with tempfile.TemporaryDirectory(prefix="walktimer-doctor-") as folder:
        service = SpeechService(cache=SpeechCache(Path(folder)))
        try:
            voices = service.voices()
            clips = service.render_all(["walktimer is ready."])
            failure = service.failure()
        finally:
            service.close()
    if failure is not None:
        return [Line(False, "speech engine", engine, _fix_from(failure))]
    clip = clips.get("walktimer is ready.")
    if clip is None or clip.is_silent():
        return [
            Line(
                False,
                "speech engine",
                f"{engine}: a test phrase rendered no sound",
                "reinstall espeak-ng and its data: sudo apt install --reinstall espeak-ng "
                "espeak-ng-data libespeak-ng1",
            )
        ]
    lines = [Line(True, "speech engine", f"{engine}; a test phrase rendered {clip.seconds:.1f} s")]
    if not voices:
        lines.append(
            Line(False, "voices", "the engine lists no voices", "sudo apt install espeak-ng-data")
        )
    else:
        english = sorted(
            {lang for v in voices for lang in v.languages if lang.lower().startswith("en")}
        )
        sample = ", ".join(english[:5]) + (", ..." if len(english) > 5 else "")
        lines.append(
            Line(
                True,
                "voices",
                f"{len(voices)} voices; English: {sample or 'none'}; "
                'pick one with [voice] voice = "en-gb"',
            )
        )
    return lines


def _fix_from(sentence: str | None) -> str:
    """The fix is the sentence's part in brackets or after the semicolon."""
    if not sentence:
        return "run `walktimer doctor` again after installing espeak-ng"
    return sentence.removeprefix("Speech is off: ")


TONE_HZ = 880.0  # the test tone: a short, gentle beep
TONE_SECONDS = 0.4
TONE_LEVEL = 0.3  # of full scale


def doctor_tone(rate: int = 22050) -> Clip:
    """The doctor's audible test tone: a sine with 20 ms fades, so it does not click."""
    import math
    from array import array

    from walktimer.audio.clip import Clip

    count = int(rate * TONE_SECONDS)
    fade = int(rate * 0.02)
    samples = array("h")
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        value = TONE_LEVEL * envelope * math.sin(2 * math.pi * TONE_HZ * i / rate)
        samples.append(int(32767 * value))
    if sys.byteorder == "big":
        samples.byteswap()
    return Clip(samples.tobytes(), rate, 1, "test tone")


def _output() -> list[Line]:
    from pathlib import Path

    from walktimer.audio.player import OutputError, open_simpleaudio

    fix = (
        "connect speakers or headphones, check that no other program holds the device "
        "(aplay -l lists sound cards; sudo apt install alsa-utils), then try again"
    )
    try:
        output = open_simpleaudio()
        playing = output.play(doctor_tone())
    except OutputError as error:
        cards = Path("/proc/asound/cards")
        if sys.platform.startswith("linux") and (
            not cards.exists() or "no soundcards" in cards.read_text(errors="replace")
        ):
            return [Line(False, "audio output", f"no sound card found ({error})", fix)]
        return [Line(False, "audio output", f"cannot play: {error}", fix)]
    import time

    end = time.monotonic() + 2.0
    while playing.is_playing() and time.monotonic() < end:
        time.sleep(0.01)
    playing.stop()
    return [
        Line(
            True,
            "audio output",
            "played a short test tone on the default device (simpleaudio, ALSA default): "
            "if you heard nothing, check the volume and which device is the default",
        )
    ]


# What the probe writes: about one spoken cue, so a disk too full to keep one says so.
PROBE_BYTES = 64 * 1024


def _cache() -> list[Line]:
    import errno

    from walktimer import files
    from walktimer.audio.cache import SpeechCache

    cache = SpeechCache()
    try:
        cache.folder.mkdir(parents=True, exist_ok=True)
        probe = files.write_atomic(cache.folder / ".doctor-probe", bytes(PROBE_BYTES))
        probe.unlink()
    except OSError as error:
        if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", None)):
            return [
                Line(
                    False,
                    "speech cache",
                    f"the disk holding {cache.folder} is full; spoken cues cannot be kept",
                    "free some space on that disk, or set XDG_CACHE_HOME to a folder on another",
                )
            ]
        return [
            Line(
                False,
                "speech cache",
                f"{cache.folder} is not writable ({error.strerror})",
                f"make it writable (chown -R $USER {cache.folder}) or set XDG_CACHE_HOME",
            )
        ]
    usage = cache.usage()
    return [Line(True, "speech cache", f"{cache.folder}: {usage} (`walktimer cache clear`)")]


def _qt() -> list[Line]:
    wanted = os.environ.get("QT_QPA_PLATFORM")
    shown = f"QT_QPA_PLATFORM={wanted}" if wanted else "QT_QPA_PLATFORM not set"
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    try:
        result = subprocess.run(
            [sys.executable, "-c", QT_PROBE],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [Line(False, "Qt platform", f"{shown}: Qt did not start within 30 s", None)]
    if result.returncode == 0:
        name = result.stdout.strip() or "?"
        return [Line(True, "Qt platform", f"{name} ({shown})")]
    said = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    # Qt's first line names the cause ("could not connect to display"); its last one only
    # lists the plugins it has.
    reason = said[0] if said else f"exit code {result.returncode}"
    reason = reason.removeprefix("qt.qpa.xcb: ").removeprefix("qt.qpa.plugin: ")
    if "No module named" in reason:
        fix = "reinstall walktimer (pip install PySide6-Essentials)"
    elif headless and not wanted:
        fix = "no display here: run in a desktop session, or set QT_QPA_PLATFORM=offscreen"
    elif wanted in (None, "xcb"):
        fix = (
            "sudo apt install libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 "
            "libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0"
        )
    elif wanted == "offscreen":
        fix = "sudo apt install libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0"
    else:
        fix = "unset QT_QPA_PLATFORM, or set it to xcb, wayland or offscreen"
    return [Line(False, "Qt platform", f"{shown}: {reason}", fix)]


def _bluetooth() -> list[Line]:
    """Bluetooth is only needed for a treadmill: reported, never counted as a failure."""
    from walktimer.treadmill.probe import bluetooth_status

    status = bluetooth_status()
    return [Line(True, "bluetooth", status.text, None if status.usable else status.fix)]
