"""The layers of the replay path on one call, each timed over repeats, next to the reference."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import numpy as np

from coolhead.audio.chunk import MIX_ROLE
from coolhead.audio.reader import probe_call, read_chunks
from coolhead.bench.reference import reference_pipeline
from coolhead.bench.stages import time_stages
from coolhead.bench.timing import Timing, repeat
from coolhead.config import Config
from coolhead.events import ROLES
from coolhead.mono.split import mono_split
from coolhead.pipeline import Pipeline
from coolhead.pipeline.frames import frame_loudness_dbfs
from coolhead.pipeline.vad import VoiceActivity
from coolhead.run.feed import run_chunks
from coolhead.run.replay import REPLAY_CHUNK_S, replay_call
from coolhead.sinks.jsonl import JsonlWriter

REFERENCE = "lean reference (RMS, webrtcvad, autocorrelation F0, rate)"


def time_replay_path(call: Path, config: Config, repeats: int) -> list[Timing]:
    """Reading, the floor (loudness + webrtcvad), the reference, the pipeline and each of its
    stages, end to end; a mono call also the speaker segmentation, and the stages after it on the
    split streams.

    Raises ``ModelError`` for a mono call without the ``mono`` extra or model."""
    info = probe_call(call)
    rate_hz = config.pipeline.sample_rate
    roles = tuple(info.roles[ch] for ch in sorted(info.roles))
    chunks = list(read_chunks(info, rate_hz, REPLAY_CHUNK_S))
    separation: list[Timing] = []
    if roles == (MIX_ROLE,):
        mixed = chunks
        chunks, roles = list(mono_split(config).chunks(mixed)), ROLES  # raises before anything is timed
        separation = [
            repeat(
                "speaker segmentation + split", info.duration_s, repeats, lambda: list(mono_split(config).chunks(mixed))
            )
        ]
    samples = {r: np.concatenate([c.samples[r] for c in chunks]) for r in roles}
    frame_len = rate_hz * config.pipeline.frame_ms // 1000
    frames = {r: x[: len(x) // frame_len * frame_len].reshape(-1, frame_len) for r, x in samples.items()}

    webrtcvad_only = dataclasses.replace(config.vad, nonspeech=False)

    def floor() -> None:
        for x in frames.values():
            VoiceActivity(webrtcvad_only, rate_hz, config.pipeline.frame_ms / 1000)(x, frame_loudness_dbfs(x))

    def end_to_end() -> None:
        with tempfile.TemporaryDirectory() as folder, JsonlWriter(Path(folder) / "e.jsonl") as writer:
            replay_call(info, config, writer.write)

    d = info.duration_s
    return [
        repeat("read + resample", d, repeats, lambda: list(read_chunks(info, rate_hz, REPLAY_CHUNK_S))),
        *separation,
        repeat("loudness + webrtcvad (floor)", d, repeats, floor),
        repeat(REFERENCE, d, repeats, lambda: reference_pipeline(samples, rate_hz)),
        repeat(
            "pipeline (all stages)", d, repeats, lambda: run_chunks(Pipeline(config, roles), chunks, lambda e: None)
        ),
        *time_stages(chunks, config, roles, d, repeats),
        repeat("analyze end to end (JSONL)", d, repeats, end_to_end),
    ]
