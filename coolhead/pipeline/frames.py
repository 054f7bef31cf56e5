"""Loudness of analysis frames (the first number every stage builds on)."""

from __future__ import annotations

import numpy as np

_INT16_FULL_SCALE = 32768.0


def frame_loudness_dbfs(frames: np.ndarray) -> np.ndarray:
    """RMS level in dBFS of each row of an int16 (n_frames, frame_len) array (floor -100 dB)."""
    x = frames.astype(np.float32)
    mean_square = np.einsum("ij,ij->i", x, x) / max(frames.shape[1], 1)
    return 10.0 * np.log10(np.maximum(mean_square / _INT16_FULL_SCALE**2, 1e-10))
