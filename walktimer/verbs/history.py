"""`walktimer history`: recent walks, the weekly goal and streak, CSV export, deleting walks."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from walktimer.i18n import N_, interface

if TYPE_CHECKING:
    from walktimer.history.log import HistoryLog, Walk
    from walktimer.history.stats import Goal, WeeklyProgress
    from walktimer.i18n import Phrases

HELP = N_("Show past walks and weekly progress, export them as CSV or FIT, or delete them.")

DESCRIPTION = N_("""\
Show past walks and weekly progress, export them as CSV or FIT, or delete them.

Without options it lists the most recent walks (with the id each one is deleted by), then
the last eight weeks: active minutes per day, how many days reached the daily minutes of
the weekly goal, the current streak of weeks that met the goal, and totals.

The weekly goal counts days, not walks: by default 30+ minutes of walking on 5 days a
week, as the back-care guidance asks ("at least 30 minutes a day, five days a week"). A
day counts when all its walks together add up to 30 minutes or more, so two 15-minute
walks make a goal day and two 30-minute walks on one day still make one. Set another goal
with --set-goal DAYSxMINUTES (kept in the config directory; the window uses the same goal).
The current week does not break a streak before it is over.

Runs at `walktimer run --no-gui --speed FACTOR` (demos and tests) are listed marked
"demo x60" (the clock's speed) but count towards no day, goal, streak or total.

Each walk shows the pain diary when it has one ("4 -> 2": 0-10 before -> after the walk)
and its note; the CSV has the ratings, the note and what a treadmill reported (distance_m
and avg_speed_kmh, empty when none). --export fit FILE writes the latest walk (or those
chosen with --walk ID) as a FIT activity for Garmin Connect, Strava or intervals.icu: sport
walking, sub-sport treadmill for a treadmill session, one lap per walked phase, the active
and elapsed times and the distance when a treadmill reported it. An existing file is never
overwritten.

The history is a SQLite file in the user data directory and never leaves this machine.
--delete and --delete-all ask first when run in a terminal; elsewhere they need --yes.

Exit status: 0 on success, 1 when the history cannot be read or a walk does not exist,
2 on a usage error (including a deletion that was not confirmed).""")

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS: tuple[str, ...] = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"))
MONTHS += (N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))
CSV_COLUMNS = (
    "id",
    "started",
    "started_utc",
    "local_day",
    "script_name",
    "script_path",
    "script_sha256",
    "planned_seconds",
    "active_seconds",
    "ended",
    "speed",
    "phases_done",
    "phases_extended",
    "phases_skipped",
    "phases_stopped",
    "phases_not_reached",
    "phases_interrupted",
    "extended_seconds",
    "phases",
    "pain_before",
    "pain_after",
    "note",
    "distance_m",
    "avg_speed_kmh",
    "programme_week",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t = interface()
    parser.description = t.gettext(DESCRIPTION)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "-n",
        "--limit",
        type=_count,
        default=10,
        metavar="N",
        help=t.gettext("how many recent walks to list (0: all; default 10)"),
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--csv",
        action="store_true",
        help=t.gettext("export every walk as CSV (to stdout, or -o FILE)"),
    )
    action.add_argument(
        "--export",
        nargs=2,
        metavar=("FORMAT", "FILE"),
        help=t.gettext(
            "export walks as FIT activities: --export fit FILE (the latest walk, or the "
            "walks chosen with --walk; for several, FILE is a folder)"
        ),
    )
    action.add_argument(
        "--delete", type=_count, metavar="ID", help=t.gettext("delete one walk by its id")
    )
    action.add_argument(
        "--delete-all", action="store_true", help=t.gettext("delete the whole history")
    )
    action.add_argument(
        "--set-goal",
        metavar="DAYSxMINUTES",
        help=t.gettext(
            "set the weekly goal, e.g. 5x30: 30+ minutes of walking (all walks of a day "
            "together) on 5 days a week"
        ),
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help=t.gettext("with --csv: write to FILE")
    )
    parser.add_argument("-y", "--yes", action="store_true", help=t.gettext("delete without asking"))
    parser.add_argument(
        "--walk",
        type=_count,
        action="append",
        metavar="ID",
        help=t.gettext("with --export: a walk to export, by its id (repeat for several)"),
    )


_LARGEST = 2**63 - 1  # SQLite's largest integer


def _count(text: str) -> int:
    t = interface()
    try:
        value = int(text)
    except ValueError:
        message = t.gettext("expected a whole number, not {text}").format(text=repr(text))
        raise argparse.ArgumentTypeError(message) from None
    if value < 0:
        message = t.gettext("expected zero or more, not {value}").format(value=value)
        raise argparse.ArgumentTypeError(message)
    if value > _LARGEST:
        message = t.gettext("{value} is larger than any walk number or count")
        raise argparse.ArgumentTypeError(message.format(value=value))
    return value


def _now() -> datetime:
    """The wall clock, read here at the edge (tests replace it)."""
    return datetime.now().astimezone()


def _err(text: str) -> None:
    print(f"walktimer: {text}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from walktimer.history.log import HistoryError, HistoryLog

    t = interface()
    if args.output is not None and not args.csv:
        _err(t.gettext("-o/--output goes with --csv; add --csv to export the walks to a file."))
        return 2
    if args.walk and args.export is None:
        _err(t.gettext("--walk goes with --export; add --export fit FILE to export those walks."))
        return 2
    if args.export is not None and args.export[0].lower() != "fit":
        message = t.gettext("walks export as fit, not {format}: write --export fit FILE.")
        _err(message.format(format=repr(args.export[0])))
        return 2
    if args.set_goal is not None:
        return _set_goal(args.set_goal)
    try:
        history = HistoryLog(on_notice=_err)
    except HistoryError as error:
        _err(str(error))
        return 1
    with history:
        try:
            if args.csv:
                return _export(history, args.output)
            if args.export is not None:
                return _export_fit(history, Path(args.export[1]), args.walk or [])
            if args.delete is not None:
                return _delete(history, args.delete, args.yes)
            if args.delete_all:
                return _delete_all(history, args.yes)
            return _show(history, args.limit)
        except HistoryError as error:
            _err(str(error))
            return 1


# --- showing --------------------------------------------------------------------------------


def _show(history: HistoryLog, limit: int) -> int:
    from walktimer.core.format.text import printable
    from walktimer.history.goal import load_goal
    from walktimer.history.stats import progress

    now = _now()
    walks = history.walks(limit or None)
    stored = history.count()
    count, active, first = history.totals()
    stats = progress(
        history.daily_active(),
        now.date(),
        load_goal(),
        total_walks=count,
        total_active_seconds=active,
        first_day=first.date() if first else None,
    )
    print(printable("\n".join(report(walks, stats, stored)), keep_newlines=True))
    return 0


def _clock(seconds: float) -> str:
    from walktimer.core.durations import format_clock

    return format_clock(seconds)


def _when(moment: datetime, t: Phrases | None = None) -> str:
    """ "Mon 03 Feb 2026 07:30", its day and month in the user's language."""
    t = t or interface()
    day = t.gettext(WEEKDAYS[moment.weekday()])
    month = t.gettext(MONTHS[moment.month - 1])
    return f"{day} {moment:%d} {month} {moment:%Y %H:%M}"


def _ended(walk: Walk, t: Phrases) -> str:
    value = walk.ended.value
    text = _ending(value, t)
    if walk.phases and value not in ("finished", "resumed-finished"):
        total = len(walk.phases)
        walked = t.ngettext(
            "{walked} of {total} phase walked", "{walked} of {total} phases walked", total
        )
        text += " (" + walked.format(walked=walk.walked, total=total) + ")"
    if walk.demo:
        text = t.gettext("demo x{speed}").format(speed=f"{walk.speed:g}") + f", {text}"
    return text


def _ending(value: str, t: Phrases) -> str:
    """How a walk ended ("finished", "resumed-stopped"), as the list says it."""
    endings = {
        "finished": t.pgettext("walk ended", "finished"),
        "stopped": t.pgettext("walk ended", "stopped"),
        "interrupted": t.pgettext("walk ended", "interrupted"),
        "resumed-finished": t.pgettext("walk ended", "resumed-finished"),
        "resumed-stopped": t.pgettext("walk ended", "resumed-stopped"),
    }
    return endings.get(value, value)


def _hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def goal_text(goal: Goal, t: Phrases) -> str:
    """ "30+ minutes of walking on 5 days a week" in the user's language."""
    text = t.ngettext(
        "{minutes}+ minutes of walking on {days} day a week",
        "{minutes}+ minutes of walking on {days} days a week",
        goal.days,
    )
    return text.format(minutes=goal.minutes, days=goal.days)


def _cell(text: str, width: int) -> str:
    """`text` padded to `width` characters, or cut to it with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def report(
    walks: Sequence[Walk], stats: WeeklyProgress, total: int, t: Phrases | None = None
) -> list[str]:
    """The lines `walktimer history` prints, in the user's language."""
    t = t or interface()
    lines: list[str] = []
    if not walks:
        lines.append(t.gettext("No walks in the history yet; `walktimer run` starts one."))
    else:
        if len(walks) < total:
            shown = t.gettext("{shown} of {total}").format(shown=len(walks), total=total)
        else:
            shown = f"{total}"
        lines.append(t.gettext("Recent walks ({shown}, newest first):").format(shown=shown))
        name_width = min(28, max(6, *(len(w.script_name) for w in walks)))
        id_width = max(2, *(len(str(w.id)) for w in walks))
        # The pain diary's column, only when a listed walk has a rating.
        pain = any(w.pain_text for w in walks)
        pain_head = t.gettext("Pain").ljust(7) + "  " if pain else ""
        started, script = t.gettext("Started"), t.gettext("Script")
        active, planned = t.gettext("Active"), t.gettext("Planned")
        walk_id, ended = t.gettext("ID"), t.gettext("Ended")
        lines.append(
            f"  {walk_id:>{id_width}}  {started:<22}  {script:<{name_width}}  "
            f"{pain_head}{active:>7}  {planned:>7}  {ended}"
        )
        for walk in walks:
            name = _cell(walk.script_name, name_width)
            pain_cell = f"{walk.pain_text:<7}  " if pain else ""
            lines.append(
                f"  {walk.id:>{id_width}}  {_when(walk.started, t):<22}  {name:<{name_width}}  "
                f"{pain_cell}{_clock(walk.active_seconds):>7}  "
                f"{_clock(walk.planned_seconds):>7}  {_ended(walk, t)}"
            )
            if walk.note:
                lines.append(
                    f"  {'':>{id_width}}  " + t.gettext("note: {note}").format(note=walk.note)
                )
        if pain:
            lines.append(
                t.gettext(
                    "  (pain: 0-10 before -> after the walk, from the pain diary; ? = not rated)"
                )
            )
        if any(walk.demo for walk in walks):
            lines.append(
                t.gettext(
                    "  (demo: run with --speed; kept here, but counted in no day, goal, streak "
                    "or total)"
                )
            )
    lines.append("")
    goal = stats.goal
    lines.append(t.gettext("Weekly goal: {goal}.").format(goal=goal_text(goal, t)))
    lines.append(
        t.gettext(
            "Minutes walked per day (* = {minutes}+, a goal day; Days = goal days "
            "of the {days} needed):"
        ).format(minutes=goal.minutes, days=goal.days)
    )
    days_head, minutes_head = t.gettext("Days"), t.gettext("Minutes")
    lines.append(
        "  "
        + t.gettext("Week").ljust(8)
        + " "
        + " ".join(f"{t.gettext(d):>4}" for d in WEEKDAYS)
        + f"   {days_head:<4}  {minutes_head}"
    )
    for week in stats.weeks:
        cells = []
        for day in week.days:
            if day.future:
                cells.append("    ")
            elif day.active_seconds <= 0:
                cells.append("   .")
            else:
                mark = "*" if day.meets_goal else " "
                cells.append(f"{round(day.minutes):>3}{mark}")
        met = " " + t.gettext("met") if week.met else ""
        current = "  " + t.gettext("(this week)") if week is stats.current_week else ""
        lines.append(
            f"  {week.label} "
            + " ".join(cells)
            + f"   {week.goal_days}/{goal.days}  {round(week.active_seconds / 60):>7}"
            + met
            + current
        )
    streak = t.ngettext(
        "Streak: {streak} week in a row meeting the goal (best {best}).",
        "Streak: {streak} weeks in a row meeting the goal (best {best}).",
        stats.streak,
    )
    lines.append(streak.format(streak=stats.streak, best=stats.best_streak))
    if stats.total_walks:
        since = ""
        if stats.first_day:
            first = stats.first_day
            month = t.gettext(MONTHS[first.month - 1])
            since = t.gettext(", since {date}").format(date=f"{first:%d} {month} {first:%Y}")
        totals = t.ngettext(
            "Totals: {count} walk, {time} walking{since}.",
            "Totals: {count} walks, {time} walking{since}.",
            stats.total_walks,
        )
        lines.append(
            totals.format(
                count=stats.total_walks, time=_hours(stats.total_active_seconds), since=since
            )
        )
    return lines


# --- exporting ------------------------------------------------------------------------------


def csv_rows(walks: Sequence[Walk]) -> list[list[str]]:
    from walktimer.core.durations import format_clock
    from walktimer.history.log import PhaseResult

    rows: list[list[str]] = [list(CSV_COLUMNS)]
    for walk in walks:
        phases = []
        for p in walk.phases:
            text = f"{p.name}: {p.outcome.value}"
            if p.outcome is PhaseResult.STOPPED and p.active_seconds is not None:
                text += f" after {format_clock(p.active_seconds)}"
            if p.extended_by:
                text += f" +{format_clock(p.extended_by)}"
            phases.append(text)
        rows.append(
            [
                str(walk.id),
                walk.started.isoformat(),
                walk.started_utc.isoformat().replace("+00:00", "Z"),
                walk.local_day.isoformat(),
                walk.script_name,
                walk.script_path or "",
                walk.script_sha256 or "",
                f"{walk.planned_seconds:.1f}",
                f"{walk.active_seconds:.1f}",
                walk.ended.value,
                f"{walk.speed:g}",
                str(walk.count(PhaseResult.DONE)),
                str(walk.count(PhaseResult.EXTENDED)),
                str(walk.count(PhaseResult.SKIPPED)),
                str(walk.count(PhaseResult.STOPPED)),
                str(walk.count(PhaseResult.NOT_REACHED)),
                str(walk.count(PhaseResult.INTERRUPTED)),
                f"{sum(p.extended_by for p in walk.phases):.1f}",
                " | ".join(phases),
                _blank(walk.pain_before),
                _blank(walk.pain_after),
                walk.note,
                "" if walk.distance_m is None else f"{walk.distance_m:.1f}",
                "" if walk.avg_speed_kmh is None else f"{walk.avg_speed_kmh:.2f}",
                _blank(walk.programme_week),
            ]
        )
    return rows


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


def _write_csv(rows: list[list[str]], out: TextIO) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)


def _export(history: HistoryLog, output: Path | None) -> int:
    rows = csv_rows(history.walks(newest_first=False))
    if output is None:
        from walktimer.core.format.text import printable

        # On the terminal, a name stored with control characters is shown escaped; a file
        # (-o) keeps the history's text as it is.
        _write_csv([[printable(cell) for cell in row] for row in rows], sys.stdout)
        return 0

    from walktimer import files

    folder = output.parent if str(output.parent) else Path(".")
    t = interface()
    if not folder.is_dir():
        _err(
            t.gettext("{folder} is not a folder; give -o a file in an existing folder.").format(
                folder=folder
            )
        )
        return 1
    text = io.StringIO(newline="")
    _write_csv(rows, text)
    try:
        files.write_atomic(output, text.getvalue().encode("utf-8"))
    except OSError as error:
        message = t.gettext("The walks cannot be written to {file} ({reason}).")
        _err(message.format(file=output, reason=error.strerror))
        return 1
    count = len(rows) - 1
    done = t.ngettext(
        "Exported {count} walk to {file}.", "Exported {count} walks to {file}.", count
    )
    print(done.format(count=count, file=output))
    return 0


def _export_fit(history: HistoryLog, target: Path, ids: Sequence[int]) -> int:
    from walktimer.files import write_atomic
    from walktimer.history.fit import fit_bytes, fit_file_name, used_treadmill

    t = interface()
    if ids:
        walks = []
        for walk_id in ids:
            walk = history.get(walk_id)
            if walk is None:
                _err(_no_walk(t).format(id=walk_id))
                return 1
            walks.append(walk)
    else:
        walks = [w for w in history.walks() if not w.demo][:1]
        if not walks:
            _err(t.gettext("There is no walk to export yet; `walktimer run` starts one."))
            return 1
    if len(walks) == 1 and not target.is_dir():
        files = [(target, walks[0])]
    else:
        if target.exists() and not target.is_dir():
            _err(
                t.gettext("{file} is a file; to export several walks give a folder.").format(
                    file=target
                )
            )
            return 1
        files = [(target / fit_file_name(w), w) for w in walks]
    for path, _ in files:
        if path.exists():
            message = t.gettext("{file} already exists; give another name or move it away first.")
            _err(message.format(file=path))
            return 1
    try:
        for path, walk in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, fit_bytes(walk, treadmill=used_treadmill(walk)))
    except OSError as error:
        message = t.gettext("The walks cannot be written to {file} ({reason}).")
        _err(message.format(file=target, reason=error.strerror or error))
        return 1
    where = files[0][0] if len(files) == 1 else target
    done = t.ngettext(
        "Exported {count} walk as FIT to {file}.",
        "Exported {count} walks as FIT to {file}.",
        len(files),
    )
    print(done.format(count=len(files), file=where))
    return 0


# --- deleting -------------------------------------------------------------------------------


def _confirm(question: str, yes: bool, ask: Callable[[str], str] | None = None) -> bool | None:
    """True to go ahead, False when declined, None when nobody could be asked."""
    if yes:
        return True
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    t = interface()
    try:
        answer = (ask or input)(question + " " + t.gettext("[y/N]") + " ")
    except EOFError:
        return False
    # Translators: the answers that mean yes, between bars, in lower case.
    yes_words = {"y", "yes", *t.gettext("y|yes").split("|")}
    return answer.strip().lower() in yes_words


def _no_walk(t: Phrases) -> str:
    return t.gettext("There is no walk {id} in the history; `walktimer history` lists the ids.")


def _delete(history: HistoryLog, walk_id: int, yes: bool) -> int:
    t = interface()
    walk = history.get(walk_id)
    if walk is None:
        _err(_no_walk(t).format(id=walk_id))
        return 1
    what = t.gettext("walk {id} ({started}, {name}, {active})").format(
        id=walk_id,
        started=_when(walk.started, t),
        name=walk.script_name,
        active=_clock(walk.active_seconds),
    )
    answer = _confirm(t.gettext("Delete {what}?").format(what=what), yes)
    if answer is None:
        _err(t.gettext("Deleting a walk needs a yes: add --yes to delete it without being asked."))
        return 2
    if not answer:
        print(t.gettext("Nothing was deleted."))
        return 0
    history.delete(walk_id)
    print(t.gettext("Deleted {what}.").format(what=what))
    return 0


def _delete_all(history: HistoryLog, yes: bool) -> int:
    t = interface()
    count = history.count()
    if count == 0:
        print(t.gettext("The history is already empty."))
        return 0
    question = t.ngettext(
        "Delete all {count} walk from the history? This cannot be undone.",
        "Delete all {count} walks from the history? This cannot be undone.",
        count,
    )
    answer = _confirm(question.format(count=count), yes)
    if answer is None:
        message = N_(
            "Deleting the history needs a yes: add --yes to delete it without being asked."
        )
        _err(t.gettext(message))
        return 2
    if not answer:
        print(t.gettext("Nothing was deleted."))
        return 0
    deleted = history.delete_all()
    done = t.ngettext(
        "Deleted {count} walk; the history is empty.",
        "Deleted {count} walks; the history is empty.",
        count,
    )
    print(done.format(count=deleted))
    return 0


# --- the goal -------------------------------------------------------------------------------


def _set_goal(text: str) -> int:
    from walktimer.history.goal import parse_goal, save_goal

    t = interface()
    try:
        goal = parse_goal(text)
    except ValueError as error:
        _err(f"{error}.")
        return 2
    try:
        save_goal(goal)
    except OSError as error:
        _err(t.gettext("The goal cannot be saved ({reason}).").format(reason=error.strerror))
        return 1
    print(t.gettext("Weekly goal set: {goal}.").format(goal=goal_text(goal, t)))
    return 0
