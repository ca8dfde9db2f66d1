"""A full cache disk: speech fails within seconds, the walk starts with words shown, and no
partial file is left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from walktimer.audio.cache import SpeechCache
from walktimer.audio.speech import SpeechService

pytestmark = pytest.mark.slow

TEXTS = ["Warm up.", "Next: backward walking.", "Keep your strides short."]


def disk_full_sentence(folder: Path) -> str:
    return (
        f"Speech is off: the disk that holds the speech cache ({folder}) is full; cues are "
        "shown as text. Free some space there, or run `walktimer cache clear`."
    )


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs, nearly full (the test machines run as root)."""
    mount = tmp_path / "full"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"this test mounts a small tmpfs and needs root: {done.stderr}"
    try:
        # Leave 4 KiB: the folders fit, a rendered cue does not.
        (mount / "filler").write_bytes(b"\0" * (60 * 1024))
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def partials(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.part*"))


def fails_at_once(service: SpeechService) -> None:
    """Rendering gives nothing and turns speech off with the disk-full sentence, in seconds
    (the worker starting included; the disk-full answer itself is instant)."""
    try:
        started = time.monotonic()
        clips = service.render_all(TEXTS)
        took = time.monotonic() - started
        failure = service.failure()
    finally:
        service.close()
    assert clips == {}
    assert failure == disk_full_sentence(service.cache.folder)
    assert took < 10.0


def test_rendering_onto_a_full_disk_fails_at_once_and_leaves_nothing(
    full_disk: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    cache = SpeechCache(full_disk / "walktimer" / "speech")
    fails_at_once(SpeechService(cache=cache, rate=160))
    assert partials(full_disk) == []
    err = capfd.readouterr().err
    assert "Exception ignored" not in err
    assert "Traceback" not in err


def test_a_walk_on_a_full_cache_disk_starts_with_the_words_shown(full_disk: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(full_disk))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "walktimer", "run", "backward-10", "--no-gui", "--speed", "600"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert disk_full_sentence(full_disk / "walktimer" / "speech") in done.stdout
    assert "Walk forwards for now, nice and easy." in done.stdout  # a cue, shown
    assert "Session complete." in done.stdout
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
    assert took < 30.0
    assert partials(full_disk) == []


def test_an_engine_that_never_returns_after_a_failed_write_is_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """pyttsx3's espeak driver raises inside a ctypes callback when the WAV cannot be written
    and then loops until its loop is ended: this engine does the same with a disk that has
    room for the file's first bytes only."""
    (tmp_path / "walktimer_tts_disk_full.py").write_text(
        textwrap.dedent(
            """
            import ctypes, errno, time

            class Voice:
                id = "v"; name = "V"; languages = ["en"]; gender = None

            class Engine:
                looping = False
                def getProperty(self, name):
                    return [Voice()] if name == "voices" else "v"
                def setProperty(self, name, value):
                    pass
                def save_to_file(self, text, path):
                    self.path = path
                def endLoop(self):
                    self.looping = False
                def runAndWait(self):
                    self.looping = True
                    def synth(_):
                        with open(self.path, "wb") as f:
                            f.write(b"RIFF")
                        raise RuntimeError("Error saving WAV file") from OSError(
                            errno.ENOSPC, "No space left on device")
                    ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(synth)(0)
                    deadline = time.monotonic() + 120
                    while self.looping and time.monotonic() < deadline:
                        time.sleep(0.01)

            def init(*args, **kwargs):
                return Engine()
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    cache = SpeechCache(tmp_path / "speech")
    fails_at_once(
        SpeechService(cache=cache, engine_module="walktimer_tts_disk_full", engine="fake")
    )
    assert partials(tmp_path) == []
    assert "Exception ignored" not in capfd.readouterr().err


def test_partial_renders_of_processes_that_are_gone_are_swept(tmp_path: Path) -> None:
    folder = tmp_path / "speech"
    folder.mkdir()
    cache = SpeechCache(folder)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    stale = folder / f"abc.part{gone.stdout.strip()}.wav"
    mine = folder / f"def.part{os.getpid()}.wav"
    kept = folder / "abc.wav"
    for path in (stale, mine, kept):
        path.write_bytes(b"RIFF")
    assert cache.sweep_partials() == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted([mine.name, kept.name])


def test_a_render_that_never_answers_is_given_up_and_speech_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever else hangs an engine, a render has a bounded time: the worker is replaced
    once, and when the next render hangs too, speech is off and the walk goes on."""
    from walktimer.audio import speech as speech_module

    (tmp_path / "walktimer_tts_hangs.py").write_text(
        textwrap.dedent(
            """
            import pathlib, time

            class Voice:
                id = "v"; name = "V"; languages = ["en"]; gender = None

            class Engine:
                def getProperty(self, name):
                    return [Voice()] if name == "voices" else "v"
                def setProperty(self, name, value):
                    pass
                def save_to_file(self, text, path):
                    pathlib.Path(path).write_bytes(b"RIFF")  # a partial file, then nothing
                def runAndWait(self):
                    time.sleep(120)

            def init(*args, **kwargs):
                return Engine()
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(speech_module, "RENDER_TIMEOUT", 0.5)
    cache = SpeechCache(tmp_path / "speech")
    service = SpeechService(cache=cache, engine_module="walktimer_tts_hangs", engine="fake")
    try:
        started = time.monotonic()
        clips = service.render_all(["Warm up.", "Next: backward walking."])
        took = time.monotonic() - started
        failure = service.failure()
    finally:
        service.close()
    assert clips == {}
    assert failure is not None
    assert failure.startswith("Speech is off: the speech engine stopped unexpectedly")
    assert took < 15.0
    assert partials(tmp_path) == []
