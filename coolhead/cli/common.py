"""Options and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import sys

from coolhead.config import Config
from coolhead.events import printable


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE.toml", help="settings overriding the defaults (see docs/config.md)")


def load_config(args: argparse.Namespace) -> Config:
    """The run's config; ``ConfigError`` (a one-line message, printed by ``main``) if it is bad."""
    return Config.load(args.config)


def error(message: str) -> None:
    print(f"coolhead: error: {printable(message)}", file=sys.stderr, flush=True)


def note(message: str) -> None:
    print(f"coolhead: note: {printable(message)}", file=sys.stderr, flush=True)
