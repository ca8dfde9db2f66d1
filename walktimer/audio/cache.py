"""The speech cache: rendered cue WAVs on disk, keyed by text, voice, rate and engine."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from walktimer import paths
from walktimer.audio.clip import Clip, ClipError, read_wav

__all__ = ["CacheUsage", "SpeechCache", "SpeechKey", "format_bytes"]

SUFFIX = ".wav"
TEMP_MARK = ".part"


@dataclass(frozen=True, slots=True)
class SpeechKey:
    """Everything that changes how a text sounds once rendered."""

    text: str
    voice: str | None
    rate: int
    engine: str  # e.g. "espeak-ng 1.51, pyttsx3 2.99"

    @property
    def digest(self) -> str:
        blob = json.dumps([self.text, self.voice or "", self.rate, self.engine], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class CacheUsage:
    files: int
    bytes: int

    def __str__(self) -> str:
        noun = "file" if self.files == 1 else "files"
        return f"{self.files} {noun}, {format_bytes(self.bytes)}"


def format_bytes(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    value = float(count)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


class SpeechCache:
    """A folder of WAVs named by the hash of their `SpeechKey`. Safe to delete at any time."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else paths.cache_dir() / "speech"

    def path(self, key: SpeechKey) -> Path:
        return self.folder / f"{key.digest}{SUFFIX}"

    def temp_path(self, key: SpeechKey) -> Path:
        """Where a renderer writes before the finished file is moved into place."""
        return self.folder / f"{key.digest}{TEMP_MARK}{os.getpid()}{SUFFIX}"

    def load(self, key: SpeechKey) -> Clip | None:
        """The cached clip, or None. A corrupt or truncated file is deleted (and so re-rendered)."""
        path = self.path(key)
        if not path.exists():
            return None
        try:
            return read_wav(path, label=key.text)
        except ClipError:
            path.unlink(missing_ok=True)
            return None

    def sweep_partials(self) -> int:
        """Delete partial renders left by processes that are gone (killed mid-render)."""
        swept = 0
        for path in self.files():
            stem = path.name.removesuffix(SUFFIX)
            _, mark, pid = stem.partition(TEMP_MARK)
            if not mark or not pid.isdigit() or _alive(int(pid)):
                continue
            try:
                path.unlink()
            except OSError:
                continue
            swept += 1
        return swept

    def has(self, key: SpeechKey) -> bool:
        return self.load(key) is not None

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.is_file())

    def usage(self) -> CacheUsage:
        files = self.files()
        return CacheUsage(len(files), sum(_size(p) for p in files))

    def clear(self) -> CacheUsage:
        """Delete every cached file; returns what was freed."""
        freed_files = 0
        freed_bytes = 0
        for path in self.files():
            size = _size(path)
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            freed_files += 1
            freed_bytes += size
        return CacheUsage(freed_files, freed_bytes)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
