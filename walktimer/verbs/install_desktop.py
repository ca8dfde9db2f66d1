"""`walktimer install-desktop`: put WalkTimer in the desktop's application menu, with its icon."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from walktimer.i18n import N_, interface

HELP = N_(
    "Add WalkTimer to the application menu (a .desktop entry, AppStream metadata and icons); "
    "--uninstall removes it."
)

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t = interface()
    parser.add_argument(
        "--prefix",
        type=Path,
        metavar="DIR",
        help=t.gettext(
            "the data folder to install into (default: $XDG_DATA_HOME or ~/.local/share)"
        ),
    )
    parser.add_argument(
        "--uninstall", action="store_true", help=t.gettext("remove what it installed")
    )


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local/share"


def exec_command() -> str:
    """How the menu starts this very installation (a virtual environment's walktimer)."""
    script = Path(sys.executable).with_name("walktimer")
    if script.is_file() and os.access(script, os.X_OK):
        return _quote(str(script))
    found = shutil.which("walktimer")
    if found:
        return _quote(found)
    return f"{_quote(sys.executable)} -m walktimer"


def _quote(arg: str) -> str:
    """Quote one Exec argument as the Desktop Entry spec asks (double quotes, backslashes)."""
    if not any(ch in arg for ch in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped}"'


def targets(prefix: Path, app_id: str) -> dict[str, Path]:
    out = {"desktop": prefix / "applications" / f"{app_id}.desktop"}
    # AppStream metadata, for software centres: $XDG_DATA_HOME/metainfo beside applications.
    out["metainfo"] = prefix / "metainfo" / f"{app_id}.metainfo.xml"
    out["svg"] = prefix / "icons/hicolor/scalable/apps" / f"{app_id}.svg"
    for size in SIZES:
        out[f"png{size}"] = prefix / f"icons/hicolor/{size}x{size}/apps" / f"{app_id}.png"
    return out


def _write(path: Path, data: bytes) -> None:
    from walktimer import files

    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_atomic(path, data)


def _refresh_caches(prefix: Path) -> None:
    """Tell the menu and icon caches, where those tools exist; harmless when they do not."""
    for command in (
        ["update-desktop-database", "-q", str(prefix / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(prefix / "icons/hicolor")],
    ):
        if shutil.which(command[0]):
            subprocess.run(command, check=False, capture_output=True, timeout=30)


def run(args: argparse.Namespace) -> int:
    from walktimer import APP_ID
    from walktimer.resources import asset

    t = interface()
    prefix: Path = (args.prefix or data_home()).expanduser()
    files = targets(prefix, APP_ID)
    if args.uninstall:
        removed = 0
        for path in files.values():
            if path.exists():
                path.unlink()
                removed += 1
        _refresh_caches(prefix)
        print(
            t.ngettext(
                "Removed {count} file of the desktop entry.",
                "Removed {count} files of the desktop entry.",
                removed,
            ).format(count=removed)
        )
        return 0
    entry = asset("desktop", f"{APP_ID}.desktop").read_text(encoding="utf-8")
    command = exec_command()
    lines = []
    for line in entry.splitlines():
        if line.startswith("Exec="):
            lines.append(f"Exec={command} %f")
        elif line.startswith("TryExec="):
            lines.append(f"TryExec={shlex.split(command)[0]}")
        else:
            lines.append(line)
    try:
        _write(files["desktop"], ("\n".join(lines) + "\n").encode("utf-8"))
        metainfo = asset("desktop", f"{APP_ID}.metainfo.xml").read_bytes()
        _write(files["metainfo"], metainfo)
        _write(files["svg"], asset("icons", f"{APP_ID}.svg").read_bytes())
        for size in SIZES:
            png = asset("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png")
            _write(files[f"png{size}"], png.read_bytes())
    except OSError as error:
        print(
            t.gettext(
                "walktimer: cannot install the desktop entry in {folder}: {reason}. "
                "Choose a writable folder with --prefix."
            ).format(folder=prefix, reason=error.strerror),
            file=sys.stderr,
        )
        return 1
    _refresh_caches(prefix)
    installed = t.gettext("Installed {path}")
    print(installed.format(path=files["desktop"]))
    print(installed.format(path=files["metainfo"]))
    print(t.gettext("Installed icons under {folder}").format(folder=prefix / "icons/hicolor"))
    print(f"The menu entry starts: {command}")
    return 0
