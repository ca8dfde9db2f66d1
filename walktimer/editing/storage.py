"""Saving a script without ever losing the user's file.

A save writes a temporary file in the same folder, flushes and fsyncs it, keeps the version
on disk as NAME.toml.bak and then replaces the file in one step (`os.replace`). The new file
and the .bak keep the permissions of the file they replace (a new file gets 0666 less the
umask), and a save through a symlink writes the file it points to, so the link stays a link.
Whatever fails on the way (a full disk, no permission) leaves the original as it was and
comes back as one SaveError sentence. A file that changed on disk since it was opened is
reported as its own condition, ChangedOnDisk, so the caller can offer reload, overwrite or
save as.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from walktimer.core.script import MAX_FILE_BYTES

__all__ = [
    "ChangedOnDisk",
    "OpenError",
    "SaveError",
    "Stamp",
    "atomic_write",
    "backup_path",
    "read_script",
    "slug",
    "unique_path",
]


class SaveError(OSError):
    """A save that did not happen; the message is one sentence for the user."""


class OpenError(OSError):
    """A file that cannot be opened for editing; the message is one sentence."""


class ChangedOnDisk(Exception):
    """The file on disk is not the one that was opened (someone else saved it)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} was changed by another program since you opened it: reload it, "
            "overwrite it with your version, or save yours under another name."
        )
        self.path = path


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a file on disk looked like: enough to notice that someone else changed it."""

    mtime_ns: int
    size: int
    sha256: str

    @classmethod
    def of_bytes(cls, path: Path, data: bytes) -> Stamp:
        info = path.stat()
        return cls(info.st_mtime_ns, info.st_size, hashlib.sha256(data).hexdigest())

    @classmethod
    def of(cls, path: Path) -> Stamp | None:
        """The file's stamp now, or None when it is gone or unreadable."""
        try:
            data = path.read_bytes()
            return cls.of_bytes(path, data)
        except OSError:
            return None

    def same_file(self, other: Stamp | None) -> bool:
        """Same content. A touched file with the same bytes is not a change worth a prompt."""
        return other is not None and other.size == self.size and other.sha256 == self.sha256


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def read_script(path: Path) -> tuple[str, Stamp]:
    """A script's text for editing and the stamp to compare against at save time."""
    try:
        data = path.read_bytes()
        stamp = Stamp.of_bytes(path, data)
    except FileNotFoundError:
        raise OpenError(f"{path} does not exist; pick another file or start a new one.") from None
    except IsADirectoryError:
        raise OpenError(f"{path} is a folder, not a session script.") from None
    except OSError as error:
        raise OpenError(f"{path} cannot be read: {error.strerror or error}.") from None
    if len(data) > MAX_FILE_BYTES:
        raise OpenError(f"{path} is larger than a session script may be (1 MiB).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise OpenError(
            f"{path} is not UTF-8 text (byte {error.start + 1}); save it as UTF-8 and try again."
        ) from None
    return text, stamp


def _failure(path: Path, error: OSError) -> SaveError:
    if error.errno == errno.ENOSPC or error.errno == getattr(errno, "EDQUOT", None):
        reason = "the disk is full; free some space and save again"
    elif isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        reason = "you may not write there; use Save As to put it in another folder"
    elif error.errno == errno.EROFS:
        reason = "the disk is read-only; use Save As to put it somewhere else"
    else:
        reason = (error.strerror or str(error) or "the system refused to write it").rstrip(".")
        reason = reason[:1].lower() + reason[1:]
    return SaveError(f"Could not save {path.name}: {reason}. The file on disk is unchanged.")


def _write_temp(folder: Path, name: str, data: bytes, mode: int | None = None) -> Path:
    """Write data to a new temporary file beside the target, synced to the disk.

    The file gets `mode` when given (the permissions of the file it will replace), else the
    permissions of any new file (0666 less the umask), never mkstemp's private 0600.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        temp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            handle = os.open(temp, flags, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(folder))
    try:
        try:
            if mode is not None:
                _chmod(handle, temp, mode)
            view = memoryview(data)
            while view:
                written = os.write(handle, view)
                view = view[written:]
            os.fsync(handle)
        finally:
            os.close(handle)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _chmod(handle: int, path: Path, mode: int) -> None:
    if os.chmod in os.supports_fd:
        os.chmod(handle, mode)
    else:
        os.chmod(path, mode)


def _target(path: Path) -> Path:
    """The file a save really writes: a symlink's target, so the link stays a link."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _mode(path: Path) -> int | None:
    """The permission bits of an existing file, None when there is none to keep."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not every platform can open a folder; the data itself is already synced
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def atomic_write(
    path: Path, data: bytes, *, backup: bool = True, expect: Stamp | None = None
) -> Stamp:
    """Write `data` to `path` all at once and return the new stamp.

    With `expect`, refuse with ChangedOnDisk when the file is no longer what was opened.
    The previous version is kept as NAME.bak (when `backup` and the file existed).
    """
    if expect is not None and not expect.same_file(Stamp.of(path)):
        raise ChangedOnDisk(path)
    temp: Path | None = None
    try:
        target = _target(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode(target)
        temp = _write_temp(target.parent, target.name, data, mode)
        if backup and target.is_file():
            old = target.read_bytes()
            backup_temp = _write_temp(target.parent, backup_path(target).name, old, mode)
            try:
                os.replace(backup_temp, backup_path(target))
            except BaseException:
                backup_temp.unlink(missing_ok=True)
                raise
        os.replace(temp, target)
        temp = None
        _sync_folder(target.parent)
        return Stamp.of_bytes(target, data)
    except OSError as error:
        raise _failure(path, error) from error
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def slug(name: str) -> str:
    """A file name for a session name: "Back-care walk (copy)" -> "back-care-walk-copy"."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:60].strip("-") or "session"


def unique_path(folder: Path, name: str) -> Path:
    """A free NAME.toml in folder, numbered when taken."""
    base = slug(name)
    candidate = folder / f"{base}.toml"
    number = 2
    while candidate.exists():
        candidate = folder / f"{base}-{number}.toml"
        number += 1
    return candidate
