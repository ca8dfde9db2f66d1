"""Cue latency: from the moment a cue is due to the moment its clip starts playing.

Runs, in one process and one go:
  1. cold and warm render of every spoken text of the bundled 30-minute session (the speech
     worker into an empty cache, then again from the cache);
  2. a dense 2-minute session in real time through the real sink, player and simpleaudio,
     with ALSA's "default" pointed at a file sink (PITFALLS.md): latency from each cue's
     deadline to its clip starting, for tones and for cached speech;
  3. the naive baseline: pyttsx3 `say` + `runAndWait` in-process at the moment each cue is
     due: how long until its audio starts (aplay opening the same file sink) and how long
     the caller is blocked.

    .venv/bin/python benchmarks/bench_cue_latency.py            # the full 2-minute run
    .venv/bin/python benchmarks/bench_cue_latency.py --seconds 30   # a shorter dense session
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

STARTED = time.monotonic()
WORK = Path(tempfile.mkdtemp(prefix="walktimer-bench-"))
DEVICE = WORK / "device"
# alsa-lib reads its configuration once per process: point it at the file sink first thing.
DEVICE.mkdir()
(WORK / "config" / "alsa").mkdir(parents=True)
(WORK / "config" / "alsa" / "asoundrc").write_text(
    'pcm.!default { type file  slave.pcm "null"  '
    f'file "{DEVICE}/play-%r-%c-%b.wav"  format "wav"  truncate false }}\n'
)
# Every user folder in the scratch dir: a benchmark walk must not land in the user's history.
for _var, _sub in (("CONFIG", "config"), ("CACHE", "cache"), ("DATA", "data"), ("STATE", "state")):
    os.environ[f"XDG_{_var}_HOME"] = str(WORK / _sub)

from walktimer.audio.cache import SpeechCache  # noqa: E402
from walktimer.audio.player import PlaybackReport, Player, open_simpleaudio  # noqa: E402
from walktimer.audio.sink import AudioSink, Ducking  # noqa: E402
from walktimer.audio.speech import SpeechService  # noqa: E402
from walktimer.core.engine import Engine, Fired  # noqa: E402
from walktimer.core.loader import load_path, load_text  # noqa: E402
from walktimer.core.plan import build_plan  # noqa: E402
from walktimer.resources import bundled_session  # noqa: E402


def dense_session(seconds: int) -> str:
    """Phases of 30 s with a spoken cue every 4 s, a beep every 6 s, a reminder, "Next",
    three countdown ticks and the bell: about one cue every two seconds."""
    phases = max(1, seconds // 30)
    out = [
        'format = 1\nname = "Dense"\n',
        "[announce]\ncountdown = 3\nremaining = []\nnext = true\ntargets = true\n",
        '[reminders]\nevery = "15s"\ntexts = ["Head level, eyes forward.", '
        '"Let your shoulders drop."]\n',
    ]
    for i in range(phases):
        out.append(
            f'[[phase]]\nname = "Stretch {i + 1}"\nduration = "30s"\nspeed = "{3 + i % 3} km/h"\n'
            f'  [[phase.cue]]\n  every = "4s"\n  say = "Keep going, part {i + 1}."\n'
            '  [[phase.cue]]\n  every = "6s"\n  sound = "beep"\n'
        )
    return "\n".join(out)


class Clock:
    def now(self) -> float:
        return time.monotonic()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"n={len(ms):4d}  p50 {statistics.median(ms):8.2f} ms  p99 {percentile(ms, 99):8.2f} ms"
        f"  max {max(ms):8.2f} ms"
    )


def render_times(repeats: int) -> tuple[int, list[float], list[float]]:
    plan = build_plan(load_path(bundled_session("back-care-30.toml")))
    texts = plan.spoken_texts()
    voice = plan.session.voice
    cold: list[float] = []
    warm: list[float] = []
    for i in range(repeats):
        cache = SpeechCache(WORK / f"render-{i}")
        for times in (cold, warm):
            service = SpeechService(voice=voice.voice, rate=voice.rate, cache=cache)
            start = time.perf_counter()
            clips = service.render_all(texts)
            times.append(time.perf_counter() - start)
            service.close()
            assert len(clips) == len(texts), service.failure()
    return len(texts), cold, warm


def dense_run(seconds: int, ducking: Ducking | None = None) -> tuple[dict[str, list[float]], int]:
    """Latencies by kind of clip and by whether it was the first clip of its batch (the
    mechanism alone) or queued behind one due at the same moment (the bell before the words:
    on a real device the words wait for the bell to end, by design). `ducking` has other
    players step aside while clips sound (bench_ducking.py)."""
    session = load_text(dense_session(seconds))
    plan = build_plan(session)
    reports: list[PlaybackReport] = []
    holder: list[AudioSink] = []

    def ended(report: PlaybackReport) -> None:
        reports.append(report)
        if holder:
            holder[0].on_playback_end(report)

    player = Player(open_simpleaudio, on_end=ended)
    sink = AudioSink(
        session, player=player, speech=SpeechService(rate=session.voice.rate), ducking=ducking
    )
    holder.append(sink)
    sink.prepare(plan)
    # Each clip the sink queues is tagged with its batch's deadline and place in the batch.
    tags: list[tuple[float, bool]] = []
    out: dict[str, list[float]] = {}
    current = [0.0]
    first = [True]
    enqueue = player.enqueue

    def tagged(*args: object, **kwargs: object) -> None:
        tags.append((current[0], first[0]))
        first[0] = False
        enqueue(*args, **kwargs)  # type: ignore[arg-type]

    player.enqueue = tagged  # type: ignore[method-assign]
    clock = Clock()
    engine = Engine(plan, clock)
    current[0] = clock.now()
    sink.play(engine.start())
    while True:
        deadline = engine.next_deadline()
        if deadline is None:
            break
        pause = deadline - clock.now()
        if pause > 0:
            time.sleep(pause)
        batch: list[Fired] = engine.advance()
        current[0] = deadline
        first[0] = True
        began = time.perf_counter()
        sink.play(batch)
        if batch:
            out.setdefault("caller blocked in sink.play", []).append(time.perf_counter() - began)
    player.wait_idle(30)
    notices = sink.notices()
    sink.close()
    assert not notices, notices
    for (deadline, lead), report in zip(tags, reports, strict=True):
        assert report.started is not None, report
        kind = "cached speech" if report.kind == "speech" else "tones"
        place = "first of its moment" if lead else "after another clip"
        out.setdefault(f"{kind}, {place}", []).append(report.started - deadline)
        out.setdefault(f"{kind}, all", []).append(report.started - deadline)
    return out, len(list(DEVICE.iterdir()))


def naive_run(texts: list[str]) -> tuple[list[float], list[float]]:
    """pyttsx3 in the caller's thread at the moment each cue is due (what not to do).

    Audio start is when `aplay` (which pyttsx3's espeak driver runs) opens the file sink.
    """
    import pyttsx3

    engine = pyttsx3.init()
    engine.setProperty("rate", 170)
    devnull = open(os.devnull, "w")  # noqa: SIM115
    latencies: list[float] = []
    blocked: list[float] = []
    for text in texts:
        before = set(DEVICE.iterdir())
        appeared: list[float] = []
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(before, appeared, stop), daemon=True)
        watcher.start()
        due = time.monotonic()
        stdout, sys.stdout = sys.stdout, devnull
        try:
            engine.say(text)
            engine.runAndWait()
        finally:
            sys.stdout = stdout
        blocked.append(time.monotonic() - due)
        watcher.join(timeout=10)
        stop.set()
        if appeared:
            latencies.append(appeared[0] - due)
        time.sleep(0.2)
    return latencies, blocked


def _watch(before: set[Path], appeared: list[float], stop: threading.Event) -> None:
    while not stop.is_set():
        if set(DEVICE.iterdir()) - before:
            appeared.append(time.monotonic())
            return
        time.sleep(0.0005)


def spoken_seconds(texts: list[str]) -> list[float]:
    """How long each text lasts when spoken (rendered once through the worker)."""
    service = SpeechService(rate=170, cache=SpeechCache(WORK / "lengths"))
    clips = service.render_all(texts)
    service.close()
    return [clips[t].seconds for t in texts]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120, help="length of the dense session")
    parser.add_argument("--repeats", type=int, default=3, help="cold/warm render repeats")
    args = parser.parse_args()
    print(f"walktimer cue latency ({sys.platform}, Python {sys.version.split()[0]})")

    count, cold, warm = render_times(args.repeats)
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    print(f"\nRender all {count} spoken texts of back-care-30.toml (median of {args.repeats}):")
    print(f"  cold (empty cache, worker start included)  {cold_s:7.3f} s")
    print(f"  warm (all cached, no worker started)       {warm_s:7.3f} s")
    print(f"  cold / warm                                {cold_s / warm_s:7.0f} x")

    latency, files = dense_run(args.seconds)
    print(f"\nDense {args.seconds} s session, deadline -> clip start (simpleaudio, file sink):")
    for name in sorted(latency):
        print(f"  {name:38s} {summary(latency[name])}")
    print(f"  clips that reached the device: {files}")

    sample = [
        "Keep going, part 1.",
        "Head level, eyes forward.",
        "Next: Stretch 2.",
        "Let your shoulders drop.",
        "Speed 3 kilometres per hour.",
    ] * 2
    latencies, blocked = naive_run(sample)
    lengths = spoken_seconds(sample)
    real_block = [b + n for b, n in zip(blocked, lengths, strict=True)]
    ours = statistics.median(latency["cached speech, all"])
    print("\nNaive baseline: pyttsx3 say + runAndWait when due, in the caller's thread:")
    print(f"  due -> audio start        {summary(latencies)}")
    print(f"  caller blocked, file sink {summary(blocked)}")
    print("  caller blocked, a real device (+ the words' length, aplay plays in real time)")
    print(f"                            {summary(real_block)}")
    print(f"  median latency, naive / walktimer: {statistics.median(latencies) / ours:.1f} x")
    print(f"\n(whole run: {time.monotonic() - STARTED:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
