"""The terminal runner's treadmill: connect before the session starts, say what was found."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from walktimer.core.treadmill import BeltCompanion, Link

if TYPE_CHECKING:
    import argparse

    from walktimer.core.clock import Clock
    from walktimer.core.plan import Plan
    from walktimer.treadmill.transport import Connected

__all__ = ["CONNECT_SECONDS", "open_treadmill"]

CONNECT_SECONDS = 15.0  # how long the session waits for the treadmill before starting anyway


def open_treadmill(
    args: argparse.Namespace, plan: Plan, clock: Clock, say: Callable[[str], None]
) -> tuple[Connected, BeltCompanion]:
    """Connect to `args.treadmill` (waiting up to CONNECT_SECONDS) and build the companion
    that decides what is said and, with --treadmill-control, asked of the belt."""
    from walktimer.treadmill.transport import Connected

    control = bool(args.treadmill_control)
    wanted = args.treadmill
    say(
        f"Looking for the treadmill {'' if wanted == 'auto' else repr(wanted) + ' '}"
        f"({'control on' if control else 'read-only'})…"
    )
    connected = Connected(wanted, control=control)
    belt = connected.treadmill
    if belt.wait_connected(CONNECT_SECONDS):
        caps = belt.capabilities()
        if caps is not None:
            say(f"Connected: {caps.describe()}.")
    notices = belt.notices()
    for notice in notices:
        say(notice)
    if belt.link is Link.CLOSED:
        say("The session runs without the treadmill.")
    elif belt.link is not Link.CONNECTED and not notices:
        say("The session runs without the treadmill for now; walktimer keeps looking for it.")
    companion = BeltCompanion(plan, belt, clock, control=control, max_speed=args.max_speed)
    return connected, companion
