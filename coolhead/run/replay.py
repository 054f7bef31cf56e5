"""Replay a recorded call through the pipeline: the QA and evaluation entry point."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from coolhead import events
from coolhead.audio.chunk import MIX_ROLE, Chunk
from coolhead.audio.reader import AudioError, CallInfo, read_chunks
from coolhead.config import Config
from coolhead.events import ROLES, Event
from coolhead.models.errors import ModelError
from coolhead.mono.split import MonoSplit, mono_split
from coolhead.pipeline import Pipeline
from coolhead.pipeline.stt import SpeechToText
from coolhead.run.feed import run_chunks

REPLAY_CHUNK_S = 3.84
"""Replay feeds bigger chunks than live capture (128 frames of 30 ms: the per-chunk work of every
stage is shared by more frames); the events do not depend on the chunk size."""
PACED_CHUNK_S = 0.48
"""A paced replay (a demo, a stand-in for a live call) feeds smaller chunks, so events come about
as soon as they would live."""


def paced(chunks: Iterable[Chunk], speed: float) -> Iterator[Chunk]:
    """The chunks, each handed out when its audio time (divided by ``speed``) has come."""
    started = time.monotonic()
    for chunk in chunks:
        time.sleep(max(0.0, started + chunk.t_s / speed - time.monotonic()))
        yield chunk


@dataclass
class ReplayResult:
    info: CallInfo
    n_events: int


def mono_separation(config: Config, roles: tuple[str, ...]) -> tuple[MonoSplit | None, dict[str, object] | None]:
    """For a mono recording, the splitter into agent and customer (None when ``mono.separate`` is
    off or the ``mono`` extra is missing) and what the call header says about it."""
    if roles != (MIX_ROLE,):
        return None, None
    if not config.mono.separate:
        return None, {"speakers": "mixed", "why": "mono.separate is off"}
    try:
        split = mono_split(config)
    except ModelError as exc:
        return None, {"speakers": "mixed", "why": str(exc)}
    return split, {
        "speakers": "separated",
        "model": config.mono.model or "shipped",
        "agent_is": config.mono.agent_is,
        "lookahead_s": round(split.lookahead_s, 3),
    }


def replay_call(
    info: CallInfo,
    config: Config,
    on_event: Callable[[Event], None],
    speed: float | None = None,
    stt: SpeechToText | None = None,
) -> ReplayResult:
    """Run one probed call (``probe_call``) through a fresh pipeline, handing each event to
    ``on_event`` as it is decided. ``speed`` paces the replay at that multiple of real time
    (a demo, or a stand-in for a live call); None runs as fast as possible.

    Raises ``AudioError`` if the file turns out bad mid-way: the call ends at that point and
    every event up to it is delivered first.
    """
    rate_hz = config.pipeline.sample_rate
    roles = tuple(info.roles[ch] for ch in sorted(info.roles))
    split, separation = mono_separation(config, roles)
    pipeline = Pipeline(config, ROLES if split else roles, stt)
    header = events.call_header(
        info.path,
        info.sample_rate_hz,
        info.channels,
        {str(ch): role for ch, role in sorted(info.roles.items())},
        duration=round(info.duration_s, 3),
        pipeline_rate=rate_hz,
        **({"separation": separation} if separation else {}),
    )
    on_event(header)
    problem: list[AudioError] = []

    def until_problem() -> Iterator[Chunk]:
        """The file's chunks up to a bad stretch; the call then ends there (pipeline flushed)."""
        try:
            yield from read_chunks(info, rate_hz, PACED_CHUNK_S if speed else REPLAY_CHUNK_S)
        except AudioError as exc:
            problem.append(exc)

    chunks = split.chunks(until_problem()) if split else until_problem()
    n_events = 1 + run_chunks(pipeline, paced(chunks, speed) if speed else chunks, on_event)
    if problem:
        raise problem[0]
    if info.truncated_from_s is not None:
        raise AudioError(
            info.path,
            f"truncated: header promises {info.truncated_from_s:.1f} s, file holds "
            f"{info.duration_s:.1f} s (those were analysed)",
        )
    return ReplayResult(info, n_events)
