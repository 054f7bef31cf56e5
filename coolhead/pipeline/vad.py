"""Voice activity per frame with webrtcvad, plus a level gate against line noise."""

from __future__ import annotations

import numpy as np
import webrtcvad

from coolhead.config import VadConfig


class VoiceActivity:
    """Raw speech/non-speech decision for each frame of one role (no hysteresis here)."""

    def __init__(self, config: VadConfig, rate_hz: int) -> None:
        self._vad = webrtcvad.Vad(config.aggressiveness)
        self._rate_hz = rate_hz
        self._min_level_dbfs = config.min_level_dbfs

    def __call__(self, frames: np.ndarray, loudness_dbfs: np.ndarray) -> np.ndarray:
        """``frames``: (n, frame_len) int16 with frame_len = 10/20/30 ms; returns (n,) bool."""
        is_speech = self._vad.is_speech
        rate = self._rate_hz
        loud = loudness_dbfs >= self._min_level_dbfs
        return np.fromiter(
            (bool(ok) and is_speech(frame.tobytes(), rate) for frame, ok in zip(frames, loud)),
            dtype=bool, count=len(frames))
