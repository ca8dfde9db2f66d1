"""`walktimer plan` of a 24-hour script with a hundred cues every second (8.6 million events)
starts writing at once and holds no more than a few lines, and the speech pre-renderer asks
only for its distinct words."""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from fakes import FakeRenderer, RecordingOutput

from walktimer import cli
from walktimer.audio.player import Player
from walktimer.audio.sink import AudioSink
from walktimer.core.loader import load_text
from walktimer.core.plan import build_plan

CUES = 100
DAY = 'format = 1\nname = "A day"\n\n[[phase]]\nname = "Day"\nduration = "24h"\n' + "".join(
    f'\n  [[phase.cue]]\n  every = 1\n  say = "Cue {i}."\n' for i in range(CUES)
)


class FirstLines:
    """A stdout that keeps the first lines and then acts as a closed pipe (`| head`)."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        if len(self.lines) >= self.most:
            raise BrokenPipeError
        self.lines.extend(text.splitlines())
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("json", [False, True])
def test_plan_of_a_dense_day_streams_at_once_in_little_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, json: bool
) -> None:
    script = tmp_path / "day.toml"
    script.write_text(DAY, encoding="utf-8")
    out = FirstLines(5000)
    monkeypatch.setattr(sys, "stdout", out)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        code = cli.main(["plan", *(["--json"] if json else []), str(script)])
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 0
    assert took < 5.0, took
    assert peak < 16 * 1024 * 1024, peak
    if json:
        assert out.lines[:3] == ["[", "  {", '    "t": 0,']
    else:
        # Its start (bell, name), the cues at 1 s to 86,399 s, one minute left, three ticks, the
        # finish.
        events = 2 + 86_399 * CUES + 1 + 3 + 1
        assert out.lines[0] == f"A day  (24:00:00, 1 phase, {events} events)"
        assert out.lines[2].split() == ["TIME", "PHASE", "EVENT", "WHAT"]
        assert out.lines[5].split() == ["0:00:01", "Day", "cue", "Cue", "0."]
        # The widest time is the finish's, 24:00:00: the column is as wide from the start.
        assert out.lines[5].startswith("0:00:01   Day")


def test_the_pre_renderer_asks_for_each_distinct_word_of_a_dense_day_once() -> None:
    session = load_text(DAY)
    plan = build_plan(session)
    renderer = FakeRenderer()
    sink = AudioSink(session, player=Player(RecordingOutput), speech=renderer)
    started = time.perf_counter()
    try:
        sink.prepare(plan)
    finally:
        sink.close()
    assert time.perf_counter() - started < 5.0
    assert sorted(renderer.rendered) == sorted(
        ["Day", "One minute left.", "Session complete.", *(f"Cue {i}." for i in range(CUES))]
    )
