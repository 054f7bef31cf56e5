"""The replay with transcripts, per installed Whisper model: loading, pipeline + STT, and
``coolhead analyze`` in a fresh process (imports and model loading included)."""

from __future__ import annotations

import time
from pathlib import Path

from coolhead.audio.reader import probe_call
from coolhead.bench.process import run_analyze
from coolhead.bench.timing import Timing
from coolhead.config import Config
from coolhead.models.errors import ModelError
from coolhead.models.resolve import resolve_model
from coolhead.pipeline.phrases import PhraseBook
from coolhead.pipeline.stt import SpeechToText
from coolhead.pipeline.stt_setup import load_backend
from coolhead.run.replay import replay_call

STT_MODELS = ("whisper-tiny.en", "whisper-base")
"""The English default and the multilingual model, timed when installed."""


def time_transcripts(call: Path, config: Config) -> list[Timing]:
    """One run each (transcription is slow and steady): load, replay with words, fresh process."""
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
        timings.append(Timing(f"load {name}", (time.perf_counter() - started,), 0.0))
        started = time.perf_counter()
        replay_call(info, config, lambda e: None, stt=stt)
        timings.append(Timing(f"pipeline + STT {name}", (time.perf_counter() - started,), info.duration_s))
        run = run_analyze(call, "--model", name)
        timings.append(Timing(f"analyze {name} (new process)", (run["wall_s"],), info.duration_s, run["peak_rss_mb"]))
    return timings
