"""User files: the one bounded reader and the one atomic writer every part of walktimer uses.

`read_bounded` reads a file without ever holding more than a stated number of bytes, however
large it is or claims to be (a device such as /dev/zero has no size to check first).

`write_atomic` never leaves a half-written file: it writes a temporary file in the same
folder (`.NAME.XXXXXXXX.tmp`, created with O_EXCL), fsyncs it, gives it the permissions of
the file it replaces, renames it over the target in one step and fsyncs the folder. A write
through a symlink writes the file the link points to, so the link stays a link; a symlink
that loops is refused (ELOOP). With `overwrite=False` the temporary file is hard-linked to
the name instead of renamed, so a file that appeared there meanwhile is never replaced.
Whatever fails on the way, the target is as it was and no temporary file remains. Temporary
files of this naming left by a process killed mid-write are removed by a later write of the
same file once they are old enough not to belong to a write still in progress.

`write_new` writes to the first free name of a sequence (`walk.toml`, `walk-2.toml`, ...),
with no window in which two writers could take the same one.

Every failure is an OSError; callers turn it into their own sentence.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from walktimer.i18n import ENGLISH, N_, Phrases

__all__ = [
    "STALE_AFTER",
    "FileTooLarge",
    "free_names",
    "read_bounded",
    "remove_stale_temps",
    "write_atomic",
    "write_new",
    "write_target",
]

# A temporary file older than this (seconds since its last write) is a leftover of a write
# that was killed, not one still in progress: writes take milliseconds.
STALE_AFTER = 600.0
# Hard links are not offered by every file system (FAT, some network mounts).
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


class FileTooLarge(OSError):
    """A file longer than the reader's limit."""

    def __str__(self) -> str:
        return str(self.strerror)


def read_bounded(path: Path, limit: int, *, phrases: Phrases = ENGLISH) -> bytes:
    """The file's bytes, reading at most `limit` + 1 of them. Raises FileTooLarge past the
    limit (its reason in `phrases`), IsADirectoryError for a folder, and any other OSError as
    it comes."""
    with open(path, "rb") as stream:
        if stat.S_ISDIR(os.fstat(stream.fileno()).st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        data = stream.read(limit + 1)
    if len(data) > limit:
        reason = phrases.gettext("larger than {limit} bytes").format(limit=limit)
        raise FileTooLarge(errno.EFBIG, reason, str(path))
    return data


def write_target(path: Path) -> Path:
    """The file a write of `path` really changes: a symlink's target, so the link stays a
    link. Raises OSError(ELOOP) for a symlink that loops."""
    if not path.is_symlink():
        return path
    try:
        os.stat(path)
    except FileNotFoundError:
        pass  # a dangling link: the write creates the file it points to
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from None
        raise
    return Path(os.path.realpath(path))


def write_atomic(
    path: Path,
    data: bytes,
    *,
    overwrite: bool = True,
    mode: int | None = None,
    new_mode: int = 0o666,
) -> Path:
    """Write `data` to `path` in one step and return the file written (a symlink's target).

    The file keeps its permissions; `mode` sets others, and a new file gets `new_mode` less
    the umask. With `overwrite=False` an existing file is never replaced (FileExistsError).
    """
    target = write_target(path)
    folder = target.parent
    remove_stale_temps(target)
    if mode is None:
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(target.stat().st_mode)
    temp = _write_temp(target, data, mode, new_mode)
    try:
        if overwrite:
            os.replace(temp, target)
        else:
            _link(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    _sync_folder(folder)
    return target


def free_names(folder: Path, stem: str, suffix: str) -> Iterator[Path]:
    """`stem.suffix`, then `stem-2.suffix`, `stem-3.suffix`, ... in `folder`."""
    yield folder / f"{stem}{suffix}"
    number = 2
    while True:
        yield folder / f"{stem}-{number}{suffix}"
        number += 1


def write_new(candidates: Iterable[Path], data: bytes, *, attempts: int = 1000) -> Path:
    """Write `data` under the first of `candidates` (all in one folder) that is free, and
    return it. The name is taken by a hard link of a complete, synced file, so two writers
    never take the same name and no reader sees a partial file."""
    names = iter(candidates)
    first = next(names)
    temp = _write_temp(first, data, None, 0o666)
    try:
        for name in itertools.islice(itertools.chain([first], names), attempts):
            try:
                _link(temp, name)
            except FileExistsError:
                continue
            _sync_folder(name.parent)
            return name
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    # The reasons walktimer gives an OSError are marked; whoever shows one translates it.
    raise FileExistsError(errno.EEXIST, N_("no free name"), str(first.parent))


def _temp_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{8}}\.tmp")


def remove_stale_temps(target: Path, *, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files of writes of `target` killed before they ended (this
    module's naming only, untouched for `older_than` seconds); returns what was removed."""
    pattern = _temp_pattern(target)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    cutoff = time.time() - older_than
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _write_temp(target: Path, data: bytes, mode: int | None, new_mode: int) -> Path:
    """A new temporary file beside `target` holding `data`, synced to the disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        temp = target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")
        try:
            handle = os.open(temp, flags, new_mode)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, N_("no free temporary name"), str(target.parent))
    try:
        try:
            if mode is not None:
                if os.chmod in os.supports_fd:
                    os.chmod(handle, mode)
                else:  # pragma: no cover - Windows
                    os.chmod(temp, mode)
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


def _link(temp: Path, target: Path) -> None:
    """Give `temp` the name `target` only if that name is free (FileExistsError if not)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        # No hard links here: look, then rename. Only a file created in the instant
        # between the two could still be replaced.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(temp, target)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable; not every platform can open a folder."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
