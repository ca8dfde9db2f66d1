"""Speech rendered ahead by the real pyttsx3 worker, the cache, voices, and speech failing."""

from __future__ import annotations

import os
import signal
import textwrap
import threading
from pathlib import Path

import pytest

from walktimer.audio import speech as speech_module
from walktimer.audio.cache import SpeechCache
from walktimer.audio.clip import Clip, read_wav
from walktimer.audio.speech import ESPEAK_MISSING, SpeechService, VoiceInfo, choose_voice

pytestmark = pytest.mark.slow

TEXTS = ["Warm up.", "Speed 3 kilometres per hour.", "Head level, eyes forward.", "Warm up."]


def render(
    service: SpeechService, texts: list[str]
) -> tuple[dict[str, Clip], list[tuple[int, int]]]:
    steps: list[tuple[int, int]] = []
    clips = service.render_all(texts, lambda done, total: steps.append((done, total)))
    return clips, steps


def test_every_distinct_text_is_rendered_once_with_progress() -> None:
    service = SpeechService(rate=170)
    try:
        clips, steps = render(service, TEXTS)
        assert service.failure() is None
        assert sorted(clips) == sorted(set(TEXTS))
        assert service.renders == 3
        assert steps == [(1, 3), (2, 3), (3, 3)]
        for clip in clips.values():
            assert clip.rate == 22050
            assert clip.seconds > 0.3
            assert not clip.is_silent()
    finally:
        service.close()


def test_a_second_run_renders_nothing_and_a_new_rate_renders_again() -> None:
    first = SpeechService(rate=170)
    try:
        render(first, TEXTS)
    finally:
        first.close()
    second = SpeechService(rate=170)
    try:
        clips, steps = render(second, TEXTS)
        assert len(clips) == 3
        assert second.renders == 0
        assert second.worker_pid is None  # fully cached: the worker never started
        assert steps[-1] == (3, 3)
    finally:
        second.close()
    faster = SpeechService(rate=220)
    try:
        clips, _ = render(faster, TEXTS)
        assert faster.renders == 3
        # A faster rate really gives shorter speech.
        assert (
            clips["Head level, eyes forward."].seconds
            < (second.cached("Head level, eyes forward.") or clips["Warm up."]).seconds
        )
    finally:
        faster.close()


def test_a_corrupt_cache_file_is_detected_and_rendered_again() -> None:
    first = SpeechService()
    try:
        render(first, ["Keep your strides short and smooth."])
    finally:
        first.close()
    path = first.cache.path(first.key("Keep your strides short and smooth."))
    good = path.read_bytes()
    whole_before = read_wav(path).seconds
    path.write_bytes(good[: len(good) // 2])  # cut short, as by a crash mid-write
    second = SpeechService()
    try:
        clips, _ = render(second, ["Keep your strides short and smooth."])
        assert second.renders == 1
        assert read_wav(path).frames == clips["Keep your strides short and smooth."].frames
        # espeak's output length varies a little from render to render (a few hundred bytes
        # in a quiet run, more under load), so compare durations, not bytes: the new file is
        # whole speech again, not the half left by the crash.
        whole = read_wav(path).seconds
        assert 0.75 * whole_before < whole < 1.35 * whole_before
    finally:
        second.close()
    path.write_bytes(b"RIFF\x00\x00garbage")
    third = SpeechService()
    try:
        render(third, ["Keep your strides short and smooth."])
        assert third.renders == 1
    finally:
        third.close()


def test_the_cache_lives_in_the_user_cache_directory(user_dirs: Path) -> None:
    service = SpeechService()
    try:
        render(service, ["Halfway."])
    finally:
        service.close()
    files = list((user_dirs / "cache" / "walktimer" / "speech").glob("*.wav"))
    assert len(files) == 1
    assert SpeechCache().usage().files == 1
    freed = SpeechCache().clear()
    assert freed.files == 1
    assert freed.bytes > 1000
    assert SpeechCache().usage().files == 0


def test_voices_are_listed_and_chosen_by_id_or_language() -> None:
    service = SpeechService()
    try:
        voices = service.voices()
    finally:
        service.close()
    assert len(voices) > 10
    english = choose_voice(voices, "en-GB")
    assert english is not None
    assert "en-gb" in [lang.lower() for lang in english.languages]
    assert choose_voice(voices, english.id) == english
    assert choose_voice(voices, "xx-nowhere") is None
    assert choose_voice(voices, None) is None


def test_choose_voice_prefers_an_exact_language_over_a_regional_one() -> None:
    voices = [
        VoiceInfo("gmw/en-us", "English (America)", ("en-us",)),
        VoiceInfo("gmw/en", "English (Great Britain)", ("en",)),
    ]
    assert choose_voice(voices, "en") == voices[1]
    assert choose_voice(voices, "EN_US") == voices[0]
    assert choose_voice(voices[:1], "en") == voices[0]


def test_a_chosen_voice_changes_the_sound_and_a_missing_one_is_said_once() -> None:
    plain = SpeechService()
    german = SpeechService(voice="de")
    missing = SpeechService(voice="xx-nowhere")
    try:
        a, _ = render(plain, ["Eins, zwei, drei."])
        b, _ = render(german, ["Eins, zwei, drei."])
        render(missing, ["Hello.", "Again."])
        assert a["Eins, zwei, drei."].frames != b["Eins, zwei, drei."].frames
        assert missing.failure() is None
        assert missing.warnings() == [
            "The voice 'xx-nowhere' is not installed; using the default voice."
        ]
        assert missing.warnings() == []
    finally:
        for service in (plain, german, missing):
            service.close()


# Failing well.


def fake_engine(folder: Path, name: str, body: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module the worker imports instead of pyttsx3 (the spawned child inherits sys.path)."""
    (folder / f"{name}.py").write_text(textwrap.dedent(body))
    monkeypatch.syspath_prepend(str(folder))
    return name


def collect(service: SpeechService, text: str) -> list[Clip | None]:
    got: list[Clip | None] = []
    done = threading.Event()

    def one(_text: str, clip: Clip | None) -> None:
        got.append(clip)
        done.set()

    service.request(text, one)
    assert done.wait(30)
    return got


def test_pyttsx3_failing_to_import_turns_speech_off_with_a_sentence() -> None:
    service = SpeechService(engine_module="walktimer_no_such_engine")
    try:
        assert collect(service, "Warm up.") == [None]
        failure = service.failure()
    finally:
        service.close()
    assert failure is not None
    assert failure.startswith("Speech is off: pyttsx3 could not be loaded")
    assert "pip install pyttsx3" in failure


def test_the_engine_failing_to_start_turns_speech_off_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = fake_engine(
        tmp_path,
        "walktimer_tts_init_fails",
        """
        def init(*args, **kwargs):
            raise RuntimeError("could not initialize espeak")
        """,
        monkeypatch,
    )
    service = SpeechService(engine_module=name)
    try:
        assert collect(service, "Warm up.") == [None]
        failure = service.failure()
    finally:
        service.close()
    assert failure == (
        "Speech is off: espeak-ng could not start (RuntimeError: could not initialize espeak); "
        "install it with sudo apt install espeak-ng libespeak-ng1."
    )


def test_no_espeak_ng_is_said_before_any_worker_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech_module, "espeak_version", lambda: None)
    service = SpeechService()
    try:
        assert service.failure() == ESPEAK_MISSING
        assert collect(service, "Warm up.") == [None]
        assert service.worker_pid is None
    finally:
        service.close()
    assert (
        ESPEAK_MISSING == "Speech is off: espeak-ng is not installed (sudo apt install espeak-ng)."
    )


def test_a_worker_killed_mid_render_is_replaced_once_then_speech_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = fake_engine(
        tmp_path,
        "walktimer_tts_slow",
        """
        import pathlib, time

        class Voice:
            id = "slow"; name = "Slow"; languages = ["en"]; gender = None

        class Engine:
            def getProperty(self, name):
                return [Voice()] if name == "voices" else "slow"
            def setProperty(self, name, value):
                pass
            def save_to_file(self, text, path):
                pathlib.Path(path + ".started").write_text(text)
            def runAndWait(self):
                time.sleep(60)

        def init(*args, **kwargs):
            return Engine()
        """,
        monkeypatch,
    )
    service = SpeechService(engine_module=name, engine="slow engine")
    got: list[tuple[str, Clip | None]] = []
    changed = threading.Condition()

    def one(text: str, clip: Clip | None) -> None:
        with changed:
            got.append((text, clip))
            changed.notify_all()

    def started(text: str) -> bool:
        return any(f.read_text() == text for f in service.cache.folder.glob("*.started"))

    try:
        service.request("A very long text.", one)
        service.request("The next one.", one)
        service.request("The last one.", one)
        assert _wait(lambda: started("A very long text."))
        first = service.worker_pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        # The text being rendered is given up; a new worker takes the rest of the queue.
        with changed:
            assert changed.wait_for(lambda: len(got) == 1, 30)
        assert got == [("A very long text.", None)]
        assert _wait(lambda: started("The next one."))
        assert service.failure() is None
        second = service.worker_pid
        assert second is not None
        assert second != first
        os.kill(second, signal.SIGKILL)
        with changed:
            assert changed.wait_for(lambda: len(got) == 3, 30)
        failure = service.failure()
        assert service.worker_pid == second  # no third worker
    finally:
        service.close()
    assert sorted(got, key=lambda g: g[0]) == [
        ("A very long text.", None),
        ("The last one.", None),
        ("The next one.", None),
    ]
    assert failure == (
        "Speech is off: the speech engine stopped unexpectedly (exit code -9); "
        "cues are shown as text. Run `walktimer doctor`."
    )


def test_a_worker_that_dies_while_starting_turns_speech_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = fake_engine(
        tmp_path,
        "walktimer_tts_dies",
        """
        import os

        def init(*args, **kwargs):
            os._exit(3)
        """,
        monkeypatch,
    )
    service = SpeechService(engine_module=name, engine="dying engine")
    try:
        assert collect(service, "Warm up.") == [None]
        failure = service.failure()
    finally:
        service.close()
    assert failure == (
        "Speech is off: the speech engine stopped while starting (exit code 3); "
        "cues are shown as text. Run `walktimer doctor`."
    )


def test_the_real_worker_killed_mid_render_is_replaced_and_speech_goes_on() -> None:
    service = SpeechService()
    long_text = " ".join(
        ["Keep walking tall, with your shoulders relaxed and your eyes forward."] * 400
    )
    try:
        assert service.voices()  # started and ready
        pid = service.worker_pid
        assert pid is not None
        got = []
        done = threading.Event()
        service.request(long_text, lambda _t, clip: (got.append(clip), done.set()))
        os.kill(pid, signal.SIGKILL)
        assert done.wait(30)
        assert got == [None]
        assert service.failure() is None
        # The replacement renders the next text; nothing hangs.
        (clip,) = collect(service, "Warm up.")
        assert clip is not None
        assert not clip.is_silent()
        assert service.worker_pid not in (None, pid)
    finally:
        service.close()
    assert len(list(service.cache.folder.glob("*.wav"))) == 1


def _wait(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False
