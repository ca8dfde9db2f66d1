"""Reading a script file within the size limit, and decoding it as UTF-8, in one sentence each
when it cannot be done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from walktimer.core.format.tables import MAX_FILE_BYTES, MIB
from walktimer.core.loader.messages import FILE
from walktimer.core.problems import Problem, SessionError
from walktimer.i18n import ENGLISH, Phrases

__all__ = [
    "Unreadable",
    "decode",
    "file_problem",
    "label_of",
    "read_file",
    "read_limited",
    "too_big",
]


def label_of(path: Path | str | None) -> str:
    return "<text>" if path is None else str(path)


def file_problem(
    label: str,
    what: str,
    line: int | None = None,
    col: int | None = None,
    phrases: Phrases = ENGLISH,
) -> Problem:
    return Problem(label, line, col, phrases.gettext(FILE), what)


def too_big(size: int, phrases: Phrases = ENGLISH) -> str:
    t = phrases
    mib, most = size / MIB, MAX_FILE_BYTES / MIB
    if mib >= most + 0.05:
        message = t.gettext(
            "the file is {size} MiB, and a session script may be at most {most} MiB: "
            "split it into several sessions"
        )
    else:
        message = t.gettext(
            "the file is larger than {most} MiB, and a session script may be at most {most} "
            "MiB: split it into several sessions"
        )
    return message.format(size=f"{mib:.1f}", most=f"{most:g}")


class Unreadable(Exception):
    """A file that cannot be read as asked; `str()` is the one sentence that says why."""


def read_limited(
    file: Path,
    limit: int,
    too_big: Callable[[int], str],
    *,
    not_a_folder: str,
    not_special: str,
    phrases: Phrases = ENGLISH,
) -> bytes:
    """The bytes of `file`, never holding more than `limit` + 1 of them, or Unreadable with the
    sentence for what is wrong: a folder (`not_a_folder`), a missing file, a device or pipe
    (`not_special`), a file over the limit (`too_big(size)`), no permission, any other OSError.
    The size is checked before reading and again on what was read, since a device such as
    /dev/zero has no size to check first. Session scripts and imported workouts share it."""
    t = phrases
    try:
        if file.is_dir():
            raise Unreadable(not_a_folder)
        if not file.exists():
            raise Unreadable(t.gettext("there is no such file: check the name and the folder"))
        if not file.is_file():
            raise Unreadable(not_special)
        size = file.stat().st_size
        if size > limit:
            raise Unreadable(too_big(size))
        with file.open("rb") as stream:
            data = stream.read(limit + 1)
    except PermissionError:
        raise Unreadable(
            t.gettext(
                "walktimer is not allowed to read this file (permission denied): check its "
                "permissions"
            )
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise Unreadable(
            t.gettext(
                "the file cannot be read ({reason}): check that it is a readable file"
            ).format(reason=reason)
        ) from None
    if len(data) > limit:
        raise Unreadable(too_big(len(data)))
    return data


def read_file(file: Path, label: str, phrases: Phrases = ENGLISH) -> bytes:
    """The file's bytes, or a SessionError that says in one sentence why they cannot be read."""
    t = phrases
    try:
        return read_limited(
            file,
            MAX_FILE_BYTES,
            lambda size: too_big(size, t),
            not_a_folder=t.gettext(
                "this is a folder, not a session script: give the path of a .toml file"
            ),
            not_special=t.gettext(
                "this is not a regular file: give the path of a .toml session script"
            ),
            phrases=t,
        )
    except Unreadable as error:
        raise SessionError(label, [file_problem(label, str(error), phrases=t)]) from None


def decode(data: bytes, path: Path | str | None, label: str, phrases: Phrases = ENGLISH) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        col = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        byte = data[error.start]
        what = phrases.gettext(
            "the file is not UTF-8 text (byte {byte} at line {line}, column {col} is not "
            "UTF-8): save it with the UTF-8 encoding"
        ).format(byte=f"0x{byte:02X}", line=line, col=col)
        raise SessionError(path, [file_problem(label, what, line, col, phrases)]) from None
    # Some editors start UTF-8 files with a byte-order mark; TOML does not allow one.
    return text.removeprefix("\ufeff")
