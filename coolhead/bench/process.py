"""Whole runs in a fresh process: start to exit time and peak memory (``analyze`` as a user runs
it), and how both grow with the call's length."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coolhead.bench.calls import make_long_call

_MEASURED = (
    "import json, re, sys\n"
    "from coolhead.cli.main import main\n"
    "rc = main(sys.argv[1:])\n"
    "hwm_kb = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "print(json.dumps({'rc': rc, 'peak_rss_mb': hwm_kb / 1024}), file=sys.stderr)\n"
)
"""``analyze`` with its own peak RSS printed last: VmHWM, which exec resets (ru_maxrss does not:
it would report the benchmark process's own peak, Whisper models included)."""


def run_analyze(call: Path, *args: str) -> dict[str, float]:
    """``coolhead analyze CALL --quiet ARGS`` in a new process: wall seconds, peak RSS (MB)."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            sys.executable,
            "-c",
            _MEASURED,
            "analyze",
            str(call),
            "--quiet",
            "--events",
            f"{folder}/e.jsonl",
            *args,
        ]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall_s = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"analyze failed: {done.stderr.strip()[-300:]}")
    measured = json.loads(done.stderr.strip().splitlines()[-1])
    return {"wall_s": round(wall_s, 3), "peak_rss_mb": round(measured["peak_rss_mb"], 1)}


def cold_start(sample: Path, repeats: int) -> dict[str, object]:
    """``analyze SAMPLE --no-stt`` start to exit: median wall time and peak RSS over repeats."""
    runs = [run_analyze(sample, "--no-stt") for _ in range(repeats)]
    walls = sorted(r["wall_s"] for r in runs)
    return {
        "call": sample.name,
        "wall_s": walls[len(walls) // 2],
        "wall_s_min_max": [walls[0], walls[-1]],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
    }


def scaling(sample: Path, minutes: tuple[float, ...]) -> list[dict[str, float]]:
    """Wall time and peak RSS of ``analyze --no-stt`` on calls of each length (8 kHz µ-law
    stereo, the phone archive format): time should grow linearly, memory stay flat."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for length in minutes:
            call = make_long_call(sample, length, Path(folder), 8000, "ULAW")
            rows.append({"minutes": length, **run_analyze(call, "--no-stt")})
            call.unlink()
    return rows
