"""The cue-threshold search (scripts/tune_cues.py) replays the real cue policy over recorded
windows: on the held-out RAVDESS golden streams it must give the cues the pipeline gave."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from coolhead.config import Config
from scripts.tune_cues import simulate

GOLDEN = Path(__file__).parent / "golden" / "ravdess_test.json.gz"


def test_simulated_cues_are_the_pipelines() -> None:
    streams = json.loads(gzip.decompress(GOLDEN.read_bytes()))
    close = 0
    for name, events in streams.items():
        replayed = [(c["cue"], c["t"]) for c in events if c["type"] == "cue" and c["cue"] != "pause"]
        simulated = [(c["cue"], c["t"]) for c in simulate(events, Config()) if c["cue"] != "pause"]
        assert [k for k, _ in simulated] == [k for k, _ in replayed], name
        close += all(abs(a - b) <= 0.6 for (_, a), (_, b) in zip(simulated, replayed))
    assert sum(any(e["type"] == "cue" and e["cue"] != "pause" for e in s) for s in streams.values()) >= 10
    assert close >= 0.9 * len(streams)
