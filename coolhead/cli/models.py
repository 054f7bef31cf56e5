"""``coolhead models``: which speech models this machine has, and fetching official vosk models."""

from __future__ import annotations

import argparse
import sys

from coolhead.cli.common import error
from coolhead.models.errors import ModelError
from coolhead.models.pull import DEFAULT_CATALOG, load_catalog, pull
from coolhead.models.resolve import cache_dir, installed_models

HELP = """\
list: the speech models found in installed packages, the user cache and COOLHEAD_STT_MODEL, in
the order the resolver tries them (docs/stt.md), and the models `pull` can fetch. LANG "multi":
a multilingual Whisper model (used for every language no faster model speaks). A model
published in parts (whisper-base) is joined into the cache the first time a run uses it.

pull NAME: download an official vosk model (needs the internet, once), verify its size and
sha256 against the catalog, and unpack it into the user cache, where every later run finds it
offline. --catalog FILE.json points at another catalog (e.g. a company mirror)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "models",
        help="list speech models; download official vosk models",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    sub.add_parser("list", help="models found on this machine and models that can be pulled")
    pull_p = sub.add_parser("pull", help="download, verify and unpack an official vosk model")
    pull_p.add_argument("name", metavar="NAME", help="model name as `coolhead models list` shows it")
    for q in (p, pull_p):
        q.add_argument(
            "--catalog",
            metavar="FILE.json",
            default=str(DEFAULT_CATALOG),
            help="model catalog (name -> url, size, sha256)",
        )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.catalog)
        if args.models_command == "list":
            return _list(catalog)
        path = pull(args.name, cache_dir(), catalog, _progress if sys.stderr.isatty() else None)
    except ModelError as exc:
        error(str(exc))
        return 1
    print(f"{args.name}: ready in {path}")
    return 0


def _list(catalog) -> int:
    models = installed_models()
    print(f"{'NAME':<24} {'KIND':<8} {'LANG':<6} {'SIZE':>8}  {'SOURCE':<30} PATH")
    for m in models:
        print(f"{m.name:<24} {m.kind:<8} {m.lang:<6} {m.size_bytes() / 1e6:>6.0f} MB  {m.source:<30} {m.path}")
    if not models:
        print("(none installed)")
    have = {m.path.name for m in models}
    print(f"\ncan be pulled into {cache_dir()}:")
    for entry in catalog.values():
        mark = " (installed)" if entry.name in have else ""
        print(f"  {entry.name:<32} {entry.lang:<6} {entry.size / 1e6:>6.0f} MB{mark}")
    return 0


def _progress(got: int, total: int) -> None:
    print(f"\r{got / 1e6:.1f} of {total / 1e6:.1f} MB", end="" if got < total else "\n", file=sys.stderr, flush=True)
