"""Per-frame analysis of one role's audio, shared by the stages that follow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_INT16_FULL_SCALE = 32768.0


@dataclass
class RoleFrames:
    """A block of consecutive analysis frames of one role; arrays are indexed by frame."""

    role: str
    t0_s: float
    """Audio time of the start of frame 0."""
    frame_s: float
    samples: np.ndarray
    """(n_frames, frame_len) int16."""
    loudness_dbfs: np.ndarray
    """RMS level per frame, dB re full scale."""
    voiced: np.ndarray
    """Raw voice-activity decision per frame (before hysteresis)."""

    def __len__(self) -> int:
        return len(self.samples)

    def t_s(self, i: int) -> float:
        """Start time of frame ``i``."""
        return self.t0_s + i * self.frame_s


def frame_loudness_dbfs(frames: np.ndarray) -> np.ndarray:
    """RMS level in dBFS of each row of an int16 (n_frames, frame_len) array (floor -100 dB)."""
    x = frames.astype(np.float32)
    mean_square = np.einsum("ij,ij->i", x, x) / max(frames.shape[1], 1)
    return 10.0 * np.log10(np.maximum(mean_square / _INT16_FULL_SCALE**2, 1e-10))
