"""The small ports a running session talks to: where fired cues go, and what it reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from walktimer.core.engine import Fired
    from walktimer.core.plan import Plan

__all__ = ["CueSink", "ProgressCallback", "SilentSink"]

# (done, total) while speech is rendered ahead of a session.
ProgressCallback = Callable[[int, int], None]


class CueSink(Protocol):
    """Turns fired events into something the walker notices: sound, speech, printed lines.

    The terminal runner and the GUI hand every batch the engine fires to one sink. A sink
    never blocks its caller: playing and rendering happen elsewhere.
    """

    def prepare(self, plan: Plan, progress: ProgressCallback | None = None) -> None:
        """Get ready for a session (render its speech ahead). May take a while; cancellable
        by `close`. Returns when the session can start."""
        ...

    def play(self, fired: Sequence[Fired]) -> None:
        """Sound the events that just became due, in order."""
        ...

    def expect(self, texts: Sequence[str]) -> None:
        """Words that will be needed soon (refilled after an extend): a sink that renders
        speech ahead starts on them now, so they play the instant they are due."""
        ...

    def pause(self) -> None:
        """Silence at once what is playing; the session is paused."""
        ...

    def stop(self) -> None:
        """Silence at once and drop anything queued; the session ended."""
        ...

    def notices(self) -> list[str]:
        """Sentences about what does not work (said once each), e.g. no speech engine."""
        ...

    def close(self) -> None:
        """Release the device and any worker process."""
        ...


class SilentSink:
    """A CueSink that does nothing: a base for sinks that only need one or two of its calls
    (printing, recording), so each does not repeat the empty rest."""

    def prepare(self, plan: Plan, progress: ProgressCallback | None = None) -> None:
        """Nothing to get ready."""

    def play(self, fired: Sequence[Fired]) -> None:
        """Nothing is sounded."""

    def expect(self, texts: Sequence[str]) -> None:
        """Nothing is rendered ahead."""

    def pause(self) -> None:
        """Nothing is playing."""

    def stop(self) -> None:
        """Nothing is queued."""

    def notices(self) -> list[str]:
        return []

    def close(self) -> None:
        """Nothing is held."""
