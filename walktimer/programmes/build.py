"""The session a programme's walk runs: found by name, and built to a length when asked.

A name is looked up beside the programme file first (a relative path, with or without
".toml"), then among the walker's own sessions (`paths.user_sessions_dir()`), then among
the bundled ones, so an own copy of a bundled session wins over the original.

Building to a length keeps every phase of the named session except the walking ones
(kind "walk"), which share the time that is left in proportion to their own lengths; their
cues at a fixed time that would fall outside the shorter phase are left out. A session with
no timed walking phase, or a length too short for its other phases, cannot be built.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from pathlib import Path

from walktimer import paths, resources
from walktimer.core.durations import format_compact
from walktimer.core.loader import load_path
from walktimer.core.script import Block, Cue, Kind, Phase, Session
from walktimer.programmes.format import SessionFinder

__all__ = [
    "MIN_WALK_PHASE",
    "build_to",
    "default_finder",
    "find_session",
    "session_names",
    "speak_first",
]

MIN_WALK_PHASE = 60  # seconds a walking phase keeps at least
_MINUTES_SUFFIX = re.compile(r",?\s*\d+\s*(?:minutes?|min)\s*$", re.IGNORECASE)


def find_session(name: str, base: Path | None = None) -> Path | None:
    stem = name[: -len(".toml")] if name.endswith(".toml") else name
    candidates: list[Path] = []
    if base is not None:
        candidates += [base / name, base / f"{stem}.toml"]
    if "/" not in name and "\\" not in name:
        candidates.append(paths.user_sessions_dir() / f"{stem}.toml")
        candidates.append(resources.bundled_session(f"{stem}.toml"))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def session_names() -> list[str]:
    names = [p.stem for p in resources.bundled_sessions()]
    with contextlib.suppress(OSError):
        names += [p.stem for p in paths.user_sessions_dir().glob("*.toml")]
    return names


def build_to(session: Session, seconds: int) -> Session | str:
    """`session` lengthened or shortened to `seconds` through its walking phases, or one
    sentence saying why it cannot be."""
    walking = [
        i
        for i, item in enumerate(session.phases)
        if isinstance(item, Phase) and item.kind is Kind.WALK and item.duration is not None
    ]
    if not walking:
        return (
            f'"{session.name}" has no timed walking phase (kind "walk") to lengthen or '
            "shorten: name another session, or leave out duration"
        )
    if session.has_manual:
        return f'"{session.name}" has a manual phase, so it cannot be built to a length'
    other = session.total_seconds - sum(_duration(session.phases[i]) for i in walking)
    room = seconds - other
    if room < MIN_WALK_PHASE * len(walking):
        shortest = other + MIN_WALK_PHASE * len(walking)
        return (
            f'{format_compact(seconds)} is too short to build from "{session.name}": its '
            f"other phases alone take {format_compact(other)}, so give at least "
            f"{format_compact(shortest)}"
        )
    weights = [_duration(session.phases[i]) for i in walking]
    total_weight = sum(weights)
    shares = [max(MIN_WALK_PHASE, round(room * w / total_weight)) for w in weights]
    shares[-1] += room - sum(shares)
    items: list[Phase | Block] = list(session.phases)
    for index, share in zip(walking, shares, strict=True):
        phase = items[index]
        assert isinstance(phase, Phase)
        cues = tuple(cue for cue in phase.cues if _fits(cue, share))
        items[index] = replace(phase, duration=share, cues=cues)
    minutes = round(seconds / 60)
    base_name = _MINUTES_SUFFIX.sub("", session.name).strip() or session.name
    name = f"{base_name}, {minutes} minutes"[:80]
    return replace(session, phases=tuple(items), name=name)


def _duration(item: Phase | Block) -> int:
    assert isinstance(item, Phase)
    return item.duration or 0


def _fits(cue: Cue, duration: int) -> bool:
    if cue.at is None or cue.at.anchor == "percent":
        return cue.every is None or cue.every < duration
    return cue.at.value < duration


def default_finder() -> SessionFinder:
    return SessionFinder(find=find_session, load=load_path, names=session_names, build=build_to)


def speak_first(session: Session, text: str) -> Session:
    """`session` with `text` spoken as its first words, before the first phase's own (how
    the diary's advice is said once, by the terminal and the window alike)."""
    first = session.phases[0]
    if not isinstance(first, Phase):
        return session
    said = f"{text} {first.spoken_intro}"
    return replace(session, phases=(replace(first, say=said), *session.phases[1:]))
