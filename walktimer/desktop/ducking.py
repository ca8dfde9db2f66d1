"""Music steps aside for cues: other MPRIS players are lowered (or paused) while walktimer speaks.

A `Ducker` counts the clips that are sounding (`begin` when one is queued, `end` when it has
played) and, on its own thread, lowers every other playing MPRIS player's `Volume` to
`level` times what it was, then sets it back exactly once nothing has sounded for `linger`
seconds. In "pause" mode it pauses the players that were playing and resumes only those.
Before it changes anything it writes what it is about to change to a journal in the user state
folder (atomically), so that a walktimer killed during a cue leaves music that the next start
puts back (`restore_leftovers`). A player whose volume the walker changed meanwhile is left
as the walker set it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from walktimer import paths
from walktimer.desktop.bus import BusError, Client, open_client
from walktimer.desktop.mpris import BUS_NAME, OBJECT_PATH, PLAYER

__all__ = [
    "DUCK_LEVEL",
    "DUCK_MODES",
    "LINGER",
    "DuckMode",
    "Ducked",
    "Ducker",
    "Journal",
    "restore_leftovers",
]

log = logging.getLogger(__name__)

DuckMode = Literal["lower", "pause", "off"]
DUCK_MODES: tuple[DuckMode, ...] = ("lower", "pause", "off")
DUCK_LEVEL = 0.3  # a lowered player plays at this fraction of its volume
LINGER = 0.4  # seconds of quiet after a cue before the music comes back
PREFIX = "org.mpris.MediaPlayer2."
SAME = 1e-6  # volumes closer than this are the same (players store doubles)


@dataclass(frozen=True, slots=True)
class Ducked:
    """One player walktimer changed: its volume before and after, or that it paused it."""

    name: str
    volume: float | None = None  # what it was, when lowered
    lowered_to: float | None = None
    paused: bool = False


class Journal:
    """The record of players changed and not yet put back, in the user state folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else paths.state_dir() / "ducked.json"

    def write(self, ducked: list[Ducked]) -> None:
        from walktimer.editing.storage import atomic_write

        if not ducked:
            self.clear()
            return
        data = json.dumps({"format": 1, "players": [asdict(d) for d in ducked]}, indent=1)
        atomic_write(self.path, data.encode("utf-8"), backup=False)

    def read(self) -> list[Ducked]:
        """What a previous run left changed; a damaged journal counts as empty."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError, RecursionError):
            log.warning("ducking: the journal %s cannot be read; ignored", self.path)
            return []
        found: list[Ducked] = []
        players = raw.get("players") if isinstance(raw, dict) else None
        for item in players if isinstance(players, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            volume, lowered = item.get("volume"), item.get("lowered_to")
            found.append(
                Ducked(
                    name=item["name"],
                    volume=float(volume) if isinstance(volume, int | float) else None,
                    lowered_to=float(lowered) if isinstance(lowered, int | float) else None,
                    paused=item.get("paused") is True,
                )
            )
        return found

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class _Players:
    """The calls ducking makes to other players, through one client."""

    def __init__(self, client: Client, own_names: tuple[str, ...]) -> None:
        self.client = client
        self.own = own_names

    def playing(self) -> list[str]:
        found = []
        for name in self.client.names():
            if not name.startswith(PREFIX) or name.startswith(self.own):
                continue
            try:
                status = self.client.get(name, OBJECT_PATH, PLAYER, "PlaybackStatus")
            except BusError:
                continue
            if status == "Playing":
                found.append(name)
        return found

    def volume(self, name: str) -> float:
        return float(self.client.get(name, OBJECT_PATH, PLAYER, "Volume"))

    def set_volume(self, name: str, volume: float) -> None:
        self.client.set(name, OBJECT_PATH, PLAYER, "Volume", "d", volume)

    def status(self, name: str) -> str:
        return str(self.client.get(name, OBJECT_PATH, PLAYER, "PlaybackStatus"))

    def command(self, name: str, member: str) -> None:
        self.client.call(name, OBJECT_PATH, PLAYER, member)


def _put_back(players: _Players, ducked: Ducked) -> bool:
    """Undo one change, unless the walker changed that player since. True when undone."""
    try:
        if ducked.paused:
            if players.status(ducked.name) == "Paused":
                players.command(ducked.name, "Play")
                return True
            return False
        if ducked.volume is None or ducked.lowered_to is None:
            return False
        if abs(players.volume(ducked.name) - ducked.lowered_to) > SAME:
            return False  # the walker set another volume meanwhile: theirs stands
        players.set_volume(ducked.name, ducked.volume)
        return True
    except BusError as error:
        log.info("ducking: %s", error)  # the player went away: nothing left to put back
        return False


def restore_leftovers(
    journal: Journal | None = None, connect: Callable[[], Client] = open_client
) -> str | None:
    """Put back what a walktimer that stopped unexpectedly left lowered or paused. Returns a
    sentence when something was put back, None otherwise. Call it at start."""
    journal = journal if journal is not None else Journal()
    leftovers = journal.read()
    if not leftovers:
        journal.clear()  # a damaged one too
        return None
    try:
        client = connect()
    except BusError:
        return None  # no bus now: try again at the next start
    try:
        players = _Players(client, (BUS_NAME,))
        undone = sum(_put_back(players, ducked) for ducked in leftovers)
    finally:
        client.close()
    journal.clear()
    if not undone:
        return None
    noun = "player" if undone == 1 else "players"
    return (
        f"Music put back: walktimer had lowered or paused {undone} media {noun} for a cue "
        "when it last stopped unexpectedly."
    )


class Ducker:
    """Lowers or pauses other players while cues sound. `begin`/`end` never block."""

    def __init__(
        self,
        mode: DuckMode = "lower",
        *,
        level: float = DUCK_LEVEL,
        linger: float = LINGER,
        journal: Journal | None = None,
        connect: Callable[[], Client] = open_client,
        own_names: tuple[str, ...] = (BUS_NAME,),
    ) -> None:
        self.mode: DuckMode = mode
        self.level = max(0.0, min(1.0, level))
        self.linger = linger
        self.journal = journal if journal is not None else Journal()
        self._connect = connect
        self._own = own_names
        self._changed = threading.Condition()
        self._sounding = 0
        self._closed = False
        self._ducked: list[Ducked] = []
        self._is_ducked = False
        self._failure: str | None = None
        self._thread: threading.Thread | None = None
        self.ducks = 0  # how many times music was ducked (tests, the benchmark)

    def begin(self) -> None:
        """A clip that music steps aside for was queued."""
        if self.mode == "off":
            return
        with self._changed:
            if self._closed:
                return
            self._sounding += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="walktimer-ducking", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def end(self) -> None:
        """That clip has played (or was dropped)."""
        if self.mode == "off":
            return
        with self._changed:
            self._sounding = max(0, self._sounding - 1)
            self._changed.notify_all()

    def failure(self) -> str | None:
        """A sentence when ducking could not work (no session bus), once known."""
        with self._changed:
            return self._failure

    @property
    def ducked(self) -> bool:
        with self._changed:
            return self._is_ducked

    def close(self) -> None:
        """Put everything back now and stop the thread."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5.0)

    # ------------------------------------------------------------------ the ducking thread

    def _run(self) -> None:
        try:
            client = self._connect()
        except BusError as error:
            with self._changed:
                self._failure = str(error)
            return
        players = _Players(client, self._own)
        try:
            while True:
                with self._changed:
                    self._changed.wait_for(lambda: self._closed or self._sounding > 0)
                    if self._closed:
                        return
                self._duck(players)
                with self._changed:
                    self._wait_for_quiet()
                self._restore(players)
        finally:
            self._restore(players)
            client.close()

    def _wait_for_quiet(self) -> None:
        """Until nothing has sounded for `linger` seconds, or close. Holds the condition."""
        while True:
            self._changed.wait_for(lambda: self._closed or self._sounding == 0)
            # Quiet: wait `linger` for another cue before the music comes back.
            again = self._changed.wait_for(lambda: self._closed or self._sounding > 0, self.linger)
            if self._closed or not again:
                return

    def _duck(self, players: _Players) -> None:
        try:
            names = players.playing()
        except BusError as error:
            log.info("ducking: %s", error)
            return
        planned: list[Ducked] = []
        for name in names:
            if self.mode == "pause":
                planned.append(Ducked(name, paused=True))
                continue
            try:
                volume = players.volume(name)
            except BusError:
                continue
            if volume <= SAME:
                continue
            planned.append(Ducked(name, volume=volume, lowered_to=volume * self.level))
        if not planned:
            return
        try:
            self.journal.write(planned)  # first the record, then the change
        except OSError as error:
            log.warning("ducking: cannot record what it changes (%s); music is left alone", error)
            return
        done: list[Ducked] = []
        for ducked in planned:
            try:
                if ducked.paused:
                    players.command(ducked.name, "Pause")
                else:
                    assert ducked.lowered_to is not None
                    players.set_volume(ducked.name, ducked.lowered_to)
            except BusError as error:
                log.info("ducking: %s", error)
                continue
            done.append(ducked)
        with self._changed:
            self._ducked = done
            self._is_ducked = bool(done)
            self.ducks += 1

    def _restore(self, players: _Players) -> None:
        with self._changed:
            ducked, self._ducked = self._ducked, []
        if not ducked:
            return
        for item in ducked:
            _put_back(players, item)
        try:
            self.journal.clear()
        except OSError as error:
            log.warning("ducking: cannot clear %s (%s)", self.journal.path, error)
        with self._changed:
            self._is_ducked = False
