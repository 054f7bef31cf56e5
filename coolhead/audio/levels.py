"""Energy-based frame levels and activity of float audio (independent of the webrtcvad path)."""

from __future__ import annotations

import numpy as np

from coolhead.audio.filters import band_pass_fir, fir_filter

ACTIVITY_FRAME_S = 0.01
"""Frame length of ``frame_levels_dbfs`` and ``energy_activity``."""
SPEECH_BAND_HZ = (300.0, 3400.0)
"""Activity is judged on this band only: breath and rumble below it do not count as speech, and
a clip's labels hold for its telephone-band version too."""


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


def energy_activity(
    x: np.ndarray, rate_hz: int, below_peak_db: float = 20.0, above_floor_db: float = 10.0, floor_dbfs: float = -70.0
) -> np.ndarray:
    """Which 10 ms frames of one talker's mono float audio hold speech, by energy alone.

    A frame is active when it is within ``below_peak_db`` of the clip's loud speech (95th
    percentile frame level), ``above_floor_db`` over its noise floor (5th percentile) and above
    ``floor_dbfs``, all measured in ``SPEECH_BAND_HZ``. Meant for single-talker recordings with
    some silence around the speech.
    """
    levels_db = frame_levels_dbfs(speech_band(x, rate_hz), rate_hz)
    if not len(levels_db):
        return np.zeros(0, bool)
    noise_db, peak_db = np.percentile(levels_db, [5, 95])
    threshold_db = max(floor_dbfs, float(peak_db) - below_peak_db, float(noise_db) + above_floor_db)
    return levels_db >= threshold_db


def speech_band(x: np.ndarray, rate_hz: int) -> np.ndarray:
    """``x`` band-passed to ``SPEECH_BAND_HZ``."""
    high_hz = min(SPEECH_BAND_HZ[1], 0.45 * rate_hz)
    return fir_filter(np.asarray(x, np.float64), band_pass_fir(rate_hz, SPEECH_BAND_HZ[0], high_hz))


def speech_level_dbfs(x: np.ndarray, rate_hz: int) -> float:
    """RMS level (dBFS) in ``SPEECH_BAND_HZ`` over the energy-active frames of ``x``; -120 if none.

    In-band, so rumble or hum in a recording does not pass for speech level."""
    active = energy_activity(x, rate_hz)
    if not active.any():
        return -120.0
    levels_db = frame_levels_dbfs(speech_band(x, rate_hz), rate_hz)[active]
    return float(10.0 * np.log10(np.mean(10.0 ** (levels_db / 10.0))))
