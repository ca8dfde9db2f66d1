"""Music steps aside for cues: other MPRIS players on a private bus are lowered or paused while
walktimer speaks, put back exactly afterwards, and put back at the next start after a crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bus_helpers import FakePlayer
from fakes import FakeRenderer, RecordingOutput, tone_clip, wait_for

from walktimer.audio.player import PlaybackReport, Player
from walktimer.audio.sink import AudioSink
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.loader import load_path
from walktimer.core.plan import build_plan
from walktimer.desktop.ducking import DUCK_LEVEL, Ducker, Journal, restore_leftovers
from walktimer.resources import bundled_session

VOLUME = 0.8125  # exactly representable: "restored exactly" means this very double


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "state" / "ducked.json")


@pytest.fixture
def ducker(journal: Journal) -> Iterator[Callable[..., Ducker]]:
    made: list[Ducker] = []

    def make(mode: str = "lower", **kwargs: object) -> Ducker:
        d = Ducker(mode, journal=journal, linger=0.05, **kwargs)  # type: ignore[arg-type]
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()


def test_a_cue_lowers_other_players_and_restores_them_exactly(
    player: Callable[..., FakePlayer], ducker: Callable[..., Ducker], journal: Journal
) -> None:
    music = player("music", VOLUME)
    duck = ducker()
    duck.begin()
    assert wait_for(lambda: music.volume == VOLUME * DUCK_LEVEL)
    assert wait_for(lambda: duck.ducked)
    # What was changed is on disk before the change, for a crash to be undone.
    recorded = json.loads(journal.path.read_text())["players"]
    assert recorded == [
        {"name": music.name, "volume": VOLUME, "lowered_to": VOLUME * DUCK_LEVEL, "paused": False}
    ]
    duck.end()
    assert wait_for(lambda: not duck.ducked)
    assert music.volume == VOLUME
    assert music.changes() == [f"Volume={VOLUME * DUCK_LEVEL!r}", f"Volume={VOLUME!r}"]
    assert not journal.path.exists()


def test_cues_close_together_keep_the_music_down_between_them(
    player: Callable[..., FakePlayer], journal: Journal
) -> None:
    music = player("music", VOLUME)
    duck = Ducker("lower", journal=journal, linger=30.0)
    try:
        duck.begin()
        assert wait_for(lambda: duck.ducked)
        duck.end()
        duck.begin()  # the next cue within the linger: no restore in between
        duck.end()
        assert duck.ducked
    finally:
        duck.close()  # closing puts it back at once
    assert music.volume == VOLUME
    assert music.changes() == [f"Volume={VOLUME * DUCK_LEVEL!r}", f"Volume={VOLUME!r}"]


def test_a_volume_the_walker_set_during_a_cue_is_kept(
    player: Callable[..., FakePlayer], ducker: Callable[..., Ducker]
) -> None:
    music = player("music", VOLUME)
    duck = ducker()
    duck.begin()
    assert wait_for(lambda: duck.ducked)
    music.set_volume(0.5)
    duck.end()
    assert wait_for(lambda: not duck.ducked)
    assert music.volume == 0.5


def test_pause_mode_resumes_only_the_players_it_paused(
    player: Callable[..., FakePlayer], ducker: Callable[..., Ducker]
) -> None:
    music = player("music", VOLUME)
    podcast = player("podcast", VOLUME)
    podcast.command("Pause")  # the walker's own pause
    duck = ducker("pause")
    duck.begin()
    assert wait_for(lambda: music.status == "Paused")
    duck.end()
    assert wait_for(lambda: music.status == "Playing")
    assert music.changes() == ["Pause", "Play"]
    assert podcast.status == "Paused"
    assert podcast.changes() == ["Pause"]  # only the walker's


def test_walktimer_never_ducks_itself(
    player: Callable[..., FakePlayer], ducker: Callable[..., Ducker]
) -> None:
    own = player("walktimer", VOLUME)
    duck = ducker()
    duck.begin()
    duck.end()
    duck.close()
    assert own.changes() == []


def test_without_a_bus_ducking_says_so_once_and_cues_go_on(
    monkeypatch: pytest.MonkeyPatch, journal: Journal
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    duck = Ducker("lower", journal=journal)
    duck.begin()
    assert wait_for(lambda: duck.failure() is not None)
    duck.end()
    duck.close()
    assert duck.failure() == (
        "Media keys and music ducking are off: there is no desktop session bus "
        "(DBUS_SESSION_BUS_ADDRESS is not set)."
    )


def sink_with(ducker: Ducker, *, duck_tones: bool) -> tuple[AudioSink, RecordingOutput]:
    session = load_path(bundled_session("backward-10.toml"))
    output = RecordingOutput(hold=True)
    holder: list[AudioSink] = []

    def on_end(report: PlaybackReport) -> None:
        holder[0].on_playback_end(report)

    player = Player(lambda: output, on_end=on_end)
    sink = AudioSink(
        session, player=player, speech=FakeRenderer(), ducking=ducker, duck_tones=duck_tones
    )
    holder.append(sink)
    return sink, output


def test_the_sink_ducks_for_speech_and_restores_when_it_has_played(
    player: Callable[..., FakePlayer], ducker: Callable[..., Ducker]
) -> None:
    music = player("music", VOLUME)
    duck = ducker()
    sink, output = sink_with(duck, duck_tones=False)
    try:
        engine = Engine(build_plan(sink.session), FakeClock())
        sink.play(engine.start())  # a bell, then spoken words
        assert wait_for(lambda: music.volume == VOLUME * DUCK_LEVEL)
        while not sink.player.idle():
            output.release()
        assert wait_for(lambda: not duck.ducked)
        assert music.volume == VOLUME
    finally:
        sink.close()


def test_tones_can_be_left_out_of_ducking(
    player: Callable[..., FakePlayer], ducker: Callable[..., Ducker]
) -> None:
    music = player("music", VOLUME)
    for duck_tones, ducks in ((False, 0), (True, 1)):
        duck = ducker()
        sink, output = sink_with(duck, duck_tones=duck_tones)
        try:
            sink.player.enqueue(tone_clip("warm-up"))  # the player alone: no ducking
            sink._enqueue(tone_clip("bell"), "tone", None, 0.0)
            if ducks:
                assert wait_for(lambda d=duck: d.ducked)  # type: ignore[misc]
            output.release()
            output.release()
            assert sink.player.wait_idle(5)
            assert wait_for(lambda d=duck: not d.ducked)  # type: ignore[misc]
        finally:
            sink.close()
        assert duck.ducks == ducks
    assert music.volume == VOLUME


CRASHING_WALK = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from fakes import FakeRenderer, RecordingOutput
    from walktimer.audio.player import PlaybackReport, Player
    from walktimer.audio.sink import AudioSink
    from walktimer.core.clock import FakeClock
    from walktimer.core.engine import Engine
    from walktimer.core.loader import load_path
    from walktimer.core.plan import build_plan
    from walktimer.desktop.ducking import Ducker
    from walktimer.resources import bundled_session

    session = load_path(bundled_session("backward-10.toml"))
    output = RecordingOutput(hold=True)  # the cue sounds until the process is killed
    holder = []
    player = Player(lambda: output, on_end=lambda r: holder[0].on_playback_end(r))
    sink = AudioSink(session, player=player, speech=FakeRenderer(), ducking=Ducker("lower"))
    holder.append(sink)
    sink.play(Engine(build_plan(session), FakeClock()).start())
    print("playing", flush=True)
    time.sleep(120)
    """
)


@pytest.mark.slow
def test_a_walk_killed_during_a_cue_has_its_music_put_back_at_the_next_start(
    player: Callable[..., FakePlayer], tmp_path: Path
) -> None:
    music = player("music", VOLUME)
    script = tmp_path / "walk.py"
    script.write_text(CRASHING_WALK)
    tests = Path(__file__).resolve().parent.parent
    walk = subprocess.Popen(
        [sys.executable, str(script), str(tests)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert walk.stdout is not None
        assert walk.stdout.readline().strip() == "playing"
        assert wait_for(lambda: music.volume == VOLUME * DUCK_LEVEL)
        os.kill(walk.pid, signal.SIGKILL)
    finally:
        walk.wait(timeout=10)
        assert walk.stdout is not None
        walk.stdout.close()
    assert music.volume == VOLUME * DUCK_LEVEL  # silenced by a walktimer that is gone
    assert Journal().path.exists()
    # The next start: a terminal walk puts the music back before it begins.
    done = subprocess.run(
        [sys.executable, "-m", "walktimer", "run", "backward-10", "--no-gui", "--mute",
         "--speed", "600"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert music.volume == VOLUME
    assert "Music put back" in done.stdout
    assert not Journal().path.exists()


def test_leftovers_are_put_back_once_and_a_changed_volume_is_left_alone(
    player: Callable[..., FakePlayer], journal: Journal
) -> None:
    music = player("music", VOLUME * DUCK_LEVEL)
    radio = player("radio", 0.5)  # the walker turned it up again after the crash
    from walktimer.desktop.ducking import Ducked

    journal.write([
        Ducked(music.name, volume=VOLUME, lowered_to=VOLUME * DUCK_LEVEL),
        Ducked(radio.name, volume=VOLUME, lowered_to=VOLUME * DUCK_LEVEL),
        Ducked("org.mpris.MediaPlayer2.gone", volume=1.0, lowered_to=0.3),
    ])  # fmt: skip
    sentence = restore_leftovers(journal)
    assert sentence == (
        "Music put back: walktimer had lowered or paused 1 media player for a cue when it "
        "last stopped unexpectedly."
    )
    assert music.volume == VOLUME
    assert radio.volume == 0.5
    assert not journal.path.exists()
    assert restore_leftovers(journal) is None


def test_a_damaged_journal_is_dropped(journal: Journal, session_bus: str) -> None:
    journal.path.parent.mkdir(parents=True)
    journal.path.write_text("{not json")
    assert restore_leftovers(journal) is None
    assert not journal.path.exists()
