"""One edit in the session editor on a 300-phase script, against tomli's parse of the text.

    .venv/bin/python benchmarks/bench_editor.py [--runs N] [--phases N]

Generates a commented script of N [[phase]] tables (every fifth a repeated block with two
steps; the others with two cues) and opens it as the editor's Document. Reports medians of:

  (a) tomli.loads(text)                                   the baseline
  (b) change one phase's duration in place + text()        what a keystroke costs the model
  (c) (b) + problems() (the loader's check_text)           a keystroke and its revalidation
  (d) move one phase (a structural edit, re-parsed)        for comparison
  (e) undo of (b) (restores the text, re-parsed)

and the ratio (c) / (a): one field change with its revalidation, in units of one plain parse.
All in the same run, on the same text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import tomli

from walktimer.editing import commands as C
from walktimer.editing.document import Document, Loc


def make_script(phases: int) -> str:
    out = [
        "# A generated script for the editor benchmark.",
        "format = 1",
        'name = "Editor benchmark"   # shown in the library',
        'tags = ["benchmark"]',
        "",
        "[voice]",
        "rate = 170          # words per minute",
        "",
        "[reminders]",
        'every = "45s"',
        'texts = ["Head level, eyes forward.", "Relax your shoulders."]',
    ]
    for i in range(phases):
        out.append("")
        out.append(f"# phase {i + 1}")
        if i % 5 == 4:
            out += [
                "[[phase]]",
                f'name = "Intervals {i}"',
                "repeat = 2",
                "",
                "  [[phase.step]]",
                '  name = "Brisk"',
                '  duration = "2m"',
                '  speed = "4.5 km/h"',
                "",
                "  [[phase.step]]",
                '  name = "Easy"',
                '  duration = "1m"   # catch your breath',
            ]
        else:
            out += [
                "[[phase]]",
                f'name = "Walk {i}"',
                'kind = "walk"',
                'duration = "3m"',
                f'say = "Walk {i}. Head level."',
                "",
                "  [[phase.cue]]",
                '  at = "1m"',
                '  say = "One minute in."',
                "",
                "  [[phase.cue]]",
                '  every = "50s"',
                '  sound = "ping"',
            ]
    return "\n".join(out) + "\n"


def median_ms(runs: int, action: Callable[[int], object]) -> float:
    times: list[float] = []
    for run in range(runs):
        start = time.perf_counter()
        action(run)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--phases", type=int, default=300)
    args = parser.parse_args(argv)

    text = make_script(args.phases)
    doc = Document(text)
    if doc.problems():
        print("the generated script is not valid", file=sys.stderr)
        return 1
    durations = ["4m", "3m30s", "2:45", "200"]
    middle = args.phases // 2 if (args.phases // 2) % 5 != 4 else args.phases // 2 + 1

    parse = median_ms(args.runs, lambda _r: tomli.loads(text))
    change = median_ms(
        args.runs,
        lambda r: (doc.set_value(Loc(phase=middle), "duration", durations[r % 4]), doc.text()),
    )
    revalidate = median_ms(
        args.runs,
        lambda r: (doc.set_value(Loc(phase=middle), "duration", durations[r % 4]), doc.problems()),
    )
    problems = doc.problems()

    history_doc = Document(text)
    history = C.History(history_doc)
    move = median_ms(
        max(3, args.runs // 4),
        lambda _r: history.do(C.move_item(history_doc, Loc(), "phase", 0, args.phases - 1)),
    )
    history.do(C.SetFields(Loc(phase=middle), {"duration": "9m"}))

    def undo_redo(_run: int) -> None:
        history.undo()
        history.redo()

    undo = median_ms(max(3, args.runs // 4), undo_redo) / 2

    print(f"script: {args.phases} phases, {len(text):,} characters; medians of {args.runs} runs")
    print(f"(a) tomli.loads (baseline)                    {parse:8.2f} ms")
    print(f"(b) one field change in place + text()        {change:8.2f} ms")
    print(f"(c) (b) + revalidation (check_text)           {revalidate:8.2f} ms")
    print(f"(d) move a phase (structural, re-parsed)      {move:8.2f} ms")
    print(f"(e) undo or redo of a field change            {undo:8.2f} ms")
    print(f"ratio (c) / (a): {revalidate / parse:.1f}")
    if problems:
        print("the edited script has problems:", *problems, sep="\n", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
