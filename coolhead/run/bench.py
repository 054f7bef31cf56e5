"""Throughput of the replay path, stage by stage, on a long stereo call made from a sample.

Run with ``coolhead bench``; pinned to one CPU core; prints a table and records it as JSON.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from coolhead.audio.reader import probe_call, read_chunks
from coolhead.config import Config
from coolhead.models.errors import ModelError
from coolhead.models.resolve import resolve_model
from coolhead.pipeline import Pipeline
from coolhead.pipeline.frames import frame_loudness_dbfs
from coolhead.pipeline.phrases import PhraseBook
from coolhead.pipeline.stt import SpeechToText
from coolhead.pipeline.stt_setup import load_backend
from coolhead.pipeline.vad import VoiceActivity
from coolhead.records import append_record
from coolhead.run.feed import run_chunks
from coolhead.run.replay import REPLAY_CHUNK_S, replay_call
from coolhead.sinks.jsonl import JsonlWriter


@dataclass
class Timing:
    name: str
    seconds: float
    audio_s: float

    @property
    def x_realtime(self) -> float:
        """0 for a step that processes no audio (loading a model)."""
        return self.audio_s / self.seconds


def make_long_call(sample: Path, minutes: float, folder: Path, subtype: str = "PCM_16") -> Path:
    """``sample`` repeated to ``minutes`` of stereo audio, written as ``subtype`` at its own rate."""
    audio, rate_hz = sf.read(sample, dtype="float32", always_2d=True)
    if audio.shape[1] == 1:
        audio = np.repeat(audio, 2, axis=1)
    reps = int(np.ceil(minutes * 60 * rate_hz / len(audio)))
    long_audio = np.tile(audio, (reps, 1))[: int(minutes * 60 * rate_hz)]
    path = folder / f"bench_{minutes:g}min_{rate_hz}hz_{subtype.lower()}.wav"
    sf.write(path, long_audio, rate_hz, subtype=subtype)
    return path


def _best_of(repeats: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def time_replay_path(call: Path, config: Config, repeats: int = 3) -> list[Timing]:
    """Each layer of the replay path on ``call``: reading, frame analysis, pipeline, end to end."""
    info = probe_call(call)
    rate_hz = config.pipeline.sample_rate
    roles = tuple(info.roles[ch] for ch in sorted(info.roles))
    chunks = list(read_chunks(info, rate_hz, REPLAY_CHUNK_S))
    frame_len = rate_hz * config.pipeline.frame_ms // 1000
    frames = {r: np.concatenate([c.samples[r] for c in chunks]) for r in roles}
    frames = {r: x[: len(x) // frame_len * frame_len].reshape(-1, frame_len) for r, x in frames.items()}
    vad = VoiceActivity(config.vad, rate_hz, config.pipeline.frame_ms / 1000)

    def frame_analysis() -> None:
        for x in frames.values():
            vad(x, frame_loudness_dbfs(x))

    def pipeline_only() -> None:
        run_chunks(Pipeline(config, roles), chunks, lambda e: None)

    def end_to_end() -> None:
        with tempfile.TemporaryDirectory() as folder, JsonlWriter(Path(folder) / "e.jsonl") as writer:
            replay_call(info, config, writer.write)

    d = info.duration_s
    return [
        Timing("read + resample", _best_of(repeats, lambda: list(read_chunks(info, rate_hz, REPLAY_CHUNK_S))), d),
        Timing("loudness + webrtcvad (floor)", _best_of(repeats, frame_analysis), d),
        Timing("pipeline (all stages)", _best_of(repeats, pipeline_only), d),
        Timing("analyze end to end (JSONL)", _best_of(repeats, end_to_end), d),
    ]


STT_MODELS = ("whisper-tiny.en", "whisper-base")
"""The English default and the multilingual model, timed when installed."""


def time_transcripts(call: Path, config: Config) -> list[Timing]:
    """Replay with transcripts (pipeline + Whisper, inline, one thread) per installed model, then
    ``coolhead analyze`` on the call in a fresh process: imports and model loading included."""
    info = probe_call(call)
    timings = []
    for name in STT_MODELS:
        try:
            model = resolve_model("en", config.pipeline.sample_rate, name)
        except ModelError:
            continue
        if model is None:
            continue
        started = time.perf_counter()
        stt = SpeechToText(load_backend(model, config), PhraseBook.load("en"))
        timings.append(Timing(f"load {name}", time.perf_counter() - started, 0.0))
        started = time.perf_counter()
        replay_call(info, config, lambda e: None, stt=stt)
        timings.append(Timing(f"pipeline + STT {name}", time.perf_counter() - started, info.duration_s))
        with tempfile.TemporaryDirectory() as folder:
            command = [
                sys.executable,
                "-m",
                "coolhead.cli.main",
                "analyze",
                str(call),
                "--model",
                name,
                "--events",
                str(Path(folder) / "e.jsonl"),
            ]
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            timings.append(Timing(f"analyze {name} (new process)", time.perf_counter() - started, info.duration_s))
    return timings


def pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to 1 core"
    except (AttributeError, OSError):
        return "not pinned"


def run_bench(
    sample: Path, minutes: float, record: Path | None, config: Config, stt_minutes: float = 1.0
) -> list[dict]:
    pinned = pin_to_one_core()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        for label, subtype, rate in (("16 kHz PCM stereo", "PCM_16", None), ("8 kHz mu-law stereo", "ULAW", 8000)):
            src = sample
            if rate is not None:
                audio, rate_hz = sf.read(sample, dtype="float32", always_2d=True)
                import soxr

                src = Path(folder) / "sample8k.wav"
                sf.write(src, soxr.resample(audio, rate_hz, rate), rate)
            call = make_long_call(src, minutes, Path(folder), subtype)
            timings = time_replay_path(call, config)
            timings += time_transcripts(make_long_call(src, stt_minutes, Path(folder), subtype), config)
            for timing in timings:
                rows.append(
                    {
                        "input": label,
                        "stage": timing.name,
                        "seconds": round(timing.seconds, 4),
                        "audio_s": round(timing.audio_s, 1),
                        "x_realtime": round(timing.x_realtime, 1),
                    }
                )
    print(
        f"coolhead bench: {minutes:g}-minute call from {sample} ({stt_minutes:g} minutes with transcripts), "
        f"{pinned}, best of 3 (transcripts: one run)"
    )
    for row in rows:
        speed = f"{row['x_realtime']:8.1f}x real time" if row["audio_s"] else ""
        print(f"  {row['input']:<22} {row['stage']:<38} {row['audio_s']:6.0f} s audio {row['seconds']:8.3f} s {speed}")
    if record is not None:
        append_record(record, "replay", sample=str(sample), minutes=minutes, stt_minutes=stt_minutes, rows=rows)
        print(f"recorded in {record}")
    return rows


def time_batch(samples: list[Path], minutes: float, jobs: int, config: Config, call_minutes: float = 3.0) -> dict:
    """``analyze --out`` over a folder of ``minutes`` of calls (the samples repeated to
    ``call_minutes`` each) on ``jobs`` processes, reports included, no transcripts."""
    from coolhead.run.batch import CallOutputs, RunSettings, run_calls
    from coolhead.run.sources import find_calls

    config.stt.enabled = False
    with tempfile.TemporaryDirectory() as folder:
        calls_dir, out_dir = Path(folder) / "calls", Path(folder) / "out"
        calls_dir.mkdir()
        n_calls = int(np.ceil(minutes / call_minutes))
        for i in range(n_calls):
            made = make_long_call(samples[i % len(samples)], call_minutes, Path(folder))
            made.rename(calls_dir / f"call{i:03d}.wav")
        calls = [(c, CallOutputs.in_folder(out_dir, c.name, False)) for c in find_calls([str(calls_dir)])]
        started = time.perf_counter()
        results = list(run_calls(calls, RunSettings(config), jobs))
        wall_s = time.perf_counter() - started
        report_bytes = [p.stat().st_size for p in out_dir.glob("*.html")]
    audio_s = sum(r.audio_s for r in results)
    busy = {stage: sum(r.seconds.get(stage, 0.0) for r in results) for stage in ("replay", "report")}
    return {
        "calls": len(results),
        "failed": sum(r.status == "failed" for r in results),
        "jobs": jobs,
        "audio_s": round(audio_s, 1),
        "wall_s": round(wall_s, 3),
        "x_realtime": round(audio_s / wall_s, 1),
        "x_realtime_per_job": round(audio_s / wall_s / jobs, 1),
        "cpu_s": {stage: round(s, 3) for stage, s in busy.items()},
        "report_kb_max": round(max(report_bytes, default=0) / 1024, 1),
    }


def run_batch_bench(samples: list[Path], minutes: float, jobs: int, record: Path | None, config: Config) -> dict:
    row = time_batch(samples, minutes, jobs, config)
    print(
        f"coolhead bench --batch: {row['calls']} calls, {row['audio_s'] / 3600:.2f} h of audio, no transcripts, "
        f"reports included, {jobs} processes"
    )
    print(
        f"  {row['wall_s']:.1f} s: {row['x_realtime']:.0f}x real time in total, {row['x_realtime_per_job']:.0f}x per "
        f"process; CPU: replay {row['cpu_s']['replay']:.1f} s, reports {row['cpu_s']['report']:.1f} s "
        f"(largest report {row['report_kb_max']:.0f} KB); {row['failed']} failed"
    )
    if record is not None:
        append_record(record, "batch", minutes=minutes, **row)
        print(f"recorded in {record}")
    return row
