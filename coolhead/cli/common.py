"""Options and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import math
import sys

from coolhead.config import Config
from coolhead.events import printable


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE.toml", help="settings overriding the defaults (see docs/config.md)")


def add_agent_is_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--agent-is",
        choices=("first", "second"),
        help="in mono calls, the agent is the speaker heard first or second (default: [mono] agent_is, first)",
    )


def load_config(args: argparse.Namespace) -> Config:
    """The run's config, with the options that override settings applied; ``ConfigError`` (a
    one-line message, printed by ``main``) if it is bad."""
    config = Config.load(args.config)
    if getattr(args, "agent_is", None):
        config.mono.agent_is = args.agent_is
    return config


def positive_number(text: str) -> float:
    """An argparse type: a finite number above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be a finite number above 0")
    return value


def error(message: str) -> None:
    print(f"coolhead: error: {printable(message)}", file=sys.stderr, flush=True)


def note(message: str) -> None:
    print(f"coolhead: note: {printable(message)}", file=sys.stderr, flush=True)
