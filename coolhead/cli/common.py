"""Options and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coolhead.config import Config

AUDIO_SUFFIXES = (".wav", ".flac")


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE.toml", help="settings overriding the defaults (see docs/config.md)")


def load_config(args: argparse.Namespace) -> Config:
    """The run's config; ``ConfigError`` (a one-line message, printed by ``main``) if it is bad."""
    return Config.load(args.config)


def expand_audio_paths(paths: list[str]) -> list[Path]:
    """Files as given; directories expanded to the WAV/FLAC files in them (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in AUDIO_SUFFIXES and f.is_file()))
        else:
            out.append(p)
    return out


def error(message: str) -> None:
    print(f"coolhead: error: {message}", file=sys.stderr, flush=True)


def note(message: str) -> None:
    print(f"coolhead: note: {message}", file=sys.stderr, flush=True)
