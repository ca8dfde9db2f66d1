"""Real sound, headless: the real player, the real pyttsx3 worker and simpleaudio, with ALSA
pointed at a file sink through $XDG_CONFIG_HOME/alsa/asoundrc (see PITFALLS.md). Every clip
that reaches the "device" becomes a WAV file the test opens: right rate, not silent, and the
speech about as long as espeak-ng's own rendering of the same words."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from walktimer.audio.clip import read_wav
from walktimer.resources import asset

pytestmark = pytest.mark.slow

DRIVER = r"""
import sys
from walktimer.audio.sink import build_sink
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.loader import load_path
from walktimer.core.plan import build_plan

if __name__ == "__main__":
    session = load_path(sys.argv[1])
    plan = build_plan(session)
    sink = build_sink(session, mute=False, echo=lambda text: print("SHOWN", text))
    sink.prepare(plan, lambda done, total: print("PROGRESS", done, total))
    engine = Engine(plan, FakeClock())
    sink.play(engine.start()[:2])  # the bell and the first words
    assert sink.player.wait_idle(30)
    for notice in sink.notices():
        print("NOTICE", notice)
    sink.close()
"""

PREVIEW = r"""
import sys
from walktimer.audio.preview import Previewer

if __name__ == "__main__":
    import time
    previewer = Previewer()
    began = time.monotonic()
    previewer.preview(sys.argv[1], voice=None, rate=200, volume=0.5)
    print("RETURNED AFTER", time.monotonic() - began)
    # preview() returned at once; wait here for the words to have played.
    import time
    end = time.monotonic() + 30
    while time.monotonic() < end and not previewer.player.reports():
        time.sleep(0.01)
    previewer.close()
"""

SESSION = """
format = 1
name = "Sound check"

[voice]
rate = 160

[[phase]]
name = "Walk"
duration = "30s"
say = "Walk tall and breathe slowly. Let your arms swing."
"""


@pytest.fixture
def device(user_dirs: Path, tmp_path: Path) -> Path:
    """An ALSA "default" device that writes each playback to a WAV in the returned folder."""
    out = tmp_path / "device"
    out.mkdir()
    alsa = user_dirs / "config" / "alsa"
    alsa.mkdir(parents=True)
    (alsa / "asoundrc").write_text(
        'pcm.!default { type file  slave.pcm "null"  '
        f'file "{out}/play-%r-%c-%b.wav"  format "wav"  truncate false }}\n'
    )
    return out


def run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )


def played(folder: Path, rate: int) -> list[Path]:
    return sorted(folder.glob(f"play-{rate}-1-16.wav*"))


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def check_spoken(device_file: Path, reference_seconds: float) -> None:
    """What reached the device is the speech walktimer rendered, and that render is about as
    long as espeak-ng's own rendering of the words (`reference_seconds`).

    The device's file holds the rendered frames as they were played, the last period padded
    with silence. Under load the ALSA file device can lose the end of a clip that did play
    (up to about 0.9 s was seen, while the render in the cache was whole), so the length is
    checked on the render and the device must hold at least the first 70 % of it, frame for
    frame."""
    heard = read_wav(device_file)
    cache = Path(os.environ["XDG_CACHE_HOME"], "walktimer", "speech")
    renders = [read_wav(path) for path in sorted(cache.glob("*.wav"))]
    start = heard.frames[:4410]
    [render] = [r for r in renders if r.rate == heard.rate and r.frames.startswith(start)]
    shared = min(len(heard.frames), len(render.frames))
    assert heard.frames[:shared] == render.frames[:shared]
    assert shared >= 0.7 * len(render.frames), (shared, len(render.frames))
    rendered = render.seconds
    assert abs(rendered - reference_seconds) < 0.15 * reference_seconds + 0.1, (
        rendered,
        reference_seconds,
    )


def espeak_seconds(text: str, rate: int, folder: Path) -> float:
    out = folder / "espeak.wav"
    subprocess.run(["espeak-ng", "-s", str(rate), "-w", str(out), text], check=True)
    return seconds(out)


def test_the_bell_and_a_spoken_cue_reach_the_device(device: Path, tmp_path: Path) -> None:
    assert shutil.which("espeak-ng"), "the set-up installs espeak-ng (scripts/setup-system.sh)"
    script = tmp_path / "check.toml"
    script.write_text(SESSION)
    result = run(DRIVER, str(script))
    assert result.returncode == 0, result.stderr
    assert "NOTICE" not in result.stdout
    assert "SHOWN" not in result.stdout  # everything was heard, nothing only shown
    # Two distinct texts (the words and "Session complete."), rendered with progress.
    assert "PROGRESS 1 2\nPROGRESS 2 2\n" in result.stdout

    [bell] = played(device, 44100)
    heard = read_wav(bell)
    expected = read_wav(asset("audio", "bell.wav"))
    assert heard.rate == 44100
    assert not heard.is_silent()
    # The file sink pads the last period with silence; the bell itself arrives unchanged.
    assert heard.frames[: len(expected.frames)] == expected.frames

    [words] = played(device, 22050)
    clip = read_wav(words)
    assert clip.rate == 22050
    assert not clip.is_silent()
    text = "Walk tall and breathe slowly. Let your arms swing."
    check_spoken(words, espeak_seconds(text, 160, tmp_path))


def test_the_preview_says_it_now_at_its_volume(device: Path) -> None:
    result = run(PREVIEW, "Say this now.")
    assert result.returncode == 0, result.stderr
    # preview() does not wait for the worker to start or render: it returns at once.
    returned = float(result.stdout.split("RETURNED AFTER")[1].split()[0])
    assert returned < 0.1, returned
    [words] = played(device, 22050)
    clip = read_wav(words)
    assert not clip.is_silent()
    full = read_wav(next(Path(os.environ["XDG_CACHE_HOME"], "walktimer", "speech").glob("*.wav")))
    # Half volume: the loudest sample is half the rendered one.
    peak = max(abs(s) for s in memoryview(clip.frames).cast("h"))
    full_peak = max(abs(s) for s in memoryview(full.frames).cast("h"))
    assert abs(peak - full_peak // 2) <= 1


def test_no_device_the_session_goes_on_and_says_so_once(tmp_path: Path) -> None:
    """No asoundrc and no sound card here: every play fails; the words are shown instead."""
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "alsa"
    config.mkdir(parents=True, exist_ok=True)
    (config / "asoundrc").write_text("pcm.!default { type hw card 97 }\n")
    script = tmp_path / "check.toml"
    script.write_text(SESSION)
    result = run(DRIVER, str(script))
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stdout.splitlines() if line.startswith("NOTICE")]
    assert len(notices) == 1
    assert notices[0].startswith("NOTICE No sound: the audio output could not be opened")
    assert "SHOWN Walk tall and breathe slowly. Let your arms swing." in result.stdout
    assert "ALSA lib" not in result.stderr  # no library noise, just the sentence
