"""A guard against a PySide6 reference-count bug that aborts the interpreter in long sessions.

In PySide6 6.12.0, every `SignalInstance.emit()` called from Python returns True without
taking a reference to it, so each call made from Python takes one reference away from True.
True starts with only a few hundred references, so after some hundreds of emits (a session
redraws once a second) CPython aborts with "Fatal Python error: bool_dealloc: deallocating
True or False". Found here with a two-line probe; `leaks_true()` is that probe.

On CPython before 3.12, where True can still be deallocated, `protect()` gives True and
False a large reserve of references once at start-up, so the leak cannot reach zero in any
realistic run. True and False are never freed anyway, so the extra references cost nothing,
and a PySide6 without the bug is left alone. From 3.12 on they are immortal and the bug is
harmless.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["RESERVE", "leaks_true", "protect"]

RESERVE = 1 << 40  # about one emit per microsecond for twelve days before it matters


def leaks_true() -> bool:
    """Whether emitting a signal from Python takes a reference away from True."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    return sys.getrefcount(True) < before


def protect() -> bool:
    """Apply the guard if this interpreter and PySide6 need it; True when applied."""
    if sys.getrefcount(True) > RESERVE // 2:
        return True  # already given
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not leaks_true():
        return False
    for value in (True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(value)).value += RESERVE
    return True
