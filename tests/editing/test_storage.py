"""Saving never loses the user's file: atomic writes, backups, conflicts, read-only bundles."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import REPO
from walktimer import paths, resources
from walktimer.core.loader import load_path
from walktimer.editing import storage
from walktimer.editing.document import Loc
from walktimer.editing.scriptfile import BLANK_TEMPLATE, NeedsName, ScriptFile
from walktimer.editing.storage import ChangedOnDisk, OpenError, SaveError

COMMENTED = REPO / "tests" / "data" / "editor" / "commented.toml"


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "walk.toml"
    path.write_bytes(COMMENTED.read_bytes())
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_saving_keeps_the_previous_version_as_bak(script: Path) -> None:
    original = script.read_bytes()
    opened = ScriptFile.open(script)
    opened.doc.set_value(Loc(), "name", "Evening walk")
    opened.save()
    assert script.with_name("walk.toml.bak").read_bytes() == original
    assert load_path(script).name == "Evening walk"
    assert _leftovers(script.parent) == []
    assert not opened.modified


def test_a_failure_between_writing_and_replacing_leaves_the_original(
    script: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = script.read_bytes()
    opened = ScriptFile.open(script)
    opened.doc.set_value(Loc(), "name", "Evening walk")
    real_replace = os.replace

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == script:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(SaveError) as caught:
        opened.save()
    message = str(caught.value)
    assert message == "Could not save walk.toml: input/output error. The file on disk is unchanged."
    assert script.read_bytes() == original
    assert load_path(script).name == "Lunchtime walk"
    assert _leftovers(script.parent) == []
    assert opened.modified  # the edit is still there to save again


def test_a_full_disk_reports_one_sentence_and_loses_nothing(
    script: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = script.read_bytes()
    opened = ScriptFile.open(script)
    opened.doc.set_value(Loc(), "name", "Evening walk")

    def full_disk(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(SaveError, match=r"the disk is full; free some space and save again\."):
        opened.save()
    monkeypatch.undo()
    assert script.read_bytes() == original
    assert not script.with_name("walk.toml.bak").exists()
    assert _leftovers(script.parent) == []
    assert opened.doc.get(Loc(), "name") == "Evening walk"
    opened.save()
    assert load_path(script).name == "Evening walk"


def test_a_file_changed_on_disk_is_reported_and_not_overwritten(script: Path) -> None:
    opened = ScriptFile.open(script)
    opened.doc.set_value(Loc(), "name", "Mine")
    script.write_text(script.read_text(encoding="utf-8").replace("Lunchtime", "Theirs"))
    assert opened.changed_on_disk()
    with pytest.raises(ChangedOnDisk, match="changed by another program"):
        opened.save()
    assert "Theirs" in script.read_text(encoding="utf-8")
    opened.save(force=True)
    assert load_path(script).name == "Mine"
    assert not opened.changed_on_disk()


def test_reload_takes_the_version_on_disk(script: Path) -> None:
    opened = ScriptFile.open(script)
    opened.doc.set_value(Loc(), "name", "Mine")
    script.write_text(script.read_text(encoding="utf-8").replace("Lunchtime", "Theirs"))
    opened.reload()
    assert opened.doc.get(Loc(), "name") == "Theirs walk"
    assert not opened.modified
    assert not opened.changed_on_disk()


def test_a_bundled_session_saves_as_a_copy_in_the_users_folder() -> None:
    bundled = resources.bundled_session()
    before = bundled.read_bytes()
    opened = ScriptFile.open(bundled)
    assert opened.read_only
    opened.doc.set_value(Loc(), "name", "My back-care walk")
    with pytest.raises(NeedsName) as caught:
        opened.save()
    suggestion = caught.value.suggestion
    assert suggestion.parent == paths.user_sessions_dir()
    assert suggestion.name == "my-back-care-walk.toml"
    with pytest.raises(NeedsName):
        opened.save_as(bundled)
    opened.save_as(suggestion)
    assert bundled.read_bytes() == before
    assert load_path(suggestion).name == "My back-care walk"
    assert not opened.read_only


def test_new_from_blank_is_valid_and_needs_a_name() -> None:
    new = ScriptFile.new()
    assert new.doc.text() == BLANK_TEMPLATE
    assert new.doc.problems() == []
    assert new.modified
    with pytest.raises(NeedsName):
        new.save()


def test_new_from_a_bundled_template_is_renamed_copy() -> None:
    template = resources.bundled_session()
    new = ScriptFile.new(template)
    assert new.path is None
    name = new.doc.get(Loc(), "name")
    assert name.endswith("(my copy)")
    assert new.doc.problems() == []
    assert new.suggested_path().parent == paths.user_sessions_dir()


def test_the_suggested_name_is_free(tmp_path: Path) -> None:
    (tmp_path / "evening-walk.toml").write_text("x")
    assert storage.unique_path(tmp_path, "Evening walk!").name == "evening-walk-2.toml"
    assert storage.slug("  ") == "session"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe", "is not UTF-8 text"),
        (b"x" * (1024 * 1024 + 1), "larger than a session script may be"),
    ],
)
def test_files_that_cannot_be_edited_say_why(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(OpenError, match=message):
        ScriptFile.open(path)


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(OpenError, match="does not exist"):
        ScriptFile.open(tmp_path / "gone.toml")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_saving_keeps_the_files_permissions_and_gives_them_to_the_bak(script: Path) -> None:
    script.chmod(0o644)
    opened = ScriptFile.open(script)
    opened.doc.set_value(Loc(), "name", "Evening walk")
    opened.save()
    assert _mode(script) == 0o644
    assert _mode(script.with_name("walk.toml.bak")) == 0o644
    script.chmod(0o640)
    opened.doc.set_value(Loc(), "name", "Late walk")
    opened.save()
    assert _mode(script) == 0o640
    assert _mode(script.with_name("walk.toml.bak")) == 0o640


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_new_file_gets_the_permissions_of_any_new_file(tmp_path: Path) -> None:
    old_umask = os.umask(0o027)
    try:
        made = ScriptFile.new()
        made.doc.set_value(Loc(), "name", "Fresh walk")
        path = made.save_as(tmp_path / "fresh.toml")
    finally:
        os.umask(old_umask)
    assert _mode(path) == 0o640
    assert load_path(path).name == "Fresh walk"


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_saving_through_a_symlink_edits_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = real / "walk.toml"
    target.write_bytes(COMMENTED.read_bytes())
    original = target.read_bytes()
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    opened = ScriptFile.open(link)
    opened.doc.set_value(Loc(), "name", "Evening walk")
    opened.save()
    assert link.is_symlink()
    assert load_path(target).name == "Evening walk"
    assert (real / "walk.toml.bak").read_bytes() == original
    assert not (tmp_path / "link.toml.bak").exists()
    assert _leftovers(tmp_path) == []
    assert _leftovers(real) == []
    assert not opened.changed_on_disk()
    opened.doc.set_value(Loc(), "name", "Late walk")
    opened.save()  # the stamp from the first save matches the target
    assert link.is_symlink()
    assert load_path(link).name == "Late walk"


def test_a_save_removes_temporary_files_left_by_a_killed_save(script: Path) -> None:
    stale = script.with_name(f".{script.name}.0123abcd.tmp")
    stale.write_bytes(b"half a script")
    old = stale.stat().st_mtime - 3600
    os.utime(stale, (old, old))
    opened = ScriptFile.open(script)
    opened.doc.set_value(Loc(), "name", "Evening walk")
    opened.save()
    assert not stale.exists()
    assert _leftovers(script.parent) == []


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_loop_at_the_save_path_is_refused_with_a_sentence(tmp_path: Path) -> None:
    loop = tmp_path / "loop.toml"
    loop.symlink_to(tmp_path / "back.toml")
    (tmp_path / "back.toml").symlink_to(loop)
    made = ScriptFile.new()
    made.doc.set_value(Loc(), "name", "Fresh walk")
    with pytest.raises(SaveError) as caught:
        made.save_as(loop)
    assert str(caught.value) == (
        "Could not save loop.toml: it is a symbolic link that leads back to itself; remove "
        "the link or use Save As. The file on disk is unchanged."
    )
    assert loop.is_symlink()
    assert (tmp_path / "back.toml").is_symlink()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="a device without an end")
def test_opening_an_endless_file_reads_no_more_than_a_script_may_hold() -> None:
    with pytest.raises(OpenError, match=r"is larger than a session script may be \(1 MiB\)\."):
        storage.read_script(Path("/dev/zero"))
