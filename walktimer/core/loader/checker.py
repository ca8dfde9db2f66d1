"""The checker: walks a parsed script, checks every format-1 rule and builds the Session.

It records each problem with the key path it concerns; the loader turns paths into lines and
columns only when there is something to report. Values are parsed by
`walktimer.core.format.values`, so the schema and the editor read them the same way.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from walktimer.core.durations import DurationError, format_clock, parse_duration, parse_offset
from walktimer.core.format.tables import (
    FORMAT_VERSION,
    KEYS,
    LIMITS,
    MAX_SESSION_SECONDS,
    PLACEHOLDERS,
)
from walktimer.core.format.text import MULTI_LINE_TEXTS, control_character, describe_control
from walktimer.core.format.values import (
    ValueProblem,
    parse_countdown,
    parse_incline,
    parse_kind,
    parse_order,
    parse_repeat,
    parse_sound,
    parse_speed,
    parse_voice_rate,
    parse_volume,
    plain_seconds,
)
from walktimer.core.loader.messages import (
    DURATION_HINT,
    TABLE_LABEL,
    TOP,
    clock,
    closest,
    homes,
    nested,
    or_list,
    show,
    where_of,
)
from walktimer.core.loader.wav import wav_problem
from walktimer.core.overlaps import WRITTEN, overlaps
from walktimer.core.plan import Event, EventKind, Plan, build_plan
from walktimer.core.positions import KeyPath
from walktimer.core.script import (
    Announce,
    Block,
    Cue,
    Incline,
    Kind,
    Offset,
    Phase,
    ReminderOrder,
    Reminders,
    Session,
    Sound,
    Sounds,
    Speed,
    Voice,
)

__all__ = ["Checker", "Ctx", "overlap_findings"]

_V = TypeVar("_V")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(slots=True)
class Ctx:
    """What a phase's texts and cues are checked against."""

    duration: int | None  # None: manual
    duration_ok: bool  # False when the duration itself is missing or wrong
    in_block: bool


class Checker:
    def __init__(self, base: Path) -> None:
        self.base = base
        # (the key path that gives the position, where, what, the key path it concerns)
        self.found: list[tuple[KeyPath, str, str, KeyPath]] = []
        # Each sound file is read once, however many cues play it.
        self.wav_cache: dict[str, str | None] = {}
        self.has_reminders_table = False
        # Keys an unknown key was taken for ("durtion" -> duration): not reported as missing too.
        self.suggested: set[KeyPath] = set()

    def problem(self, at: KeyPath, where: str, what: str, concerns: KeyPath | None = None) -> None:
        """Record a problem found at `at`; `concerns` names a key that is not written there (a
        missing one), for editors to show."""
        self.found.append((at, where, what, at if concerns is None else concerns))

    def controls(self, text: str, at: KeyPath, where: str, key: str, label: str = "") -> bool:
        """Report a control character the text may not hold (with its place in the text)."""
        multi_line = key in MULTI_LINE_TEXTS
        index = control_character(text, multi_line=multi_line)
        if index is None:
            return False
        allowed = (
            "only tabs and line breaks may be written in it"
            if multi_line
            else "it is one line, without tabs or line breaks"
        )
        self.problem(
            at,
            where,
            f"{label or key}: character {index + 1} of the text is the control character "
            f"{describe_control(text[index])}: remove it ({allowed})",
        )
        return True

    def missing(self, at: KeyPath, key: str, where: str, what: str) -> None:
        """Report a missing required key, unless a mistyped key was already taken for it."""
        if (*at, key) not in self.suggested:
            self.problem(at, where, what, (*at, key))

    # -- generic value checks --------------------------------------------------------------------

    def unknown_keys(
        self,
        table: Mapping[str, Any],
        allowed: tuple[str, ...],
        at: KeyPath,
        where: str,
        label: str,
        special: Callable[[str], str | None] | None = None,
    ) -> None:
        for key in table:
            if key in allowed:
                continue
            message = special(key) if special is not None else None
            if message is None:
                # A key that belongs in another table was most likely put in the wrong place;
                # otherwise it is most likely mistyped.
                places = homes(key)
                close = None if places else closest(key, allowed)
                if places:
                    message = (
                        f"unknown key {show(key)} here: {key} belongs {or_list(places)}; "
                        "move it there"
                    )
                elif close is not None:
                    self.suggested.add((*at, close))
                    message = f"unknown key {show(key)}: did you mean {close}?"
                else:
                    message = f"unknown key {show(key)}: {label} takes only {', '.join(allowed)}"
            self.problem((*at, key), where, message)

    def table(
        self, value: object, at: KeyPath, where: str, key: str, example: str
    ) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problem(at, where, f"{key}: expected a table like {example}, not {show(value)}")
        return None

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        at: KeyPath,
        where: str,
        *,
        ctx: Ctx | None = None,
        reminder: bool = False,
    ) -> str | None:
        """An optional non-empty string; texts that are spoken get their placeholders checked."""
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str):
            self.problem((*at, key), where, f"{key}: expected text in quotes, not {show(value)}")
            return None
        if not value.strip():
            self.problem(
                (*at, key), where, f"{key} is empty: write the text, or remove the {key} line"
            )
            return None
        if self.controls(value, (*at, key), where, key):
            return None
        if ctx is not None or reminder:
            self.placeholders(value, (*at, key), where, key, ctx)
        return value

    def placeholders(self, text: str, at: KeyPath, where: str, label: str, ctx: Ctx | None) -> None:
        for match in _PLACEHOLDER.finditer(text):
            name = match.group(1).strip()
            shown = "{" + match.group(1) + "}"
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                close = closest(name, PLACEHOLDERS)
                hint = f" (did you mean {{{close}}}?)" if close else ""
                self.problem(
                    at, where, f"{label}: unknown placeholder {shown}{hint}: use one of {known}"
                )
            elif ctx is None:
                continue
            elif name in ("rep", "reps") and not ctx.in_block:
                self.problem(
                    at,
                    where,
                    f"{label}: {shown} only works inside a repeated block (a phase with repeat "
                    "and [[phase.step]] tables): remove it here",
                )
            elif name == "remaining" and ctx.duration_ok and ctx.duration is None:
                self.problem(
                    at,
                    where,
                    f"{label}: {{remaining}} cannot be used in a manual phase, which has no set "
                    "end: use {elapsed} instead",
                )

    def boolean(self, table: Mapping[str, Any], key: str, at: KeyPath, where: str) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            self.problem((*at, key), where, f"{key}: expected true or false, not {show(value)}")
            return None
        return value

    def duration(
        self, value: object, at: KeyPath, where: str, key: str, *, manual: bool = False
    ) -> int | None:
        if isinstance(value, float) and not math.isfinite(value):
            # parse_duration would fail to round these; they are no duration at all.
            self.problem(at, where, f"{key}: expected {DURATION_HINT}, not {show(value)}")
            return None
        try:
            return parse_duration(value)
        except DurationError as error:
            message = str(error)
        if isinstance(value, float) and math.isfinite(value) and 0 < value <= MAX_SESSION_SECONDS:
            whole = sorted({math.floor(value), math.ceil(value)} - {0})
            message = (
                f"durations are whole seconds: write {or_list(str(n) for n in whole)}, or text "
                f'like "1m30s", not {show(value)}'
            )
        elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            number = plain_seconds(value)
            if number is None:  # thousands of digits
                message = f"{show(value)} is longer than a session may be (24 hours)"
            elif number > 0:
                message = f'a number of seconds goes without quotes: write {number} or "{number}s"'
            else:
                message = f"a duration must be greater than zero, not {show(value)}"
        elif message.startswith("expected "):
            also = ', or "manual" for a phase that ends when you press Next' if manual else ""
            message = f"expected {DURATION_HINT}{also}, not {show(value)}"
        self.problem(at, where, f"{key}: {message}")
        return None

    def parsed(
        self,
        table: Mapping[str, Any],
        key: str,
        at: KeyPath,
        where: str,
        parse: Callable[[object], _V],
    ) -> _V | None:
        """An optional value of one kind, read by its parser in walktimer.core.format."""
        if key not in table:
            return None
        try:
            return parse(table[key])
        except ValueProblem as error:
            self.problem((*at, key), where, f"{key}: {error}")
            return None

    def sound(self, value: object, at: KeyPath, where: str, key: str) -> tuple[bool, Sound | None]:
        """(valid, sound); `none` is a valid None."""
        try:
            parsed = parse_sound(value)
        except ValueProblem as error:
            self.problem(at, where, f"{key}: {error}")
            return False, None
        if not isinstance(parsed, str):
            return True, parsed
        file = Path(os.path.abspath(self.base / parsed))
        trouble = self.wav_problem(file)
        if trouble is not None:
            self.problem(at, where, f"{key}: the sound file {show(parsed)} {trouble}")
            return False, None
        return True, Sound(path=file)

    def wav_problem(self, file: Path) -> str | None:
        key = str(file)
        if key not in self.wav_cache:
            self.wav_cache[key] = wav_problem(file)
        return self.wav_cache[key]

    # -- the session ------------------------------------------------------------------------------

    def session(self, doc: dict[str, Any]) -> Session:
        if not self.format(doc):
            return Session(name="", phases=())
        self.unknown_keys(doc, KEYS["top"], (), TOP, TABLE_LABEL["top"])
        self.format_value(doc)
        name = self.name(doc, (), TOP, "the session", example='"Back-care walk"')
        description = self.text(doc, "description", (), TOP)
        author = self.text(doc, "author", (), TOP)
        tags = self.tags(doc)
        voice = self.voice(doc)
        sounds = self.sounds(doc)
        announce = self.announce(doc)
        reminders = self.reminders(doc)
        phases = self.phases(doc)
        return Session(
            name=name,
            phases=phases,
            format=FORMAT_VERSION,
            description=description,
            tags=tags,
            author=author,
            voice=voice,
            sounds=sounds,
            announce=announce,
            reminders=reminders,
        )

    def format(self, doc: Mapping[str, Any]) -> bool:
        """False when the file is for a newer walktimer: nothing else is worth checking then."""
        value = doc.get("format")
        if isinstance(value, int) and not isinstance(value, bool) and value > FORMAT_VERSION:
            self.problem(
                ("format",),
                TOP,
                f"this script was written for a newer walktimer (format {show(value)}); this "
                f"walktimer reads format {FORMAT_VERSION}: update walktimer to use it",
            )
            return False
        return True

    def format_value(self, doc: Mapping[str, Any]) -> None:
        if "format" not in doc:
            self.missing((), "format", TOP, "missing format: add the line format = 1 at the top")
            return
        value = doc["format"]
        if value != FORMAT_VERSION or not _is_int(value):
            self.problem(("format",), TOP, f"format: expected {FORMAT_VERSION}, not {show(value)}")

    def name(
        self, table: Mapping[str, Any], at: KeyPath, where: str, what: str, example: str
    ) -> str:
        low, high = LIMITS["name"]
        if "name" not in table:
            self.missing(
                at, "name", where, f"missing name: give {what} a name, e.g. name = {example}"
            )
            return ""
        value = table["name"]
        if not isinstance(value, str):
            self.problem((*at, "name"), where, f"name: expected text in quotes, not {show(value)}")
            return ""
        name = value.strip()
        if not name:
            self.problem(
                (*at, "name"),
                where,
                f"name is empty: give {what} a name"
                + (f" of {low:.0f} to {high:.0f} characters" if at == () else ""),
            )
        elif self.controls(value, (*at, "name"), where, "name"):
            return ""
        elif at == () and len(name) > high:
            self.problem(
                (*at, "name"),
                where,
                f"name is {len(name)} characters long: shorten it to {high:.0f} or fewer",
            )
        return name

    def tags(self, doc: Mapping[str, Any]) -> tuple[str, ...]:
        if "tags" not in doc:
            return ()
        value = doc["tags"]
        if not isinstance(value, list):
            self.problem(
                ("tags",),
                TOP,
                f'tags: expected a list of words like ["treadmill", "beginner"], not {show(value)}',
            )
            return ()
        tags: list[str] = []
        for i, tag in enumerate(value):
            if not isinstance(tag, str) or not tag.strip():
                self.problem(
                    ("tags", i),
                    TOP,
                    f"tag {i + 1}: expected a non-empty word in quotes, not {show(tag)}",
                )
            elif not self.controls(tag, ("tags", i), TOP, "tags", f"tag {i + 1}"):
                tags.append(tag.strip())
        return tuple(tags)

    def voice(self, doc: Mapping[str, Any]) -> Voice:
        if "voice" not in doc:
            return Voice()
        at: KeyPath = ("voice",)
        where = "[voice]"
        table = self.table(doc["voice"], at, TOP, "voice", "[voice] with rate and volume")
        if table is None:
            return Voice()
        self.unknown_keys(table, KEYS["voice"], at, where, "[voice]")
        rate = self.parsed(table, "rate", at, where, parse_voice_rate)
        volume = self.parsed(table, "volume", at, where, parse_volume)
        name = self.text(table, "voice", at, where)
        defaults = Voice()
        return Voice(
            rate=defaults.rate if rate is None else rate,
            volume=defaults.volume if volume is None else volume,
            voice=name,
        )

    def sounds(self, doc: Mapping[str, Any]) -> Sounds:
        if "sounds" not in doc:
            return Sounds()
        at: KeyPath = ("sounds",)
        where = "[sounds]"
        table = self.table(doc["sounds"], at, TOP, "sounds", '[sounds] with phase = "bell"')
        if table is None:
            return Sounds()
        self.unknown_keys(table, KEYS["sounds"], at, where, "[sounds]")
        defaults = Sounds()
        chosen: dict[str, Sound | None] = {}
        for key in KEYS["sounds"]:
            if key in table:
                ok, sound = self.sound(table[key], (*at, key), where, key)
                chosen[key] = sound if ok else getattr(defaults, key)
        return Sounds(**chosen)

    def announce(self, doc: Mapping[str, Any]) -> Announce:
        if "announce" not in doc:
            return Announce()
        at: KeyPath = ("announce",)
        where = "[announce]"
        table = self.table(doc["announce"], at, TOP, "announce", "[announce] with next = true")
        if table is None:
            return Announce()
        self.unknown_keys(table, KEYS["announce"], at, where, "[announce]")
        defaults = Announce()
        countdown = self.parsed(table, "countdown", at, where, parse_countdown)
        remaining = defaults.remaining
        if "remaining" in table:
            remaining = self.remaining(table["remaining"], (*at, "remaining"), where)
        halfway = self.boolean(table, "halfway", at, where)
        next_ = self.boolean(table, "next", at, where)
        targets = self.boolean(table, "targets", at, where)
        voice = self.boolean(table, "countdown_voice", at, where)
        return Announce(
            countdown=defaults.countdown if countdown is None else countdown,
            remaining=remaining,
            halfway=defaults.halfway if halfway is None else halfway,
            next=defaults.next if next_ is None else next_,
            targets=defaults.targets if targets is None else targets,
            countdown_voice=defaults.countdown_voice if voice is None else voice,
        )

    def remaining(self, value: object, at: KeyPath, where: str) -> tuple[int, ...]:
        if not isinstance(value, list):
            example = f"[{show(value)}]" if isinstance(value, str | int) else '["1m"]'
            self.problem(
                at,
                where,
                f"remaining: expected a list of durations like {example} (or [] for none), "
                f"not {show(value)}",
            )
            return ()
        out: list[int] = []
        for i, item in enumerate(value):
            seconds = self.duration(item, (*at, i), where, f"remaining {i + 1}")
            if seconds is not None:
                out.append(seconds)
        return tuple(out)

    def reminders(self, doc: Mapping[str, Any]) -> Reminders | None:
        if "reminders" not in doc:
            return None
        self.has_reminders_table = True
        at: KeyPath = ("reminders",)
        where = "[reminders]"
        table = self.table(
            doc["reminders"], at, TOP, "reminders", '[reminders] with every = "90s" and texts'
        )
        if table is None:
            return None
        self.unknown_keys(table, KEYS["reminders"], at, where, "[reminders]")
        every = 60
        if "every" not in table:
            self.missing(
                at,
                "every",
                where,
                'missing every: say how often reminders come, e.g. every = "90s"',
            )
        else:
            parsed = self.duration(table["every"], (*at, "every"), where, "every")
            every = parsed if parsed is not None else every
        order = self.parsed(table, "order", at, where, parse_order)
        texts: list[str] = []
        example = 'texts = ["Head level, eyes forward."]'
        if "texts" not in table:
            self.missing(at, "texts", where, f"missing texts: list what to remind, e.g. {example}")
        elif not isinstance(table["texts"], list):
            self.problem(
                (*at, "texts"),
                where,
                f"texts: expected a list of texts like {example[8:]}, not {show(table['texts'])}",
            )
        elif not table["texts"]:
            self.problem(
                (*at, "texts"),
                where,
                f"texts is empty: add at least one reminder, e.g. {example}",
            )
        else:
            for i, text in enumerate(table["texts"]):
                if not isinstance(text, str) or not text.strip():
                    self.problem(
                        (*at, "texts", i),
                        where,
                        f"text {i + 1}: expected a non-empty text in quotes, not {show(text)}",
                    )
                elif not self.controls(text, (*at, "texts", i), where, "texts", f"text {i + 1}"):
                    self.placeholders(text, (*at, "texts", i), where, f"text {i + 1}", None)
                    texts.append(text)
        return Reminders(
            every=every, order=ReminderOrder.CYCLE if order is None else order, texts=tuple(texts)
        )

    # -- phases -----------------------------------------------------------------------------------

    def phases(self, doc: Mapping[str, Any]) -> tuple[Phase | Block, ...]:
        if "phase" not in doc:
            self.missing(
                (),
                "phase",
                TOP,
                "missing phases: add at least one [[phase]] table with a name and a duration, "
                'e.g. [[phase]] name = "Walk" duration = "10m"',
            )
            return ()
        raw = doc["phase"]
        items: list[tuple[KeyPath, object]]
        if isinstance(raw, dict):
            self.problem(
                ("phase",),
                TOP,
                "phase is a single table: write each phase as [[phase]], with double brackets",
            )
            items = [(("phase",), raw)]
        elif not isinstance(raw, list):
            self.problem(("phase",), TOP, f"phase: expected [[phase]] tables, not {show(raw)}")
            return ()
        elif not raw:
            self.problem(
                ("phase",), TOP, "phase is an empty list: add at least one [[phase]] table"
            )
            return ()
        else:
            items = [(("phase", i), item) for i, item in enumerate(raw)]
        out: list[Phase | Block] = []
        total = 0
        played = 0
        for number, (at, item) in enumerate(items, start=1):
            if not isinstance(item, dict):
                self.problem(
                    at,
                    TOP,
                    f"phase {number}: expected a table with a name and a duration, "
                    f"not {show(item)}",
                )
                continue
            where = where_of(f"phase {number}", item)
            if "repeat" in item or "step" in item:
                block = self.block(item, at, where)
                out.append(block)
                total += block.repeat * sum(step.duration or 0 for step in block.steps)
                played += block.repeat * len(block.steps)
            else:
                phase = self.phase(item, at, where, in_block=False)
                out.append(phase)
                total += phase.duration or 0
                played += 1
        if total > MAX_SESSION_SECONDS:
            self.problem(
                (),
                TOP,
                f"the phases add up to {clock(total)}, and a session may last at most "
                "24 hours: shorten phases or lower repeat counts",
            )
        most = int(LIMITS["played_phases"][1])
        if played > most:
            self.problem(
                (),
                TOP,
                f"the session plays {played} phases once repeats are counted, and at most "
                f"{most} are allowed: lower the repeat counts",
            )
        return tuple(out)

    def block(self, table: dict[str, Any], at: KeyPath, where: str) -> Block:
        name = self.name(table, at, where, "the block", example='"Intervals"')
        if "duration" in table:
            self.problem(
                (*at, "duration"),
                where,
                "a phase has either duration or repeat with [[phase.step]] tables, never both: "
                "remove duration (each step has its own), or remove repeat and the steps",
            )

        for key in table:
            if key in KEYS["block"] or key == "duration":
                continue
            if key in KEYS["phase"]:
                message = (
                    "a repeated block carries only name, repeat and its [[phase.step]] tables: "
                    f"move {key} into each step"
                )
            else:
                close = closest(key, KEYS["block"])
                message = (
                    f"unknown key {show(key)}: did you mean {close}?"
                    if close
                    else f"unknown key {show(key)}: a repeated block takes only name, repeat "
                    "and [[phase.step]] tables"
                )
            self.problem((*at, key), where, message)

        repeat = 1
        if "repeat" not in table:
            self.problem(
                at,
                where,
                "steps need a repeat count: add repeat = 2 (or repeat = 1 to play them once)",
            )
        else:
            parsed = self.parsed(table, "repeat", at, where, parse_repeat)
            repeat = repeat if parsed is None else parsed
        steps: list[Phase] = []
        if "step" not in table:
            self.problem(
                (*at, "repeat"),
                where,
                "repeat needs steps to repeat: add [[phase.step]] tables below this phase, "
                'or replace repeat with a duration such as duration = "5m"',
            )
        else:
            raw = table["step"]
            if not isinstance(raw, list) or not raw:
                shown = "an empty list" if isinstance(raw, list) else show(raw)
                self.problem(
                    (*at, "step"),
                    where,
                    f"step: expected one or more [[phase.step]] tables, not {shown}",
                )
            else:
                for number, item in enumerate(raw, start=1):
                    step_at = (*at, "step", number - 1)
                    if not isinstance(item, dict):
                        self.problem(
                            step_at,
                            where,
                            f"step {number}: expected a table with a name and a duration, "
                            f"not {show(item)}",
                        )
                        continue
                    step_where = where_of(f"{where}, step {number}", item)
                    steps.append(self.phase(item, step_at, step_where, in_block=True))
        return Block(name=name, repeat=repeat, steps=tuple(steps))

    def phase(self, table: dict[str, Any], at: KeyPath, where: str, *, in_block: bool) -> Phase:
        label = "a step" if in_block else "a phase"
        self.unknown_keys(table, KEYS["step"], at, where, label, nested if in_block else None)
        name = self.name(table, at, where, "each step" if in_block else "each phase",
                         example='"Warm-up"')  # fmt: skip

        kind = self.parsed(table, "kind", at, where, parse_kind)

        duration: int | None = 60
        duration_ok = False
        if "duration" not in table:
            self.missing(
                at,
                "duration",
                where,
                'missing duration: add duration = "5m" (or "manual" for a phase that ends when '
                "you press Next)"
                + ("" if in_block else ", or make it a repeated block with repeat and steps"),
            )
        else:
            value = table["duration"]
            if isinstance(value, str) and value.strip().lower() == "manual":
                duration, duration_ok = None, True
            else:
                parsed = self.duration(value, (*at, "duration"), where, "duration", manual=True)
                if parsed is not None:
                    duration, duration_ok = parsed, True
        ctx = Ctx(duration=duration, duration_ok=duration_ok, in_block=in_block)

        say = self.text(table, "say", at, where, ctx=ctx)
        instructions = self.text(table, "instructions", at, where)
        speed = self.speed(table, at, where)
        incline = self.incline(table, at, where)

        countdown = self.parsed(table, "countdown", at, where, parse_countdown)
        if countdown and duration_ok and duration is None:
            self.problem(
                (*at, "countdown"),
                where,
                "a manual phase has no end to count down to: remove countdown",
            )

        reminders = self.boolean(table, "reminders", at, where)
        if reminders and duration_ok and duration is None:
            self.problem(
                (*at, "reminders"),
                where,
                "a manual phase has no posture reminders (they keep clear of a phase's end, "
                "which it does not have): remove reminders = true, or add an every cue for a "
                "repeated prompt",
            )
        elif reminders and not self.has_reminders_table:
            self.problem(
                (*at, "reminders"),
                where,
                "reminders = true needs a [reminders] table with every and texts: add one, "
                "or remove this line",
            )

        cues = self.cues(table, at, where, ctx)
        return Phase(
            name=name,
            kind=Kind.WALK if kind is None else kind,
            duration=duration,
            say=say,
            instructions=instructions,
            speed=speed,
            incline=incline,
            countdown=countdown,
            reminders=reminders,
            cues=cues,
        )

    def speed(self, table: Mapping[str, Any], at: KeyPath, where: str) -> Speed | None:
        return self.parsed(table, "speed", at, where, parse_speed)

    def incline(self, table: Mapping[str, Any], at: KeyPath, where: str) -> Incline | None:
        return self.parsed(table, "incline", at, where, parse_incline)

    # -- cues -------------------------------------------------------------------------------------

    def cues(self, table: Mapping[str, Any], at: KeyPath, where: str, ctx: Ctx) -> tuple[Cue, ...]:
        if "cue" not in table:
            return ()
        raw = table["cue"]
        items: list[tuple[KeyPath, object]]
        if isinstance(raw, dict):
            self.problem(
                (*at, "cue"),
                where,
                "cue is a single table: write each cue as [[phase.cue]], with double brackets",
            )
            items = [((*at, "cue"), raw)]
        elif not isinstance(raw, list):
            self.problem(
                (*at, "cue"),
                where,
                f"cue: expected [[phase.cue]] tables, not {show(raw)}",
            )
            return ()
        else:
            items = [((*at, "cue", i), item) for i, item in enumerate(raw)]
        out: list[Cue] = []
        for number, (cue_at, item) in enumerate(items, start=1):
            cue_where = f"{where}, cue {number}"
            if not isinstance(item, dict):
                self.problem(
                    cue_at,
                    cue_where,
                    "expected a [[phase.cue]] table with at or every, and say or sound, "
                    f"not {show(item)}",
                )
                continue
            cue = self.cue(item, cue_at, cue_where, ctx)
            if cue is not None:
                out.append(cue)
        return tuple(out)

    def cue(self, table: Mapping[str, Any], at: KeyPath, where: str, ctx: Ctx) -> Cue | None:
        self.unknown_keys(table, KEYS["cue"], at, where, "a cue")
        offset: Offset | None = None
        every: int | None = None
        if "at" in table and "every" in table:
            self.problem(
                (*at, "every"),
                where,
                "a cue has either at (once) or every (repeating), never both: remove one",
            )
        elif "at" not in table and "every" not in table:
            self.problem(
                at,
                where,
                'a cue needs a time: add at = "1m" (once) or every = "1m" (repeating)',
            )
        elif "at" in table:
            offset = self.offset(table["at"], (*at, "at"), where, ctx)
        else:
            every = self.every(table["every"], (*at, "every"), where, ctx)

        say = self.text(table, "say", at, where, ctx=ctx)
        sound: Sound | None = None
        sound_ok = False
        if "sound" in table:
            sound_ok, sound = self.sound(table["sound"], (*at, "sound"), where, "sound")
        if (
            "say" not in table
            and "sound" not in table
            and not {(*at, "say"), (*at, "sound")} & self.suggested
        ):
            self.problem(
                at,
                where,
                'a cue needs something to play: add say = "..." or sound = "bell" (or both)',
            )
        elif "say" not in table and sound_ok and sound is None:
            self.problem(
                (*at, "sound"),
                where,
                'this cue plays nothing: with sound = "none" it needs say = "..."',
            )
        return Cue(at=offset, every=every, say=say, sound=sound)

    def offset(self, value: object, at: KeyPath, where: str, ctx: Ctx) -> Offset | None:
        try:
            anchor, amount = parse_offset(value)
        except DurationError as error:
            message = str(error)
            if message.startswith("expected "):
                message = (
                    'expected a time from the phase start like "2m", from its end like "-30s", '
                    f'or a share like "50%", not {show(value)}'
                )
            self.problem(at, where, f"at: {message}")
            return None
        if not ctx.duration_ok:
            return Offset(anchor=anchor, value=amount)
        duration = ctx.duration
        if duration is None:
            if anchor == "end":
                self.problem(
                    at,
                    where,
                    f"at: {show(value)} counts back from the end, but a manual phase has no "
                    'set end: use a time from its start, like "30s"',
                )
                return None
            if anchor == "percent":
                self.problem(
                    at,
                    where,
                    f"at: {show(value)} is a share of the phase, but a manual phase has no set "
                    'length: use a time from its start, like "30s"',
                )
                return None
            return Offset(anchor=anchor, value=amount)
        if anchor == "start" and amount >= duration:
            length = clock(duration)
            self.problem(
                at,
                where,
                f"at: {show(value)} falls at or after the end of this {length} phase: use a "
                f'time before {length}, or count back from the end like "-30s"',
            )
            return None
        if anchor == "end" and amount > duration:
            length = clock(duration)
            self.problem(
                at,
                where,
                f"at: {show(value)} falls before the start of this {length} phase: count "
                f"back at most {length}",
            )
            return None
        if anchor == "percent" and amount >= 100:
            self.problem(
                at,
                where,
                f"at: {show(value)} is the end of the phase: use a share below 100%",
            )
            return None
        return Offset(anchor=anchor, value=amount)

    def every(self, value: object, at: KeyPath, where: str, ctx: Ctx) -> int | None:
        seconds = self.duration(value, at, where, "every")
        if seconds is None or not ctx.duration_ok or ctx.duration is None:
            return seconds
        if seconds >= ctx.duration:
            length = clock(ctx.duration)
            self.problem(
                at,
                where,
                f"every: {show(value)} never comes round inside this {length} phase: make it "
                f"shorter than {length}, or use at for a single cue",
            )
            return None
        return seconds


# -- timing warnings: words that run into the next sound -----------------------------------------

# How each kind of event is named in a warning.
_EVENT_NAMES = {
    EventKind.PHASE_START: "the phase's sound",
    EventKind.SAY: "the phase's text",
    EventKind.TARGETS: "the spoken target",
    EventKind.CUE: "the cue",
    EventKind.REMINDER: "the posture reminder",
    EventKind.HALFWAY: '"Halfway"',
    EventKind.REMAINING: "the time left",
    EventKind.NEXT: '"Next"',
    EventKind.COUNTDOWN: "the countdown",
    EventKind.FINISH: "the finish",
}


def overlap_findings(session: Session, rate: int | None = None) -> list[tuple[KeyPath, str, str]]:
    """(key path, where, what) for each place where words the script wrote are still being
    said when the next sound is due, at `rate` words per minute (the script's when None)."""
    plan = build_plan(session)
    speed = rate if rate is not None else session.voice.rate
    whose = "the script's rate" if rate is None else "your chosen rate"
    out: list[tuple[KeyPath, str, str]] = []
    for overlap in overlaps(plan, rate):
        earlier, later = overlap.earlier, overlap.later
        # The warning belongs to the cue made late, else to the words that run on.
        blamed, position = (
            (later, overlap.later_position)
            if later.kind is EventKind.CUE or earlier.kind not in WRITTEN
            else (earlier, overlap.earlier_position)
        )
        at, where = _place(session, plan.phases[blamed.phase].source, blamed, plan, position)
        first = f"{_EVENT_NAMES[earlier.kind]} at {format_clock(overlap.earlier_position)}"
        second = f"{_EVENT_NAMES[later.kind]} at {format_clock(overlap.later_position)}"
        if later.kind is earlier.kind:
            first = f"the one at {format_clock(overlap.earlier_position)}"
        if later.phase != earlier.phase:
            second = f"the next phase, {show(plan.phases[later.phase].name)},"
        late = max(1, round(overlap.late))
        out.append(
            (
                at,
                where,
                f"{second} starts while {first} is still speaking, about {late} s late "
                f"at {speed} words per minute ({whose}): move the cue later or say less",
            )
        )
    return out


def _place(
    session: Session,
    source: tuple[int, int | None],
    event: Event,
    plan: Plan,
    position: float,
) -> tuple[KeyPath, str]:
    """The key path and the words naming the script's place an event comes from."""
    item = session.phases[source[0]]
    at: KeyPath = ("phase", source[0])
    where = f"phase {source[0] + 1} {show(item.name)}"
    phase = item
    if isinstance(item, Block):
        step = source[1] or 0
        phase = item.steps[step]
        at = (*at, "step", step)
        where += f", step {step + 1} {show(phase.name)}"
    assert isinstance(phase, Phase)
    if event.kind is EventKind.SAY:
        return ((*at, "say") if phase.say is not None else at), where
    if event.kind is EventKind.CUE:
        number = _cue_number(phase, event, plan.phases[event.phase].duration, position)
        if number is not None:
            return (*at, "cue", number), f"{where}, cue {number + 1}"
    return at, where


def _cue_number(phase: Phase, event: Event, duration: float | None, position: float) -> int | None:
    """Which of the phase's cues (0-based) an event plays, or None when it cannot be told."""
    for number, cue in enumerate(phase.cues):
        if cue.sound != event.sound or (cue.say is None) != (event.text is None):
            continue
        if cue.every is not None:
            if event.every == cue.every or (
                event.every is None and cue.at is None and position % cue.every == 0
            ):
                return number
        elif cue.at is not None:
            if cue.at.anchor == "end":
                fits = duration is not None and position == duration - cue.at.value
            elif cue.at.anchor == "percent":
                fits = event.share == cue.at.value / 100.0
            else:
                fits = position == cue.at.value and event.share is None
            if fits:
                return number
    return None
