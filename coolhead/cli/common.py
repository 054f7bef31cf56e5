"""Options and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coolhead.config import Config
from coolhead.events import printable

AUDIO_SUFFIXES = frozenset(".wav .wave .flac .ogg .oga .opus .mp3 .aif .aiff .aifc .au .snd .caf .w64 .rf64".split())
"""What a folder is searched for: the formats libsndfile decodes (a file named directly may be any)."""


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE.toml", help="settings overriding the defaults (see docs/config.md)")


def load_config(args: argparse.Namespace) -> Config:
    """The run's config; ``ConfigError`` (a one-line message, printed by ``main``) if it is bad."""
    return Config.load(args.config)


def expand_audio_paths(paths: list[str]) -> list[tuple[Path, Path]]:
    """(file, output name) of every call: files as given, directories expanded to the audio files
    in them (sorted, recursive). The output name keeps the file's path relative to the folder
    given (or, for a file given, its relative path as typed), without its suffix, so that
    outputs of different inputs do not collide."""
    out: list[tuple[Path, Path]] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in AUDIO_SUFFIXES and f.is_file())
            out.extend((f, f.relative_to(p).with_suffix("")) for f in found)
        else:
            inside = not p.is_absolute() and ".." not in p.parts
            out.append((p, (p if inside else Path(p.name)).with_suffix("")))
    return out


def error(message: str) -> None:
    print(f"coolhead: error: {printable(message)}", file=sys.stderr, flush=True)


def note(message: str) -> None:
    print(f"coolhead: note: {printable(message)}", file=sys.stderr, flush=True)
