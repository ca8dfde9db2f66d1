"""The guard against PySide6 taking references from True on every emit()."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from walktimer.ui import qtfix

PROGRAM = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QObject, Signal
    from walktimer.ui.qtfix import protect
    calls = sys.getrefcount(None) + 1000  # more than None has without the guard
    protect()

    class Ticker(QObject):
        tick = Signal(int)

    ticker = Ticker()
    for i in range(calls):
        ticker.tick.emit(i)  # returns True
        ticker.setObjectName("t")  # returns None
    print("survived")
    """
)


def test_many_emits_do_not_abort_the_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "survived"


def test_protect_is_applied_once_where_it_is_needed() -> None:
    first = qtfix.protect()
    assert qtfix.protect() == first
    if sys.version_info < (3, 12) and qtfix.leaks():
        assert first
        for value in (None, True, False):
            assert sys.getrefcount(value) > qtfix.RESERVE // 2
