"""Streaming resampling to the pipeline rate (soxr), one resampler per channel."""

from __future__ import annotations

import numpy as np
import soxr


class StreamResampler:
    """Resamples consecutive float32 blocks of one channel from ``in_rate_hz`` to ``out_rate_hz``.

    Keeps soxr's filter state between blocks, so a file read in blocks and a live stream
    captured in blocks are resampled identically.
    """

    def __init__(self, in_rate_hz: int, out_rate_hz: int) -> None:
        self.identity = in_rate_hz == out_rate_hz
        self._stream = (
            None if self.identity else soxr.ResampleStream(in_rate_hz, out_rate_hz, 1, dtype="float32", quality="HQ")
        )

    def __call__(self, block: np.ndarray, last: bool = False) -> np.ndarray:
        if self._stream is None:
            return block
        return self._stream.resample_chunk(np.ascontiguousarray(block, dtype=np.float32), last=last)
