"""``coolhead bench``: throughput figures of the replay path, printed and recorded."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from coolhead.cli.common import add_config_option, error, load_config

DEFAULT_SAMPLE = Path(__file__).resolve().parents[2] / "samples"


def default_record() -> Path:
    """The user's cache, never the package or the current checkout."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "coolhead" / "bench" / "results.jsonl"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "bench",
        help="measure throughput (x real time) stage by stage",
        description="Repeat a sample call to a long call and time each layer of the "
        "replay path on one core, for 16 kHz PCM and 8 kHz u-law input; "
        "then the same with transcripts, per installed Whisper model, "
        "and `analyze` in a fresh process (model loading included).",
    )
    p.add_argument("--sample", type=Path, help="call to repeat (default: the first WAV in samples/)")
    p.add_argument("--minutes", type=float, default=10.0, help="length of the benchmark call (default 10)")
    p.add_argument(
        "--stt-minutes",
        type=float,
        default=1.0,
        help="length of the call timed with transcripts, per installed Whisper model (default 1)",
    )
    p.add_argument(
        "--record",
        type=Path,
        default=default_record(),
        help=f"append the figures here as one JSON line (default {default_record()}; this project's "
        "own figures: bench/results.jsonl)",
    )
    p.add_argument(
        "--batch",
        action="store_true",
        help="instead: time `analyze --out` over a folder of calls (reports, no transcripts) on --jobs processes",
    )
    p.add_argument(
        "--batch-minutes", type=float, default=60.0, help="audio in the --batch folder (default 60), 3-minute calls"
    )
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for --batch (default: every core)")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from coolhead.run.bench import run_batch_bench, run_bench

    config = load_config(args)
    if args.batch:
        samples = [args.sample] if args.sample else sorted(DEFAULT_SAMPLE.glob("*.wav"))
        run_batch_bench(samples, args.batch_minutes, args.jobs, args.record, config)
        return 0
    sample = args.sample or next(iter(sorted(DEFAULT_SAMPLE.glob("*.wav"))), None)
    if sample is None or not sample.is_file():
        error(f"{sample or DEFAULT_SAMPLE}: no sample call to benchmark; pass --sample CALL.wav")
        return 2
    run_bench(sample, args.minutes, args.record, config, args.stt_minutes)
    return 0
