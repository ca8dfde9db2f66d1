"""walktimer.files: the bounded reader and the atomic writer lose nothing and clobber nothing."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from walktimer import files


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "files"
    made.mkdir()
    return made


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_write_replaces_the_file_and_leaves_no_temporary_file(folder: Path) -> None:
    target = folder / "goal.json"
    target.write_bytes(b"old")
    assert files.write_atomic(target, b"new") == target
    assert target.read_bytes() == b"new"
    assert _names(folder) == ["goal.json"]


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_failure_before_the_rename_loses_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    target = folder / "walk.toml"
    target.write_bytes(b"the user's file")

    def fail(*_args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(OSError, match="Input/output error"):
        files.write_atomic(target, b"half")
    monkeypatch.undo()
    assert target.read_bytes() == b"the user's file"
    assert _names(folder) == ["walk.toml"]


def test_a_name_that_appeared_meanwhile_is_not_clobbered(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = folder / "import.toml"
    real_fsync = os.fsync

    def someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():  # another program takes the name while ours is written
            target.write_bytes(b"theirs")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    with pytest.raises(FileExistsError):
        files.write_atomic(target, b"ours", overwrite=False)
    assert target.read_bytes() == b"theirs"
    assert _names(folder) == ["import.toml"]


def test_without_hard_links_a_taken_name_is_still_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(_src: object, _dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    free = folder / "new.toml"
    files.write_atomic(free, b"ours", overwrite=False)
    assert free.read_bytes() == b"ours"
    with pytest.raises(FileExistsError):
        files.write_atomic(free, b"again", overwrite=False)
    assert free.read_bytes() == b"ours"
    assert _names(folder) == ["new.toml"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_permissions_are_kept_and_a_new_file_gets_the_umasks(folder: Path) -> None:
    kept = folder / "kept.toml"
    kept.write_bytes(b"x")
    kept.chmod(0o604)
    files.write_atomic(kept, b"y")
    assert _mode(kept) == 0o604
    old = os.umask(0o027)
    try:
        fresh = files.write_atomic(folder / "fresh.toml", b"z")
        private = files.write_atomic(folder / "state.json", b"{}", new_mode=0o600)
    finally:
        os.umask(old)
    assert _mode(fresh) == 0o640
    assert _mode(private) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_is_written_through_and_stays_a_link(folder: Path) -> None:
    real = folder / "real"
    real.mkdir()
    target = real / "walk.toml"
    target.write_bytes(b"old")
    link = folder / "walk.toml"
    link.symlink_to(target)
    assert files.write_atomic(link, b"new") == target.resolve()
    assert link.is_symlink()
    assert target.read_bytes() == b"new"
    assert _names(real) == ["walk.toml"]
    assert _names(folder) == ["real", "walk.toml"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_loop_is_refused_and_left_alone(folder: Path) -> None:
    loop = folder / "loop.toml"
    loop.symlink_to(folder / "other.toml")
    (folder / "other.toml").symlink_to(loop)
    with pytest.raises(OSError, match="symbolic links") as caught:
        files.write_atomic(loop, b"data")
    assert caught.value.errno == errno.ELOOP
    assert loop.is_symlink()
    assert _names(folder) == ["loop.toml", "other.toml"]


def test_stale_temporary_files_of_our_naming_go_and_others_stay(folder: Path) -> None:
    target = folder / "walk.toml"
    stale = folder / ".walk.toml.0123abcd.tmp"
    fresh = folder / ".walk.toml.89abcdef.tmp"  # a write in progress right now
    foreign = folder / ".walk.toml.notours.tmp"
    for path in (stale, fresh, foreign):
        path.write_bytes(b"partial")
    old = os.stat(stale).st_mtime - files.STALE_AFTER - 60
    os.utime(stale, (old, old))
    os.utime(foreign, (old, old))
    files.write_atomic(target, b"new")
    assert _names(folder) == [fresh.name, foreign.name, "walk.toml"]


def test_write_new_takes_the_first_free_name(folder: Path) -> None:
    (folder / "walk.toml").write_bytes(b"first")
    names = files.free_names(folder, "walk", ".toml")
    assert files.write_new(names, b"second") == folder / "walk-2.toml"
    assert (folder / "walk.toml").read_bytes() == b"first"
    assert (folder / "walk-2.toml").read_bytes() == b"second"
    assert _names(folder) == ["walk-2.toml", "walk.toml"]


def test_write_new_never_gives_two_writers_one_name(folder: Path) -> None:
    barrier = threading.Barrier(8)
    taken: list[Path] = []

    def writer(number: int) -> None:
        barrier.wait()
        taken.append(files.write_new(files.free_names(folder, "w", ".toml"), b"%d" % number))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(taken)) == 8
    assert sorted(p.read_bytes() for p in taken) == sorted(b"%d" % n for n in range(8))
    assert len(_names(folder)) == 8


def test_the_bounded_reader_stops_at_its_limit(folder: Path) -> None:
    small = folder / "small"
    small.write_bytes(b"12345")
    assert files.read_bounded(small, 5) == b"12345"
    with pytest.raises(files.FileTooLarge):
        files.read_bounded(small, 4)
    with pytest.raises(IsADirectoryError):
        files.read_bounded(folder, 10)
    if os.path.exists("/dev/zero"):
        with pytest.raises(files.FileTooLarge):
            files.read_bounded(Path("/dev/zero"), 1000)
