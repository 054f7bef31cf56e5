"""``coolhead bench``: runs the chosen benchmarks, prints them, records them (bench/*.jsonl format,
``coolhead/records.py``) with the machine's description and no paths of the machine."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coolhead.bench.batch import time_batch
from coolhead.bench.calls import FORMATS, make_long_call
from coolhead.bench.live import chunk_latency_ms, live_capacity
from coolhead.bench.machine import describe_machine
from coolhead.bench.process import cold_start, run_analyze, scaling
from coolhead.bench.replay import REFERENCE, time_replay_path
from coolhead.bench.transcripts import time_transcripts
from coolhead.config import Config
from coolhead.models.errors import ModelError
from coolhead.records import append_record

SCALING_MINUTES = (1.0, 10.0, 30.0, 120.0)


@dataclass(frozen=True)
class BenchPlan:
    """What to measure (``coolhead bench --help``)."""

    sample: Path
    minutes: float = 10.0
    repeats: int = 5
    stt_minutes: float = 1.0
    live: bool = False
    scaling: bool = False
    batch_minutes: float = 0.0
    batch_jobs: int = 1
    batch_samples: tuple[Path, ...] = ()


def pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to 1 core"
    except (AttributeError, OSError):
        return "not pinned"


def run_bench(plan: BenchPlan, config: Config, record: Path | None) -> dict[str, object]:
    """Measure, print and record; returns the record's fields."""
    out: dict[str, object] = {"sample": plan.sample.name, "machine": describe_machine()}
    if plan.batch_minutes:  # all cores: before pinning this process to one
        out["batch"] = batch = time_batch(
            list(plan.batch_samples or (plan.sample,)), plan.batch_minutes, plan.batch_jobs, config, plan.repeats
        )
        print(
            f"batch: {batch['calls']} calls, {batch['audio_s'] / 3600:.2f} h, no transcripts, reports included, "
            f"{batch['jobs']} processes, median of {batch['repeats']}: {batch['x_realtime']:.0f}x real time in total "
            f"({batch['x_realtime_min_max'][0]:.0f}-{batch['x_realtime_min_max'][1]:.0f}), "
            f"{batch['x_realtime_per_job']:.0f}x per process; CPU replay {batch['cpu_s']['replay']:.1f} s, "
            f"reports {batch['cpu_s']['report']:.1f} s"
        )
    out["pinned"] = pin_to_one_core()
    rows: list[dict[str, object]] = []
    print(f"coolhead bench: {plan.minutes:g}-minute calls from {plan.sample.name}, {out['pinned']}, ", end="")
    print(f"median of {plan.repeats}")
    with tempfile.TemporaryDirectory() as folder:
        for input_name, (rate_hz, subtype, channels) in FORMATS.items():
            call = make_long_call(plan.sample, plan.minutes, Path(folder), rate_hz, subtype, channels)
            try:
                timings = time_replay_path(call, config, plan.repeats)
            except ModelError as exc:
                print(f"  {input_name}: not timed ({exc})")
                continue
            reference = next(t for t in timings if t.name == REFERENCE)
            rows += [t.row(input_name, reference) for t in timings]
            if channels == 1:
                out["mono_analyze"] = mono = {"input": input_name, **run_analyze(call, "--no-stt")}
                print(f"  {input_name}: analyze --no-stt, new process: {mono['wall_s']:.2f} s, ", end="")
                print(f"peak RSS {mono['peak_rss_mb']:.0f} MB")
            if plan.stt_minutes and channels == 2:
                short = make_long_call(plan.sample, plan.stt_minutes, Path(folder), rate_hz, subtype)
                rows += [t.row(input_name) for t in time_transcripts(short, config)]
        for row in rows:
            _print_row(row)
        out["rows"] = rows
        call = make_long_call(plan.sample, min(plan.minutes, 3.0), Path(folder), 16000, "PCM_16")
        latency = chunk_latency_ms(call, config)
        out["chunk_latency_ms"] = dict(latency)
        print(f"  one 20 ms chunk of both parties through the pipeline: {_spread(latency)} ms")
        if plan.live:
            out["live_capacity"] = capacity = live_capacity(call, config)
            lag_ms = capacity["lag_ms"]
            assert isinstance(lag_ms, dict)
            print(
                f"  live capacity, one core: {capacity['paced_calls']} concurrent calls kept up in real time, "
                f"each call's audio analysed within {capacity['max_lag_s']:g} s of its arrival (lag p50 "
                f"{lag_ms['p50']:.0f} ms, p95 {lag_ms['p95']:.0f} ms; "
                f"{capacity['paced_seconds']:g} s paced; estimate from unpaced speed {capacity['estimate_calls']})"
            )
    out["cold_start"] = cold = cold_start(plan.sample, plan.repeats)
    print(
        f"  analyze {cold['call']} --no-stt, new process: {cold['wall_s']:.2f} s, peak RSS {cold['peak_rss_mb']:.0f} MB"
    )
    if plan.scaling:
        grows = scaling(plan.sample, SCALING_MINUTES)
        out["scaling"] = grows
        for length in grows:
            wall_s, rss_mb = length["wall_s"], length["peak_rss_mb"]
            print(f"  {length['minutes']:5g}-minute call: {wall_s:7.2f} s, peak RSS {rss_mb:.0f} MB")
    if record is not None:
        append_record(record, "bench", minutes=plan.minutes, repeats=plan.repeats, **out)
        print(f"recorded in {record}")
    return out


def _spread(latency: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in latency.items())


def _print_row(row: dict[str, object]) -> None:
    speed = ""
    if "x_realtime" in row:
        spread = row["x_realtime_min_max"]
        assert isinstance(spread, list)
        speed = f"{row['x_realtime']:8.1f}x real time ({spread[0]:.0f}-{spread[1]:.0f})"
        if "vs_reference" in row:
            speed += f", {row['vs_reference']:.2f} of the reference"
    if "peak_rss_mb" in row:
        speed += f", peak RSS {row['peak_rss_mb']:.0f} MB"
    print(f"  {row['input']:<20} {row['stage']:<58} {row['seconds']:8.3f} s {speed}")
