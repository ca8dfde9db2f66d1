"""`walktimer treadmill scan|simulate`: find FTMS treadmills, or run an emulated one."""

from __future__ import annotations

import argparse
import sys

from walktimer.i18n import N_, interface

HELP = N_("Find Bluetooth FTMS treadmills, or run an emulated one to try walktimer with.")

DESCRIPTION = N_("""\
walktimer reads (and, with --treadmill-control, sets) a treadmill's speed over the Bluetooth
Fitness Machine Service (FTMS).

  walktimer treadmill scan       list the FTMS treadmills in range and what each supports
  walktimer treadmill simulate   run an emulated treadmill on a bumble virtual controller

simulate listens on TCP (default 127.0.0.1:9101); in another terminal run walktimer over it:
  WALKTIMER_BLE_TRANSPORT=tcp-client:127.0.0.1:9101 walktimer run backward-10 --no-gui \\
      --treadmill auto --treadmill-control
WALKTIMER_BLE_TRANSPORT takes any bumble HCI transport (usb:0 for a USB dongle, ...); without
it walktimer uses the operating system's Bluetooth. See docs/treadmill.md.""")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t = interface()
    parser.description = t.gettext(DESCRIPTION)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("action", choices=("scan", "simulate"), help=t.gettext("scan or simulate"))
    parser.add_argument(
        "--seconds", type=float, default=5.0, help=t.gettext("scan: how long to look (default 5)")
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        default="127.0.0.1:9101",
        help=t.gettext("simulate: where walktimer connects (default 127.0.0.1:9101)"),
    )
    parser.add_argument(
        "--name", default="WalkTimer Treadmill", help=t.gettext("simulate: the name it advertises")
    )
    parser.add_argument(
        "--belt-speed",
        metavar="KMH",
        type=float,
        default=0.0,
        help=t.gettext("simulate: start with the belt running at KMH (default: stopped)"),
    )


def _print(text: str) -> None:
    print(text, flush=True)


def run(args: argparse.Namespace) -> int:
    t = interface()
    if args.action == "scan":
        from walktimer.treadmill.tools import scan_treadmills

        if not 0 < args.seconds <= 120:
            print(
                t.gettext("walktimer treadmill: --seconds must be between 0 and 120."),
                file=sys.stderr,
            )
            return 2
        return scan_treadmills(args.seconds, sys.stdout)
    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        print(
            t.gettext(
                "walktimer treadmill: --listen takes HOST:PORT, like 127.0.0.1:9101, not {given}."
            ).format(given=repr(args.listen)),
            file=sys.stderr,
        )
        return 2
    if not 0 <= args.belt_speed <= 12:
        print(
            t.gettext("walktimer treadmill: --belt-speed is in km/h, from 0 to 12."),
            file=sys.stderr,
        )
        return 2
    from walktimer.treadmill.tools import simulate

    def ready() -> None:
        _print(
            t.gettext(
                "An emulated FTMS treadmill, {name}, waits for walktimer on {listen}. "
                "In another terminal:\n  WALKTIMER_BLE_TRANSPORT=tcp-client:{listen} "
                "walktimer run backward-10 --no-gui --treadmill auto --treadmill-control\n"
                "Ctrl-C stops it."
            ).format(name=repr(args.name), listen=args.listen)
        )

    try:
        return simulate(f"tcp-server:{args.listen}", args.name, args.belt_speed, _print, ready)
    except KeyboardInterrupt:
        _print(t.gettext("The emulated treadmill is switched off."))
        return 0
