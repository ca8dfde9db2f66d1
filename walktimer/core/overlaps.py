"""Words that run into the next sound: cues a script places too close for their length.

Sounds and words are played one after another, never on top of each other (audio/player.py):
a cue still being said when the next event is due makes that event late. `overlaps` walks a
plan's timeline as the player would, with each text's length estimated from its words and the
rate (core/speech_length.py), and reports each place where words the script wrote (a phase's
`say` or a cue) make a later event start a second or more after its time, or where a cue is
made late. Events due at the same moment (a phase's bell, name and target) are queued on
purpose and not reported. These are warnings: the session runs, a little late there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from walktimer.core.plan import Event, EventKind, Plan
from walktimer.core.speech_length import spoken_seconds

__all__ = ["LATE_LIMIT", "PHASE_EVENT_LIMIT", "Overlap", "overlaps"]

LATE_LIMIT = 1.0  # seconds: later than this is worth a warning; the estimate is rough below
PHASE_EVENT_LIMIT = 5000  # events looked at per phase: repeats past these say nothing new
WRITTEN = frozenset({EventKind.SAY, EventKind.CUE})  # words the script's author wrote


@dataclass(frozen=True, slots=True)
class Overlap:
    """`later` is due while `earlier` is still being said, and starts `late` seconds late."""

    earlier: Event
    later: Event
    late: float
    earlier_position: float  # seconds into its phase
    later_position: float  # seconds into its phase (the next phase's start: 0)


def overlaps(plan: Plan, rate: int | None = None) -> Iterator[Overlap]:
    """Each overlap in the plan at `rate` words per minute (the script's own when None), in
    timeline order. Each run of words is reported once, at the first event it delays, however
    often an `every` cue or a repeated block says it again (what follows is only more of the
    same delay)."""
    speed = rate if rate is not None else plan.session.voice.rate
    seen: set[tuple[object, ...]] = set()  # pairs already reported
    busy_until = 0.0  # session time the words being said end
    speaking: tuple[Event, float] | None = None  # the last words begun and their position
    previous_timed = False
    for index, phase in enumerate(plan.phases):
        if not previous_timed:
            speaking = None  # a manual phase ends whenever the walker says: nothing carries
        timeline = plan.timeline(index)
        for count, event in enumerate(timeline.events()):
            if count >= PHASE_EVENT_LIMIT:
                break
            if event.text is None and event.sound is None:
                continue
            position = event.position(phase.duration)
            due = phase.start + position
            if speaking is not None and busy_until - due >= LATE_LIMIT:
                earlier, earlier_position = speaking
                same_moment = earlier.phase == index and earlier_position == position
                if not same_moment and (earlier.kind in WRITTEN or event.kind in WRITTEN):
                    key = (
                        plan.phases[earlier.phase].source,
                        earlier.kind,
                        earlier.template or earlier.text,
                    )
                    if key not in seen:
                        seen.add(key)
                        yield Overlap(earlier, event, busy_until - due, earlier_position, position)
            start = max(due, busy_until) if speaking is not None else due
            if event.text:
                busy_until = start + spoken_seconds(event.text, speed)
                # Words due at one moment are one run, named by the first the script wrote
                # (a cue due with "Next"), else by its first.
                if (
                    speaking is None
                    or (speaking[0].phase, speaking[1]) != (index, position)
                    or (event.kind in WRITTEN and speaking[0].kind not in WRITTEN)
                ):
                    speaking = (event, position)
        previous_timed = phase.duration is not None
