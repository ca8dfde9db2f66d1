"""The player: one thread, clips in order, never overlapping, volume, stop, reports."""

from __future__ import annotations

import itertools
import threading
from array import array

from fakes import RecordingOutput, tone_clip, wait_for

from walktimer.audio.clip import Clip
from walktimer.audio.player import ClipFate, OutputError, PlaybackReport, Player


def test_clips_play_in_order_one_at_a_time_on_one_thread() -> None:
    output = RecordingOutput()
    threads: set[str] = set()
    real_play = output.play

    def play(clip: Clip):  # type: ignore[no-untyped-def]
        threads.add(threading.current_thread().name)
        return real_play(clip)

    output.play = play  # type: ignore[method-assign]
    player = Player(lambda: output)
    for name in ["bell", "Warm up.", "tick", "tick", "chime"]:
        player.enqueue(tone_clip(name))
    assert player.wait_idle(5)
    assert output.labels == ["bell", "Warm up.", "tick", "tick", "chime"]
    assert threads == {"walktimer-player"}
    reports = player.reports()
    assert [r.outcome for r in reports] == [ClipFate.PLAYED] * 5
    # Never overlapping: each clip starts after the previous one ended.
    for before, after in itertools.pairwise(reports):
        assert before.ended is not None
        assert after.started is not None
        assert after.started >= before.ended
    player.close()


def test_a_clip_waits_for_the_one_playing() -> None:
    output = RecordingOutput(hold=True)
    player = Player(lambda: output)
    player.enqueue(tone_clip("bell"))
    player.enqueue(tone_clip("Next: backward walking."))
    assert wait_for(lambda: len(output.played) == 1)
    assert not wait_for(lambda: len(output.played) == 2, timeout=0.05)
    output.release()
    assert player.wait_idle(5)
    assert output.labels == ["bell", "Next: backward walking."]
    player.close()


def test_stop_silences_at_once_and_drops_the_queue() -> None:
    output = RecordingOutput(hold=True)
    ended: list[PlaybackReport] = []
    player = Player(lambda: output, on_end=ended.append)
    player.enqueue(tone_clip("long speech"), kind="speech", text="long speech")
    player.enqueue(tone_clip("bell"))
    assert output.started.wait(5)
    player.stop()
    assert player.wait_idle(5)
    assert output.labels == ["long speech"]
    assert output.handles[0].stopped
    assert [r.outcome for r in ended] == [ClipFate.STOPPED, ClipFate.DROPPED]
    stopped = ended[0]
    assert stopped.ended is not None
    assert stopped.started is not None
    assert stopped.ended - stopped.started < 0.5
    # The player goes on after a stop.
    output.release()
    player.enqueue(tone_clip("chime"))
    assert player.wait_idle(5)
    assert output.labels == ["long speech", "chime"]
    player.close()


def test_volume_scales_the_samples() -> None:
    output = RecordingOutput()
    frames: list[bytes] = []
    real_play = output.play

    def play(clip: Clip):  # type: ignore[no-untyped-def]
        frames.append(clip.frames)
        return real_play(clip)

    output.play = play  # type: ignore[method-assign]
    player = Player(lambda: output, volume=0.5)
    player.enqueue(tone_clip("bell"))
    assert player.wait_idle(5)
    samples = array("h")
    samples.frombytes(frames[0])
    assert max(samples) == 500
    assert min(samples) == -500
    player.close()


def test_reports_say_when_each_clip_started_and_ended() -> None:
    times = iter([10.0, 10.002, 10.5, 11.0, 11.001, 11.2])
    output = RecordingOutput()
    starts: list[PlaybackReport] = []
    player = Player(lambda: output, on_start=starts.append, now=lambda: next(times))
    player.enqueue(tone_clip("bell"))
    assert player.wait_idle(5)
    [report] = player.reports()
    assert report.due == 10.0
    assert report.started == 10.002
    assert report.ended == 10.5
    assert report.latency is not None
    assert abs(report.latency - 0.002) < 1e-9
    assert [s.outcome for s in starts] == [ClipFate.PLAYING]
    player.close()


def test_a_device_error_is_reported_and_the_rest_still_tries() -> None:
    output = RecordingOutput(fail="Error opening PCM device. -- CODE: -2")
    player = Player(lambda: output)
    player.enqueue(tone_clip("bell"))
    player.enqueue(tone_clip("Warm up."), kind="speech", text="Warm up.")
    assert player.wait_idle(5)
    reports = player.reports()
    assert [r.outcome for r in reports] == [ClipFate.FAILED, ClipFate.FAILED]
    assert reports[1].text == "Warm up."
    assert player.device_error == "Error opening PCM device. -- CODE: -2"
    # The device comes back: playing resumes and the error clears.
    output.fail = None
    player.enqueue(tone_clip("chime"))
    assert player.wait_idle(5)
    assert output.labels == ["chime"]
    assert player.device_error is None
    player.close()


def test_an_output_that_cannot_open_fails_every_clip_without_raising() -> None:
    def broken() -> RecordingOutput:
        raise OutputError("simpleaudio could not be loaded")

    player = Player(broken)
    player.enqueue(tone_clip("bell"))
    assert player.wait_idle(5)
    [report] = player.reports()
    assert report.outcome is ClipFate.FAILED
    assert report.error == "simpleaudio could not be loaded"
    player.close()
