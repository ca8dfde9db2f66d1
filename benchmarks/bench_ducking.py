"""Music ducking's cost to cue timing: deadline -> first sample with ducking on and off.

A private dbus-daemon with three test MPRIS players (tests/desktop/mpris_player.py), all
playing. The dense session of bench_cue_latency.py (a cue about every two seconds) is run in
real time through the real sink, player and simpleaudio into ALSA's file sink, alternately
with no ducking and with a Ducker lowering the three players for every clip, `--rounds`
times each. Reported: p50, p99 and max from each clip's deadline to its first sample being
handed to the device, for "first clip of its moment" (the mechanism alone) and for all clips,
pooled over the rounds of each mode, and p99(on) - p99(off). Goal: ducking adds at most
20 ms to the p99. Also how often music was ducked and put back, and that every player's
volume came back exactly.

    .venv/bin/python benchmarks/bench_ducking.py              # about 4 minutes
    .venv/bin/python benchmarks/bench_ducking.py --seconds 30 --rounds 1   # a smoke run
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import bench_cue_latency as cue  # sets up the file sink and scratch user folders on import

from walktimer.desktop.bus import open_client
from walktimer.desktop.ducking import Ducker, Journal

ROOT = Path(__file__).resolve().parent.parent
PLAYER = ROOT / "tests" / "desktop" / "mpris_player.py"
VOLUMES = (0.8125, 0.5, 1.0)
GOAL_MS = 20.0


def start_bus() -> subprocess.Popen[str]:
    """A private session bus with the distribution's session configuration."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = daemon.stdout.readline().strip()
    return daemon


def start_players() -> list[subprocess.Popen[str]]:
    players = []
    for i, volume in enumerate(VOLUMES):
        player = subprocess.Popen(
            [sys.executable, str(PLAYER), f"bench{i}", repr(volume)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert player.stdout is not None
        assert player.stdout.readline().strip() == "ready"
        players.append(player)
    return players


def volumes() -> list[float]:
    client = open_client()
    try:
        return [
            float(client.get(f"org.mpris.MediaPlayer2.bench{i}", "/org/mpris/MediaPlayer2",
                             "org.mpris.MediaPlayer2.Player", "Volume"))
            for i in range(len(VOLUMES))
        ]  # fmt: skip
    finally:
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of each dense session")
    parser.add_argument("--rounds", type=int, default=2, help="sessions per mode, alternating")
    args = parser.parse_args()
    print(f"walktimer ducking cost ({sys.platform}, Python {sys.version.split()[0]})")
    daemon = start_bus()
    players = start_players()
    pooled: dict[str, dict[str, list[float]]] = {"off": {}, "on": {}}
    ducks = 0
    try:
        for _ in range(args.rounds):
            for mode in ("off", "on"):
                ducker = Ducker("lower", journal=Journal(cue.WORK / "ducked.json"))
                latency, _ = cue.dense_run(args.seconds, ducker if mode == "on" else None)
                ducker.close()
                ducks += ducker.ducks
                for name, values in latency.items():
                    pooled[mode].setdefault(name, []).extend(values)
        restored = volumes()
    finally:
        for player in players:
            player.terminate()
            player.wait()
            assert player.stdout is not None
            player.stdout.close()
        daemon.terminate()
        daemon.wait()
        assert daemon.stdout is not None
        daemon.stdout.close()
    print(f"\n{args.rounds} x {args.seconds} s per mode, deadline -> clip start:")
    met = True
    for name in ("tones, first of its moment", "cached speech, first of its moment",
                 "tones, all", "cached speech, all"):  # fmt: skip
        off = pooled["off"][name]
        on = pooled["on"][name]
        added = (cue.percentile(on, 99) - cue.percentile(off, 99)) * 1000
        met = met and added <= GOAL_MS
        print(f"  {name}")
        print(f"    ducking off  {cue.summary(off)}")
        print(f"    ducking on   {cue.summary(on)}")
        print(f"    p99 added    {added:8.2f} ms (goal <= {GOAL_MS:.0f} ms)")
    print(f"\n  times music was ducked: {ducks}; volumes after: {restored} (were {list(VOLUMES)})")
    print(f"  exactly restored: {restored == list(VOLUMES)}; goal met: {met}")
    print(f"\n(whole run: {time.monotonic() - cue.STARTED:.0f} s)")
    return 0 if met and restored == list(VOLUMES) else 1


if __name__ == "__main__":
    sys.exit(main())
