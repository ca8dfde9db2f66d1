"""Saving a script without ever losing the user's file.

A save keeps the version on disk as NAME.toml.bak and then writes the file through
`walktimer.files.write_atomic` (a synced temporary file in the same folder, renamed over it
in one step). The new file and the .bak keep the permissions of the file they replace (a new
file gets 0666 less the umask), a save through a symlink writes the file it points to, so the
link stays a link, and a symlink that loops is refused.
Whatever fails on the way (a full disk, no permission) leaves the original as it was and
comes back as one SaveError sentence. A file that changed on disk since it was opened is
reported as its own condition, ChangedOnDisk, so the caller can offer reload, overwrite or
save as.
"""

from __future__ import annotations

import errno
import hashlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from walktimer import files
from walktimer.core.script import MAX_FILE_BYTES
from walktimer.i18n import ENGLISH, Phrases

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

    def __init__(self, path: Path, phrases: Phrases = ENGLISH) -> None:
        super().__init__(
            phrases.gettext(
                "{path} was changed by another program since you opened it: reload it, "
                "overwrite it with your version, or save yours under another name."
            ).format(path=path)
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
            data = files.read_bounded(path, MAX_FILE_BYTES)
            return cls.of_bytes(path, data)
        except OSError:
            return None

    def same_file(self, other: Stamp | None) -> bool:
        """Same content. A touched file with the same bytes is not a change worth a prompt."""
        return other is not None and other.size == self.size and other.sha256 == self.sha256


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def read_script(path: Path, *, phrases: Phrases = ENGLISH) -> tuple[str, Stamp]:
    """A script's text for editing and the stamp to compare against at save time."""
    t = phrases
    try:
        data = files.read_bounded(path, MAX_FILE_BYTES, phrases=t)
        stamp = Stamp.of_bytes(path, data)
    except files.FileTooLarge:
        message = t.gettext("{path} is larger than a session script may be (1 MiB).")
        raise OpenError(message.format(path=path)) from None
    except FileNotFoundError:
        message = t.gettext("{path} does not exist; pick another file or start a new one.")
        raise OpenError(message.format(path=path)) from None
    except IsADirectoryError:
        message = t.gettext("{path} is a folder, not a session script.")
        raise OpenError(message.format(path=path)) from None
    except OSError as error:
        message = t.gettext("{path} cannot be read: {reason}.")
        raise OpenError(message.format(path=path, reason=error.strerror or error)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        message = t.gettext(
            "{path} is not UTF-8 text (byte {byte}); save it as UTF-8 and try again."
        )
        raise OpenError(message.format(path=path, byte=error.start + 1)) from None
    return text, stamp


def _failure(path: Path, error: OSError, t: Phrases) -> SaveError:
    if error.errno == errno.ENOSPC or error.errno == getattr(errno, "EDQUOT", None):
        reason = t.gettext("the disk is full; free some space and save again")
    elif isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        reason = t.gettext("you may not write there; use Save As to put it in another folder")
    elif error.errno == errno.ELOOP:
        reason = t.gettext(
            "it is a symbolic link that leads back to itself; remove the link or use Save As"
        )
    elif error.errno == errno.EROFS:
        reason = t.gettext("the disk is read-only; use Save As to put it somewhere else")
    else:
        refused = t.gettext("the system refused to write it")
        # walktimer's own reasons (walktimer.files) are in the catalogue; the system's are not.
        own = t.gettext(error.strerror) if error.strerror else None
        reason = (own or str(error) or refused).rstrip(".")
        reason = reason[:1].lower() + reason[1:]
    message = t.gettext("Could not save {name}: {reason}. The file on disk is unchanged.")
    return SaveError(message.format(name=path.name, reason=reason))


def atomic_write(
    path: Path,
    data: bytes,
    *,
    backup: bool = True,
    expect: Stamp | None = None,
    phrases: Phrases = ENGLISH,
) -> Stamp:
    """Write `data` to `path` all at once and return the new stamp.

    With `expect`, refuse with ChangedOnDisk when the file is no longer what was opened.
    The previous version is kept as NAME.bak (when `backup` and the file existed).
    """
    if expect is not None and not expect.same_file(Stamp.of(path)):
        raise ChangedOnDisk(path, phrases)
    try:
        target = files.write_target(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if backup and target.is_file():
            mode = stat.S_IMODE(target.stat().st_mode)
            files.write_atomic(backup_path(target), target.read_bytes(), mode=mode)
        files.write_atomic(target, data)
        return Stamp.of_bytes(target, data)
    except OSError as error:
        raise _failure(path, error, phrases) from error


def slug(name: str) -> str:
    """A file name for a session name: "Back-care walk (copy)" -> "back-care-walk-copy"."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:60].strip("-") or "session"


def unique_path(folder: Path, name: str) -> Path:
    """A free NAME.toml in folder, numbered when taken."""
    return next(p for p in files.free_names(folder, slug(name), ".toml") if not p.exists())
