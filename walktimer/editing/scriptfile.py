"""A script being edited and the file it belongs to: open, new, save, save as, reload.

Bundled sessions are read-only: they open for reading and as templates, and saving one asks
for a name and writes a copy into the user's sessions folder. New scripts start from a small
valid template or from any bundled session.
"""

from __future__ import annotations

import json
from pathlib import Path

from walktimer import paths, resources
from walktimer.editing.document import Document, Loc
from walktimer.editing.storage import ChangedOnDisk, Stamp, atomic_write, read_script, unique_path
from walktimer.i18n import ENGLISH, Phrases

__all__ = ["BLANK_TEMPLATE", "NeedsName", "ScriptFile", "blank_template"]

_TEMPLATE = """\
format = 1
name = {name}
description = {description}

[[phase]]
name = {warm_up}
kind = "warmup"
duration = "5m"
say = {say}

[[phase]]
name = {walk}
kind = "walk"
duration = "20m"

[[phase]]
name = {cool_down}
kind = "cooldown"
duration = "5m"
"""


def blank_template(phrases: Phrases = ENGLISH) -> str:
    """A new script's text: a small valid session, its names and words in `phrases`."""
    t = phrases

    def quoted(text: str) -> str:
        # JSON's string escapes are TOML's too.
        return json.dumps(text, ensure_ascii=False)

    return _TEMPLATE.format(
        # Translators: the name and texts of a new session script; kept short.
        name=quoted(t.gettext("My walk")),
        description=quoted(t.gettext("A walk of my own.")),
        warm_up=quoted(t.gettext("Warm-up")),
        say=quoted(t.gettext("Warm up. Walk slowly and let your shoulders relax.")),
        walk=quoted(t.gettext("Walk")),
        cool_down=quoted(t.gettext("Cool-down")),
    )


BLANK_TEMPLATE = blank_template()


class NeedsName(Exception):
    """Saving needs a file name first: a new script, or a copy of a bundled one."""

    def __init__(self, suggestion: Path, reason: str) -> None:
        super().__init__(reason)
        self.suggestion = suggestion


class ScriptFile:
    """The document plus where it lives and what the file looked like when it was read."""

    def __init__(
        self,
        doc: Document,
        path: Path | None,
        stamp: Stamp | None,
        *,
        phrases: Phrases = ENGLISH,
    ) -> None:
        self.t = phrases
        self.doc = doc
        self.path = path
        self.stamp = stamp
        self.saved_text: str | None = doc.text() if path is not None else None

    @classmethod
    def open(cls, path: Path, *, phrases: Phrases = ENGLISH) -> ScriptFile:
        """Open a script for editing; raises OpenError (one sentence) when it cannot be read.
        `phrases` words the messages about the file and its document."""
        text, stamp = read_script(path, phrases=phrases)
        return cls(Document(text, path, phrases=phrases), path, stamp, phrases=phrases)

    @classmethod
    def new(cls, template: Path | None = None, *, phrases: Phrases = ENGLISH) -> ScriptFile:
        """A new, unsaved script: the blank template or a copy of another script."""
        if template is None:
            doc = Document(blank_template(phrases), phrases=phrases)
            return cls(doc, None, None, phrases=phrases)
        text, _stamp = read_script(template, phrases=phrases)
        doc = Document(text, None, phrases=phrases)
        name = doc.get(Loc(), "name")
        if doc.parsed and isinstance(name, str):
            # Translators: the name of a copy of the session {name}.
            copy = phrases.gettext("{name} (my copy)").format(name=name)
            doc.set_value(Loc(), "name", copy[:80])
        return cls(doc, None, None, phrases=phrases)

    @property
    def read_only(self) -> bool:
        return self.path is not None and resources.is_bundled(self.path)

    @property
    def modified(self) -> bool:
        return self.saved_text != self.doc.text()

    @property
    def title(self) -> str:
        name = self.doc.get(Loc(), "name")
        if isinstance(name, str) and name.strip():
            return name.strip()
        return self.path.name if self.path is not None else self.t.gettext("New session")

    def suggested_path(self) -> Path:
        """Where Save As proposes to put it: the user's sessions folder, a free name."""
        return unique_path(paths.user_sessions_dir(), self.title)

    def changed_on_disk(self) -> bool:
        """Whether someone else changed (or removed) the file since it was opened or saved."""
        if self.path is None or self.stamp is None:
            return False
        return not self.stamp.same_file(Stamp.of(self.path))

    def save(self, *, force: bool = False) -> Path:
        """Save in place. Raises NeedsName (new or bundled), ChangedOnDisk (unless `force`),
        or SaveError (nothing was written; the old file is intact)."""
        if self.path is None:
            message = self.t.gettext("Choose a name for the new session.")
            raise NeedsName(self.suggested_path(), message)
        if self.read_only:
            raise NeedsName(
                self.suggested_path(),
                self.t.gettext(
                    "Bundled sessions are read-only; your changes are saved as a copy in your "
                    "sessions folder."
                ),
            )
        expect = None if force else self.stamp
        if expect is None and not force and self.path.exists():
            raise ChangedOnDisk(self.path, self.t)
        self._write(self.path, expect)
        return self.path

    def save_as(self, path: Path) -> Path:
        """Save to a new file (it becomes this script's file); never over a bundled one."""
        if resources.is_bundled(path):
            message = self.t.gettext("Bundled sessions cannot be overwritten.")
            raise NeedsName(self.suggested_path(), message)
        self._write(path, None)
        self.path = path
        self.doc.path = path
        return path

    def _write(self, path: Path, expect: Stamp | None) -> None:
        text = self.doc.text()
        self.stamp = atomic_write(path, text.encode("utf-8"), expect=expect, phrases=self.t)
        self.saved_text = text

    def reload(self) -> None:
        """Read the file again, dropping unsaved changes."""
        if self.path is None:
            return
        text, stamp = read_script(self.path, phrases=self.t)
        self.doc.set_text(text)
        self.stamp = stamp
        self.saved_text = text
