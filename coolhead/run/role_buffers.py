"""Capture blocks of one or two streams turned into aligned role samples at the pipeline rate,
each with the wall time its audio arrived (so an event can be traced back to it)."""

from __future__ import annotations

import time
from collections import deque

import numpy as np

from coolhead.audio.capture import Block
from coolhead.audio.chunk import float_to_int16
from coolhead.audio.resample import StreamResampler


class RoleBuffer:
    """Samples of one role at the pipeline rate, waiting to be cut into chunks, with the wall
    time each stretch arrived (so an event can be traced back to its audio's arrival)."""

    def __init__(self, resampler: StreamResampler) -> None:
        self.resampler = resampler
        self.parts: deque[np.ndarray] = deque()
        self.n = 0
        self.arrivals: deque[tuple[int, float]] = deque()
        """(samples buffered up to the end of a block, its arrival time); counts from the buffer start."""

    def append(self, samples: np.ndarray, arrived_s: float) -> None:
        if len(samples):
            self.parts.append(samples)
            self.n += len(samples)
            self.arrivals.append((self.n, arrived_s))

    def take(self, n: int) -> tuple[np.ndarray, list[tuple[int, float]]]:
        """The first ``n`` samples, and (samples up to the end of a block, its arrival time) of the
        blocks they come from, the last one the block that completed them."""
        blocks = []
        for end, t in self.arrivals:
            blocks.append((min(end, n), t))
            if end >= n:
                break
        data = np.concatenate(self.parts) if len(self.parts) > 1 else self.parts[0]
        rest = data[n:]
        self.parts = deque([rest]) if len(rest) else deque()
        self.n -= n
        self.arrivals = deque((end - n, t) for end, t in self.arrivals if end > n)
        return data[:n], blocks


class Arrivals:
    """When the audio of a chunk handed out by ``AlignedRoles`` reached the capture callback."""

    def __init__(self, blocks: list[list[tuple[int, float]]]) -> None:
        self._blocks = blocks
        """Per role: (samples up to the end of a block, its arrival time)."""

    def at(self, k: int) -> float:
        """When the chunk's first ``k`` samples had all arrived, on every role."""
        return max(next((t for end, t in role if end >= k), role[-1][1]) for role in self._blocks)


class AlignedRoles:
    """Resamples each stream's role channels and hands out the samples every role has."""

    def __init__(
        self, roles: tuple[str, ...], role_of: list[dict[str, int]], capture_rate_hz: int, rate_hz: int
    ) -> None:
        self._role_of = role_of
        """Per capture stream: role -> channel."""
        self._ratio = rate_hz / capture_rate_hz
        self._buffers = {role: RoleBuffer(StreamResampler(capture_rate_hz, rate_hz)) for role in roles}

    def add(self, block: Block) -> None:
        """One capture block in (a gap it reports becomes silence); ``ready()`` hands it out."""
        for role, channel in self._role_of[block.stream].items():
            buffer = self._buffers[role]
            if block.dropped_before:
                buffer.append(np.zeros(int(round(block.dropped_before * self._ratio)), np.int16), block.arrived_s)
            buffer.append(float_to_int16(buffer.resampler(block.samples[:, channel])), block.arrived_s)

    def flush(self) -> tuple[dict[str, np.ndarray], Arrivals] | None:
        """End of listening: the resamplers' last samples (their filter delay)."""
        now = time.perf_counter()
        for buffer in self._buffers.values():
            buffer.append(float_to_int16(buffer.resampler(np.zeros(0, np.float32), last=True)), now)
        return self.ready()

    def ready(self) -> tuple[dict[str, np.ndarray], Arrivals] | None:
        """The samples that every role has, and when they arrived."""
        n = min(b.n for b in self._buffers.values())
        if n == 0:
            return None
        taken = {role: b.take(n) for role, b in self._buffers.items()}
        return {role: s for role, (s, _) in taken.items()}, Arrivals([blocks for _, blocks in taken.values()])
