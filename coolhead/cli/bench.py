"""``coolhead bench``: throughput, latency, capacity and memory, printed and recorded."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from coolhead.cli.common import add_config_option, error, load_config

DEFAULT_SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def default_record() -> Path:
    """The user's cache, never the package or the current checkout."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "coolhead" / "bench" / "results.jsonl"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "bench",
        help="measure throughput, latency, capacity and memory",
        description="Repeat a sample call to a long call and time each layer of the replay path on one "
        "core (median and spread of --repeats), next to a lean reference pipeline timed in the same run, "
        "for 16 kHz PCM and 8 kHz u-law input; then with transcripts per installed Whisper model; the "
        "latency of one 20 ms chunk; `analyze` start to exit with its peak memory. --live, --scaling and "
        "--batch add live capacity, growth with call length, and QA batch throughput on every core. "
        "docs/benchmarks.md shows the latest figures.",
    )
    p.add_argument("--sample", type=Path, help="call to repeat (default: the first WAV in samples/)")
    p.add_argument("--minutes", type=float, default=10.0, help="length of the benchmark call (default 10)")
    p.add_argument("--repeats", type=int, default=5, help="repeats of each timing (default 5)")
    p.add_argument("--stt-minutes", type=float, default=1.0, help="call timed with transcripts (0: none; default 1)")
    p.add_argument("--live", action="store_true", help="also: concurrent live calls one core keeps up with")
    p.add_argument("--scaling", action="store_true", help="also: time and memory for 1-minute to 2-hour calls")
    p.add_argument("--batch", action="store_true", help="also: `analyze --out` over --batch-minutes of calls")
    p.add_argument("--batch-minutes", type=float, default=60.0, help="audio in the --batch folder (default 60)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for --batch (default: every core)")
    p.add_argument("--all", action="store_true", help="--live, --scaling and --batch")
    p.add_argument(
        "--record",
        type=Path,
        default=default_record(),
        help=f"append the figures here as one JSON line (default {default_record()}; this project's own "
        "figures: bench/results.jsonl)",
    )
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from coolhead.bench.run import BenchPlan, run_bench

    config = load_config(args)
    samples = sorted(DEFAULT_SAMPLES.glob("*.wav"))
    sample = args.sample or next(iter(samples), None)
    if sample is None or not sample.is_file():
        error(f"{sample or DEFAULT_SAMPLES}: no sample call to benchmark; pass --sample CALL.wav")
        return 2
    if args.repeats < 1 or args.jobs < 1 or args.minutes <= 0:
        error("--repeats and --jobs must be at least 1, --minutes above 0")
        return 2
    plan = BenchPlan(
        sample,
        args.minutes,
        args.repeats,
        args.stt_minutes,
        live=args.live or args.all,
        scaling=args.scaling or args.all,
        batch_minutes=args.batch_minutes if args.batch or args.all else 0.0,
        batch_jobs=args.jobs,
        batch_samples=tuple(samples) if not args.sample else (sample,),
    )
    run_bench(plan, config, args.record)
    return 0
