"""``coolhead bench`` runs on a short call and records every row, transcripts included (the
figures themselves are read by people: docs/stt.md, docs/replay.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow


def test_bench_times_every_stage_and_both_whisper_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recorded in the user's cache by default, never in the checkout."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tracked = ROOT / "bench" / "results.jsonl"
    before = tracked.read_bytes()
    result = run_cli("bench", "--minutes", "0.2", "--stt-minutes", "0.2", timeout=300)
    assert result.returncode == 0, result.stderr
    assert tracked.read_bytes() == before
    record = tmp_path / "coolhead" / "bench" / "results.jsonl"
    rows = json.loads(record.read_text().splitlines()[-1])["rows"]
    stages = {(r["input"], r["stage"]) for r in rows}
    for source in ("16 kHz PCM stereo", "8 kHz mu-law stereo"):
        for model in ("whisper-tiny.en", "whisper-base"):
            for stage in (f"load {model}", f"pipeline + STT {model}", f"analyze {model} (new process)"):
                assert (source, stage) in stages
    assert all(r["seconds"] > 0 for r in rows)
    assert all(r["x_realtime"] > 1 for r in rows if r["audio_s"])
    assert "pipeline + STT whisper-base" in result.stdout
