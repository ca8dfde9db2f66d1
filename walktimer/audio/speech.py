"""Speech rendered ahead: pyttsx3 in one spawned worker process turns cue texts into cached WAVs.

pyttsx3 is never called in walktimer's own process. Its espeak driver blocks, plays through
`aplay`, hangs a forked child once initialised and dislikes being called from several threads
(see PITFALLS.md), so one process started with the multiprocessing *spawn* method owns the
engine and does one `save_to_file` + `runAndWait` per text. The parent keeps the job queue,
sends one job at a time, and hears back on a pipe. When the worker cannot start, speech is off
for the rest of the session and `failure` says, in a sentence, what to install. A worker that
dies after it started is replaced once (the text it was rendering is given up, in case that
text is what killed it); when the replacement dies too, speech is off.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import multiprocessing
import os
import platform
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol

from walktimer.audio.cache import SpeechCache, SpeechKey
from walktimer.audio.clip import Clip, ClipError, read_wav

__all__ = [
    "ESPEAK_MISSING",
    "Renderer",
    "SpeechService",
    "VoiceInfo",
    "choose_voice",
    "engine_id",
]

log = logging.getLogger(__name__)

ESPEAK_MISSING = "Speech is off: espeak-ng is not installed (sudo apt install espeak-ng)."
START_TIMEOUT = 20.0  # seconds for the worker to import pyttsx3 and start the engine
RESTARTS = 1  # how many times a worker that died after starting is replaced
# A render the worker has not answered in this long (plus time for long texts) is given up
# and the worker replaced: whatever the engine hangs on, the walk is never held up by it.
RENDER_TIMEOUT = 75.0

# Called with (text, clip) once a text is rendered, or (text, None) when it cannot be.
Done = Callable[[str, Clip | None], None]


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]
    gender: str | None = None


class Renderer(Protocol):
    """What the sink needs from speech; SpeechService is the real one."""

    def cached(self, text: str) -> Clip | None:
        """The clip when it is already rendered, without rendering anything."""
        ...

    def request(self, text: str, done: Done, *, urgent: bool = False) -> None:
        """Render `text` in the background and call `done` (on another thread) when ready."""
        ...

    def failure(self) -> str | None:
        """A sentence saying why speech is off, or None while it works."""
        ...

    def close(self) -> None: ...


# Finding the engine without starting it.


_ESPEAK_LIBS = ("libespeak-ng.so.1", "libespeak-ng.so", "libespeak-ng.1.dylib", "libespeak-ng.dll")


def espeak_version() -> str | None:
    """The installed libespeak-ng's version, or None when it is missing. Does not initialise it."""
    for name in _ESPEAK_LIBS:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        info = lib.espeak_Info
        info.restype = ctypes.c_char_p
        info.argtypes = [ctypes.c_void_p]
        raw = info(None)
        return raw.decode("utf-8", "replace") if raw else "unknown"
    return None


def pyttsx3_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("pyttsx3")
    except metadata.PackageNotFoundError:
        return None


def engine_id() -> tuple[str | None, str | None]:
    """(engine name and version for cache keys, None) or (None, why speech cannot work)."""
    version = pyttsx3_version()
    if version is None:
        return None, "Speech is off: pyttsx3 is not installed (pip install pyttsx3)."
    system = platform.system()
    if system == "Linux":
        espeak = espeak_version()
        if espeak is None:
            return None, ESPEAK_MISSING
        return f"espeak-ng {espeak}, pyttsx3 {version}", None
    return f"{system}, pyttsx3 {version}", None


def choose_voice(voices: Sequence[VoiceInfo], wanted: str | None) -> VoiceInfo | None:
    """The voice asked for by id, name or language ("en", "en-gb"); None for the default."""
    if not wanted:
        return None
    want = wanted.strip().lower().replace("_", "-")
    for match in (
        lambda v: v.id.lower() == want,
        lambda v: v.name.lower() == want,
        lambda v: want in (lang.lower() for lang in v.languages),
        lambda v: any(lang.lower().startswith(want + "-") for lang in v.languages),
    ):
        for voice in voices:
            if match(voice):
                return voice
    return None


# The worker process. Only the standard library and the engine module are imported here.


def _worker_main(conn: Connection, engine_module: str) -> None:
    """Runs in the spawned process: start the engine, then render jobs until told to quit."""
    # pyttsx3's espeak driver prints "Audio saved to ..." for every file.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    # Rendering ahead is background work: on a busy machine the window and the timer go first.
    with contextlib.suppress(AttributeError, OSError):
        os.nice(5)
    try:
        import importlib

        tts: Any = importlib.import_module(engine_module)
    except Exception as error:
        conn.send(("failed", "import", f"{type(error).__name__}: {error}"))
        return
    try:
        engine = tts.init()
        voices = [
            VoiceInfo(
                id=str(v.id),
                name=str(v.name),
                languages=tuple(str(lang) for lang in (v.languages or ())),
                gender=v.gender,
            )
            for v in engine.getProperty("voices")
        ]
        default_voice = engine.getProperty("voice")
    except Exception as error:
        conn.send(("failed", "init", f"{type(error).__name__}: {error}"))
        return
    # pyttsx3's espeak driver can return from runAndWait while its synthesis thread is still
    # writing the file (seen with texts of several sentences after a property change): wait
    # for the utterance to finish and for the file to be whole before using it.
    finished = threading.Event()
    connect = getattr(engine, "connect", None)
    if connect is not None:
        connect("finished-utterance", lambda **_kwargs: finished.set())
    else:
        finished.set()
    # On a full disk pyttsx3's espeak driver raises inside its ctypes callback: Python prints
    # "Exception ignored" and runAndWait never returns, as the driver never hears the
    # utterance end. Catch it here instead, end the loop, and report the job as failed.
    write_failures: list[BaseException] = []

    def unraisable(info: Any) -> None:
        write_failures.append(info.exc_value)
        with contextlib.suppress(Exception):
            engine.endLoop()

    sys.unraisablehook = unraisable
    conn.send(("ready", voices))
    current: tuple[str | None, int] | None = None
    while True:
        try:
            message = conn.recv()
        except EOFError:
            message = ("quit",)
        if message[0] == "quit":
            # pyttsx3's DriverProxy.__del__ fails once the interpreter has torn down its
            # modules ("Exception ignored in ... __del__"): leave without that teardown.
            conn.close()
            os._exit(0)
        _, job, text, wanted, rate, target, temp = message
        warning = None
        try:
            if current != (wanted, rate):
                voice = choose_voice(voices, wanted)
                if wanted and voice is None:
                    warning = f"The voice {wanted!r} is not installed; using the default voice."
                engine.setProperty("voice", voice.id if voice else default_voice)
                engine.setProperty("rate", rate)
                current = (wanted, rate)
            for _attempt in range(2):
                if connect is not None:
                    finished.clear()
                engine.save_to_file(text, temp)
                engine.runAndWait()
                problem = _wait_complete(
                    Path(temp), finished, 30.0 + len(text) / 50, write_failures
                )
                if problem is None:
                    os.replace(temp, target)
                    break
            else:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                conn.send(("error", job, f"the engine did not render {text!r}: {problem}", False))
                continue
        except Exception as error:
            write_failures.clear()
            with contextlib.suppress(OSError):
                os.unlink(temp)
            conn.send(("error", job, f"{type(error).__name__}: {error}", _disk_full(error)))
            continue
        conn.send(("done", job, warning))


def _disk_full(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from, says the disk (or quota) is full."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _disk_full_sentence(folder: Path) -> str:
    return (
        f"Speech is off: the disk that holds the speech cache ({folder}) is full; cues are "
        "shown as text. Free some space there, or run `walktimer cache clear`."
    )


def _wait_complete(
    path: Path, finished: threading.Event, limit: float, failures: list[BaseException]
) -> str | None:
    """None once the engine said it finished and `path` is a whole WAV; else what is wrong.
    Raises the engine's write failure (a full disk) as soon as one is reported, from
    whichever thread it was raised on."""
    deadline = time.monotonic() + limit
    problem = "nothing was written"
    while True:
        if failures:
            raise failures.pop()
        if finished.is_set():
            try:
                read_wav(path)
            except ClipError as error:
                problem = str(error)
            else:
                return None
        if time.monotonic() > deadline:
            return problem
        time.sleep(0.005)


def _failure_sentence(stage: str, detail: str) -> str:
    if stage == "import":
        return (
            f"Speech is off: pyttsx3 could not be loaded ({detail}); "
            "reinstall walktimer (pip install pyttsx3)."
        )
    if "espeak" in detail.lower():
        return (
            f"Speech is off: espeak-ng could not start ({detail}); "
            "install it with sudo apt install espeak-ng libespeak-ng1."
        )
    return (
        f"Speech is off: the speech engine could not start ({detail}); "
        "install espeak-ng (sudo apt install espeak-ng)."
    )


@dataclass(slots=True)
class _Job:
    id: int
    key: SpeechKey
    done: list[Done]


class SpeechService:
    """Renders texts with one voice and rate through the worker, through the cache.

    Thread-safe. The worker starts on first need (never on the caller's thread), so a fully
    cached session never starts it. `renders` counts texts actually rendered (for tests).
    """

    def __init__(
        self,
        *,
        voice: str | None = None,
        rate: int = 170,
        cache: SpeechCache | None = None,
        engine_module: str = "pyttsx3",
        engine: str | None = None,
    ) -> None:
        self.voice = voice
        self.rate = rate
        self.cache = cache if cache is not None else SpeechCache()
        self._engine_module = engine_module
        if engine is None:
            engine, problem = engine_id()
        else:
            problem = None
        self._engine = engine
        self._failure: str | None = problem
        self._warnings: list[str] = []
        self._lock = threading.Lock()
        self._jobs: deque[_Job] = deque()
        self._by_key: dict[SpeechKey, _Job] = {}
        self._in_flight: _Job | None = None
        self._sent_at = 0.0
        self._next_id = 0
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._voices: list[VoiceInfo] = []
        self._closed = False
        self.renders = 0

    # Renderer

    def key(self, text: str, voice: str | None = None, rate: int | None = None) -> SpeechKey:
        """The cache key of `text` in this service's voice and rate, or the ones given."""
        return SpeechKey(
            text,
            voice if voice is not None else self.voice,
            rate if rate is not None else self.rate,
            self._engine or "",
        )

    def cached(self, text: str, voice: str | None = None, rate: int | None = None) -> Clip | None:
        if self._engine is None:
            return None
        return self.cache.load(self.key(text, voice, rate))

    def failure(self) -> str | None:
        return self._failure

    def warnings(self) -> list[str]:
        """Sentences about smaller problems (a voice that is not installed), said once each."""
        with self._lock:
            out, self._warnings = self._warnings, []
        return out

    def request(
        self,
        text: str,
        done: Done,
        *,
        urgent: bool = False,
        voice: str | None = None,
        rate: int | None = None,
    ) -> None:
        key = self.key(text, voice, rate)
        clip = self.cache.load(key) if self._engine is not None else None
        if clip is not None:
            done(text, clip)
            return
        with self._lock:
            if self._failure is not None or self._closed:
                fail = True
            else:
                fail = False
                job = self._by_key.get(key)
                if job is not None:
                    job.done.append(done)
                    if urgent and job in self._jobs:
                        self._jobs.remove(job)
                        self._jobs.appendleft(job)
                else:
                    self._next_id += 1
                    job = _Job(self._next_id, key, [done])
                    self._by_key[key] = job
                    if urgent:
                        self._jobs.appendleft(job)
                    else:
                        self._jobs.append(job)
                    self._start_locked()
                    self._send_next_locked()
        if fail:
            done(text, None)

    def render_all(
        self,
        texts: Iterable[str],
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> dict[str, Clip]:
        """Render every text (cached ones cost nothing) and return the clips that exist.

        Blocks until all are done, speech fails, or `cancelled()` turns true. Call it off the GUI
        thread. `progress(done, total)` is called on the calling thread for each text done.
        """
        wanted = list(dict.fromkeys(texts))
        total = len(wanted)
        clips: dict[str, Clip] = {}
        changed = threading.Condition()
        count = [0]

        def one(text: str, clip: Clip | None) -> None:
            with changed:
                if clip is not None:
                    clips[text] = clip
                count[0] += 1
                changed.notify_all()

        if total == 0:
            if progress is not None:
                progress(0, 0)
            return clips
        for text in wanted:
            self.request(text, one)
        reported = 0

        def more() -> bool:
            return count[0] > reported

        while reported < total:
            with changed:
                changed.wait_for(more, timeout=0.1)
                done = count[0]
            if progress is not None:
                for step in range(reported + 1, done + 1):
                    progress(step, total)
            reported = done
            if reported < total and (cancelled() or self._closed):
                break
        with changed:
            return dict(clips)

    def voices(self, timeout: float = START_TIMEOUT) -> list[VoiceInfo]:
        """The engine's voices (starts the worker when needed); empty when speech is off."""
        with self._lock:
            if self._failure is None and not self._closed:
                self._start_locked()
        self._ready.wait(timeout)
        with self._lock:
            return list(self._voices)

    @property
    def worker_pid(self) -> int | None:
        process = self._process
        return None if process is None else process.pid

    def close(self) -> None:
        """Stop the worker (rendering in progress is abandoned) and fail what is still queued."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            conn = self._conn
            pending = self._drain_locked()
        if conn is not None:
            with contextlib.suppress(OSError, ValueError):
                conn.send(("quit",))
        self._call(pending, None)
        process = self._process
        if process is not None:
            # A worker busy with a long text would only read "quit" afterwards.
            process.join(timeout=0.5)
            if process.is_alive():
                process.terminate()
                process.join(timeout=2.0)
            if process.is_alive():
                process.kill()
                process.join(timeout=2.0)
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)

    # Internals. `_locked` methods are called with self._lock held.

    def _start_locked(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._serve, name="walktimer-speech", daemon=True)
        self._thread.start()

    def _send_next_locked(self) -> None:
        if not self._ready.is_set() or self._in_flight is not None or self._conn is None:
            return
        while self._jobs:
            job = self._jobs.popleft()
            # Another path may have rendered it meanwhile (a preview, an earlier run).
            if self.cache.path(job.key).exists() and self.cache.load(job.key) is not None:
                self._resolve_later(job)
                continue
            try:
                self.cache.folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self._jobs.appendleft(job)
                self._fail_locked(
                    _disk_full_sentence(self.cache.folder)
                    if _disk_full(error)
                    else f"Speech is off: the speech cache folder {self.cache.folder} cannot "
                    f"be made ({error.strerror or error}); cues are shown as text."
                )
                return
            self._in_flight = job
            self._sent_at = time.monotonic()
            self._conn.send(
                (
                    "render",
                    job.id,
                    job.key.text,
                    job.key.voice,
                    job.key.rate,
                    str(self.cache.path(job.key)),
                    str(self.cache.temp_path(job.key)),
                )
            )
            return

    def _render_limit_locked(self) -> float | None:
        """Seconds left for the job being rendered, or None when none is."""
        job = self._in_flight
        if job is None:
            return None
        limit = RENDER_TIMEOUT + len(job.key.text) / 25
        return max(0.0, self._sent_at + limit - time.monotonic())

    def _resolve_later(self, job: _Job) -> None:
        self._by_key.pop(job.key, None)
        threading.Thread(target=self._finish, args=(job,), daemon=True).start()

    def _finish(self, job: _Job) -> None:
        clip = self.cache.load(job.key)
        self._call([job], clip)

    def _call(self, jobs: Iterable[_Job], clip: Clip | None) -> None:
        for job in jobs:
            for done in job.done:
                try:
                    done(job.key.text, clip)
                except Exception:  # a caller's bug must not stop the speech thread
                    log.exception("a speech callback failed")

    def _drain_locked(self) -> list[_Job]:
        pending = list(self._jobs)
        if self._in_flight is not None:
            pending.append(self._in_flight)
        self._jobs.clear()
        self._by_key.clear()
        self._in_flight = None
        return pending

    def _fail(self, sentence: str) -> None:
        with self._lock:
            if self._failure is None:
                self._failure = sentence
            pending = self._drain_locked()
        self._ready.set()
        self._call(pending, None)

    def _fail_locked(self, sentence: str) -> None:
        """`_fail` from under the lock: the callbacks run on a thread of their own."""
        if self._failure is None:
            self._failure = sentence
        pending = self._drain_locked()
        self._ready.set()
        threading.Thread(target=self._call, args=(pending, None), daemon=True).start()

    def _discard_partial(self, job: _Job | None) -> None:
        """A render that did not finish leaves no partial file behind."""
        if job is not None:
            with contextlib.suppress(OSError):
                self.cache.temp_path(job.key).unlink(missing_ok=True)

    def _serve(self) -> None:
        """The speech thread: starts the worker, relays its answers, and replaces it once if
        it dies after starting."""
        with contextlib.suppress(OSError):
            self.cache.sweep_partials()
        context = multiprocessing.get_context("spawn")
        restarts = 0
        while True:
            died = self._launch(context)
            if died is None:
                return
            with self._lock:
                if self._closed:
                    return
                lost = self._in_flight
                self._in_flight = None
                if lost is not None:
                    self._by_key.pop(lost.key, None)
            self._discard_partial(lost)
            with self._lock:
                if restarts < RESTARTS:
                    self._ready.clear()
                    self._conn = None
            if restarts >= RESTARTS:
                self._fail(
                    "Speech is off: the speech engine stopped unexpectedly "
                    f"(exit code {died}); cues are shown as text. Run `walktimer doctor`."
                )
                if lost is not None:
                    self._call([lost], None)
                return
            restarts += 1
            log.warning("speech: the worker stopped (exit code %s); starting a new one", died)
            if lost is not None:
                self._call([lost], None)

    def _launch(self, context: Any) -> int | None:
        """Run one worker until it quits. Returns its exit code when it died unexpectedly
        after it had started; None when it ended any other way (closed, failed to start)."""
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main,
            args=(child, self._engine_module),
            name="walktimer-speech-worker",
            daemon=True,
        )
        try:
            process.start()
        except OSError as error:
            self._fail(f"Speech is off: the speech worker could not start ({error}).")
            return None
        finally:
            child.close()
        with self._lock:
            self._process = process
            self._conn = parent
            if self._closed:
                parent.send(("quit",))
        try:
            return self._relay(parent, process)
        finally:
            parent.close()

    def _relay(self, conn: Connection, process: multiprocessing.process.BaseProcess) -> int | None:
        """Pass the worker's answers on until it ends; its exit code when it died after it
        had started, else None."""
        waited = 0.0
        while True:
            with self._lock:
                left = self._render_limit_locked()
            timeout = left if self._ready.is_set() else 0.5
            ready = wait([conn, process.sentinel], timeout=timeout)
            if not ready and self._ready.is_set():
                with self._lock:
                    left = self._render_limit_locked()
                if left is not None and left <= 0:
                    log.warning("speech: a render took too long; replacing the worker")
                    process.kill()
                continue
            if not ready:
                waited += 0.5
                if waited >= START_TIMEOUT and not self._ready.is_set():
                    process.kill()
                    self._fail(
                        f"Speech is off: the speech engine did not start within "
                        f"{START_TIMEOUT:.0f} s; run `walktimer doctor`."
                    )
                    return None
                continue
            if conn in ready:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    message = None
                if message is not None:
                    self._handle(message)
                    if message[0] == "failed":
                        return None
                    continue
            # The worker's end of the pipe closed or the process ended.
            process.join(timeout=1.0)
            if self._closed:
                return None
            code = process.exitcode
            if not self._ready.is_set():
                self._fail(
                    "Speech is off: the speech engine stopped while starting "
                    f"(exit code {code}); cues are shown as text. Run `walktimer doctor`."
                )
                return None
            return -1 if code is None else code

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            with self._lock:
                self._voices = list(message[1])
                self._ready.set()
                self._send_next_locked()
            return
        if kind == "failed":
            self._fail(_failure_sentence(message[1], message[2]))
            return
        job_id = message[1]
        full = kind == "error" and len(message) > 3 and bool(message[3])
        with self._lock:
            job = self._in_flight
            if job is None or job.id != job_id:
                return
            self._in_flight = None
            self._by_key.pop(job.key, None)
            if kind == "done":
                self.renders += 1
                warning = message[2]
                if warning and warning not in self._warnings:
                    self._warnings.append(warning)
            elif full:
                log.info("speech: %s", message[2])  # said once, as the failure sentence
            else:
                log.warning("speech: %s", message[2])
            if not full:
                self._send_next_locked()
        if kind != "done":
            self._discard_partial(job)
        if full:
            # Every later render would fail the same way: the walk goes on with words shown.
            self._fail(_disk_full_sentence(self.cache.folder))
        clip = self.cache.load(job.key) if kind == "done" else None
        self._call([job], clip)
