"""A lean reference pipeline, kept as the benchmark's baseline: what the acoustic path would cost
with no streaming state, no events and no detectors beyond the essentials. Per 30 ms frame:
numpy RMS level, webrtcvad; on speech frames, F0 by numpy autocorrelation at 8 kHz; per
speaker, a syllable rate from level peaks. Whole-call numpy, nothing else.

Not a detector anyone should use: a yardstick timed in the same run as the real pipeline, so
that ``coolhead bench`` figures are also ratios that hold on a noisy or different machine.
"""

from __future__ import annotations

import numpy as np
import webrtcvad

FRAME_S = 0.03
F0_RANGE_HZ = (60.0, 400.0)


def reference_pipeline(samples: dict[str, np.ndarray], rate_hz: int) -> dict[str, tuple[float, float, float]]:
    """Per role (int16 samples at ``rate_hz``, 8 or 16 kHz): share of speech frames, median F0
    (Hz) of speech frames, and syllables per second of speech."""
    return {role: _one_role(x, rate_hz) for role, x in samples.items()}


def _one_role(x: np.ndarray, rate_hz: int) -> tuple[float, float, float]:
    frame_len = int(rate_hz * FRAME_S)
    n = len(x) // frame_len
    frames = x[: n * frame_len].reshape(n, frame_len)
    level_db = 10 * np.log10(np.mean(frames.astype(np.float32) ** 2, axis=1) + 1.0)
    vad = webrtcvad.Vad(2)
    speech = np.fromiter((vad.is_speech(f.tobytes(), rate_hz) for f in frames), bool, count=n)
    voiced = frames[speech].astype(np.float32)[:, :: rate_hz // 8000]
    f0_hz = _autocorrelation_f0(voiced - voiced.mean(axis=1, keepdims=True), 8000)
    peaks = _level_peaks(level_db[speech])
    speech_s = speech.sum() * FRAME_S
    return (
        float(speech.mean()) if n else 0.0,
        float(np.median(f0_hz)) if len(f0_hz) else float("nan"),
        peaks / speech_s if speech_s else 0.0,
    )


def _autocorrelation_f0(frames: np.ndarray, rate_hz: int) -> np.ndarray:
    if not len(frames):
        return np.zeros(0)
    n_fft = 1 << int(np.ceil(np.log2(2 * frames.shape[1])))
    power = np.abs(np.fft.rfft(frames, n_fft)) ** 2
    corr = np.fft.irfft(power, n_fft)[:, : frames.shape[1]]
    low, high = int(rate_hz / F0_RANGE_HZ[1]), int(rate_hz / F0_RANGE_HZ[0])
    lag = low + np.argmax(corr[:, low:high], axis=1)
    return rate_hz / lag


def _level_peaks(level_db: np.ndarray, rise_db: float = 3.0) -> int:
    """Level maxima standing ``rise_db`` over both neighbours' minimum within 3 frames."""
    if len(level_db) < 7:
        return 0
    smooth = np.convolve(level_db, np.ones(3) / 3, mode="same")
    core = smooth[3:-3]
    is_max = (core >= smooth[2:-4]) & (core > smooth[4:-2])
    around = np.minimum(smooth[:-6], smooth[6:])
    return int(np.count_nonzero(is_max & (core - around >= rise_db)))
