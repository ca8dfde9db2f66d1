"""Finds the bundled sessions and assets, from a source checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DEFAULT_SESSION",
    "asset",
    "bundled_programme",
    "bundled_programmes",
    "bundled_session",
    "bundled_sessions",
    "resource_root",
]

DEFAULT_SESSION = "back-care-30.toml"

_PACKAGE = Path(__file__).resolve().parent


def resource_root() -> Path:
    """The folder holding `sessions/` and `assets/`.

    A wheel carries them inside the package as `_data/`; a source checkout (and an editable
    install) has them beside the package.
    """
    packaged = _PACKAGE / "_data"
    if (packaged / "sessions").is_dir():
        return packaged
    return _PACKAGE.parent


def bundled_sessions() -> list[Path]:
    """Every bundled session script, sorted by file name."""
    return sorted((resource_root() / "sessions").glob("*.toml"))


def bundled_session(name: str = DEFAULT_SESSION) -> Path:
    return resource_root() / "sessions" / name


def resolve_session(name: str | None) -> Path | None:
    """The script a user names: an existing path, or a bundled session by name
    ("back-care-30" or "back-care-30.toml"); no name means the default. None when neither."""
    if name is None:
        return bundled_session()
    path = Path(name).expanduser()
    if path.exists():
        return path
    if "/" not in name and "\\" not in name:
        stem = name[: -len(".toml")] if name.endswith(".toml") else name
        bundled = bundled_session(f"{stem}.toml")
        if bundled.is_file():
            return bundled
    return None


def bundled_programmes() -> list[Path]:
    """Every bundled programme file, sorted by file name."""
    return sorted((resource_root() / "programmes").glob("*.toml"))


def bundled_programme(name: str) -> Path:
    stem = name[: -len(".toml")] if name.endswith(".toml") else name
    return resource_root() / "programmes" / f"{stem}.toml"


def asset(*parts: str) -> Path:
    """A file under `assets/`, e.g. asset("audio", "bell.wav")."""
    return resource_root().joinpath("assets", *parts)


def is_bundled(path: Path) -> bool:
    """Whether a script is one of the read-only bundled sessions."""
    try:
        path.resolve().relative_to((resource_root() / "sessions").resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return False
    return True
