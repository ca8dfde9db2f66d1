"""Where a walker is in a programme, from the walks logged for it: pure, no clock, no files.

The rules (stated for the walker in docs/programme-format.md):

- A walk counts for its week when it is real (not a demo) and was walked to its end. At
  most one walk counts per calendar day, the walker's local day when it started: the
  guidance asks for walking on five days a week, not five walks. Other walks are kept and
  their diary still matters.
- The programme moves to the next week when the week's walks are done, and the next
  week's walks start the day after. It stays at its week when the pain diary says walking
  made things worse, and the status says why:
  - pain rising: the last rated walk ended with more pain than it began with, or more pain
    after it than after the rated walk before it;
  - the safety rule: a rating of 7 or more on the last rated walk, or two walks in a row
    each 2 or more points worse after than before. It holds the programme and shows a calm
    sentence advising rest and a talk with a doctor or physiotherapist (`ADVICE`).
  A held week's walks start over once the hold has passed, so the load never grows while
  the pain does.
- Paused, the programme counts no walk and moves nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from walktimer.programmes.format import Programme, Week

__all__ = [
    "ADVICE",
    "HIGH_PAIN",
    "WORSE_BY",
    "DiaryWalk",
    "Hold",
    "Status",
    "advice_needed",
    "pain_rising",
    "status",
]

HIGH_PAIN = 7  # a rating of this or more holds the programme
WORSE_BY = 2  # points worse after than before, on two walks in a row, holds it too

ADVICE = (
    "Your pain diary shows a lot of pain, so your programme stays where it is for now: rest, "
    "and talk to your doctor or physiotherapist before you walk further."
)


@dataclass(frozen=True, slots=True)
class DiaryWalk:
    """What progression needs of one logged walk."""

    day: date  # the walker's local day when it started
    done: bool  # real and walked to its end
    pain_before: int | None = None
    pain_after: int | None = None
    walk_id: int | None = None

    @property
    def rated(self) -> bool:
        return self.pain_before is not None or self.pain_after is not None

    @property
    def change(self) -> int | None:
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before


@dataclass(frozen=True, slots=True)
class Hold:
    """Why the programme stays at its week."""

    reason: str  # one sentence for the walker
    advice: bool  # the safety rule: rest and talk to a doctor or physiotherapist
    since_walk: int | None = None  # the walk that started it (to say the advice once)


@dataclass(frozen=True, slots=True)
class Status:
    """Where the walker is."""

    programme: Programme
    week: Week
    walk: int  # 1-based: the next walk of the week
    done_today: bool  # a walk already counted today: the next one is for another day
    finished: bool  # every week done
    hold: Hold | None
    counted: int  # walks counted over the whole programme

    @property
    def advice(self) -> str | None:
        return ADVICE if self.hold is not None and self.hold.advice else None

    @property
    def reasons(self) -> list[str]:
        """What is said under the headline: today's walk done, the week's note, the hold."""
        lines = []
        if self.done_today:
            lines.append("Today's walk is done; this is the next one, for another day.")
        if self.week.note:
            lines.append(self.week.note)
        if self.hold is not None:
            lines.append(self.hold.reason)
        return lines

    @property
    def headline(self) -> str:
        """ "Week 2 - walk 3 of 5: Beginner walk, 15 minutes"."""
        if self.finished:
            return f"{self.programme.name}: every week is done."
        return (
            f"Week {self.week.number} - walk {self.walk} of {self.week.walks}: "
            f"{self.week.session_name}"
        )


def _ratings(walks: Sequence[DiaryWalk]) -> list[DiaryWalk]:
    return [w for w in walks if w.rated]


def advice_needed(walks: Sequence[DiaryWalk]) -> Hold | None:
    """The safety rule over the diary so far (oldest first)."""
    rated = _ratings(walks)
    if not rated:
        return None
    last = rated[-1]
    high = max(r for r in (last.pain_before, last.pain_after) if r is not None)
    if high >= HIGH_PAIN:
        return Hold(
            f"Your last walk was rated {high} out of 10, and a rating of {HIGH_PAIN} or more "
            "holds the programme at its week.",
            advice=True,
            since_walk=last.walk_id,
        )
    changes = [w.change for w in rated[-2:]]
    if len(changes) == 2 and all(c is not None and c >= WORSE_BY for c in changes):
        return Hold(
            f"Your last two walks each left you {WORSE_BY} or more points worse than before "
            "them, which holds the programme at its week.",
            advice=True,
            since_walk=last.walk_id,
        )
    return None


def pain_rising(walks: Sequence[DiaryWalk]) -> Hold | None:
    """Whether the diary says pain is rising, and why; None when it does not."""
    rated = _ratings(walks)
    if not rated:
        return None
    last = rated[-1]
    change = last.change
    if change is not None and change > 0:
        return Hold(
            f"Your last walk ended with more pain than it began with ({last.pain_before} "
            f"then {last.pain_after}), so the programme stays at this week for now.",
            advice=False,
            since_walk=last.walk_id,
        )
    afters = [w.pain_after for w in rated if w.pain_after is not None]
    if last.pain_after is not None and len(afters) >= 2 and afters[-1] > afters[-2]:
        return Hold(
            f"Your pain after walking went up from {afters[-2]} to {afters[-1]}, so the "
            "programme stays at this week for now.",
            advice=False,
            since_walk=last.walk_id,
        )
    return None


def _hold(walks: Sequence[DiaryWalk]) -> Hold | None:
    return advice_needed(walks) or pain_rising(walks)


def status(
    programme: Programme, walks: Iterable[DiaryWalk], today: date, *, paused: bool = False
) -> Status:
    """Where the walker is on `today`, from the walks logged for the programme (oldest first).

    `paused`: the walks logged for it still count (they were walked before the pause), and
    the status is that of the day the programme was paused."""
    seen: list[DiaryWalk] = []
    week_index = 0
    in_week = 0  # walks counted in the current week
    counted = 0
    last_counted_day: date | None = None
    finished = False
    for walk in walks:
        seen.append(walk)
        if finished or not walk.done or walk.day == last_counted_day:
            continue
        in_week += 1
        counted += 1
        last_counted_day = walk.day
        if in_week < programme.weeks[week_index].walks:
            continue
        if _hold(seen) is not None:
            in_week = 0  # the week starts over when the hold has passed
            continue
        in_week = 0
        if week_index + 1 == len(programme.weeks):
            finished = True
        else:
            week_index += 1
    week = programme.weeks[week_index]
    return Status(
        programme=programme,
        week=week,
        walk=min(in_week + 1, week.walks),
        done_today=last_counted_day == today and not paused,
        finished=finished,
        hold=None if finished else _hold(seen),
        counted=counted,
    )
