"""Analysis frames: cut from a stream, their loudness (the first number every stage builds on), and
windows of a stream."""

from __future__ import annotations

import numpy as np

_INT16_FULL_SCALE = 32768.0


class FrameCutter:
    """Cuts one stream's incoming samples into whole frames, keeping the remainder."""

    def __init__(self, frame_len: int) -> None:
        self._frame_len = frame_len
        self._rest = np.zeros(0, np.int16)

    def frames(self, samples: np.ndarray) -> np.ndarray:
        """(n, frame_len) frames of what came so far; the rest waits for the next samples."""
        buf = np.concatenate([self._rest, samples]) if len(self._rest) else samples
        n = len(buf) // self._frame_len
        self._rest = buf[n * self._frame_len :]
        return buf[: n * self._frame_len].reshape(n, self._frame_len)


def frame_loudness_dbfs(frames: np.ndarray) -> np.ndarray:
    """RMS level in dBFS of each row of an int16 (n_frames, frame_len) array (floor -100 dB)."""
    x = frames.astype(np.float32)
    mean_square = np.einsum("ij,ij->i", x, x) / max(frames.shape[1], 1)
    return 10.0 * np.log10(np.maximum(mean_square / _INT16_FULL_SCALE**2, 1e-10))


def windows(x: np.ndarray, length: int, hop: int = 1) -> np.ndarray:
    """Read-only (n, length) view of the 1-D ``x`` as windows starting every ``hop`` samples (as
    ``sliding_window_view(x, length)[::hop]``, without its per-call overhead: blocks are small live)."""
    n = max(0, (len(x) - length) // hop + 1)
    step = x.strides[0]
    return np.lib.stride_tricks.as_strided(x, (n, length), (hop * step, step), writeable=False)
