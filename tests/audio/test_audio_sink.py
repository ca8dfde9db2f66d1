"""What would be heard: the AudioSink over a recording device and a fake renderer, driven by
the real engine on a FakeClock through whole bundled sessions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fakes import FakeRenderer, RecordingOutput, tone_clip

from walktimer.audio.player import Player
from walktimer.audio.sink import AudioSink, Heard, QuietSink, build_sink, sounds_at
from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine, Fired, State
from walktimer.core.loader import load_path
from walktimer.core.plan import Anchor, Event, EventKind, Plan, build_plan
from walktimer.core.script import Sound
from walktimer.resources import bundled_session


class Rig:
    """An AudioSink with a recording device and a renderer; what it heard, in order."""

    def __init__(
        self, session_name: str, *, verbosity: str = "all", renderer: FakeRenderer | None = None
    ) -> None:
        self.session = load_path(bundled_session(session_name))
        self.plan = build_plan(self.session)
        self.output = RecordingOutput()
        self.player = Player(lambda: self.output)
        self.renderer = renderer if renderer is not None else FakeRenderer()
        self.shown: list[str] = []
        self.sink = AudioSink(
            self.session,
            player=self.player,
            speech=self.renderer,
            verbosity=verbosity,  # type: ignore[arg-type]
            echo=self.shown.append,
        )
        self.clock = FakeClock()
        self.engine = Engine(self.plan, self.clock)

    def send(self, fired: list[Fired]) -> None:
        self.sink.play(fired)

    def run_until(self, stop: Callable[[], bool] = lambda: False) -> None:
        while not stop():
            deadline = self.engine.next_deadline()
            if deadline is None:
                return
            self.clock.set(max(deadline, self.clock.now()))
            self.send(self.engine.advance())

    def heard(self) -> list[str]:
        assert self.player.wait_idle(10)
        return self.output.labels

    def close(self) -> None:
        self.sink.close()


def expected(plan: Plan, events: list[Event] | None = None) -> list[str]:
    """A tone is heard before the words of the same event, in timeline order."""
    out: list[str] = []
    for event in plan.events if events is None else events:
        if event.sound is not None:
            out.append(event.sound.label)
        if event.text:
            out.append(event.text)
    return out


@pytest.fixture
def rig() -> Callable[..., Rig]:
    made: list[Rig] = []

    def make(name: str = "back-care-30.toml", **kwargs: object) -> Rig:
        r = Rig(name, **kwargs)  # type: ignore[arg-type]
        made.append(r)
        return r

    yield make  # type: ignore[misc]
    for r in made:
        r.close()


def test_a_whole_session_is_heard_in_timeline_order(rig: Callable[..., Rig]) -> None:
    r = rig()
    r.sink.prepare(r.plan)
    assert sorted(set(r.renderer.rendered)) == sorted(r.plan.spoken_texts())
    rendered_before = len(r.renderer.rendered)
    r.send(r.engine.start())
    r.run_until()
    assert r.engine.state is State.FINISHED
    heard = r.heard()
    assert heard == expected(r.plan)
    assert heard[:2] == ["bell", r.plan.phases[0].say]
    assert heard[-2:] == ["chime", "Session complete."]
    countdowns = sum(p.countdown for p in r.plan.phases)
    assert heard.count("tick") == countdowns > 0
    assert heard.count("bell") == len(r.plan.phases)
    assert "Head level, eyes forward." in heard  # a posture reminder ...
    assert heard[heard.index("Head level, eyes forward.") - 1] == "ping"  # ... after its ping
    # Everything was rendered ahead: playing rendered nothing more.
    assert len(r.renderer.rendered) == rendered_before
    assert r.shown == []
    assert r.sink.notices() == []


def test_pause_silences_at_once_and_resume_goes_on(rig: Callable[..., Rig]) -> None:
    r = rig()
    r.output = RecordingOutput(hold=True)
    r.player.close()
    r.player = r.sink.player = Player(lambda: r.output)
    r.sink.prepare(r.plan)
    r.send(r.engine.start())  # bell, then the safety note (held: it "plays" until released)
    assert r.output.started.wait(5)
    r.clock.advance(5)
    r.send(r.engine.pause())
    r.sink.pause()
    assert r.player.wait_idle(5)
    assert r.output.labels == ["bell"]  # the bell was cut off; the words never started
    assert r.output.handles[0].stopped
    r.output.release()
    r.clock.advance(600)  # paused: session time stands still
    r.send(r.engine.resume())
    r.run_until(lambda: r.engine.view().phase_index == 1)
    heard = r.heard()
    first_phase = [e for e in r.plan.events if e.phase == 0 and e.t > 0]
    rest = expected(r.plan, first_phase)
    assert heard[1 : 1 + len(rest)] == rest
    second = r.plan.phases[1]
    assert heard[1 + len(rest) : 3 + len(rest)] == ["bell", second.base_name]  # then its target


def test_next_sounds_the_next_phase_at_once(rig: Callable[..., Rig]) -> None:
    r = rig()
    r.sink.prepare(r.plan)
    r.send(r.engine.start())
    r.clock.advance(20)
    r.send(r.engine.advance())
    before = len(r.heard())
    r.send(r.engine.next())
    heard = r.heard()[before:]
    second = r.plan.phases[1]
    start_events = [e for e in r.plan.events if e.phase == 1 and e.t == second.start]
    assert heard == expected(r.plan, start_events)
    assert heard[:3] == ["bell", second.base_name, "Speed 2.5 kilometres per hour."]


def test_extend_speaks_the_refilled_text_rendered_in_the_background(
    rig: Callable[..., Rig],
) -> None:
    r = rig("beginner-15.toml")
    r.sink.prepare(r.plan)
    planned = [e for e in r.plan.events if e.template is not None]
    assert len(planned) == 1
    halfway = planned[0]
    r.send(r.engine.start())
    r.run_until(lambda: r.engine.view().phase_index == halfway.phase)
    # Two more minutes: the cue at 50% moves to the middle of the longer phase and says so.
    r.send(r.engine.extend(120))
    r.run_until(
        lambda: (
            len(r.heard()) > 0
            and halfway.text not in r.heard()
            and (any("keep this pace for" in h for h in r.heard()))
        )
    )
    refilled = [h for h in r.heard() if "keep this pace for" in h]
    assert refilled == ["You are halfway. If it feels good, keep this pace for five minutes more."]
    assert (
        halfway.text == "You are halfway. If it feels good, keep this pace for four minutes more."
    )
    assert (refilled[0], True) in r.renderer.requests  # rendered at once, ahead of the rest
    r.run_until()
    assert r.heard()[-2:] == ["chime", "Session complete."]


def test_speech_ready_late_is_spoken_or_dropped_after_five_seconds() -> None:
    session = load_path(bundled_session("beginner-15.toml"))
    now = [100.0]
    output = RecordingOutput()
    renderer = FakeRenderer(manual=True)
    shown: list[str] = []
    sink = AudioSink(
        session,
        player=Player(lambda: output),
        speech=renderer,
        echo=shown.append,
        now=lambda: now[0],
    )
    try:
        sink.play([fired(EventKind.CUE, "Soon enough."), fired(EventKind.CUE, "Far too late.")])
        assert [t for t, _ in renderer.requests] == ["Soon enough.", "Far too late."]
        assert all(urgent for _, urgent in renderer.requests)
        now[0] += 4.9
        renderer.finish("Soon enough.")
        now[0] += 0.2  # 5.1 s after it was due
        renderer.finish("Far too late.")
        assert sink.player.wait_idle(5)
        assert output.labels == ["Soon enough."]
        assert sink.dropped == ["Far too late."]
        assert shown == ["Far too late."]
    finally:
        sink.close()


def test_speech_that_comes_after_a_pause_is_not_played() -> None:
    session = load_path(bundled_session("beginner-15.toml"))
    output = RecordingOutput()
    renderer = FakeRenderer(manual=True)
    sink = AudioSink(session, player=Player(lambda: output), speech=renderer)
    try:
        sink.play([fired(EventKind.CUE, "Before the pause.")])
        sink.pause()
        renderer.finish("Before the pause.")
        assert sink.player.wait_idle(5)
        assert output.labels == []
    finally:
        sink.close()


def test_verbosity_filters_what_sounds(rig: Callable[..., Rig]) -> None:
    assert sounds_at(EventKind.REMINDER, "all")
    assert not sounds_at(EventKind.REMINDER, "phases")
    assert sounds_at(EventKind.PHASE_START, "phases")
    assert not sounds_at(EventKind.PHASE_START, "silent")
    r = rig(verbosity="phases")
    r.sink.prepare(r.plan)
    assert "Head level, eyes forward." not in r.renderer.rendered  # not even rendered
    r.send(r.engine.start())
    r.run_until()
    kept = [e for e in r.plan.events if sounds_at(e.kind, "phases")]
    assert r.heard() == expected(r.plan, kept)
    assert "ping" not in r.heard()
    silent = rig(verbosity="silent")
    silent.sink.prepare(silent.plan)
    silent.send(silent.engine.start())
    silent.run_until()
    assert silent.heard() == []
    assert silent.renderer.rendered == []


def test_speech_off_plays_tones_and_shows_the_words(rig: Callable[..., Rig]) -> None:
    sentence = "Speech is off: espeak-ng is not installed (sudo apt install espeak-ng)."
    r = rig("backward-10.toml", renderer=FakeRenderer(failure=sentence))
    progress: list[tuple[int, int]] = []
    r.sink.prepare(r.plan, lambda done, total: progress.append((done, total)))
    r.send(r.engine.start())
    r.run_until()
    assert r.engine.state is State.FINISHED
    tones = [e.sound.label for e in r.plan.events if e.sound is not None]
    assert r.heard() == tones
    assert r.shown == [e.text for e in r.plan.events if e.text]
    assert r.sink.notices() == [sentence]
    assert r.sink.notices() == []  # said once
    assert progress[-1][0] == progress[-1][1]


def test_a_device_error_is_said_once_and_the_words_are_shown(rig: Callable[..., Rig]) -> None:
    r = rig("backward-10.toml")
    r.output.fail = "Error opening PCM device. -- CODE: -2 -- MSG: No such file or directory"
    r.sink.player.close()
    holder = r.sink
    r.player = r.sink.player = Player(lambda: r.output, on_end=holder.on_playback_end)
    r.sink.prepare(r.plan)
    r.send(r.engine.start())
    r.run_until()
    assert r.engine.state is State.FINISHED
    assert r.player.wait_idle(5)
    assert r.output.labels == []
    assert r.shown == [e.text for e in r.plan.events if e.text]
    [notice] = r.sink.notices()
    assert notice.startswith("No sound: the audio output could not be opened (Error opening PCM")
    assert "sudo apt install alsa-utils" in notice
    assert r.sink.notices() == []


def test_a_session_volume_scales_every_clip() -> None:
    session = load_path(bundled_session("backward-10.toml"))
    output = RecordingOutput()
    player = Player(lambda: output, volume=0.25)
    sink = AudioSink(session, player=player, speech=FakeRenderer())
    try:
        clip = tone_clip("x")
        assert player.scale(clip).frames != clip.frames
    finally:
        sink.close()


def test_mute_gives_a_quiet_sink_that_records_and_prints() -> None:
    session = load_path(bundled_session("backward-10.toml"))
    printed: list[str] = []
    sink = build_sink(session, mute=True, echo=printed.append)
    assert isinstance(sink, QuietSink)
    plan = build_plan(session)
    clock = FakeClock()
    engine = Engine(plan, clock)
    sink.play(engine.start())
    first = plan.phases[0]
    assert sink.heard[:4] == [
        Heard(EventKind.PHASE_START, tone="bell"),
        Heard(EventKind.NAME, text=first.base_name),
        Heard(EventKind.TARGETS, text="Speed 2 kilometres per hour."),
        Heard(EventKind.SAY, text=first.say),
    ]
    assert printed[:3] == [first.base_name, "Speed 2 kilometres per hour.", first.say]
    assert sink.notices() == []


def fired(kind: EventKind, text: str, sound: Sound | None = None) -> Fired:
    event = Event(
        seq=0, t=0.0, phase=0, kind=kind, anchor=Anchor.START, offset=0.0, text=text, sound=sound
    )
    return Fired(event=event, text=text, t_plan=0.0, t_fired=0.0, late=0.0, phase_name="Walk")


def test_notices_can_be_pushed_on_the_callers_thread() -> None:
    import threading

    session = load_path(bundled_session("backward-10.toml"))
    output = RecordingOutput(fail="Error opening PCM device. -- CODE: -2")
    pushed: list[tuple[str, str]] = []
    sink = AudioSink(
        session,
        player=Player(lambda: output),
        speech=FakeRenderer(),
        on_notice=lambda s: pushed.append((threading.current_thread().name, s)),
    )
    try:
        sink.play([fired(EventKind.CUE, "Walk on.")])
        assert sink.player.wait_idle(5)
        assert pushed == []  # the failure happened on the player's thread, after play()
        sink.play([fired(EventKind.CUE, "Walk on.")])
        [(thread, sentence)] = pushed
        assert thread == threading.current_thread().name
        assert sentence.startswith("No sound: the audio output could not be opened")
        assert sink.notices() == []
    finally:
        sink.close()


@pytest.mark.slow
def test_a_session_with_pyttsx3_missing_completes_with_tones_and_one_sentence() -> None:
    from walktimer.audio.speech import SpeechService

    session = load_path(bundled_session("backward-10.toml"))
    plan = build_plan(session)
    output = RecordingOutput()
    shown: list[str] = []
    sink = AudioSink(
        session,
        player=Player(lambda: output),
        speech=SpeechService(engine_module="walktimer_no_such_engine"),
        echo=shown.append,
    )
    try:
        sink.prepare(plan)
        engine = Engine(plan, FakeClock())
        sink.play(engine.start())
        while (deadline := engine.next_deadline()) is not None:
            engine.clock.set(deadline)  # type: ignore[attr-defined]
            sink.play(engine.advance())
        assert engine.state is State.FINISHED
        assert sink.player.wait_idle(5)
        [notice] = sink.notices()
    finally:
        sink.close()
    assert output.labels == [e.sound.label for e in plan.events if e.sound is not None]
    assert shown == [e.text for e in plan.events if e.text]
    assert notice.startswith("Speech is off: pyttsx3 could not be loaded (ModuleNotFoundError")
