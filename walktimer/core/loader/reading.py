"""Reading a script file within the size limit, and decoding it as UTF-8, in one sentence each
when it cannot be done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from walktimer.core.format.tables import MAX_FILE_BYTES, MIB
from walktimer.core.loader.messages import FILE
from walktimer.core.problems import Problem, SessionError

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


def file_problem(label: str, what: str, line: int | None = None, col: int | None = None) -> Problem:
    return Problem(label, line, col, FILE, what)


def too_big(size: int) -> str:
    mib, most = size / MIB, MAX_FILE_BYTES / MIB
    shown = f"{mib:.1f} MiB" if mib >= most + 0.05 else f"larger than {most:g} MiB"
    return (
        f"the file is {shown}, and a session script may be at most {most:g} MiB: "
        "split it into several sessions"
    )


class Unreadable(Exception):
    """A file that cannot be read as asked; `str()` is the one sentence that says why."""


def read_limited(
    file: Path,
    limit: int,
    too_big: Callable[[int], str],
    *,
    not_a_folder: str,
    not_special: str,
) -> bytes:
    """The bytes of `file`, never holding more than `limit` + 1 of them, or Unreadable with the
    sentence for what is wrong: a folder (`not_a_folder`), a missing file, a device or pipe
    (`not_special`), a file over the limit (`too_big(size)`), no permission, any other OSError.
    The size is checked before reading and again on what was read, since a device such as
    /dev/zero has no size to check first. Session scripts and imported workouts share it."""
    try:
        if file.is_dir():
            raise Unreadable(not_a_folder)
        if not file.exists():
            raise Unreadable("there is no such file: check the name and the folder")
        if not file.is_file():
            raise Unreadable(not_special)
        size = file.stat().st_size
        if size > limit:
            raise Unreadable(too_big(size))
        with file.open("rb") as stream:
            data = stream.read(limit + 1)
    except PermissionError:
        raise Unreadable(
            "walktimer is not allowed to read this file (permission denied): check its permissions"
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise Unreadable(
            f"the file cannot be read ({reason}): check that it is a readable file"
        ) from None
    if len(data) > limit:
        raise Unreadable(too_big(len(data)))
    return data


def read_file(file: Path, label: str) -> bytes:
    """The file's bytes, or a SessionError that says in one sentence why they cannot be read."""
    try:
        return read_limited(
            file,
            MAX_FILE_BYTES,
            too_big,
            not_a_folder="this is a folder, not a session script: give the path of a .toml file",
            not_special="this is not a regular file: give the path of a .toml session script",
        )
    except Unreadable as error:
        raise SessionError(label, [file_problem(label, str(error))]) from None


def decode(data: bytes, path: Path | str | None, label: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        col = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        byte = data[error.start]
        what = (
            f"the file is not UTF-8 text (byte 0x{byte:02X} at line {line}, column {col} is "
            "not UTF-8): save it with the UTF-8 encoding"
        )
        raise SessionError(path, [file_problem(label, what, line, col)]) from None
    # Some editors start UTF-8 files with a byte-order mark; TOML does not allow one.
    return text.removeprefix("\ufeff")
