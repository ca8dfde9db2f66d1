"""Reading a script file within the size limit, and decoding it as UTF-8, in one sentence each
when it cannot be done."""

from __future__ import annotations

from pathlib import Path

from walktimer.core.format.tables import MAX_FILE_BYTES, MIB
from walktimer.core.loader.messages import FILE
from walktimer.core.problems import Problem, SessionError

__all__ = ["decode", "file_problem", "label_of", "read_file", "too_big"]


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


def read_file(file: Path, label: str) -> bytes:
    """The file's bytes, or a SessionError that says in one sentence why they cannot be read."""

    def fail(what: str) -> SessionError:
        return SessionError(label, [file_problem(label, what)])

    try:
        if file.is_dir():
            raise fail("this is a folder, not a session script: give the path of a .toml file")
        if not file.exists():
            raise fail("there is no such file: check the name and the folder")
        if not file.is_file():
            raise fail("this is not a regular file: give the path of a .toml session script")
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(too_big(size))
        with file.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise fail(
            "walktimer is not allowed to read this file (permission denied): check its permissions"
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise fail(
            f"the file cannot be read ({reason}): check that it is a readable file"
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise fail(too_big(len(data)))
    return data


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
