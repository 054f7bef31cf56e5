"""A run killed mid-call leaves every event decided before the kill on disk (in NAME.partial:
the target itself is only written by a complete run)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.conftest import ROOT


def test_events_are_on_disk_when_the_process_is_killed(talkover_call: Path, tmp_path: Path) -> None:
    audio, rate_hz = sf.read(talkover_call, dtype="float32")
    long_call = tmp_path / "long.wav"
    sf.write(long_call, np.tile(audio, (4, 1)), rate_hz, subtype="PCM_16")  # 120 s, 4 talk-overs
    events_path = tmp_path / "long.jsonl"
    growing = tmp_path / "long.jsonl.partial"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coolhead.cli.main",
            "analyze",
            str(long_call),
            "--events",
            str(events_path),
            "--speed",
            "20",
            "--quiet",
        ],
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            lines = growing.read_text().splitlines() if growing.exists() else []
            if sum('"interruption"' in line for line in lines) >= 2:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        proc.kill()
    assert not events_path.exists()
    events = [json.loads(line) for line in growing.read_text().splitlines()]
    assert events[0]["type"] == "call"
    interruptions = [e for e in events if e["type"] == "interruption"]
    assert 2 <= len(interruptions) < 4, "killed before the end, with the first talk-overs kept"
    assert [round(e["t"]) % 30 for e in interruptions] == [6] * len(interruptions)
