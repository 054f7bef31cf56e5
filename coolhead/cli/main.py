"""Entry point of the ``coolhead`` command."""

from __future__ import annotations

import argparse
import os
import sys

from coolhead import __version__
from coolhead.cli import analyze, bench, devices, evaluate, listen, models
from coolhead.cli.common import error
from coolhead.config import ConfigError
from coolhead.i18n import LanguageError
from coolhead.models.errors import ModelError
from coolhead.pipeline.phrases import PhraseError

SUBCOMMANDS = (analyze, evaluate, bench, listen, devices, models)
"""Each module has ``add_parser(subparsers)`` and sets ``func`` on its parser; ``func(args) -> int``."""
SETUP_ERRORS = (ConfigError, ModelError, PhraseError, LanguageError)
"""Problems with what the user set up (settings, models, phrase files, languages): one line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coolhead",
        description="Offline voice pipeline for call centers: finds interruptions and rising anger "
        "in agent/customer audio and tells the agent what to do.",
    )
    parser.add_argument("--version", action="version", version=f"coolhead {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SETUP_ERRORS as exc:
        for line in str(exc).splitlines():
            error(line)
        return 2
    except KeyboardInterrupt:
        print("coolhead: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
