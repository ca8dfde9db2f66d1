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
from walktimer.i18n import ENGLISH, N_, Phrases

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
    def __init__(self, base: Path, phrases: Phrases = ENGLISH) -> None:
        self.base = base
        self.t = phrases
        # (the key path that gives the position, where, what, the key path it concerns)
        self.found: list[tuple[KeyPath, str, str, KeyPath]] = []
        # Each sound file is read once, however many cues play it.
        self.wav_cache: dict[str, str | None] = {}
        self.has_reminders_table = False
        # Keys an unknown key was taken for ("durtion" -> duration): not reported as missing too.
        self.suggested: set[KeyPath] = set()
        self.top = phrases.gettext(TOP)

    def show(self, value: object) -> str:
        return show(value, self.t)

    def problem(self, at: KeyPath, where: str, what: str, concerns: KeyPath | None = None) -> None:
        """Record a problem found at `at`; `concerns` names a key that is not written there (a
        missing one), for editors to show."""
        self.found.append((at, where, what, at if concerns is None else concerns))

    def controls(self, text: str, at: KeyPath, where: str, key: str, label: str = "") -> bool:
        """Report a control character the text may not hold (with its place in the text)."""
        t = self.t
        multi_line = key in MULTI_LINE_TEXTS
        index = control_character(text, multi_line=multi_line)
        if index is None:
            return False
        if multi_line:
            message = t.gettext(
                "{label}: character {index} of the text is the control character {character}: "
                "remove it (only tabs and line breaks may be written in it)"
            )
        else:
            message = t.gettext(
                "{label}: character {index} of the text is the control character {character}: "
                "remove it (it is one line, without tabs or line breaks)"
            )
        character = describe_control(text[index], t)
        self.problem(
            at, where, message.format(label=label or key, index=index + 1, character=character)
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
        special: Callable[[str, Phrases], str | None] | None = None,
    ) -> None:
        """Report the keys `table` may not hold; `label` names the table in the message."""
        t = self.t
        for key in table:
            if key in allowed:
                continue
            message = special(key, t) if special is not None else None
            if message is None:
                # A key that belongs in another table was most likely put in the wrong place;
                # otherwise it is most likely mistyped.
                places = homes(key, t)
                close = None if places else closest(key, allowed)
                shown = self.show(key)
                if places:
                    message = t.gettext(
                        "unknown key {shown} here: {key} belongs {places}; move it there"
                    ).format(shown=shown, key=key, places=or_list(places, t))
                elif close is not None:
                    self.suggested.add((*at, close))
                    message = t.gettext("unknown key {shown}: did you mean {close}?").format(
                        shown=shown, close=close
                    )
                else:
                    # Translators: {table} is "the top level", "a phase", "a cue" or a table's
                    # name like [voice]; {keys} are key names, as they are written.
                    message = t.gettext("unknown key {shown}: {table} takes only {keys}").format(
                        shown=shown, table=label, keys=", ".join(allowed)
                    )
            self.problem((*at, key), where, message)

    def table(
        self, value: object, at: KeyPath, where: str, key: str, example: str
    ) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        message = self.t.gettext("{key}: expected a table like {example}, not {value}")
        self.problem(at, where, message.format(key=key, example=example, value=self.show(value)))
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
        t = self.t
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str):
            message = t.gettext("{key}: expected text in quotes, not {value}")
            self.problem((*at, key), where, message.format(key=key, value=self.show(value)))
            return None
        if not value.strip():
            message = t.gettext("{key} is empty: write the text, or remove the {key} line")
            self.problem((*at, key), where, message.format(key=key))
            return None
        if self.controls(value, (*at, key), where, key):
            return None
        if ctx is not None or reminder:
            self.placeholders(value, (*at, key), where, key, ctx)
        return value

    def placeholders(self, text: str, at: KeyPath, where: str, label: str, ctx: Ctx | None) -> None:
        t = self.t
        for match in _PLACEHOLDER.finditer(text):
            name = match.group(1).strip()
            shown = "{" + match.group(1) + "}"
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                close = closest(name, PLACEHOLDERS)
                if close:
                    message = t.gettext(
                        "{label}: unknown placeholder {placeholder} (did you mean {close}?): "
                        "use one of {known}"
                    )
                else:
                    message = t.gettext(
                        "{label}: unknown placeholder {placeholder}: use one of {known}"
                    )
                self.problem(
                    at,
                    where,
                    message.format(
                        label=label, placeholder=shown, close=f"{{{close}}}", known=known
                    ),
                )
            elif ctx is None:
                continue
            elif name in ("rep", "reps") and not ctx.in_block:
                self.problem(
                    at,
                    where,
                    t.gettext(
                        "{label}: {placeholder} only works inside a repeated block (a phase with "
                        "repeat and [[phase.step]] tables): remove it here"
                    ).format(label=label, placeholder=shown),
                )
            elif name == "remaining" and ctx.duration_ok and ctx.duration is None:
                self.problem(
                    at,
                    where,
                    t.gettext(
                        "{label}: {remaining} cannot be used in a manual phase, which has no set "
                        "end: use {elapsed} instead"
                    ).format(label=label, remaining="{remaining}", elapsed="{elapsed}"),
                )

    def boolean(self, table: Mapping[str, Any], key: str, at: KeyPath, where: str) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            message = self.t.gettext("{key}: expected true or false, not {value}")
            self.problem((*at, key), where, message.format(key=key, value=self.show(value)))
            return None
        return value

    def duration(
        self, value: object, at: KeyPath, where: str, key: str, *, manual: bool = False
    ) -> int | None:
        t = self.t
        hint = t.gettext(DURATION_HINT)
        if isinstance(value, float) and not math.isfinite(value):
            # parse_duration would fail to round these; they are no duration at all.
            message = t.gettext("{key}: expected {duration}, not {value}")
            self.problem(at, where, message.format(key=key, duration=hint, value=self.show(value)))
            return None
        try:
            return parse_duration(value, phrases=t)
        except DurationError as error:
            message = str(error)
            expected = error.expected
        shown = self.show(value)
        if isinstance(value, float) and math.isfinite(value) and 0 < value <= MAX_SESSION_SECONDS:
            whole = sorted({math.floor(value), math.ceil(value)} - {0})
            message = t.gettext(
                'durations are whole seconds: write {seconds}, or text like "1m30s", not {value}'
            ).format(seconds=or_list((str(n) for n in whole), t), value=shown)
        elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            number = plain_seconds(value)
            if number is None:  # thousands of digits
                message = t.gettext("{value} is longer than a session may be (24 hours)").format(
                    value=shown
                )
            elif number > 0:
                message = t.gettext(
                    'a number of seconds goes without quotes: write {number} or "{number}s"'
                ).format(number=number)
            else:
                message = t.gettext("a duration must be greater than zero, not {value}").format(
                    value=shown
                )
        elif expected:
            if manual:
                message = t.gettext(
                    'expected {duration}, or "manual" for a phase that ends when you press '
                    "Next, not {value}"
                )
            else:
                message = t.gettext("expected {duration}, not {value}")
            message = message.format(duration=hint, value=shown)
        self.problem(at, where, f"{key}: {message}")
        return None

    def parsed(
        self,
        table: Mapping[str, Any],
        key: str,
        at: KeyPath,
        where: str,
        parse: Callable[..., _V],
    ) -> _V | None:
        """An optional value of one kind, read by its parser in walktimer.core.format (which
        takes the `phrases` its message is worded in)."""
        if key not in table:
            return None
        try:
            return parse(table[key], phrases=self.t)
        except ValueProblem as error:
            self.problem((*at, key), where, f"{key}: {error}")
            return None

    def sound(self, value: object, at: KeyPath, where: str, key: str) -> tuple[bool, Sound | None]:
        """(valid, sound); `none` is a valid None."""
        try:
            parsed = parse_sound(value, phrases=self.t)
        except ValueProblem as error:
            self.problem(at, where, f"{key}: {error}")
            return False, None
        if not isinstance(parsed, str):
            return True, parsed
        file = Path(os.path.abspath(self.base / parsed))
        trouble = self.wav_problem(file)
        if trouble is not None:
            # Translators: {problem} is one of the sound file's problems ("does not exist: ...").
            message = self.t.gettext("{key}: the sound file {name} {problem}")
            self.problem(
                at, where, message.format(key=key, name=self.show(parsed), problem=trouble)
            )
            return False, None
        return True, Sound(path=file)

    def wav_problem(self, file: Path) -> str | None:
        key = str(file)
        if key not in self.wav_cache:
            self.wav_cache[key] = wav_problem(file, self.t)
        return self.wav_cache[key]

    # -- the session ------------------------------------------------------------------------------

    def session(self, doc: dict[str, Any]) -> Session:
        if not self.format(doc):
            return Session(name="", phases=())
        t, top = self.t, self.top
        self.unknown_keys(doc, KEYS["top"], (), top, t.gettext(TABLE_LABEL["top"]))
        self.format_value(doc)
        name = self.name(
            doc,
            (),
            top,
            missing=t.gettext("missing name: give the session a name, e.g. name = {example}"),
            empty=t.gettext("name is empty: give the session a name of {low} to {high} characters"),
            # Translators: an example of a session's name, in a script's quotes.
            example=t.gettext('"Back-care walk"'),
        )
        description = self.text(doc, "description", (), top)
        author = self.text(doc, "author", (), top)
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
                self.top,
                self.t.gettext(
                    "this script was written for a newer walktimer (format {written}); this "
                    "walktimer reads format {version}: update walktimer to use it"
                ).format(written=self.show(value), version=FORMAT_VERSION),
            )
            return False
        return True

    def format_value(self, doc: Mapping[str, Any]) -> None:
        t = self.t
        if "format" not in doc:
            message = t.gettext("missing format: add the line format = 1 at the top")
            self.missing((), "format", self.top, message)
            return
        value = doc["format"]
        if value != FORMAT_VERSION or not _is_int(value):
            message = t.gettext("format: expected {version}, not {value}").format(
                version=FORMAT_VERSION, value=self.show(value)
            )
            self.problem(("format",), self.top, message)

    def name(
        self,
        table: Mapping[str, Any],
        at: KeyPath,
        where: str,
        *,
        missing: str,
        empty: str,
        example: str,
    ) -> str:
        """The name of the session, a phase or a step; `missing` and `empty` are the messages
        for no name and an empty one, with {example}, {low} and {high}."""
        t = self.t
        low, high = LIMITS["name"]
        if "name" not in table:
            self.missing(at, "name", where, missing.format(example=example))
            return ""
        value = table["name"]
        if not isinstance(value, str):
            message = t.gettext("{key}: expected text in quotes, not {value}")
            self.problem((*at, "name"), where, message.format(key="name", value=self.show(value)))
            return ""
        name = value.strip()
        if not name:
            self.problem((*at, "name"), where, empty.format(low=f"{low:.0f}", high=f"{high:.0f}"))
        elif self.controls(value, (*at, "name"), where, "name"):
            return ""
        elif at == () and len(name) > high:
            self.problem(
                (*at, "name"),
                where,
                t.gettext("name is {length} characters long: shorten it to {high} or fewer").format(
                    length=len(name), high=f"{high:.0f}"
                ),
            )
        return name

    def tags(self, doc: Mapping[str, Any]) -> tuple[str, ...]:
        if "tags" not in doc:
            return ()
        value = doc["tags"]
        if not isinstance(value, list):
            self.problem(
                ("tags",),
                self.top,
                self.t.gettext(
                    'tags: expected a list of words like ["treadmill", "beginner"], not {value}'
                ).format(value=self.show(value)),
            )
            return ()
        tags: list[str] = []
        for i, tag in enumerate(value):
            label = self.t.gettext("tag {number}").format(number=i + 1)
            if not isinstance(tag, str) or not tag.strip():
                self.problem(
                    ("tags", i),
                    self.top,
                    self.t.gettext(
                        "{label}: expected a non-empty word in quotes, not {value}"
                    ).format(label=label, value=self.show(tag)),
                )
            elif not self.controls(tag, ("tags", i), self.top, "tags", label):
                tags.append(tag.strip())
        return tuple(tags)

    def voice(self, doc: Mapping[str, Any]) -> Voice:
        if "voice" not in doc:
            return Voice()
        at: KeyPath = ("voice",)
        where = "[voice]"
        example = self.t.gettext("[voice] with rate and volume")
        table = self.table(doc["voice"], at, self.top, "voice", example)
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
        example = self.t.gettext('[sounds] with phase = "bell"')
        table = self.table(doc["sounds"], at, self.top, "sounds", example)
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
        example = self.t.gettext("[announce] with next = true")
        table = self.table(doc["announce"], at, self.top, "announce", example)
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
            example = f"[{self.show(value)}]" if isinstance(value, str | int) else '["1m"]'
            self.problem(
                at,
                where,
                self.t.gettext(
                    "remaining: expected a list of durations like {example} (or [] for none), "
                    "not {value}"
                ).format(example=example, value=self.show(value)),
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
        example = self.t.gettext('[reminders] with every = "90s" and texts')
        table = self.table(doc["reminders"], at, self.top, "reminders", example)
        if table is None:
            return None
        self.unknown_keys(table, KEYS["reminders"], at, where, "[reminders]")
        t = self.t
        every = 60
        if "every" not in table:
            self.missing(
                at,
                "every",
                where,
                t.gettext('missing every: say how often reminders come, e.g. every = "90s"'),
            )
        else:
            parsed = self.duration(table["every"], (*at, "every"), where, "every")
            every = parsed if parsed is not None else every
        order = self.parsed(table, "order", at, where, parse_order)
        texts: list[str] = []
        # Translators: a reminder's text in a script's example; the key texts stays as it is.
        reminder = t.gettext("Head level, eyes forward.")
        texts_list = f'["{reminder}"]'
        example = f"texts = {texts_list}"
        if "texts" not in table:
            message = t.gettext("missing texts: list what to remind, e.g. {example}")
            self.missing(at, "texts", where, message.format(example=example))
        elif not isinstance(table["texts"], list):
            self.problem(
                (*at, "texts"),
                where,
                t.gettext("texts: expected a list of texts like {example}, not {value}").format(
                    example=texts_list, value=self.show(table["texts"])
                ),
            )
        elif not table["texts"]:
            self.problem(
                (*at, "texts"),
                where,
                t.gettext("texts is empty: add at least one reminder, e.g. {example}").format(
                    example=example
                ),
            )
        else:
            for i, text in enumerate(table["texts"]):
                label = t.gettext("text {number}").format(number=i + 1)
                if not isinstance(text, str) or not text.strip():
                    self.problem(
                        (*at, "texts", i),
                        where,
                        t.gettext(
                            "{label}: expected a non-empty text in quotes, not {value}"
                        ).format(label=label, value=self.show(text)),
                    )
                elif not self.controls(text, (*at, "texts", i), where, "texts", label):
                    self.placeholders(text, (*at, "texts", i), where, label, None)
                    texts.append(text)
        return Reminders(
            every=every, order=ReminderOrder.CYCLE if order is None else order, texts=tuple(texts)
        )

    # -- phases -----------------------------------------------------------------------------------

    def phases(self, doc: Mapping[str, Any]) -> tuple[Phase | Block, ...]:
        t, top = self.t, self.top
        if "phase" not in doc:
            self.missing(
                (),
                "phase",
                top,
                t.gettext(
                    "missing phases: add at least one [[phase]] table with a name and a "
                    'duration, e.g. [[phase]] name = "Walk" duration = "10m"'
                ),
            )
            return ()
        raw = doc["phase"]
        items: list[tuple[KeyPath, object]]
        if isinstance(raw, dict):
            self.problem(
                ("phase",),
                top,
                t.gettext(
                    "phase is a single table: write each phase as [[phase]], with double brackets"
                ),
            )
            items = [(("phase",), raw)]
        elif not isinstance(raw, list):
            message = t.gettext("phase: expected [[phase]] tables, not {value}")
            self.problem(("phase",), top, message.format(value=self.show(raw)))
            return ()
        elif not raw:
            message = t.gettext("phase is an empty list: add at least one [[phase]] table")
            self.problem(("phase",), top, message)
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
                    top,
                    t.gettext(
                        "phase {number}: expected a table with a name and a duration, not {value}"
                    ).format(number=number, value=self.show(item)),
                )
                continue
            # Translators: a place in the script, before its problems: "phase 3: ...".
            where = where_of(t.gettext("phase {number}").format(number=number), item)
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
                top,
                t.gettext(
                    "the phases add up to {length}, and a session may last at most 24 hours: "
                    "shorten phases or lower repeat counts"
                ).format(length=clock(total)),
            )
        most = int(LIMITS["played_phases"][1])
        if played > most:
            self.problem(
                (),
                top,
                t.gettext(
                    "the session plays {played} phases once repeats are counted, and at most "
                    "{most} are allowed: lower the repeat counts"
                ).format(played=played, most=most),
            )
        return tuple(out)

    def block(self, table: dict[str, Any], at: KeyPath, where: str) -> Block:
        t = self.t
        name = self.name(
            table,
            at,
            where,
            missing=t.gettext("missing name: give the block a name, e.g. name = {example}"),
            empty=t.gettext("name is empty: give the block a name"),
            example='"Intervals"',
        )
        if "duration" in table:
            self.problem(
                (*at, "duration"),
                where,
                t.gettext(
                    "a phase has either duration or repeat with [[phase.step]] tables, never "
                    "both: remove duration (each step has its own), or remove repeat and the steps"
                ),
            )

        for key in table:
            if key in KEYS["block"] or key == "duration":
                continue
            if key in KEYS["phase"]:
                message = t.gettext(
                    "a repeated block carries only name, repeat and its [[phase.step]] tables: "
                    "move {key} into each step"
                ).format(key=key)
            else:
                close = closest(key, KEYS["block"])
                message = (
                    t.gettext("unknown key {shown}: did you mean {close}?")
                    if close
                    else t.gettext(
                        "unknown key {shown}: a repeated block takes only name, repeat and "
                        "[[phase.step]] tables"
                    )
                ).format(shown=self.show(key), close=close)
            self.problem((*at, key), where, message)

        repeat = 1
        if "repeat" not in table:
            self.problem(
                at,
                where,
                t.gettext(
                    "steps need a repeat count: add repeat = 2 (or repeat = 1 to play them once)"
                ),
            )
        else:
            parsed = self.parsed(table, "repeat", at, where, parse_repeat)
            repeat = repeat if parsed is None else parsed
        steps: list[Phase] = []
        if "step" not in table:
            self.problem(
                (*at, "repeat"),
                where,
                t.gettext(
                    "repeat needs steps to repeat: add [[phase.step]] tables below this phase, "
                    'or replace repeat with a duration such as duration = "5m"'
                ),
            )
        else:
            raw = table["step"]
            if not isinstance(raw, list) or not raw:
                shown = t.gettext("an empty list") if isinstance(raw, list) else self.show(raw)
                self.problem(
                    (*at, "step"),
                    where,
                    t.gettext(
                        "step: expected one or more [[phase.step]] tables, not {value}"
                    ).format(value=shown),
                )
            else:
                for number, item in enumerate(raw, start=1):
                    step_at = (*at, "step", number - 1)
                    if not isinstance(item, dict):
                        self.problem(
                            step_at,
                            where,
                            t.gettext(
                                "step {number}: expected a table with a name and a duration, "
                                "not {value}"
                            ).format(number=number, value=self.show(item)),
                        )
                        continue
                    # Translators: a step's place after its phase's: "phase 2, step 1".
                    place = t.gettext("{where}, step {number}").format(where=where, number=number)
                    step_where = where_of(place, item)
                    steps.append(self.phase(item, step_at, step_where, in_block=True))
        return Block(name=name, repeat=repeat, steps=tuple(steps))

    def phase(self, table: dict[str, Any], at: KeyPath, where: str, *, in_block: bool) -> Phase:
        t = self.t
        label = t.gettext("a step") if in_block else t.gettext("a phase")
        self.unknown_keys(table, KEYS["step"], at, where, label, nested if in_block else None)
        if in_block:
            missing = t.gettext("missing name: give each step a name, e.g. name = {example}")
            empty = t.gettext("name is empty: give each step a name")
        else:
            missing = t.gettext("missing name: give each phase a name, e.g. name = {example}")
            empty = t.gettext("name is empty: give each phase a name")
        name = self.name(table, at, where, missing=missing, empty=empty, example='"Warm-up"')

        kind = self.parsed(table, "kind", at, where, parse_kind)

        duration: int | None = 60
        duration_ok = False
        if "duration" not in table:
            if in_block:
                message = t.gettext(
                    'missing duration: add duration = "5m" (or "manual" for a phase that ends '
                    "when you press Next)"
                )
            else:
                message = t.gettext(
                    'missing duration: add duration = "5m" (or "manual" for a phase that ends '
                    "when you press Next), or make it a repeated block with repeat and steps"
                )
            self.missing(at, "duration", where, message)
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
                t.gettext("a manual phase has no end to count down to: remove countdown"),
            )

        reminders = self.boolean(table, "reminders", at, where)
        if reminders and duration_ok and duration is None:
            self.problem(
                (*at, "reminders"),
                where,
                t.gettext(
                    "a manual phase has no posture reminders (they keep clear of a phase's end, "
                    "which it does not have): remove reminders = true, or add an every cue for a "
                    "repeated prompt"
                ),
            )
        elif reminders and not self.has_reminders_table:
            self.problem(
                (*at, "reminders"),
                where,
                t.gettext(
                    "reminders = true needs a [reminders] table with every and texts: add one, "
                    "or remove this line"
                ),
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
        t = self.t
        raw = table["cue"]
        items: list[tuple[KeyPath, object]]
        if isinstance(raw, dict):
            self.problem(
                (*at, "cue"),
                where,
                t.gettext(
                    "cue is a single table: write each cue as [[phase.cue]], with double brackets"
                ),
            )
            items = [((*at, "cue"), raw)]
        elif not isinstance(raw, list):
            self.problem(
                (*at, "cue"),
                where,
                t.gettext("cue: expected [[phase.cue]] tables, not {value}").format(
                    value=self.show(raw)
                ),
            )
            return ()
        else:
            items = [((*at, "cue", i), item) for i, item in enumerate(raw)]
        out: list[Cue] = []
        for number, (cue_at, item) in enumerate(items, start=1):
            # Translators: a cue's place after its phase's: "phase 2, cue 1".
            cue_where = t.gettext("{where}, cue {number}").format(where=where, number=number)
            if not isinstance(item, dict):
                self.problem(
                    cue_at,
                    cue_where,
                    t.gettext(
                        "expected a [[phase.cue]] table with at or every, and say or sound, "
                        "not {value}"
                    ).format(value=self.show(item)),
                )
                continue
            cue = self.cue(item, cue_at, cue_where, ctx)
            if cue is not None:
                out.append(cue)
        return tuple(out)

    def cue(self, table: Mapping[str, Any], at: KeyPath, where: str, ctx: Ctx) -> Cue | None:
        t = self.t
        self.unknown_keys(table, KEYS["cue"], at, where, t.gettext("a cue"))
        offset: Offset | None = None
        every: int | None = None
        if "at" in table and "every" in table:
            self.problem(
                (*at, "every"),
                where,
                t.gettext(
                    "a cue has either at (once) or every (repeating), never both: remove one"
                ),
            )
        elif "at" not in table and "every" not in table:
            self.problem(
                at,
                where,
                t.gettext('a cue needs a time: add at = "1m" (once) or every = "1m" (repeating)'),
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
                t.gettext(
                    'a cue needs something to play: add say = "..." or sound = "bell" (or both)'
                ),
            )
        elif "say" not in table and sound_ok and sound is None:
            self.problem(
                (*at, "sound"),
                where,
                t.gettext('this cue plays nothing: with sound = "none" it needs say = "..."'),
            )
        return Cue(at=offset, every=every, say=say, sound=sound)

    def offset(self, value: object, at: KeyPath, where: str, ctx: Ctx) -> Offset | None:
        t = self.t
        shown = self.show(value)
        try:
            anchor, amount = parse_offset(value, phrases=t)
        except DurationError as error:
            message = str(error)
            if error.expected:
                message = t.gettext(
                    'expected a time from the phase start like "2m", from its end like "-30s", '
                    'or a share like "50%", not {value}'
                ).format(value=shown)
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
                    t.gettext(
                        "at: {value} counts back from the end, but a manual phase has no set "
                        'end: use a time from its start, like "30s"'
                    ).format(value=shown),
                )
                return None
            if anchor == "percent":
                self.problem(
                    at,
                    where,
                    t.gettext(
                        "at: {value} is a share of the phase, but a manual phase has no set "
                        'length: use a time from its start, like "30s"'
                    ).format(value=shown),
                )
                return None
            return Offset(anchor=anchor, value=amount)
        if anchor == "start" and amount >= duration:
            length = clock(duration)
            self.problem(
                at,
                where,
                t.gettext(
                    "at: {value} falls at or after the end of this {length} phase: use a time "
                    'before {length}, or count back from the end like "-30s"'
                ).format(value=shown, length=length),
            )
            return None
        if anchor == "end" and amount > duration:
            length = clock(duration)
            self.problem(
                at,
                where,
                t.gettext(
                    "at: {value} falls before the start of this {length} phase: count back at "
                    "most {length}"
                ).format(value=shown, length=length),
            )
            return None
        if anchor == "percent" and amount >= 100:
            self.problem(
                at,
                where,
                t.gettext("at: {value} is the end of the phase: use a share below 100%").format(
                    value=shown
                ),
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
                self.t.gettext(
                    "every: {value} never comes round inside this {length} phase: make it "
                    "shorter than {length}, or use at for a single cue"
                ).format(value=self.show(value), length=length),
            )
            return None
        return seconds


# -- timing warnings: words that run into the next sound -----------------------------------------

# How each kind of event is named in a warning.
_EVENT_NAMES = {
    EventKind.PHASE_START: N_("the phase's sound"),
    EventKind.SAY: N_("the phase's text"),
    EventKind.TARGETS: N_("the spoken target"),
    EventKind.CUE: N_("the cue"),
    EventKind.REMINDER: N_("the posture reminder"),
    EventKind.HALFWAY: N_('"Halfway"'),
    EventKind.REMAINING: N_("the time left"),
    EventKind.NEXT: N_('"Next"'),
    EventKind.COUNTDOWN: N_("the countdown"),
    EventKind.FINISH: N_("the finish"),
}


def overlap_findings(
    session: Session, rate: int | None = None, phrases: Phrases = ENGLISH
) -> list[tuple[KeyPath, str, str]]:
    """(key path, where, what) for each place where words the script wrote are still being
    said when the next sound is due, at `rate` words per minute (the script's when None)."""
    t = phrases
    plan = build_plan(session)
    speed = rate if rate is not None else session.voice.rate
    whose = t.gettext("the script's rate") if rate is None else t.gettext("your chosen rate")
    out: list[tuple[KeyPath, str, str]] = []
    for overlap in overlaps(plan, rate):
        earlier, later = overlap.earlier, overlap.later
        # The warning belongs to the cue made late, else to the words that run on.
        blamed, position = (
            (later, overlap.later_position)
            if later.kind is EventKind.CUE or earlier.kind not in WRITTEN
            else (earlier, overlap.earlier_position)
        )
        at, where = _place(session, plan.phases[blamed.phase].source, blamed, plan, position, t)
        # Translators: {event} is one of the things said ("the cue", "the countdown").
        event_at = t.gettext("{event} at {time}")
        earlier_at = format_clock(overlap.earlier_position)
        first = event_at.format(event=t.gettext(_EVENT_NAMES[earlier.kind]), time=earlier_at)
        second = event_at.format(
            event=t.gettext(_EVENT_NAMES[later.kind]), time=format_clock(overlap.later_position)
        )
        if later.kind is earlier.kind:
            first = t.gettext("the one at {time}").format(time=earlier_at)
        late = max(1, round(overlap.late))
        if later.phase != earlier.phase:
            message = t.gettext(
                "the next phase, {name}, starts while {first} is still speaking, about {late} s "
                "late at {speed} words per minute ({whose}): move the cue later or say less"
            )
        else:
            message = t.gettext(
                "{second} starts while {first} is still speaking, about {late} s late at {speed} "
                "words per minute ({whose}): move the cue later or say less"
            )
        name = show(plan.phases[later.phase].name, t)
        what = message.format(
            name=name, second=second, first=first, late=late, speed=speed, whose=whose
        )
        out.append((at, where, what))
    return out


def _place(
    session: Session,
    source: tuple[int, int | None],
    event: Event,
    plan: Plan,
    position: float,
    t: Phrases,
) -> tuple[KeyPath, str]:
    """The key path and the words naming the script's place an event comes from."""
    item = session.phases[source[0]]
    at: KeyPath = ("phase", source[0])
    place = t.gettext("phase {number}").format(number=source[0] + 1)
    where = f"{place} {show(item.name)}"
    phase = item
    if isinstance(item, Block):
        step = source[1] or 0
        phase = item.steps[step]
        at = (*at, "step", step)
        place = t.gettext("{where}, step {number}").format(where=where, number=step + 1)
        where = f"{place} {show(phase.name)}"
    assert isinstance(phase, Phase)
    if event.kind is EventKind.SAY:
        return ((*at, "say") if phase.say is not None else at), where
    if event.kind is EventKind.CUE:
        number = _cue_number(phase, event, plan.phases[event.phase].duration, position)
        if number is not None:
            return (*at, "cue", number), t.gettext("{where}, cue {number}").format(
                where=where, number=number + 1
            )
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
