""" "Say this now": the editor's voice preview, rendered and played without blocking the caller."""

from __future__ import annotations

import threading
from collections.abc import Callable

from walktimer.audio.clip import Clip
from walktimer.audio.player import Output, Player, open_simpleaudio
from walktimer.audio.speech import SpeechService, VoiceInfo

__all__ = ["Previewer"]


class Previewer:
    """Owns a speech worker and a player for as long as an editor is open.

    `preview` returns at once; the words play when rendered (a few hundred milliseconds the
    first time, at once when cached). A newer preview cuts the older one off.
    """

    def __init__(
        self,
        *,
        open_output: Callable[[], Output] = open_simpleaudio,
        speech: SpeechService | None = None,
    ) -> None:
        self.speech = speech if speech is not None else SpeechService()
        self.player = Player(open_output)
        self._lock = threading.Lock()
        self._generation = 0

    def voices(self) -> list[VoiceInfo]:
        """The engine's voices; blocks until the worker has started (call it off the GUI thread)."""
        return self.speech.voices()

    def preview(
        self, text: str, voice: str | None = None, rate: int = 170, volume: float = 1.0
    ) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
        self.player.stop()

        def ready(_text: str, clip: Clip | None) -> None:
            with self._lock:
                current = generation == self._generation
            if clip is not None and current:
                self.player.enqueue(clip.scaled(volume), kind="speech", text=text)

        self.speech.request(text, ready, urgent=True, voice=voice, rate=rate)

    def failure(self) -> str | None:
        """Why there is no speech, or None."""
        return self.speech.failure()

    def close(self) -> None:
        self.speech.close()
        self.player.close()
