"""Zwift workouts (.zwo) in, a readable format-1 session script out.

A .zwo file is XML with no official specification; this module follows what the tools that
read and write it agree on. Element and attribute names are matched case-insensitively
(`textevent` and `TextEvent`, `timeoffset` and `TimeOffset`). The XML is parsed with
defusedxml, which refuses entity declarations, so an "XML bomb" cannot expand in memory, and
blocks, text events and elements are counted as they are read, so a file far bigger than any
workout is refused at the first element over a limit, not once it has all been converted.

Every block becomes one [[phase]] (an IntervalsT a repeated block of an on and an off step),
and text events become `say` cues. Intensities are fractions: of FTP in bike workouts, of the
speed of a reference pace in run workouts. They become treadmill speeds only when the user
gives a reference speed; otherwise they are written into the phase's instructions.

The result is checked with the loader before it is returned, so an import either gives a
script that loads or a ZwoError with one sentence saying why not.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml
import defusedxml.ElementTree
import tomlkit
from tomlkit.items import Table

from walktimer.core.durations import MAX_SESSION_SECONDS, format_clock, format_compact
from walktimer.core.format.tables import LIMITS
from walktimer.core.format.values import SPEED_UNITS
from walktimer.core.loader.reading import Unreadable, read_limited
from walktimer.core.script import KMH_PER_MPH, MAX_FILE_BYTES, Kind, Speed

__all__ = [
    "MAX_ZWO_BYTES",
    "REFERENCE_PACES",
    "ImportResult",
    "ZwoError",
    "convert_zwo",
    "import_zwo_file",
    "parse_reference_speed",
    "suggested_file_name",
]

MAX_ZWO_BYTES = 5 * 1024 * 1024
# `pace` 0..4 in run workouts: the reference pace that power fractions are shares of.
REFERENCE_PACES = ("1 mile", "5 km", "10 km", "half marathon", "marathon")

# The format's limits, checked here so a refusal is one clear sentence. A reference speed is
# a command-line argument, not a script value: it may be bare km/h or use a decimal comma,
# and must be a speed someone walks or runs at, so its floor is higher than the format's.
_MAX_NAME = int(LIMITS["name"][1])
_MAX_REPEAT = int(LIMITS["repeat"][1])
_MAX_PLAYED = int(LIMITS["played_phases"][1])
_SPEED_KMH = LIMITS["speed"]
_REFERENCE_KMH = (1.0, LIMITS["speed"][1])
# What a .zwo may hold, counted while it is read. A block is at least one played phase; a
# cue is at least 40 bytes of TOML, and a script at most 1 MiB. Workouts as coaches share
# them have tens of blocks and text events; these limits stop absurd files early.
_MAX_BLOCKS = _MAX_PLAYED
_MAX_TEXT_EVENTS = 5000
_MAX_ELEMENTS = 2 * _MAX_BLOCKS + _MAX_TEXT_EVENTS + 1000  # with <textevents> and metadata
_MAX_TAGS = 50  # a workout has a handful; a list of thousands took minutes to write
_MAX_DEPTH = 32  # a workout nests 5 deep: workout_file, workout, block, textevents, textevent
# Fractions above this are not intensities (some tools write watts); they are ignored.
_MAX_FRACTION = 3.0
# Lengths and repeat counts past this are no workout's (over 30 years in seconds, a million
# kilometres in metres); sums of them would lose whole seconds or overflow.
_LARGEST = 1e9
_RAMP_STEP_SECONDS = 60  # at most one "speed up" cue a minute along a ramp

_SPEED_TEXT = re.compile(
    rf"(?P<n>\d+(?:[.,]\d+)?|[.,]\d+)\s*(?P<unit>{'|'.join(SPEED_UNITS)})?", re.IGNORECASE
)


class ZwoError(ValueError):
    """Why a .zwo file cannot be imported, as one sentence that says what would work."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """An imported workout: the script's text, what the user should know, a file name for it."""

    toml_text: str
    warnings: tuple[str, ...]
    suggested_name: str  # "sprint-intervals.toml"


# -- entry points ---------------------------------------------------------------------------------


def import_zwo_file(path: Path | str, reference_speed: Speed | str | None = None) -> ImportResult:
    """Read and convert a .zwo file; raise ZwoError with one sentence when it cannot be used.

    `reference_speed` is a Speed, text such as "6 km/h" or "3.7 mph", or None to keep the
    intensities in the phases' instructions.
    """
    file = Path(path)
    speed = (
        parse_reference_speed(reference_speed)
        if isinstance(reference_speed, str)
        else reference_speed
    )
    text, workout = _convert(_read(file), file.name, speed)
    return ImportResult(text, tuple(workout.warnings), suggested_file_name(workout.name, file))


def convert_zwo(
    data: bytes, source: str = "workout.zwo", reference_speed: Speed | None = None
) -> tuple[str, list[str]]:
    """(TOML text of a valid format-1 script, warnings) for the bytes of a .zwo file."""
    text, workout = _convert(data, source, reference_speed)
    return text, list(workout.warnings)


def _convert(data: bytes, source: str, reference_speed: Speed | None) -> tuple[str, _Workout]:
    if len(data) > MAX_ZWO_BYTES:
        raise ZwoError(_too_big(len(data)))
    root, positions = _parse(data)
    workout = _Importer(source, reference_speed, positions).read(root)
    text = _Writer(workout).text()
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise ZwoError(
            f"the script imported from this workout would be {size / (1024 * 1024):.1f} MiB, "
            f"and a session script may be at most {MAX_FILE_BYTES // (1024 * 1024)} MiB: "
            "shorten its texts or split it into several workouts in a workout editor first"
        )
    _check(text, source)
    return text, workout


def parse_reference_speed(text: str) -> Speed:
    """A reference speed from text: "6 km/h", "6kmh", "3.7 mph", or a bare number of km/h."""
    match = _SPEED_TEXT.fullmatch(text.strip())
    example = 'a speed like "6 km/h" or "3.7 mph"'
    if match is None:
        raise ZwoError(f"the reference speed should be {example}, not {text.strip()!r}")
    value = float(match["n"].replace(",", "."))
    unit = "mph" if (match["unit"] or "").lower() == "mph" else "km/h"
    kmh = value * KMH_PER_MPH if unit == "mph" else value
    low, high = _REFERENCE_KMH
    if not low <= kmh <= high:
        raise ZwoError(
            f"the reference speed {text.strip()} is not a walking or running speed: use "
            f"{low:.0f} to {high:.0f} km/h ({low / KMH_PER_MPH:.1f} to "
            f"{high / KMH_PER_MPH:.1f} mph), for example 6 km/h"
        )
    return Speed(kmh=kmh, unit=unit)


def suggested_file_name(name: str, source: Path | str) -> str:
    """A file name for an imported script: its name as a slug, else the source file's stem."""
    for candidate in (name, Path(source).stem):
        slug = _slug(candidate)
        if slug:
            return f"{slug}.toml"
    return "imported-workout.toml"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-")


# -- reading and parsing --------------------------------------------------------------------------


def _too_big(size: int) -> str:
    return (
        f"the file is {size / (1024 * 1024):.1f} MiB, and walktimer imports Zwift workouts of "
        f"at most {MAX_ZWO_BYTES // (1024 * 1024)} MiB: this is not a workout file, or not one "
        "walktimer can use"
    )


def _read(file: Path) -> bytes:
    try:
        return read_limited(
            file,
            MAX_ZWO_BYTES,
            _too_big,
            not_a_folder="this is a folder, not a Zwift workout: give the path of a .zwo file",
            not_special="this is not a regular file: give the path of a .zwo file",
        )
    except Unreadable as error:
        raise ZwoError(str(error)) from None


def _parse(data: bytes) -> tuple[Element, dict[int, tuple[int, int]]]:
    """The tree of a .zwo and where each element starts ({id(element): (line, column)})."""
    if not data.strip():
        raise ZwoError("the file is empty: a Zwift workout is an XML file with <workout_file>")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.lstrip(
        b"\xef\xbb\xbf \t\r\n"
    ).startswith(b"<"):
        raise ZwoError(
            "this is not a Zwift workout: a .zwo file is XML starting with <workout_file> "
            "(a walktimer script needs no import: open it directly)"
        )
    try:
        root, positions = _Reader().read(data)
    except ZwoError:
        raise
    except defusedxml.EntitiesForbidden:
        raise ZwoError(
            "the file declares XML entities, which Zwift workouts never use and which can blow "
            'a small file up to gigabytes (an "XML bomb") or read other files: walktimer '
            "refuses to read it"
        ) from None
    except defusedxml.DefusedXmlException:
        raise ZwoError(
            "the file refers to external XML resources, which Zwift workouts never need, so "
            "walktimer refuses to read it"
        ) from None
    except ParseError as error:
        line, col = error.position
        reason = str(error).split(":")[0]
        raise ZwoError(
            f"the file is not well-formed XML ({reason} at line {line}, column {col + 1}): "
            "it may be damaged or cut short; export the workout again"
        ) from None
    except (LookupError, UnicodeError):
        # expat asks Python for an encoding it does not know itself; Python knows no such
        # codec ("x-bogus", "TF-8"), or only a non-text one ("rot13", "hex").
        raise ZwoError(_unknown_encoding(data)) from None
    except ValueError as error:
        if "multi-byte encodings" not in str(error):
            raise
        # Python knows the codec, but expat reads only single-byte ones through it.
        raise ZwoError(
            f"the file declares {_declared_encoding(data)} in its first line, which "
            "walktimer cannot read XML in: save the workout again as UTF-8"
        ) from None
    if _tag(root) != "workout_file":
        raise ZwoError(
            f"this XML file holds <{_local(root.tag)}>, not a Zwift workout: a .zwo file "
            "starts with <workout_file>"
        )
    return root, positions


class _Reader:
    """defusedxml's parser building the tree, counting as it goes to stop early.

    A file under the size limit can still hold a hundred thousand elements, and building
    and converting them all costs seconds and hundreds of megabytes before the finished
    script is found too big. Counting while parsing stops at the first element over a
    limit, at a cost in proportion to what was read. It also keeps each element's position,
    for messages about its values.
    """

    def __init__(self) -> None:
        self.builder = TreeBuilder()
        self.parser = defusedxml.ElementTree.DefusedXMLParser(target=self)
        self.positions: dict[int, tuple[int, int]] = {}
        self.open: list[str] = []  # names of the elements open around this one, lower case
        self.elements = 0
        self.blocks = 0
        self.events = 0

    def read(self, data: bytes) -> tuple[Element, dict[int, tuple[int, int]]]:
        self.parser.feed(data)
        root: Element = self.parser.close()
        return root, self.positions

    def where(self) -> tuple[int, int]:
        expat = self.parser.parser
        return expat.CurrentLineNumber, expat.CurrentColumnNumber + 1

    # The target's side of ElementTree's XMLParser protocol.

    def start(self, tag: str, attrib: dict[str, str]) -> Element:
        self.elements += 1
        name = _local(tag).lower()
        if self.elements > _MAX_ELEMENTS:
            raise ZwoError(
                self.too_many(f"more than {_MAX_ELEMENTS} XML elements", f"element {self.elements}")
            )
        if len(self.open) >= _MAX_DEPTH:
            raise ZwoError(
                self.too_many(f"XML elements nested more than {_MAX_DEPTH} deep", "the deepest")
            )
        if self.open and self.open[-1] == "workout":
            self.blocks += 1
            if self.blocks > _MAX_BLOCKS:
                raise ZwoError(
                    f"the workout has more than {_MAX_BLOCKS} blocks (block {self.blocks} "
                    f"starts at {self.at()}), and a walktimer session may have at most "
                    f"{_MAX_PLAYED} phases: split it into shorter workouts in a workout editor"
                )
        if name == "textevent":
            self.events += 1
            if self.events > _MAX_TEXT_EVENTS:
                raise ZwoError(
                    f"the workout has more than {_MAX_TEXT_EVENTS} text events (text event "
                    f"{self.events} is at {self.at()}), and walktimer imports at most "
                    f"{_MAX_TEXT_EVENTS}: remove some in a workout editor first"
                )
        element = self.builder.start(tag, attrib)
        self.positions[id(element)] = self.where()
        self.open.append(name)
        return element

    def end(self, tag: str) -> Element:
        self.open.pop()
        return self.builder.end(tag)

    def data(self, text: str) -> None:
        self.builder.data(text)

    def close(self) -> Element:
        return self.builder.close()

    def at(self) -> str:
        line, column = self.where()
        return f"line {line}, column {column}"

    def too_many(self, what: str, which: str) -> str:
        return (
            f"the file has {what} ({which} at {self.at()}), far more than any Zwift workout: "
            "this is not a workout file, or not one walktimer can use"
        )


_ENCODING_DECLARATION = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*([\"'])(.{0,80}?)\1", re.DOTALL
)


def _declared_encoding(data: bytes) -> str:
    """The encoding the XML declaration names, for a message: "the text encoding 'TF-8'"."""
    match = _ENCODING_DECLARATION.match(data[:400])
    if match is None:
        return "a text encoding"  # a declaration in UTF-16 or UTF-32, not readable as ASCII
    return f"the text encoding {_clean(match[2].decode('ascii', 'replace'))!r}"


def _unknown_encoding(data: bytes) -> str:
    return (
        f"the file declares {_declared_encoding(data)} in its first line, which is not "
        'an encoding walktimer knows: correct it (Zwift workouts are "UTF-8") '
        "or save the workout again as UTF-8"
    )


def _local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


def _tag(element: Element) -> str:
    """An element's name without namespace, lower case."""
    return _local(element.tag).lower()


def _attrs(element: Element) -> dict[str, str]:
    return {_local(key).lower(): value.strip() for key, value in element.attrib.items()}


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _tag(child) == name]


def _child_text(element: Element, name: str) -> str | None:
    for child in _children(element, name):
        text = "".join(child.itertext()).strip()
        if text:
            return text
    return None


def _clean(text: str) -> str:
    """One line of text as it is spoken: whitespace collapsed, control characters dropped."""
    kept = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(kept.split())


def _speakable(text: str) -> str:
    """Text safe to speak: braces would be read as {placeholders}, so they become brackets."""
    return _clean(text).replace("{", "(").replace("}", ")")


def _round(value: float) -> int:
    """Half up, unlike round()'s half to even: 2.5 s is 3 s."""
    return math.floor(value + 0.5)


def _percent(fraction: float) -> str:
    return f"{_round(fraction * 100)}%"


# -- the model in between -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    """An intensity: a constant (start == end), a range held steady, or a ramp start -> end."""

    start: float
    end: float
    ramp: bool = False

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2

    @property
    def constant(self) -> bool:
        return math.isclose(self.start, self.end, abs_tol=0.005)


@dataclass(slots=True)
class _Event:
    seconds: float  # from the start of its block (for IntervalsT: across all rounds)
    text: str


@dataclass(slots=True)
class _Part:
    """A phase to write, durations still exact (float seconds)."""

    name: str
    kind: Kind
    seconds: float
    target: _Target | None
    pace: int | None
    instructions: str
    events: list[_Event] = field(default_factory=list)
    say: str | None = None


@dataclass(slots=True)
class _Intervals:
    """An IntervalsT: `repeat` rounds of on (and off unless its length is 0)."""

    repeat: int
    on: _Part
    off: _Part | None
    events: list[_Event] = field(default_factory=list)  # offsets across all rounds


@dataclass(slots=True)
class _Workout:
    source: str
    name: str
    author: str | None
    description: str | None
    tags: list[str]
    sport: str | None  # "bike", "run" or None
    reference: Speed | None
    distance: bool
    items: list[_Part | _Intervals]
    warnings: list[str]
    paces: set[int]


# -- XML to the model -----------------------------------------------------------------------------


class _Importer:
    def __init__(
        self, source: str, reference: Speed | None, positions: Mapping[int, tuple[int, int]]
    ) -> None:
        self.source = source
        self.positions = positions
        self.element: Element | None = None  # the block being read, for positions
        self.reference = reference
        self.warnings: list[str] = []
        self.sport: str | None = None
        self.distance = False
        self.paces: set[int] = set()
        self.junk_paces: set[str] = set()

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def read(self, root: Element) -> _Workout:
        name = _clean(_child_text(root, "name") or "") or _clean(Path(self.source).stem)
        if not name:
            name = "Imported workout"
        if len(name) > _MAX_NAME:
            self.warn(
                f"the workout's name is {len(name)} characters long; it was shortened to "
                f"{_MAX_NAME}, the most a session name may have"
            )
            name = name[: _MAX_NAME - 1].rstrip() + "…"
        author = _clean(_child_text(root, "author") or "") or None
        description = self.description(root)
        tags = self.tags(root)
        self.sport = self.sport_type(root)
        self.distance = self.duration_type(root)
        if self.distance and self.reference is None:
            raise ZwoError(
                "this is a distance workout (durationType distance): its blocks are measured "
                "in metres, but walktimer sessions are timed; import it with a reference speed "
                '(walktimer import --reference-speed "6 km/h" FILE) so the distances become times'
            )
        if self.sport == "bike":
            if self.reference is not None:
                self.warn(
                    "this is a bike workout: its intensities are shares of cycling power (FTP), "
                    "and they were taken as shares of the reference speed"
                )
            else:
                self.warn(
                    "this is a bike workout: its intensities are shares of cycling power (FTP); "
                    "they are in the phases' instructions, with no treadmill speeds"
                )
        workouts = _children(root, "workout")
        if not workouts:
            raise ZwoError(
                "the file has no <workout> element, so there are no blocks to import: "
                "export the workout again"
            )
        if len(workouts) > 1:
            self.warn("the file has several <workout> elements; their blocks were joined in order")
        items: list[_Part | _Intervals] = []
        number = 0
        for workout in workouts:
            for element in workout:
                number += 1
                item = self.block(element, number)
                if item is not None:
                    items.append(item)
        if not items:
            raise ZwoError(
                "the workout has no blocks walktimer can use (Warmup, SteadyState, IntervalsT, "
                "Ramp, FreeRide, MaxEffort or Cooldown with a Duration): there is nothing to walk"
            )
        if self.junk_paces:
            shown = ", ".join(sorted(self.junk_paces))
            self.warn(
                f"pace values {shown} are not reference paces 0 to 4 and were ignored"
                if len(self.junk_paces) > 1
                else f"the pace value {shown} is not a reference pace 0 to 4 and was ignored"
            )
        if self.reference is not None and len(self.paces) > 1:
            shown = ", ".join(f"{REFERENCE_PACES[p]} pace" for p in sorted(self.paces))
            self.warn(
                f"the workout refers to several reference paces ({shown}); the reference speed "
                "stands for all of them"
            )
        return _Workout(
            source=self.source,
            name=name,
            author=author,
            description=description,
            tags=tags,
            sport=self.sport,
            reference=self.reference,
            distance=self.distance,
            items=items,
            warnings=self.warnings,
            paces=self.paces,
        )

    # -- metadata --

    def description(self, root: Element) -> str | None:
        for child in _children(root, "description"):
            raw = "".join(child.itertext())
            lines = [_clean(line) for line in raw.replace("\r\n", "\n").split("\n")]
            text = "\n".join(lines).strip()
            text = re.sub(r"\n{3,}", "\n\n", text)
            if text:
                return text
        return None

    def tags(self, root: Element) -> list[str]:
        tags: list[str] = []
        for holder in _children(root, "tags"):
            for tag in _children(holder, "tag"):
                value = _clean(_attrs(tag).get("name") or "".join(tag.itertext()))
                if value and value not in tags:
                    if len(tags) == _MAX_TAGS:
                        self.warn(
                            f"the workout has more than {_MAX_TAGS} tags; the first {_MAX_TAGS} "
                            "were kept"
                        )
                        return tags
                    tags.append(value)
        return tags

    def sport_type(self, root: Element) -> str | None:
        value = (_child_text(root, "sporttype") or "").strip().lower()
        if not value:
            return None
        if value in ("run", "running"):
            return "run"
        if value in ("bike", "biking", "cycling", "ride"):
            return "bike"
        self.warn(
            f"the sport type {_short(value)!r} is unknown (expected bike or run); it was ignored"
        )
        return None

    def duration_type(self, root: Element) -> bool:
        value = (_child_text(root, "durationtype") or "time").strip().lower()
        if value == "distance":
            return True
        if value != "time":
            self.warn(
                f"the duration type {_short(value)!r} is unknown (expected time or distance); "
                "durations were read as seconds"
            )
        return False

    # -- numbers --

    def number(self, attrs: Mapping[str, str], key: str, where: str) -> float | None:
        """A finite number attribute, None when absent; junk is a warning and None."""
        raw = attrs.get(key)
        if raw is None or raw == "":
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.warn(f"{where}: {_shown(key)} {_short(raw)!r} is not a number and was ignored")
            return None
        return value

    def fraction(self, attrs: Mapping[str, str], key: str, where: str) -> float | None:
        value = self.number(attrs, key, where)
        if value is None:
            return None
        if value < 0 or value > _MAX_FRACTION:
            self.warn(
                f"{where}: {_shown(key)} {_short(attrs[key])} is not an intensity (a share such as "
                "0.75 for 75%) and was ignored"
            )
            return None
        return value

    def length(self, attrs: Mapping[str, str], key: str, where: str) -> float | None:
        """A block length (seconds, or metres in a distance workout), None when unusable."""
        value = self.number(attrs, key, where)
        if value is None:
            if not attrs.get(key):
                self.warn(f"{where} has no {_shown(key)} and was left out")
            return None
        if value < 0:
            self.warn(f"{where}: {_shown(key)} {_short(attrs[key])} is negative and was left out")
            return None
        if value > _LARGEST:
            raise ZwoError(
                f"{self.place(where)}: {_shown(key)} {_short(attrs[key])} is far longer than "
                "the 24 hours a walktimer session may last: correct the block in a workout "
                "editor first"
            )
        return value

    def place(self, where: str) -> str:
        """`where` with the line and column of the block being read, when they are known."""
        position = None if self.element is None else self.positions.get(id(self.element))
        if position is None:
            return where
        return f"{where} at line {position[0]}, column {position[1]}"

    def pace(self, attrs: Mapping[str, str]) -> int | None:
        raw = attrs.get("pace")
        if raw is None or self.sport != "run":
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if value.is_integer() and 0 <= value <= 4:
            self.paces.add(int(value))
            return int(value)
        self.junk_paces.add(repr(_short(raw)))
        return None

    def seconds_at(self, position: float, length: float, target: _Target | None) -> float:
        """Seconds to cover `position` metres of a block `length` metres long (distance files)."""
        if not self.distance:
            return position
        start, end = self.speeds(target)
        if math.isclose(start, end):
            return position / start
        speed_there = start + (end - start) * position / length
        return length / (end - start) * math.log(speed_there / start)

    def speeds(self, target: _Target | None) -> tuple[float, float]:
        """Metres per second at the start and end of a block, for turning metres into seconds."""
        assert self.reference is not None
        base = self.reference.kmh / 3.6
        low = _SPEED_KMH[0] / 3.6
        if target is None:
            return base, base
        return max(low, base * target.start), max(low, base * target.end)

    # -- blocks --

    def block(self, element: Element, number: int) -> _Part | _Intervals | None:
        tag = _tag(element)
        written = _local(element.tag)
        where = f"block {number} ({written})"
        attrs = _attrs(element)
        self.element = element
        if tag in ("textevent", "textevents"):
            self.warn(f"{where}: a text event outside any block was left out")
            return None
        if tag == "intervalst":
            return self.intervals(element, attrs, where)
        handlers = {
            "warmup": self.ramp_like,
            "cooldown": self.ramp_like,
            "ramp": self.ramp_like,
            "steadystate": self.steady,
            "freeride": self.free,
            "maxeffort": self.free,
        }
        handler = handlers.get(tag)
        if handler is None:
            self.warn(
                f"{where} is not a block walktimer knows (Warmup, SteadyState, IntervalsT, "
                "Ramp, FreeRide, MaxEffort, Cooldown) and was left out"
            )
            return None
        length = self.length(attrs, "duration", where)
        if length is None:
            return None
        if length == 0:
            self.warn(f"{where} lasts 0 seconds and was left out")
            return None
        part = handler(tag, attrs, where, length)
        seconds = self.seconds_at(length, length, part.target)
        if seconds < 0.5:
            self.warn(f"{where} lasts less than half a second and was left out")
            return None
        part.seconds = seconds
        target = part.target
        part.events = self.events(
            element, where, length, seconds, lambda x: self.seconds_at(x, length, target)
        )
        return part

    def ramp_like(self, tag: str, attrs: Mapping[str, str], where: str, _: float) -> _Part:
        low = self.fraction(attrs, "powerlow", where)
        high = self.fraction(attrs, "powerhigh", where)
        power = self.fraction(attrs, "power", where)
        pace = self.pace(attrs)
        target: _Target | None
        if low is not None and high is not None:
            if tag == "cooldown":
                # A cool-down always eases off. Zwift writes its start in PowerLow and its end
                # in PowerHigh (PowerLow > PowerHigh); some editors write them the other way.
                low, high = max(low, high), min(low, high)
            target = _Target(low, high, ramp=True)
        elif low is not None or high is not None or power is not None:
            value = next(v for v in (power, low, high) if v is not None)
            target = _Target(value, value)
        else:
            target = None
        kind = {"warmup": Kind.WARMUP, "cooldown": Kind.COOLDOWN}.get(tag, Kind.WALK)
        if kind is Kind.WARMUP:
            name = "Warm-up"
        elif kind is Kind.COOLDOWN:
            name = "Cool-down"
        elif target is not None and not target.constant:
            name = f"Ramp {_percent(target.start)} to {_percent(target.end)}"
        else:
            name = "Ramp"
        return _Part(name, kind, 0.0, target, pace, self.describe(target, pace))

    def steady(self, _tag: str, attrs: Mapping[str, str], where: str, _: float) -> _Part:
        power = self.fraction(attrs, "power", where)
        low = self.fraction(attrs, "powerlow", where)
        high = self.fraction(attrs, "powerhigh", where)
        pace = self.pace(attrs)
        target: _Target | None = None
        if power is not None:
            target = _Target(power, power)
        elif low is not None and high is not None:
            target = _Target(min(low, high), max(low, high))
        elif low is not None or high is not None:
            value = low if low is not None else high
            assert value is not None
            target = _Target(value, value)
        name = "Steady" if target is None else f"Steady {_range(target)}"
        return _Part(name, Kind.WALK, 0.0, target, pace, self.describe(target, pace))

    def free(self, tag: str, attrs: Mapping[str, str], _where: str, _: float) -> _Part:
        self.pace(attrs)
        if tag == "maxeffort":
            return _Part(
                "Max effort",
                Kind.WALK,
                0.0,
                None,
                None,
                "Max effort: as fast as you can safely go.",
            )
        return _Part(
            "Free walk", Kind.WALK, 0.0, None, None, "No target: go at the pace that feels right."
        )

    def intervals(
        self, element: Element, attrs: Mapping[str, str], where: str
    ) -> _Intervals | None:
        repeat_value = self.number(attrs, "repeat", where)
        if repeat_value is not None and repeat_value > _LARGEST:
            raise ZwoError(
                f"{self.place(where)}: Repeat {_short(attrs['repeat'])} is not a number of "
                "rounds a workout can have, and walktimer repeats a block at most "
                f"{_MAX_REPEAT} times: correct the block in a workout editor first"
            )
        repeat = 1 if repeat_value is None else _round(repeat_value)
        if repeat < 1:
            self.warn(f"{where} repeats {_short(attrs['repeat'])} times and was left out")
            return None
        if repeat > _MAX_REPEAT:
            raise ZwoError(
                f"{where} repeats {repeat} times, and walktimer repeats a block at most "
                f"{_MAX_REPEAT} times: shorten the workout in a workout editor first"
            )
        on_length = self.length(attrs, "onduration", where)
        if on_length is None:
            return None
        if on_length == 0:
            self.warn(f"{where} has an OnDuration of 0 and was left out")
            return None
        off_length = self.length(attrs, "offduration", where) if "offduration" in attrs else 0.0
        off_length = off_length or 0.0
        pace = self.pace(attrs)
        on_target = self.interval_target(attrs, "on", where)
        off_target = self.interval_target(attrs, "off", where)
        on_seconds = self.seconds_at(on_length, on_length, on_target)
        off_seconds = self.seconds_at(off_length, off_length, off_target) if off_length else 0.0
        on = _Part(
            f"On {_range(on_target)}" if on_target else "On",
            Kind.WALK,
            on_seconds,
            on_target,
            pace,
            self.describe(on_target, pace, "Effort at"),
        )
        off: _Part | None = None
        if off_seconds >= 0.5:
            off = _Part(
                f"Off {_range(off_target)}" if off_target else "Off",
                Kind.WALK,
                off_seconds,
                off_target,
                pace,
                self.describe(off_target, pace, "Recovery at"),
            )
        elif off_length:
            self.warn(f"{where}: an OffDuration under half a second was left out")
        if on_seconds < 0.5:
            self.warn(f"{where} has an on part under half a second and was left out")
            return None
        block = _Intervals(repeat, on, off)
        period_length = on_length + (off_length if off is not None else 0.0)

        def at(position: float) -> float:
            rounds, rest = divmod(position, period_length)
            inside = (
                self.seconds_at(rest, on_length, on_target)
                if rest < on_length
                else on_seconds + self.seconds_at(rest - on_length, off_length, off_target)
            )
            return rounds * (on_seconds + (off.seconds if off else 0.0)) + inside

        seconds = repeat * (on_seconds + (off.seconds if off else 0.0))
        block.events = self.events(element, where, repeat * period_length, seconds, at)
        return block

    def interval_target(self, attrs: Mapping[str, str], part: str, where: str) -> _Target | None:
        value = self.fraction(attrs, f"{part}power", where)
        if value is not None:
            return _Target(value, value)
        low = self.fraction(attrs, f"power{part}low", where)
        high = self.fraction(attrs, f"power{part}high", where)
        if low is not None and high is not None:
            return _Target(min(low, high), max(low, high))
        single = low if low is not None else high
        return None if single is None else _Target(single, single)

    def describe(self, target: _Target | None, pace: int | None, lead: str = "Intensity") -> str:
        """The instructions for a target: "Intensity 85% of your 5 km pace: 5.1 km/h."."""
        if target is None:
            return (
                "No set intensity."
                if lead == "Intensity"
                else f"{lead.split(maxsplit=1)[0]}: no set intensity."
            )
        of = self.of_what(pace)
        if target.ramp and not target.constant:
            verb = "Build up" if target.end > target.start else "Ease down"
            text = f"{verb} gradually from {_percent(target.start)} to {_percent(target.end)}{of}"
            speeds = self.speed_pair(target)
            if speeds is not None:
                text += f": {speeds[0].text} to {speeds[1].text}"
            return text + "."
        text = f"{lead} {_range(target)}{of}"
        speed = self.speed_for(target.middle)
        if speed is not None:
            text += f": {speed.text}"
        return f"{text}."

    def of_what(self, pace: int | None) -> str:
        if self.sport == "bike":
            return " of FTP (cycling power)"
        if self.sport == "run":
            if pace is not None:
                return f" of your {REFERENCE_PACES[pace]} pace"
            return " of your reference pace"
        return ""

    def speed_for(self, fraction: float) -> Speed | None:
        return _speed(self.reference, fraction, self.warn)

    def speed_pair(self, target: _Target) -> tuple[Speed, Speed] | None:
        start = self.speed_for(target.start)
        end = self.speed_for(target.end)
        return None if start is None or end is None else (start, end)

    # -- text events --

    def events(
        self,
        element: Element,
        where: str,
        length: float,
        seconds: float,
        to_seconds: Callable[[float], float],
    ) -> list[_Event]:
        """The block's text events in seconds from its start; those past its end become inf.

        `length` is the block's length in its own unit (seconds, or metres in a distance
        workout), `seconds` its exact duration, `to_seconds` maps a distance into it to seconds.
        """
        holders = [element, *_children(element, "textevents")]
        found = [child for holder in holders for child in _children(holder, "textevent")]
        out: list[_Event] = []
        for event in found:
            attrs = _attrs(event)
            raw = attrs.get("message") or "".join(event.itertext())
            text = _speakable(raw)
            if "{" in raw or "}" in raw:
                self.warn(
                    "braces { } in text events were written as brackets ( ), so that they are "
                    "not taken for placeholders such as {remaining}"
                )
            if not text:
                self.warn(f"{where}: a text event without a message was left out")
                continue
            key, position = self.event_position(attrs, where, text)
            metres = key == "distoffset"
            end = length if metres else seconds
            if position >= end - 1e-9:
                unit = "m" if metres else "s"
                self.warn(
                    f"{where}: the text event {_short(text)!r} at {_number_text(position)} {unit} "
                    f"is past the block's end ({_number_text(end)} {unit}) and was left out"
                )
                out.append(_Event(math.inf, text))
                continue
            out.append(_Event(to_seconds(position) if metres else position, text))
        return out

    def event_position(
        self, attrs: Mapping[str, str], where: str, text: str
    ) -> tuple[str | None, float]:
        """(attribute used, value): seconds, or metres (distoffset) in a distance workout."""
        keys = ("distoffset", "timeoffset") if self.distance else ("timeoffset",)
        for key in keys:
            if key not in attrs:
                continue
            value = self.number(attrs, key, f"{where}, text event {_short(text)!r}")
            if value is None:
                return None, 0.0
            if value < 0:
                self.warn(
                    f"{where}: the text event {_short(text)!r} has a negative {key}; it is "
                    "spoken at the block's start"
                )
                return None, 0.0
            return key, value
        if "distoffset" in attrs:
            self.warn(
                f"{where}: the text event {_short(text)!r} is placed by distance in a timed "
                "workout; it is spoken at the block's start"
            )
        return None, 0.0


_ATTRIBUTES = {
    name.lower(): name
    for name in (
        "Duration",
        "Power",
        "PowerLow",
        "PowerHigh",
        "Repeat",
        "OnDuration",
        "OffDuration",
        "OnPower",
        "OffPower",
        "PowerOnLow",
        "PowerOnHigh",
        "PowerOffLow",
        "PowerOffHigh",
    )
}


def _shown(key: str) -> str:
    """An attribute's name as Zwift writes it, for messages ("powerlow" -> "PowerLow")."""
    return _ATTRIBUTES.get(key, key)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _number_text(value: float) -> str:
    if abs(value) > _LARGEST:
        return f"{value:.3g}"  # "1e+308", not its 309 digits
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _range(target: _Target) -> str:
    if target.constant:
        return _percent(target.start)
    return f"{_percent(target.start)}–{_percent(target.end)}"


def _speed(reference: Speed | None, fraction: float, warn: Callable[[str], None]) -> Speed | None:
    """`fraction` of the reference speed, to 0.1 in the reference's unit, kept in range."""
    if reference is None:
        return None
    factor = KMH_PER_MPH if reference.unit == "mph" else 1.0
    value = round(reference.value * fraction, 1)
    low, high = _SPEED_KMH
    if value * factor < low:
        value = round(math.ceil(low / factor * 10) / 10, 1)
        warn(
            f"some intensities give a speed under {low} km/h; those speeds were raised to "
            f"{value} {reference.unit}"
        )
    elif value * factor > high:
        value = math.floor(high / factor * 10) / 10
        warn(
            f"some intensities give a speed over {high:.0f} km/h, the most a treadmill target "
            f"may be; those speeds were lowered to {value} {reference.unit}"
        )
    return Speed(kmh=value * factor, unit=reference.unit)


# -- the model to TOML ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Phase:
    """A phase as written: whole seconds, cues at whole seconds."""

    part: _Part
    seconds: int
    cues: list[tuple[int, str]]
    name: str
    say: str | None = None


class _Writer:
    def __init__(self, workout: _Workout) -> None:
        self.workout = workout

    def warn(self, text: str) -> None:
        if text not in self.workout.warnings:
            self.workout.warnings.append(text)

    def text(self) -> str:
        workout = self.workout
        lengths = self.lengths()
        doc = tomlkit.document()
        for line in self.header():
            doc.add(tomlkit.comment(line))
        doc.add("format", 1)
        doc.add("name", workout.name)
        if workout.author:
            doc.add("author", workout.author)
        if workout.description:
            multiline = "\n" in workout.description
            doc.add("description", tomlkit.string(workout.description, multiline=multiline))
        if workout.tags:
            doc.add("tags", workout.tags)
        phases = tomlkit.aot()
        for item, seconds in zip(workout.items, lengths, strict=True):
            if isinstance(item, _Intervals):
                for table in self.intervals(item):
                    phases.append(table)
            else:
                phases.append(self.single(item, seconds))
        doc.add(tomlkit.nl())
        doc.add("phase", phases)
        return tomlkit.dumps(doc)

    def header(self) -> list[str]:
        workout = self.workout
        source = _clean(workout.source) or "a .zwo file"
        lines = [f"Imported from the Zwift workout {source} by walktimer import."]
        if workout.sport == "bike":
            lines.append("A bike workout: its intensities are shares of FTP (cycling power).")
        elif workout.sport == "run":
            lines.append("A run workout: its intensities are shares of a reference pace's speed.")
        else:
            lines.append("Intensities are shares of the workout's reference (FTP or a pace).")
        if workout.reference is not None:
            lines.append(
                f"Speeds are those shares of the reference speed {workout.reference.text}."
            )
        if workout.distance:
            lines.append(
                "A distance workout: each block's time is its distance at its target speed."
            )
        return lines

    # -- durations --

    def lengths(self) -> list[int]:
        """Whole seconds for each block, the running total kept exact; refuse what is too big.

        A block's length is the rounded end of the workout so far minus what was written
        before it, so fractions do not add up. IntervalsT parts are rounded on their own (a
        repeated step has one length in every round); the blocks after them even it out.
        """
        exact = 0.0
        written = 0
        played = 0
        out: list[int] = []
        for item in self.workout.items:
            if isinstance(item, _Intervals):
                on, off = _interval_seconds(item)
                exact += item.repeat * (item.on.seconds + (item.off.seconds if item.off else 0))
                whole = item.repeat * (on + off)
                played += item.repeat * (2 if item.off is not None else 1)
            else:
                exact += item.seconds
                # round(…, 6) first: a sum of decimal fractions like 1629.4999999999998 is
                # the 1629.5 the file wrote, and rounds up as it does.
                whole = max(1, _round(round(exact, 6)) - written)
                played += 1
            written += whole
            out.append(whole)
        if written > MAX_SESSION_SECONDS:
            raise ZwoError(
                f"the workout lasts {format_clock(written)}, and a walktimer session may last "
                "at most 24 hours"
            )
        if played > _MAX_PLAYED:
            raise ZwoError(
                f"the workout has {played} phases once its intervals are counted, and a "
                f"walktimer session may have at most {_MAX_PLAYED}"
            )
        return out

    # -- phases --

    def single(self, part: _Part, seconds: int) -> Table:
        cues, dropped = _cues(part.events, seconds)
        cues = sorted([*cues, *self.ramp_cues(part, seconds)], key=lambda cue: cue[0])
        return self.phase_table(part.name, part, seconds, cues, part.say, _left_out(dropped))

    def ramp_cues(self, part: _Part, seconds: int) -> list[tuple[int, str]]:
        """Along a ramp with speeds: "Speed up to 4.5 kilometres per hour." at most each minute."""
        target = part.target
        reference = self.workout.reference
        if target is None or reference is None or not target.ramp or target.constant:
            return []
        steps = max(2, seconds // _RAMP_STEP_SECONDS) if seconds >= 20 else 1
        cues: list[tuple[int, str]] = []
        last = _speed(reference, target.start, self.warn)
        for step in range(1, steps):
            share = target.start + (target.end - target.start) * step / (steps - 1)
            speed = _speed(reference, share, self.warn)
            if speed is None or last is None or math.isclose(speed.value, last.value):
                continue
            verb = "Speed up" if speed.value > last.value else "Slow down"
            cues.append((seconds * step // steps, f"{verb} to {speed.spoken}."))
            last = speed
        return cues

    def intervals(self, block: _Intervals) -> list[Table]:
        on_seconds, off_seconds = _interval_seconds(block)
        period = on_seconds + off_seconds
        # Each event goes to (round, step, offset in that step), on the whole-second timeline.
        rounds: list[list[tuple[int, int, str]]] = [[] for _ in range(block.repeat)]
        dropped: list[str] = []
        for event in block.events:
            if math.isinf(event.seconds):
                dropped.append(event.text)
                continue
            time = min(_round(event.seconds), block.repeat * period - 1)
            number, inside = divmod(time, period)
            step = 0 if inside < on_seconds else 1
            offset = inside if step == 0 else inside - on_seconds
            rounds[number].append((step, offset, event.text))
        steps = [block.on] + ([block.off] if block.off is not None else [])
        lengths = [on_seconds, off_seconds]
        if all(sorted(events) == sorted(rounds[0]) for events in rounds):
            table = tomlkit.table()
            for line in _left_out(dropped):
                table.add(tomlkit.comment(line))
            table.add("name", "Intervals")
            table.add("repeat", block.repeat)
            step_tables = tomlkit.aot()
            for index, part in enumerate(steps):
                cues = [(offset, text) for step, offset, text in rounds[0] if step == index]
                step_table = self.phase_table(part.name, part, lengths[index], cues, None, [])
                step_table.indent(2)
                step_tables.append(step_table)
            table.add("step", step_tables)
            return [table]
        # A step's cues are spoken in every round, so rounds whose text events differ cannot
        # share one repeated block: write each round's phases out one by one.
        tables: list[Table] = []
        for number, events in enumerate(rounds, start=1):
            for index, part in enumerate(steps):
                comments: list[str] = []
                if number == 1 and index == 0:
                    comments = [
                        f"An IntervalsT of {block.repeat} rounds, written out round by round "
                        "because its text events differ between rounds.",
                        *_left_out(dropped),
                    ]
                cues = [(offset, text) for step, offset, text in events if step == index]
                label = f"{part.name} ({number}/{block.repeat})"
                say = f"{part.name}, round {number} of {block.repeat}."
                tables.append(self.phase_table(label, part, lengths[index], cues, say, comments))
        return tables

    def phase_table(
        self,
        name: str,
        part: _Part,
        seconds: int,
        cues: Iterable[tuple[int, str]],
        say: str | None,
        comments: Iterable[str],
    ) -> Table:
        table = tomlkit.table()
        for line in comments:
            table.add(tomlkit.comment(line))
        table.add("name", name)
        if part.kind is not Kind.WALK:
            table.add("kind", part.kind.value)
        table.add("duration", format_compact(seconds))
        if say:
            table.add("say", say)
        table.add("instructions", part.instructions)
        if part.target is not None:
            share = part.target.start if part.target.ramp else part.target.middle
            speed = _speed(self.workout.reference, share, self.warn)
            if speed is not None:
                table.add("speed", speed.text)
        cue_tables = tomlkit.aot()
        for offset, text in cues:
            cue = tomlkit.table()
            cue.add("at", format_compact(offset))
            cue.add("say", text)
            cue.indent(2)
            cue_tables.append(cue)
        if cue_tables:
            table.add("cue", cue_tables)
        return table


def _interval_seconds(block: _Intervals) -> tuple[int, int]:
    """Whole seconds of an IntervalsT's on and off parts (0 for no off part)."""
    on = max(1, _round(block.on.seconds))
    return on, (max(1, _round(block.off.seconds)) if block.off is not None else 0)


def _left_out(texts: Iterable[str]) -> list[str]:
    return [f"Left out, past the end of this block: {text}" for text in texts]


def _cues(events: list[_Event], seconds: int) -> tuple[list[tuple[int, str]], list[str]]:
    """Cues at whole seconds inside a phase of `seconds`, and the texts left out."""
    cues: list[tuple[int, str]] = []
    dropped: list[str] = []
    for event in events:
        if math.isinf(event.seconds):
            dropped.append(event.text)
            continue
        cues.append((min(max(0, _round(event.seconds)), seconds - 1), event.text))
    cues.sort(key=lambda cue: cue[0])
    return cues, dropped


def _check(text: str, source: str) -> None:
    """The loader's verdict on the imported text; a problem here is an importer bug."""
    from walktimer.core.loader import check_text

    problems = check_text(text)
    if problems:
        raise ZwoError(
            f"the script imported from {source} does not pass the session checks "
            f"({problems[0].where}: {problems[0].what}); please report this with the file"
        )
