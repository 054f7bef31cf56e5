"""``coolhead models``: which speech models this machine has, and fetching official vosk models."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from coolhead.cli.common import error, note, positive_number
from coolhead.models.errors import ModelError
from coolhead.models.pull import (
    DEFAULT_CATALOG,
    MIN_DEADLINE_S,
    SLOW_RATE_BYTES_PER_S,
    STALL_S,
    CatalogEntry,
    load_catalog,
    pull,
    remove_leftovers,
)
from coolhead.models.resolve import ModelInfo, cache_dir, installed_models

HELP = """\
list: the speech models found in installed packages, the user cache and COOLHEAD_STT_MODEL, in
the order the resolver tries them (docs/stt.md), and the models `pull` can fetch. LANG "multi":
a multilingual Whisper model (used for every language no faster model speaks). A model
published in parts (whisper-base) is joined into the cache the first time a run uses it. A
COOLHEAD_STT_MODEL that names no model is shown as "not a model: REASON".

pull NAME: download an official vosk model (needs the internet, once), verify its size and
sha256 against the catalog, and unpack it into the user cache, where every later run finds it
offline. A second pull of the same model waits for the first and then finds it in place. The
download gives up after --deadline-s in all, or --stall-s without data; partial files are
removed (also on SIGTERM; those of a killed pull by the next pull or list). --catalog
FILE.json points at another catalog (e.g. a company mirror)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "models",
        help="list speech models; download official vosk models",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    list_p = sub.add_parser("list", help="models found on this machine and models that can be pulled")
    pull_p = sub.add_parser("pull", help="download, verify and unpack an official vosk model")
    pull_p.add_argument("name", metavar="NAME", help="model name as `coolhead models list` shows it")
    pull_p.add_argument(
        "--deadline-s",
        type=positive_number,
        metavar="S",
        help=f"give up when the download takes longer than S seconds in all (default: the size at "
        f"{SLOW_RATE_BYTES_PER_S // 1000} kB/s, at least {MIN_DEADLINE_S:g} s)",
    )
    pull_p.add_argument(
        "--stall-s",
        type=positive_number,
        metavar="S",
        default=STALL_S,
        help=f"give up when no data arrives for S seconds (default {STALL_S:g})",
    )
    for q, default in ((p, str(DEFAULT_CATALOG)), (list_p, argparse.SUPPRESS), (pull_p, argparse.SUPPRESS)):
        q.add_argument(
            "--catalog", metavar="FILE.json", default=default, help="model catalog (name -> url, size, sha256)"
        )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.catalog)
        if args.models_command == "list":
            return _list(catalog)
        return _pull(args, catalog)
    except ModelError as exc:
        error(str(exc))
        return 1


def _pull(args: argparse.Namespace, catalog: dict[str, CatalogEntry]) -> int:
    progress = _progress if sys.stderr.isatty() else None
    with _sigterm_raises():
        pulled = pull(
            args.name, cache_dir(), catalog, progress, deadline_s=args.deadline_s, stall_s=args.stall_s, note=note
        )
    print(f"{args.name}: ready in {pulled.path}" + ("" if pulled.downloaded else " (already there, not downloaded)"))
    return 0


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM ends the pull through an exception (exit status 143), so its partial files are removed."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _list(catalog: dict[str, CatalogEntry]) -> int:
    remove_leftovers(cache_dir())
    models = installed_models()
    print(f"{'NAME':<24} {'KIND':<8} {'LANG':<6} {'SIZE':>9}  {'SOURCE':<30} PATH")
    for m in models:
        print(_row(m))
    if not models:
        print("(none installed)")
    have = {m.path.name for m in models}
    print(f"\ncan be pulled into {cache_dir()}:")
    for entry in catalog.values():
        mark = " (installed)" if entry.name in have else ""
        print(f"  {entry.name:<32} {entry.lang:<6} {entry.size / 1e6:>6.0f} MB{mark}")
    return 0


def _row(m: ModelInfo) -> str:
    """One line of the table; a directory that is no model says why instead of its size."""
    name = m.name or str(m.path)
    if m.problem:
        return f"{name:<24} {'-':<8} {'-':<6} {'-':>9}  {m.source:<30} {m.path}: not a model: {m.problem}"
    size_bytes = m.size_bytes()
    size = "?" if size_bytes is None else f"{size_bytes / 1e6:.0f}"
    return f"{name:<24} {m.kind:<8} {m.lang:<6} {size:>6} MB  {m.source:<30} {m.path}"


def _progress(got: int, total: int) -> None:
    print(f"\r{got / 1e6:.1f} of {total / 1e6:.1f} MB", end="" if got < total else "\n", file=sys.stderr, flush=True)
