"""``coolhead bench`` runs on a short call and records every figure with the machine it ran on,
never a path of that machine; live capacity is judged paced (the figures themselves are read
by people: docs/benchmarks.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coolhead.bench.live import MAX_LAG_S, _chunks, serve
from coolhead.bench.reference import reference_pipeline
from coolhead.config import Config
from coolhead.events import ROLES
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "samples" / "call1_agent_talks_over.wav"


@pytest.mark.slow
def test_bench_times_every_stage_against_the_reference_and_both_whisper_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded in the user's cache by default, never in the checkout."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tracked = ROOT / "bench" / "results.jsonl"
    before = tracked.read_bytes()
    args = ("--minutes", "0.2", "--stt-minutes", "0.2", "--repeats", "2", "--batch", "--batch-minutes", "3")
    result = run_cli("bench", *args, timeout=600)
    assert result.returncode == 0, result.stderr
    assert tracked.read_bytes() == before
    line = (tmp_path / "coolhead" / "bench" / "results.jsonl").read_text().splitlines()[-1]
    record = json.loads(line)
    assert str(tmp_path) not in line and str(ROOT) not in line and record["sample"] == SAMPLE.name
    assert record["machine"]["cores"] >= 1 and record["machine"]["cpu"] and "numpy" in record["machine"]["libraries"]
    stages = {(r["input"], r["stage"]): r for r in record["rows"]}
    for source in ("16 kHz PCM stereo", "8 kHz mu-law stereo"):
        for stage in ("read + resample", "pipeline (all stages)", "analyze end to end (JSONL)"):
            row = stages[(source, stage)]
            assert row["repeats"] == 2 and row["x_realtime"] > 1 and row["vs_reference"] > 0
        for model in ("whisper-tiny.en", "whisper-base"):
            for stage in (f"load {model}", f"pipeline + STT {model}", f"analyze {model} (new process)"):
                assert (source, stage) in stages
            assert stages[(source, f"analyze {model} (new process)")]["peak_rss_mb"] > 50  # the model is in memory
    for stage in ("speaker segmentation + split", "pipeline (all stages)", "analyze end to end (JSONL)"):
        assert stages[("8 kHz mu-law mono", stage)]["x_realtime"] > 1
    assert record["mono_analyze"]["peak_rss_mb"] > 10 and record["mono_analyze"]["wall_s"] > 0
    assert set(record["chunk_latency_ms"]) == {"p50", "p95", "p99", "max"}
    assert record["cold_start"]["peak_rss_mb"] > 10 and record["cold_start"]["wall_s"] > 0
    assert record["batch"]["calls"] == 1 and record["batch"]["failed"] == 0 and record["batch"]["x_realtime"] > 1
    assert "of the reference" in result.stdout and "pipeline + STT whisper-base" in result.stdout


def test_live_capacity_is_judged_paced() -> None:
    chunks = _chunks(SAMPLE, Config())
    one = serve(chunks, Config(), 1, seconds=1.0)
    assert one.kept_up and len(one.lag_s) >= 40 and one.lag_s.max() < MAX_LAG_S  # fed as its audio came
    assert not serve(chunks, Config(), 2000, seconds=1.0).kept_up  # 2,000 calls' 20 ms chunks: behind at once


def test_timing_the_stages_changes_no_event(tmp_path: Path) -> None:
    """The stage timers wrap the stages of a real pipeline: it must say exactly what it says bare."""
    from coolhead.audio.reader import probe_call, read_chunks
    from coolhead.bench.stages import TimedStage, time_stages
    from coolhead.pipeline import Pipeline
    from coolhead.run.feed import run_chunks

    info = probe_call(SAMPLE)
    chunks = list(read_chunks(info, 16000, 0.5))
    bare: list[dict] = []
    run_chunks(Pipeline(Config(), ROLES), chunks, bare.append)
    timed_pipeline = Pipeline(Config(), ROLES)
    timed_pipeline.stages = [TimedStage(stage) for stage in timed_pipeline.stages]
    timed_pipeline.reset()
    timed: list[dict] = []
    run_chunks(timed_pipeline, chunks, timed.append)
    assert timed == bare and any(e["type"] == "cue" for e in bare)
    names = [t.name for t in time_stages(chunks, Config(), ROLES, info.duration_s, 1)]
    assert "stage: voice activity + non-speech, block analysis" in names
    assert "stage: prosody + anger, per-frame steps" in names


def test_the_reference_measures_what_it_says() -> None:
    import soundfile as sf

    audio, rate_hz = sf.read(SAMPLE, dtype="int16")
    figures = reference_pipeline({"agent": audio[:, 0], "customer": audio[:, 1]}, rate_hz)
    for speech_share, f0_hz, rate_sps in figures.values():
        assert 0.2 < speech_share < 0.8 and 70 < f0_hz < 350 and 1 < rate_sps < 8
