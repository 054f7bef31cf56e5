"""``coolhead devices``: the input devices ``coolhead listen`` can capture from."""

from __future__ import annotations

import argparse

from coolhead.audio.capture import CaptureError, list_input_devices
from coolhead.cli.common import error

HELP = """\
List the audio input devices (index, name, channels, default rate, host API). Pass an index or a
name (or a unique part of one) to `coolhead listen --agent-device/--customer-device/--device`."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("devices", help="list audio input devices for `listen`", description=HELP)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        devices = list_input_devices()
    except CaptureError as exc:
        error(str(exc))
        return 2
    if not devices:
        error("no input devices found (is a sound server running, is PortAudio configured?)")
        return 1
    width = max(len(d.name) for d in devices)
    print(f"{'index':>5}  {'name':<{width}}  channels  default rate  host API")
    for d in devices:
        print(f"{d.index:>5}  {d.name:<{width}}  {d.channels:>8}  {d.default_rate_hz:>9.0f} Hz  {d.hostapi}")
    return 0
