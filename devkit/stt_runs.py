"""Running recordings through the pipeline with STT, as ``analyze`` does, for tests and the benchmark."""

from __future__ import annotations

import numpy as np

from coolhead.audio.chunk import Chunk
from coolhead.config import Config
from coolhead.events import Event
from coolhead.pipeline import Pipeline
from coolhead.pipeline.stt import SpeechToText
from coolhead.run.feed import run_chunks

PAD_S = 0.5


def run_call(
    config: Config, channels: dict[str, np.ndarray], stt: SpeechToText | None, chunk_s: float = 0.48
) -> list[Event]:
    """All events of a call given as int16 arrays per role (same length) at the pipeline rate."""
    roles = tuple(channels)
    pipeline = Pipeline(config, roles, stt)
    rate_hz = config.pipeline.sample_rate
    n, step = len(next(iter(channels.values()))), int(chunk_s * rate_hz)
    chunks = (Chunk(i / rate_hz, {r: x[i : i + step] for r, x in channels.items()}) for i in range(0, n, step))
    out: list[Event] = []
    run_chunks(pipeline, chunks, out.append)
    return out


def transcribe(config: Config, audio: np.ndarray, stt: SpeechToText) -> str:
    """Text of one mono recording (int16 at the pipeline rate, padded with silence) via the pipeline."""
    pad = np.zeros(int(PAD_S * config.pipeline.sample_rate), np.int16)
    events = run_call(config, {"mix": np.concatenate([pad, audio, pad])}, stt)
    return " ".join(e["text"] for e in events if e["type"] == "words")
