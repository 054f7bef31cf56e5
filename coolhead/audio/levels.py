"""Energy-based frame levels and activity of float audio (independent of the webrtcvad path)."""

from __future__ import annotations

import numpy as np

ACTIVITY_FRAME_S = 0.01
"""Frame length of ``frame_levels_dbfs`` and ``energy_activity``."""


def frame_levels_dbfs(x: np.ndarray, rate_hz: int, frame_s: float = ACTIVITY_FRAME_S) -> np.ndarray:
    """RMS level (dBFS, floor -120) of consecutive ``frame_s`` frames of mono float audio in [-1, 1].

    A last partial frame counts as a frame.
    """
    frame_len = max(1, int(round(frame_s * rate_hz)))
    n_frames = -(-len(x) // frame_len)
    padded = np.zeros(n_frames * frame_len, np.float64)
    padded[: len(x)] = x
    mean_square = np.mean(padded.reshape(n_frames, frame_len) ** 2, axis=1)
    return 10.0 * np.log10(np.maximum(mean_square, 1e-12))


def energy_activity(x: np.ndarray, rate_hz: int, below_peak_db: float = 35.0,
                    floor_dbfs: float = -60.0) -> np.ndarray:
    """Which 10 ms frames of one talker's mono float audio hold speech, by energy alone.

    A frame is active when it is within ``below_peak_db`` of the clip's loud speech (the 95th
    percentile frame level) and above ``floor_dbfs``. Meant for clean single-talker recordings.
    """
    levels_db = frame_levels_dbfs(x, rate_hz)
    if not len(levels_db):
        return np.zeros(0, bool)
    threshold_db = max(floor_dbfs, float(np.percentile(levels_db, 95)) - below_peak_db)
    return levels_db >= threshold_db


def speech_level_dbfs(x: np.ndarray, rate_hz: int) -> float:
    """RMS level (dBFS) over the energy-active frames of ``x``; -120 if there are none."""
    active = energy_activity(x, rate_hz)
    if not active.any():
        return -120.0
    levels_db = frame_levels_dbfs(x, rate_hz)[active]
    return float(10.0 * np.log10(np.mean(10.0 ** (levels_db / 10.0))))
