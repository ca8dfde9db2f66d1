"""Walks as FIT activity files, the format Garmin Connect, Strava and intervals.icu import.

Written with `fit_tool` (a maintained FIT SDK port on PyPI), never by hand. Each walk is one
activity: sport walking, sub-sport treadmill when the walk used a treadmill session (the
caller decides, see `verbs.history`), otherwise generic; one lap per phase that was walked
(a phase with active time); the active time as timer time, the wall-clock time as elapsed
time, and the distance and average speed when a treadmill reported them.

The history keeps each phase's active time but not when its pauses fell, so laps follow one
another by active time and the last lap carries the walk's paused time in its elapsed time:
the laps' elapsed times add up to the walk's, and their timer times to its active time.
"""

from __future__ import annotations

from dataclasses import dataclass

from walktimer.history.log import Walk

__all__ = ["FitLap", "fit_bytes", "fit_file_name", "laps", "used_treadmill"]

_MS = 1000
_MANUFACTURER_DEVELOPMENT = 255
_PRODUCT = 1
_FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z: FIT's local_timestamp counts from it


@dataclass(frozen=True, slots=True)
class FitLap:
    name: str
    start_s: float  # seconds after the walk's start
    timer_s: float
    elapsed_s: float
    distance_m: float | None
    avg_speed_ms: float | None


def laps(walk: Walk) -> list[FitLap]:
    """The laps of `walk`: one per phase with active time, in order."""
    walked = [p for p in walk.phases if (p.active_seconds or 0) > 0]
    if not walked:  # an old walk without times per phase: one lap for the whole walk
        return [
            FitLap(
                walk.script_name,
                0.0,
                walk.active_seconds,
                _elapsed(walk),
                walk.distance_m,
                _speed_ms(walk.avg_speed_kmh),
            )
        ]
    paused = max(0.0, _elapsed(walk) - sum(p.active_seconds or 0 for p in walked))
    out: list[FitLap] = []
    start = 0.0
    for i, phase in enumerate(walked):
        timer = phase.active_seconds or 0.0
        elapsed = timer + (paused if i == len(walked) - 1 else 0.0)
        out.append(
            FitLap(
                phase.name, start, timer, elapsed, phase.distance_m, _speed_ms(phase.avg_speed_kmh)
            )
        )
        start += timer
    return out


def _elapsed(walk: Walk) -> float:
    if walk.elapsed_seconds is None:
        return walk.active_seconds
    return max(walk.elapsed_seconds, walk.active_seconds)


def _speed_ms(kmh: float | None) -> float | None:
    return None if kmh is None else kmh / 3.6


def fit_bytes(walk: Walk, *, treadmill: bool) -> bytes:
    """One walk as the bytes of a FIT activity file."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.activity_message import ActivityMessage
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import (
        Activity,
        Event,
        EventType,
        FileType,
        Sport,
        SubSport,
    )

    sub_sport = SubSport.TREADMILL if treadmill else SubSport.GENERIC
    start_ms = round(walk.started.timestamp() * _MS)
    elapsed = _elapsed(walk)
    end_ms = start_ms + round(elapsed * _MS)
    offset_s = walk.started.utcoffset()
    local_end_s = (end_ms // _MS) + (0 if offset_s is None else int(offset_s.total_seconds()))
    walk_laps = laps(walk)

    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = _MANUFACTURER_DEVELOPMENT
    file_id.product = _PRODUCT
    file_id.time_created = start_ms
    file_id.serial_number = (walk.id or 0) & 0xFFFFFFFF
    builder.add(file_id)

    def event(kind: EventType, at_ms: int) -> EventMessage:
        message = EventMessage()
        message.event = Event.TIMER
        message.event_type = kind
        message.timestamp = at_ms
        return message

    builder.add(event(EventType.START, start_ms))
    distance = 0.0
    for lap in walk_laps:
        begin = start_ms + round(lap.start_s * _MS)
        finish = begin + round(lap.timer_s * _MS)
        for at, dist in ((begin, distance), (finish, distance + (lap.distance_m or 0.0))):
            record = RecordMessage()
            record.timestamp = at
            if walk.distance_m is not None or lap.distance_m is not None:
                record.distance = dist
            builder.add(record)
        distance += lap.distance_m or 0.0
    builder.add(event(EventType.STOP, end_ms))

    for index, lap in enumerate(walk_laps):
        begin = start_ms + round(lap.start_s * _MS)
        message = LapMessage()
        message.message_index = index
        message.event = Event.LAP
        message.event_type = EventType.STOP
        message.start_time = begin
        message.timestamp = begin + round(lap.elapsed_s * _MS)
        message.total_elapsed_time = lap.elapsed_s
        message.total_timer_time = lap.timer_s
        message.sport = Sport.WALKING
        message.sub_sport = sub_sport
        if lap.distance_m is not None:
            message.total_distance = lap.distance_m
        if lap.avg_speed_ms is not None:
            message.avg_speed = lap.avg_speed_ms
        builder.add(message)

    session = SessionMessage()
    session.message_index = 0
    session.event = Event.SESSION
    session.event_type = EventType.STOP
    session.start_time = start_ms
    session.timestamp = end_ms
    session.total_elapsed_time = elapsed
    session.total_timer_time = walk.active_seconds
    session.sport = Sport.WALKING
    session.sub_sport = sub_sport
    session.first_lap_index = 0
    session.num_laps = len(walk_laps)
    if walk.distance_m is not None:
        session.total_distance = walk.distance_m
    if walk.avg_speed_kmh is not None:
        session.avg_speed = walk.avg_speed_kmh / 3.6
    builder.add(session)

    activity = ActivityMessage()
    activity.timestamp = end_ms
    activity.total_timer_time = walk.active_seconds
    activity.num_sessions = 1
    activity.type = Activity.MANUAL
    activity.event = Event.ACTIVITY
    activity.event_type = EventType.STOP
    activity.local_timestamp = local_end_s - _FIT_EPOCH_S  # written as it is, unconverted
    builder.add(activity)
    data: bytes = builder.build().to_bytes()
    return data


def used_treadmill(walk: Walk) -> bool:
    """Whether a walk was walked on a treadmill: a treadmill reported a distance, or its
    session (when it can still be read) is tagged "treadmill" or sets speeds."""
    if walk.distance_m is not None or any(p.distance_m is not None for p in walk.phases):
        return True
    if walk.script_path is None:
        return False
    from walktimer.core.loader import SessionError, load_path

    try:
        session = load_path(walk.script_path)
    except SessionError:
        return False
    return "treadmill" in session.tags or any(p.speed for p in session.flat_phases())


def fit_file_name(walk: Walk) -> str:
    """The name a walk's FIT file gets in a folder of several: when it began, and its id."""
    return f"walktimer-{walk.started:%Y-%m-%d-%H%M}-{walk.id}.fit"
