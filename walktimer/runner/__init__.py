"""The terminal runner (`walktimer run FILE --no-gui`): builds the clock, screen, keys, sink and
event log around one Engine and hands them to the host loop."""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import argparse

    from walktimer.core.plan import Plan
    from walktimer.core.ports import CueSink
    from walktimer.core.script import Session
    from walktimer.history.resume import ResumePoint
    from walktimer.runner.host import KeySource

__all__ = ["run_terminal"]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_terminal(
    args: argparse.Namespace,
    session: Session,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    path: Path | None = None,
    resume_from: ResumePoint | None = None,
    programme: tuple[str, int] | None = None,
    diary: bool = True,
) -> int:
    """Run `session` in the terminal with the options of `walktimer run`. Returns the exit
    code: 0 when it finished or was stopped with q, 130 when interrupted (Ctrl-C, SIGTERM).
    `path` is the script file (for the resume file and the history); `resume_from` carries
    on a run that died where it was saved. `programme` (enrolment id, week) is what the walk
    counts for. With `diary`, a real walk on a terminal asks for the pain before and after."""
    from walktimer.core.clock import Clock, ScaledClock, SystemClock
    from walktimer.core.durations import format_clock
    from walktimer.core.engine import STALL_LIMIT, Engine
    from walktimer.core.format.text import printable
    from walktimer.core.plan import build_plan
    from walktimer.desktop.ducking import Ducker, restore_leftovers
    from walktimer.desktop.mpris import MprisService, player_state
    from walktimer.history.keeper import RunKeeper
    from walktimer.i18n import host_language, speech_voice
    from walktimer.runner.diary import AFTER, BEFORE, ask_note, ask_rating, line_asker
    from walktimer.runner.display import LiveScreen, PlainScreen, Screen, summary_line
    from walktimer.runner.host import NoKeys, RunResult, TerminalHost
    from walktimer.runner.output import EventLog, RenderProgress, make_sink
    from walktimer.runner.remote import RemoteKeys, controls_for
    from walktimer.runner.treadmill import open_treadmill

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    plan = build_plan(session, language=host_language(None, os.environ))

    log: EventLog | None = None
    if args.events is not None:
        try:
            log = EventLog(Path(args.events))
        except OSError as error:
            reason = error.strerror or str(error)
            print(
                f"walktimer run: cannot write the event log {args.events}: {reason}. "
                "Give a path in a folder you can write to.",
                file=sys.stderr,
            )
            return 1

    clock: Clock = SystemClock()
    to_base = None
    if args.speed != 1.0:
        scaled = ScaledClock(clock, args.speed)
        clock, to_base = scaled, scaled.to_base

    # The pain diary: only for a real walk begun here, and only where someone can answer.
    asking = diary and args.speed == 1.0 and resume_from is None and _is_tty(stdin)
    ask = line_asker(stdin, stdout)

    def say(text: str) -> None:
        print(text, file=stdout)

    pain_before: int | None = None
    if asking:
        try:
            pain_before = ask_rating(ask, say, BEFORE)
        except KeyboardInterrupt:
            if log is not None:
                log.close()
            print("Stopped before the session began.", file=stdout)
            return 130

    screen: Screen = LiveScreen(stdout) if _is_tty(stdout) else PlainScreen(stdout)
    keys: KeySource = NoKeys()
    sink: CueSink | None = None
    mpris: MprisService | None = None
    belt = None
    outcome: RunResult | None = None
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        if _is_tty(stdin):
            keys = _keyboard(stdin.fileno())
        restored = restore_leftovers()  # music a killed walktimer left lowered
        if restored is not None:
            screen.line(restored)
        total = format_clock(plan.total)
        if plan.has_manual:
            total = f"at least {total}"
        count = len(plan.phases)
        screen.line(f"{session.name}: {total}, {count} phase{'s' if count != 1 else ''}.")
        if plan.has_manual and isinstance(keys, NoKeys):
            screen.line(_no_keys_for_manual(plan))
        ducking = Ducker(args.duck) if args.duck != "off" and not args.mute else None
        # With no voice chosen, one for the language the plan's words are in.
        voice = replace(
            session.voice, voice=speech_voice(session.voice.voice, plan.phrases.language)
        )
        voiced = replace(session, voice=voice)
        sink = make_sink(args, voiced, screen.line, ducking=ducking, duck_tones=args.duck_tones)
        sink.prepare(plan, RenderProgress(screen.line))
        for notice in sink.notices():
            screen.line(notice)
        companion = None
        if getattr(args, "treadmill", None) is not None:
            belt, companion = open_treadmill(args, plan, clock, screen.line)
            sink.expect(companion.upcoming_texts())
        # The stall rule is about a host waking late in real time: scale it with --speed.
        stall_limit = STALL_LIMIT * max(1.0, args.speed)
        if resume_from is None:
            engine = Engine(plan, clock, stall_limit=stall_limit)
            keeper = RunKeeper.begin(plan, path, speed=args.speed, on_notice=screen.line)
        else:
            engine = Engine.restore(
                plan, clock, resume_from.phase_index, resume_from.phase_elapsed,
                resume_from.record, session_elapsed=resume_from.session_elapsed,
                stall_limit=stall_limit,
            )  # fmt: skip
            keeper = RunKeeper.resuming(plan, resume_from, speed=args.speed, on_notice=screen.line)
        keeper.pain_before = pain_before
        keeper.programme = programme
        remote = RemoteKeys(keys)
        keys = remote
        mpris = MprisService(controls_for(remote))
        failure = mpris.start()
        if failure is not None and ducking is None:
            screen.line(failure)  # with ducking on, the sink says the same once
        host = TerminalHost(
            engine, clock, sink=sink, screen=screen, keys=keys, log=log, to_base=to_base,
            keeper=keeper, observer=lambda view: mpris.publish(player_state(session.name, view)),
            treadmill=belt.treadmill if belt else None, companion=companion,
        )  # fmt: skip
        outcome = host.run()  # handles Ctrl-C itself once the session runs
        mpris.close()  # the walk is over: media widgets no longer show it
        if asking and not outcome.interrupted:
            screen.close()
            keys.close()
            keeper.pain_after = ask_rating(ask, say, AFTER)
            keeper.note = ask_note(ask, say)
        if host.tally is not None:
            keeper.record_belt(host.tally.totals())
        keeper.finish(engine)  # finished or stopped: logged, and the resume file removed
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if mpris is not None:
            mpris.close()
        if sink is not None:
            sink.close()
        if belt is not None:
            belt.close()
        keys.close()
        screen.close()
        if log is not None:
            log.close()
    if outcome is None:
        print("Stopped before the session began.", file=stdout)
        return 130
    if args.speed != 1.0:
        print(
            f"This was a demo at x{args.speed:g}: the history keeps it marked as a demo, "
            "and it counts towards no goal, streak or total.",
            file=stdout,
        )
    print(printable(summary_line(outcome.record)), file=stdout)
    stdout.flush()
    return 130 if outcome.interrupted else 0


def _no_keys_for_manual(plan: Plan) -> str:
    """Said at the start when a manual phase could never end: nothing reads the n key."""
    first = next(p for p in plan.phases if p.manual)
    return (
        f'Phase "{first.name}" is manual and ends only with the n key, but no keys can be read '
        "here (standard input is not a terminal): the run will wait in that phase until it "
        "is stopped (Ctrl-C). Run it from a terminal, or in the window, to walk it through."
    )


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


def _keyboard(fd: int) -> KeySource:
    from walktimer.runner.host import NoKeys

    try:
        from walktimer.runner.keys import Keyboard

        return Keyboard(fd)
    except ImportError:  # no termios (Windows): run without keys
        return NoKeys()
