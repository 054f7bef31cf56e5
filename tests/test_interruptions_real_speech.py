"""Interruption detection on labelled calls of real human speech (report split, held out from tuning).

Builds the first report-split calls from ../shared/data (LibriSpeech, LJ Speech, AMI; see
devkit/corpora.py), writes them clean (16 kHz PCM16) and phone-band (8 kHz mu-law,
300-3400 Hz, line noise), replays them through the real pipeline (webrtcvad) and scores them with
the same code as ``coolhead eval``. The full splits: scripts/eval_interruptions.sh.
"""

from __future__ import annotations

from collections import Counter

import pytest

from coolhead.audio.reader import probe_call
from coolhead.config import Config
from coolhead.evaluation import metrics
from coolhead.run.replay import replay_call
from devkit.callbuilder import write_call
from devkit.speechcalls import split_calls
from tests.conftest import need_shared_data

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

N_CALLS = 6


@pytest.fixture(scope="module")
def report_calls(tmp_path_factory: pytest.TempPathFactory):
    data = need_shared_data()
    out = tmp_path_factory.mktemp("report")
    calls = []
    for i, (name, call) in enumerate(split_calls(data, "report", max_calls=N_CALLS)):
        clean, _ = write_call(out / "clean", name, call)
        phone, _ = write_call(out / "phone", name, call, phone=True, seed=i)
        calls.append((call.truth, {"clean": clean, "phone": phone}))
    return calls


@pytest.mark.parametrize("version", ["clean", "phone"])
def test_interruptions_are_found_and_latches_are_not(report_calls, version: str) -> None:
    config = Config()
    counts: Counter = Counter()
    pause_delays: list[float | None] = []
    for truth, paths in report_calls:
        events: list[dict] = []
        replay_call(probe_call(paths[version]), config, events.append)
        counts += metrics.score_interruptions(events, truth)
        pause_delays += metrics.pause_delays_s(events, truth)
    summary = metrics.summarise(counts, pause_delays)
    assert summary["interruptions_true"] >= 12 and summary["latches"] >= 12  # enough to mean something
    assert summary["interruption_f1"] >= 0.97, summary
    assert summary["latches_flagged"] == 0, summary
    # Every pause cue that came was in time (within 1 s of the agent starting to talk over).
    assert summary["pause_delay_max_s"] is not None and summary["pause_delay_max_s"] <= 1.0
