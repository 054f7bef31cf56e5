"""QA batch throughput: ``analyze --out`` over a folder of calls on every core, reports included."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from coolhead.bench.calls import make_long_call
from coolhead.config import Config
from coolhead.run.batch import CallOutputs, RunSettings, run_calls
from coolhead.run.sources import find_calls


def time_batch(
    samples: list[Path], minutes: float, jobs: int, config: Config, repeats: int = 3, call_minutes: float = 3.0
) -> dict:
    """``minutes`` of calls (the samples repeated to ``call_minutes`` each) on ``jobs`` processes,
    no transcripts, ``repeats`` times (every call redone): throughput of the median run in total
    and per process, the spread, and where that run's CPU time went."""
    config.stt.enabled = False
    with tempfile.TemporaryDirectory() as folder:
        calls_dir, out_dir = Path(folder) / "calls", Path(folder) / "out"
        calls_dir.mkdir()
        for i in range(int(np.ceil(minutes / call_minutes))):
            make_long_call(samples[i % len(samples)], call_minutes, Path(folder)).rename(calls_dir / f"call{i:03d}.wav")
        calls = [(c, CallOutputs.in_folder(out_dir, c.name, False)) for c in find_calls([str(calls_dir)])]
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            results = list(run_calls(calls, RunSettings(config), jobs, force=True))
            runs.append((time.perf_counter() - started, results))
        report_bytes = [p.stat().st_size for p in out_dir.glob("*.html")]
    runs.sort(key=lambda run: run[0])
    wall_s, results = runs[len(runs) // 2]
    audio_s = sum(r.audio_s for r in results)
    busy = {stage: sum(r.seconds.get(stage, 0.0) for r in results) for stage in ("replay", "report")}
    return {
        "calls": len(results),
        "failed": sum(r.status == "failed" for r in results),
        "jobs": jobs,
        "repeats": repeats,
        "audio_s": round(audio_s, 1),
        "wall_s": round(wall_s, 3),
        "x_realtime": round(audio_s / wall_s, 1),
        "x_realtime_min_max": [round(audio_s / runs[-1][0], 1), round(audio_s / runs[0][0], 1)],
        "x_realtime_per_job": round(audio_s / wall_s / jobs, 1),
        "cpu_s": {stage: round(s, 3) for stage, s in busy.items()},
        "report_kb_max": round(max(report_bytes, default=0) / 1024, 1),
    }
