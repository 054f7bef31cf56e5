"""Live figures: the latency of one capture chunk through the pipeline, and how many concurrent
two-channel calls one core keeps up with in real time."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from coolhead.audio.chunk import Chunk
from coolhead.audio.reader import probe_call, read_chunks
from coolhead.config import Config
from coolhead.pipeline import Pipeline

CHUNK_S = 0.02
"""What a capture callback delivers."""


def _chunks(call: Path, config: Config) -> list[Chunk]:
    info = probe_call(call)
    return list(read_chunks(info, config.pipeline.sample_rate, CHUNK_S))


def chunk_latency_ms(call: Path, config: Config) -> dict[str, float]:
    """p50/p95/p99/max (ms) of feeding one 20 ms chunk of both parties to a live pipeline."""
    chunks = _chunks(call, config)
    pipeline = Pipeline(config, tuple(chunks[0].samples))
    spent = np.empty(len(chunks))
    for i, chunk in enumerate(chunks):
        started = time.perf_counter()
        pipeline.feed(chunk)
        spent[i] = time.perf_counter() - started
    ms = 1000 * spent
    return {f"p{q}": round(float(np.percentile(ms, q)), 3) for q in (50, 95, 99)} | {"max": round(float(ms.max()), 3)}


MAX_BACKLOG_S = 0.5
"""A live listener's queue absorbs a moment behind; more than this is falling behind."""


def keeps_up(chunks: list[Chunk], config: Config, n_calls: int, seconds: float) -> bool:
    """``n_calls`` pipelines, each fed its own call's next 20 ms chunk every 20 ms for ``seconds``
    (the calls start at different points of the audio, as independent calls would): True when
    the backlog stayed under ``MAX_BACKLOG_S`` and was gone at the end."""
    roles = tuple(chunks[0].samples)
    pipelines = [Pipeline(config, roles) for _ in range(n_calls)]
    offsets = [(i * 7919) % len(chunks) for i in range(n_calls)]  # spread over the call
    started = time.perf_counter()
    backlog_s = 0.0
    for tick in range(int(seconds / CHUNK_S)):
        due = started + (tick + 1) * CHUNK_S
        time.sleep(max(0.0, due - CHUNK_S - time.perf_counter()))  # the tick's audio has arrived
        for pipeline, offset in zip(pipelines, offsets):
            pipeline.feed(Chunk(tick * CHUNK_S, chunks[(offset + tick) % len(chunks)].samples))
        backlog_s = time.perf_counter() - due
        if backlog_s > MAX_BACKLOG_S:
            return False
    return backlog_s <= CHUNK_S


def live_capacity(call: Path, config: Config, seconds: float = 10.0) -> dict[str, object]:
    """The most concurrent calls one core serves: estimated from the unpaced cost of a chunk,
    then confirmed paced (``keeps_up``), stepping down by 10 % from the estimate until it holds."""
    chunks = _chunks(call, config)
    latency = chunk_latency_ms(call, config)
    per_chunk_s = latency["p50"] / 1000
    estimate = max(1, int(CHUNK_S / per_chunk_s))
    n = estimate
    while n > 1 and not keeps_up(chunks, config, n, seconds):
        n = int(n * 0.9)
    return {"estimate_calls": estimate, "paced_calls": n, "paced_seconds": seconds}
