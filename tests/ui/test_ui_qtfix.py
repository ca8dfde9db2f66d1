"""The guard against PySide6 taking references from True on every emit()."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from walktimer.ui import qtfix

PROGRAM = textwrap.dedent(
    """
    from PySide6.QtCore import QObject, Signal
    from walktimer.ui.qtfix import protect
    protect()

    class Ticker(QObject):
        tick = Signal(int)

    ticker = Ticker()
    for i in range(20000):  # far more than True has references without the guard
        ticker.tick.emit(i)
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
    if sys.version_info < (3, 12) and qtfix.leaks_true():
        assert first
        assert sys.getrefcount(True) > qtfix.RESERVE // 2
