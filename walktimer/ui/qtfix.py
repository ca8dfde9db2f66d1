"""A guard against a PySide6 reference-count bug that aborts the interpreter in long sessions.

PySide6 6.12.0 (its abi3 wheel, which also serves Python 3.11) returns None, True and False
to Python without taking a reference to them, as if they were immortal, which they are only
from Python 3.12 on. On 3.11 every call of a method that returns nothing (`setText`,
`update`, `QTimer.start`, ...) takes one reference away from None, and every
`SignalInstance.emit()` one from True. True starts with a few hundred references and None
with a few tens of thousands; a session that redraws every second used them up within
minutes, and CPython aborted with "Fatal Python error: none_dealloc: deallocating None" (or
bool_dealloc). `leaks()` is the two-line probe that shows it.

Upstream: the bug belongs to Qt for Python's tracker (https://bugreports.qt.io, project
PYSIDE). No report of it turned up in the public issue indexes searched (the tracker itself
was not searched), so this paragraph is the description to file. It is the PEP 683
(immortal objects) hazard for the stable ABI, seen from the other side: code compiled against
3.12+ headers, whose inlined Py_INCREF of None or True does nothing, loaded by a 3.11
interpreter that still counts their references. The same class of bug, in other projects:
https://github.com/python/cpython/issues/118997 (Shiboken's decrefs of immortal objects on
3.12) and https://github.com/vllm-project/vllm/pull/49950 (an abi3 extension's
Py_RETURN_NONE on an older interpreter). Reproduce with `leaks()` on
Python 3.11 with PySide6-Essentials 6.12.0.

Remove this module, its calls (ui/app.py, tests/conftest.py) and tests/ui/test_ui_qtfix.py
when walktimer requires Python 3.12 or later (None, True and False are immortal there), or
when every PySide6 that pyproject.toml allows on 3.11 gives `leaks() == False`; then also lift
the `<6.12` cap for 3.11 there.

pyproject.toml keeps Python 3.11 on PySide6 6.11, which does not have the bug (checked with
`leaks()`); the guard stays for installs that bring 6.12 anyway.

Where the bug is present, `protect()` gives None, True and False a large reserve of
references once at start-up, so the leak cannot reach zero in any realistic run. These
objects are never freed anyway, so the extra references cost nothing, and a PySide6 without
the bug (or a Python where they are immortal) is left alone.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["RESERVE", "leaks", "protect"]

RESERVE = 1 << 40  # about one emit per microsecond for twelve days before it matters


def leaks() -> bool:
    """Whether calls into PySide6 take references away from None or True."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none, true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(4):
        probe.setObjectName("probe")  # returns nothing
        probe.ping.emit()  # returns True
    return sys.getrefcount(None) < none or sys.getrefcount(True) < true


def protect() -> bool:
    """Apply the guard if this interpreter and PySide6 need it; True when applied."""
    if sys.getrefcount(None) > RESERVE // 2:
        return True  # already given
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not leaks():
        return False
    for value in (None, True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(value)).value += RESERVE
    return True
