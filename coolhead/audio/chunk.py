"""The unit of audio that flows into the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIX_ROLE = "mix"
"""Role of the single stream of a mono recording (both parties mixed)."""


@dataclass(frozen=True)
class Chunk:
    """Consecutive int16 samples per role, starting at audio time ``t_s``.

    All roles in one chunk hold the same number of samples at the pipeline's rate.
    """

    t_s: float
    samples: dict[str, np.ndarray]

    @property
    def n_samples(self) -> int:
        return len(next(iter(self.samples.values())))


def float_to_int16(x: np.ndarray) -> np.ndarray:
    """[-1, 1] float audio to int16 PCM, clipping overs."""
    return (np.clip(x, -1.0, 1.0 - 1.0 / 32768) * 32768.0).astype(np.int16)
