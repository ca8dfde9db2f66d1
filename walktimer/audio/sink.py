"""AudioSink: what the engine fires becomes tones and pre-rendered speech through one player.

`build_sink` is the factory the terminal runner and the GUI call. A sink never blocks in
`play`: tones and already-rendered speech go straight onto the player's queue; a text that is
not rendered yet is rendered in the background and spoken as soon as it is ready, or dropped
when that is more than `LATE_LIMIT` seconds after it was due. What cannot be heard (speech off,
no device, dropped) is handed to `echo` so the walker can read it instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from walktimer import resources
from walktimer.audio.clip import Clip, ClipError, read_wav
from walktimer.audio.player import ClipFate, Output, PlaybackReport, Player, open_simpleaudio
from walktimer.audio.speech import Renderer, SpeechService
from walktimer.core.plan import EventKind
from walktimer.core.ports import CueSink, ProgressCallback, SilentSink
from walktimer.core.script import Session, Sound

if TYPE_CHECKING:
    from walktimer.core.engine import Fired
    from walktimer.core.plan import Plan

__all__ = [
    "LATE_LIMIT",
    "VERBOSITIES",
    "AudioSink",
    "Ducking",
    "Heard",
    "QuietSink",
    "Verbosity",
    "build_sink",
    "sounds_at",
]

log = logging.getLogger(__name__)

LATE_LIMIT = 5.0  # seconds: a cue whose speech is ready later than this is dropped

Verbosity = Literal["all", "phases", "silent"]
VERBOSITIES: tuple[Verbosity, ...] = ("all", "phases", "silent")

# "phases": only what marks a change of phase and the end, not the chatter inside a phase.
_PHASE_KINDS = frozenset(
    {
        EventKind.PHASE_START,
        EventKind.NAME,
        EventKind.SAY,
        EventKind.TARGETS,
        EventKind.NEXT,
        EventKind.COUNTDOWN,
        EventKind.FINISH,
    }
)

Echo = Callable[[str], None]


def sounds_at(kind: EventKind, verbosity: Verbosity) -> bool:
    """Whether an event of this kind is heard at this verbosity."""
    if verbosity == "silent":
        return False
    if verbosity == "phases":
        return kind in _PHASE_KINDS
    return True


@dataclass(frozen=True, slots=True)
class Heard:
    """One thing a sink sounded (or would have): a tone by name or words."""

    kind: EventKind
    tone: str | None = None
    text: str | None = None

    def __str__(self) -> str:
        return f"[{self.tone}]" if self.tone is not None else f'"{self.text}"'


def _device_sentence(error: str) -> str:
    return (
        f"No sound: the audio output could not be opened ({error}). Check that speakers or "
        "headphones are connected and that alsa-utils is installed (sudo apt install "
        "alsa-utils); cue texts are shown instead."
    )


class Ducking(Protocol):
    """Other players stepping aside while a cue sounds (walktimer.desktop.ducking.Ducker).
    `begin` when a clip is queued, `end` when it has played; neither may block."""

    def begin(self) -> None: ...

    def end(self) -> None: ...

    def failure(self) -> str | None: ...

    def close(self) -> None: ...


class AudioSink:
    """The real CueSink: tones and speech through one Player and one speech Renderer."""

    def __init__(
        self,
        session: Session,
        *,
        player: Player,
        speech: Renderer | None,
        verbosity: Verbosity = "all",
        echo: Echo | None = None,
        on_notice: Echo | None = None,
        now: Callable[[], float] = time.monotonic,
        late_limit: float = LATE_LIMIT,
        ducking: Ducking | None = None,
        duck_tones: bool = True,
    ) -> None:
        """`echo(text)` shows words that will not be heard; it may be called on the player's
        or the speech thread. `on_notice(sentence)`, when given, receives each notice instead
        of `notices()`, always on the caller's thread (in `prepare`, `play`, `pause`, `stop`).
        `ducking` has other players step aside for speech, and for tones when `duck_tones`;
        the sink's player must report each clip's end to `on_playback_end`."""
        self.ducking = ducking
        self.duck_tones = duck_tones
        self.session = session
        self._on_notice = on_notice
        self.player = player
        self.speech = speech
        self.verbosity: Verbosity = verbosity
        self._echo = echo
        self._now = now
        self._late_limit = late_limit
        self._lock = threading.Lock()
        self._tones: dict[Sound, Clip | None] = {}
        self._speech: dict[str, Clip] = {}
        self._said: set[str] = set()
        self._notices: list[str] = []
        self._generation = 0
        self._closed = False
        self.dropped: list[str] = []  # texts given up on because their speech came too late

    # CueSink

    def prepare(self, plan: Plan, progress: ProgressCallback | None = None) -> None:
        """Load the tones and render every text the plan will speak. Call it off the GUI thread."""
        texts = []
        # Each distinct cue once: a long session repeats the same few many thousand times.
        for kind, text, sound in plan.sounded():
            if not sounds_at(kind, self.verbosity):
                continue
            if sound is not None:
                self._tone(sound)
            if text is not None:
                texts.append(text)
        if self.speech is None:
            if progress is not None:
                progress(0, 0)
            return
        if isinstance(self.speech, SpeechService):
            clips = self.speech.render_all(texts, progress, cancelled=lambda: self._closed)
        else:
            clips = _render_all(self.speech, texts, progress)
        for text, clip in clips.items():
            scaled = self.player.scale(clip)
            with self._lock:
                self._speech[text] = scaled
        self._deliver()

    def expect(self, texts: Iterable[str]) -> None:
        """Render texts needed soon (e.g. refilled after an extend) in the background."""
        if self.speech is None:
            return
        for text in texts:
            with self._lock:
                known = text in self._speech
            if not known:
                self.speech.request(text, self._keep)

    def play(self, fired: Sequence[Fired]) -> None:
        due = self._now()
        self._deliver()
        for item in fired:
            kind = item.event.kind
            if not sounds_at(kind, self.verbosity):
                continue
            sound = item.event.sound
            if sound is not None:
                clip = self._tone(sound)
                if clip is not None:
                    self._enqueue(clip, "tone", None, due)
            if item.text:
                self._say(kind, item.text, due)

    def pause(self) -> None:
        with self._lock:
            self._generation += 1
        self.player.stop()
        self._deliver()

    def stop(self) -> None:
        self.pause()

    def notices(self) -> list[str]:
        self._check_speech()
        error = self.player.device_error
        if error is not None:
            self._notice(_device_sentence(error))
        ducking = self.ducking.failure() if self.ducking is not None else None
        if ducking is not None:
            self._notice(ducking)
        with self._lock:
            out, self._notices = self._notices, []
        return out

    def _deliver(self) -> None:
        if self._on_notice is None:
            return
        for sentence in self.notices():
            self._on_notice(sentence)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._generation += 1
        if self.speech is not None:
            self.speech.close()
        self.player.close()
        if self.ducking is not None:
            self.ducking.close()

    # Internals

    def on_playback_end(self, report: PlaybackReport) -> None:
        """Player callback: music comes back after a cue; words the device refused are shown
        instead."""
        if self._ducks(report.kind):
            assert self.ducking is not None
            self.ducking.end()
        if report.outcome is ClipFate.FAILED and report.error is not None:
            self._notice(_device_sentence(report.error))
            if report.text is not None:
                self._show(report.text)

    def _say(self, kind: EventKind, text: str, due: float) -> None:
        with self._lock:
            clip = self._speech.get(text)
            generation = self._generation
        if clip is not None:
            self._enqueue(clip, "speech", text, due)
            return
        if self.speech is None or self.speech.failure() is not None:
            self._check_speech()
            self._show(text)
            return

        def ready(text: str, clip: Clip | None) -> None:
            if clip is not None:
                clip = self._store(text, clip)
            with self._lock:
                current = generation == self._generation and not self._closed
            if not current:
                return  # paused or stopped meanwhile: the moment has passed
            late = self._now() - due
            if clip is None:
                self._check_speech()
                self._show(text)
            elif late > self._late_limit:
                log.info("dropped a cue whose speech was ready %.1f s late: %s", late, text)
                self.dropped.append(text)
                self._show(text)
            else:
                self._enqueue(clip, "speech", text, due)

        self.speech.request(text, ready, urgent=True)

    def _ducks(self, kind: str) -> bool:
        return self.ducking is not None and (kind == "speech" or self.duck_tones)

    def _enqueue(self, clip: Clip, kind: str, text: str | None, due: float) -> None:
        if self._ducks(kind):
            assert self.ducking is not None
            self.ducking.begin()
        self.player.enqueue(clip, kind=kind, text=text, due=due)

    def _keep(self, text: str, clip: Clip | None) -> None:
        self._store(text, clip)

    def _store(self, text: str, clip: Clip | None) -> Clip | None:
        if clip is None:
            return None
        scaled = self.player.scale(clip)
        with self._lock:
            self._speech[text] = scaled
        return scaled

    def _tone(self, sound: Sound) -> Clip | None:
        if sound in self._tones:
            return self._tones[sound]
        if sound.path is not None:
            path = sound.path
        else:
            path = resources.asset("audio", f"{sound.name}.wav")
        try:
            clip: Clip | None = self.player.scale(read_wav(Path(path), label=sound.label))
        except ClipError as error:
            # The loader refuses bad WAVs; this is a file changed or removed since.
            self._notice(f"The sound {sound.label!r} cannot be played: {error}")
            clip = None
        self._tones[sound] = clip
        return clip

    def _check_speech(self) -> None:
        if self.speech is None:
            return
        failure = self.speech.failure()
        if failure is not None:
            self._notice(failure)
        if isinstance(self.speech, SpeechService):
            for warning in self.speech.warnings():
                self._notice(warning)

    def _notice(self, sentence: str) -> None:
        with self._lock:
            if sentence in self._said:
                return
            self._said.add(sentence)
            self._notices.append(sentence)

    def _show(self, text: str) -> None:
        if self._echo is not None:
            self._echo(text)


def _render_all(
    speech: Renderer, texts: Iterable[str], progress: ProgressCallback | None
) -> dict[str, Clip]:
    """Render through any Renderer, waiting for each answer (used with test renderers)."""
    wanted = list(dict.fromkeys(texts))
    clips: dict[str, Clip] = {}
    done = threading.Semaphore(0)

    def one(text: str, clip: Clip | None) -> None:
        if clip is not None:
            clips[text] = clip
        done.release()

    for i, text in enumerate(wanted, start=1):
        speech.request(text, one)
        done.acquire()
        if progress is not None:
            progress(i, len(wanted))
    if not wanted and progress is not None:
        progress(0, 0)
    return clips


class QuietSink(SilentSink):
    """A sink that plays nothing (`--mute`): it records what would be heard and can print it."""

    def __init__(self, *, verbosity: Verbosity = "all", echo: Echo | None = None) -> None:
        self.verbosity: Verbosity = verbosity
        self._echo = echo
        self.heard: list[Heard] = []

    def prepare(self, plan: Plan, progress: ProgressCallback | None = None) -> None:
        if progress is not None:
            progress(0, 0)

    def play(self, fired: Sequence[Fired]) -> None:
        for item in fired:
            kind = item.event.kind
            if not sounds_at(kind, self.verbosity):
                continue
            if item.event.sound is not None:
                self.heard.append(Heard(kind, tone=item.event.sound.label))
            if item.text:
                self.heard.append(Heard(kind, text=item.text))
                if self._echo is not None:
                    self._echo(item.text)


def build_sink(
    session: Session,
    *,
    mute: bool,
    verbosity: Verbosity = "all",
    echo: Echo | None = None,
    on_notice: Echo | None = None,
    open_output: Callable[[], Output] = open_simpleaudio,
    ducking: Ducking | None = None,
    duck_tones: bool = True,
) -> CueSink:
    """The sink for a run: real sound and speech, or a quiet one when `mute`.

    `echo` receives the words of every cue that will not be heard (muted, speech off, no
    device), so a screen that does not show every cue anyway can print them. `on_notice`
    receives each sentence about what does not work, on the caller's thread, instead of
    `notices()`. `ducking` has other players step aside while cues sound (tones too, when
    `duck_tones`); the sink closes it.
    """
    if mute:
        if ducking is not None:
            ducking.close()
        return QuietSink(verbosity=verbosity, echo=echo)
    voice = session.voice
    holder: list[AudioSink] = []

    def on_end(report: PlaybackReport) -> None:
        if holder:
            holder[0].on_playback_end(report)

    player = Player(open_output, volume=voice.volume, on_end=on_end)
    speech = SpeechService(voice=voice.voice, rate=voice.rate)
    sink = AudioSink(
        session,
        player=player,
        speech=speech,
        verbosity=verbosity,
        echo=echo,
        on_notice=on_notice,
        ducking=ducking,
        duck_tones=duck_tones,
    )
    holder.append(sink)
    return sink
