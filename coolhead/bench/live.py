"""Live figures: the latency of one capture chunk through the pipeline, and how many concurrent
two-channel calls one core keeps up with in real time.

A server (or a listener that fell behind) does not feed a pipeline one 20 ms chunk at a time
when more has arrived: it feeds all the call's audio waiting, as the listener drains its queue
(coolhead/run/live.py). The events do not depend on how the audio is cut, and the work per
second of audio shrinks as the chunks grow, so the load settles where the server keeps up: the
price is the lag, how long audio waits before its cues are decided, which is measured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coolhead.audio.chunk import Chunk
from coolhead.audio.reader import probe_call, read_chunks
from coolhead.config import Config
from coolhead.pipeline import Pipeline

CHUNK_S = 0.02
"""What a capture callback delivers."""
MAX_LAG_S = 0.5
"""Audio waiting longer than this before it is analysed is falling behind (a cue that late is
still in time to help; the window's meters lag by as much)."""


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


@dataclass
class Served:
    """How ``n_calls`` live calls fared on one core."""

    n_calls: int
    kept_up: bool
    """The lag stayed under ``MAX_LAG_S`` and every call was fed up to the end."""
    lag_s: np.ndarray
    """Per feed: how long the oldest audio fed had waited since it arrived."""


def serve(chunks: list[Chunk], config: Config, n_calls: int, seconds: float) -> Served:
    """``n_calls`` pipelines, each call's capture delivering its next 20 ms chunk every 20 ms for
    ``seconds`` (the calls start at different points of the audio, as independent calls would),
    served in turn by this one thread: each turn feeds a call all its audio that has arrived."""
    roles = tuple(chunks[0].samples)
    audio = {r: np.concatenate([c.samples[r] for c in chunks] * 2) for r in roles}  # room to wrap
    chunk_len = len(chunks[0].samples[roles[0]])
    n_ticks = int(round(seconds / CHUNK_S))
    pipelines = [Pipeline(config, roles) for _ in range(n_calls)]
    offsets = [(i * 7919) % len(chunks) for i in range(n_calls)]  # spread over the call
    fed = [0] * n_calls
    lags: list[float] = []
    started = time.perf_counter()
    while min(fed) < n_ticks:
        arrived = min(n_ticks, int((time.perf_counter() - started) / CHUNK_S))
        if arrived == min(fed):
            time.sleep(max(0.0, started + (arrived + 1) * CHUNK_S - time.perf_counter()))
            continue
        for i, pipeline in enumerate(pipelines):
            arrived = min(n_ticks, int((time.perf_counter() - started) / CHUNK_S))
            if arrived == fed[i]:
                continue
            a, b = (offsets[i] + fed[i]) * chunk_len, (offsets[i] + arrived) * chunk_len
            pipeline.feed(Chunk(fed[i] * CHUNK_S, {r: audio[r][a:b] for r in roles}))
            lags.append(time.perf_counter() - started - (fed[i] + 1) * CHUNK_S)
            fed[i] = arrived
            if lags[-1] > MAX_LAG_S:
                return Served(n_calls, False, np.array(lags))
    return Served(n_calls, True, np.array(lags))


def live_capacity(call: Path, config: Config, seconds: float = 10.0) -> dict[str, object]:
    """The most concurrent calls one core serves with every call's audio analysed within
    ``MAX_LAG_S`` of its arrival: estimated from the unpaced speed of chunks ``MAX_LAG_S / 2``
    long, then found paced (``serve``): 5 % more calls while they keep up, or 5 % fewer until they do."""
    chunks = _chunks(call, config)
    roles = tuple(chunks[0].samples)
    per_chunk = int(round(MAX_LAG_S / 2 / CHUNK_S))
    long_chunks = [
        Chunk(0.0, {r: np.concatenate([c.samples[r] for c in chunks[i : i + per_chunk]]) for r in roles})
        for i in range(0, len(chunks) - per_chunk + 1, per_chunk)
    ]
    pipeline = Pipeline(config, roles)
    started = time.perf_counter()
    for chunk in long_chunks:
        pipeline.feed(chunk)
    x_realtime = len(long_chunks) * per_chunk * CHUNK_S / (time.perf_counter() - started)
    estimate = max(1, int(x_realtime))
    served = serve(chunks, config, estimate, seconds)
    if served.kept_up:
        while (more := serve(chunks, config, max(served.n_calls + 1, int(served.n_calls * 1.05)), seconds)).kept_up:
            served = more
    while not served.kept_up and served.n_calls > 1:
        served = serve(chunks, config, max(1, int(served.n_calls * 0.95)), seconds)
    lag_ms = 1000 * served.lag_s
    return {
        "estimate_calls": estimate,
        "paced_calls": served.n_calls,
        "paced_seconds": seconds,
        "kept_up": served.kept_up,
        "max_lag_s": MAX_LAG_S,
        "lag_ms": {f"p{q}": round(float(np.percentile(lag_ms, q)), 1) for q in (50, 95)}
        | {"max": round(float(lag_ms.max()), 1)},
    }
