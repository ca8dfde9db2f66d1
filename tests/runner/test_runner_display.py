"""What the terminal shows: the status block, big digits, cue and phase lines, the summary."""

from __future__ import annotations

import io

from walktimer.core.clock import FakeClock
from walktimer.core.engine import Engine
from walktimer.core.plan import Plan, build_plan
from walktimer.core.script import Announce, Incline, Phase, Session, Speed
from walktimer.runner.display import (
    KEY_HINTS,
    LiveScreen,
    PlainScreen,
    big_digits,
    cue_line,
    phase_line,
    progress_bar,
    status_lines,
    summary_line,
)


def plan() -> Plan:
    return build_plan(
        Session(
            name="Walk",
            phases=(
                Phase("Brisk", duration=300, speed=Speed(4.5), incline=Incline(2)),
                Phase("Hold", duration=None),
                Phase("Easy", duration=100),
            ),
            announce=Announce(countdown=0, remaining=(), next=False, targets=False),
        )
    )


def test_big_digits() -> None:
    assert big_digits("1:05") == [
        "▀█    █▀█ █▀▀",
        " █  ▀ █ █ ▀▀█",
        "▀▀▀ ▀ ▀▀▀ ▀▀▀",
    ]


def test_progress_bar() -> None:
    assert progress_bar(0.0, 4) == "░░░░"
    assert progress_bar(0.5, 4) == "██░░"
    assert progress_bar(1.5, 4) == "████"


def test_status_block_of_a_timed_phase() -> None:
    clock = FakeClock()
    engine = Engine(plan(), clock)
    engine.start()
    clock.advance(55.2)  # 244.8 s left: shown as 4:05
    lines = status_lines(engine.view(), width=200)
    assert lines[0] == "▶ Brisk · phase 1 of 3 · speed 4.5 km/h · incline 2%"
    assert lines[1:4] == ["  " + row for row in big_digits("4:05")[:1]] + [
        "  " + big_digits("4:05")[1] + "   left",
        "  " + big_digits("4:05")[2],
    ]
    assert lines[4] == f"next: Hold  {progress_bar(55.2 / 400)} 14%  at least 5:45 to go"
    assert lines[5] == KEY_HINTS


def test_status_block_of_a_manual_phase_paused_and_with_a_message() -> None:
    clock = FakeClock()
    engine = Engine(plan(), clock)
    engine.start(1)
    clock.advance(75.9)
    engine.pause()
    lines = status_lines(engine.view(), width=200, message="Cannot extend.")
    assert lines[0] == "⏸ PAUSED Hold · phase 2 of 3"
    assert lines[2].endswith("held: press n when done")
    assert big_digits("1:15")[1] in lines[2]
    assert lines[5] == "Cannot extend."


def test_status_lines_never_exceed_the_width() -> None:
    engine = Engine(plan(), FakeClock())
    engine.start()
    for line in status_lines(engine.view(), width=30):
        assert len(line) <= 29
    assert status_lines(engine.view(), width=30)[5].endswith("…")


def test_cue_phase_and_summary_lines() -> None:
    p = plan()
    clock = FakeClock()
    engine = Engine(p, clock)
    fired = engine.start()
    assert [cue_line(f) for f in fired] == [
        "0:00:00  Brisk  phase  [bell]",
        "0:00:00  Brisk  say  Brisk",
    ]
    assert phase_line(p.phases[0], 3, 300.0) == (
        "== Brisk · phase 1 of 3 · 5:00 · speed 4.5 km/h · incline 2%"
    )
    assert phase_line(p.phases[1], 3, None) == "== Hold · phase 2 of 3 · until you press n"
    clock.advance(10)
    engine.extend(60)
    clock.advance(360)
    engine.advance()
    clock.advance(20)
    engine.stop()
    assert summary_line(engine.record()) == (
        "Session stopped: 6:30 walked of at least 6:40 planned; 0 phases done, "
        '1 extended by 1:00, "Hold" stopped after 0:30, 1 not reached.'
    )


def test_summary_line_counts_one_phase_in_the_singular() -> None:
    clock = FakeClock()
    engine = Engine(plan(), clock)
    engine.start()
    clock.advance(300)
    engine.advance()
    engine.next()  # the manual phase ends with Next
    engine.next()  # the last one is skipped: finished
    assert summary_line(engine.record()).endswith("; 2 phases done, 1 skipped.")
    engine = Engine(plan(), FakeClock())
    engine.start(1)
    engine.next()
    engine.stop()
    assert summary_line(engine.record()).endswith(
        '; 1 phase done, "Easy" stopped after 0:00, 1 not reached.'
    )


def test_plain_screen_prints_lines_and_state_changes() -> None:
    out = io.StringIO()
    screen = PlainScreen(out)
    clock = FakeClock()
    engine = Engine(plan(), clock)
    engine.start()
    screen.show(engine.view())
    screen.line("a cue")
    engine.pause()
    screen.show(engine.view(), "Note.")
    screen.show(engine.view(), "Note.")
    engine.resume()
    screen.show(engine.view())
    assert out.getvalue().splitlines() == ["a cue", "Note.", "Paused.", "Resumed."]


def test_live_screen_keeps_its_block_below_the_lines() -> None:
    out = io.StringIO()
    screen = LiveScreen(out)
    engine = Engine(plan(), FakeClock())
    engine.start()
    screen.show(engine.view())
    first = out.getvalue()
    screen.show(engine.view())  # nothing changed: nothing written
    assert out.getvalue() == first
    screen.line("0:00:05  Brisk  cue  Go.")
    screen.close()
    text = out.getvalue()
    assert text.startswith("\x1b[?25l▶ Brisk")
    # The block is erased (six lines), the line printed, the block drawn again.
    assert "\r\x1b[2K" + "\x1b[1A\x1b[2K" * 5 + "0:00:05  Brisk  cue  Go.\n▶ Brisk" in text
    assert text.endswith("\r\x1b[2K" + "\x1b[1A\x1b[2K" * 5 + "\x1b[?25h")
