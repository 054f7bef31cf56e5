"""Voice activity per frame with webrtcvad, a level gate that follows the line's noise floor, a
start-up guard, and the non-speech sound detector (tones, DTMF, music, noise bursts)."""

from __future__ import annotations

import numpy as np
import webrtcvad

from coolhead.config import VadConfig
from coolhead.pipeline.frames import windows
from coolhead.pipeline.nonspeech import SPEECH_OR_QUIET, NonSpeechDetector


class VoiceActivity:
    """Raw speech/non-speech decision for each frame of one role (no hysteresis here).

    webrtcvad sees the same frames as without the non-speech detector (its noise model adapts
    alike); the detector's frames and the stream's first ``startup_s`` are then never speech.
    """

    def __init__(self, config: VadConfig, rate_hz: int, frame_s: float = 0.03) -> None:
        self._vad = webrtcvad.Vad(config.aggressiveness)
        self._rate_hz = rate_hz
        self._gate = LevelGate(config, frame_s)
        self._startup_samples = int(round(config.startup_s * rate_hz))
        self._samples_seen = 0
        self._nonspeech = NonSpeechDetector(config, rate_hz) if config.nonspeech else None

    def __call__(self, frames: np.ndarray, loudness_dbfs: np.ndarray) -> np.ndarray:
        """``frames``: (n, frame_len) int16 with frame_len = 10/20/30 ms; returns (n,) bool."""
        return self.judge(frames, loudness_dbfs)[0]

    def judge(self, frames: np.ndarray, loudness_dbfs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per frame: speech, and non-speech sound (tone, DTMF, music, noise) the detector found."""
        is_speech = self._vad.is_speech
        rate = self._rate_hz
        loud = (loudness_dbfs >= self._gate(loudness_dbfs)).tolist()
        frame_len = frames.shape[1]
        n_bytes = 2 * frame_len
        data = np.ascontiguousarray(frames).reshape(-1).data.cast("B")  # sliced without copies
        voiced = np.fromiter(
            (ok and is_speech(data[i * n_bytes : (i + 1) * n_bytes], rate, frame_len) for i, ok in enumerate(loud)),
            dtype=bool,
            count=len(frames),
        )
        sound = np.zeros(len(frames), bool)
        if self._nonspeech is not None:
            sound = self._nonspeech(frames, loudness_dbfs, voiced) != SPEECH_OR_QUIET
            voiced &= ~sound
        if self._samples_seen < self._startup_samples and len(frames):
            frame_start = self._samples_seen + frames.shape[1] * np.arange(len(frames))
            voiced &= frame_start >= self._startup_samples
        self._samples_seen += frames.size
        return voiced, sound


class LevelGate:
    """The level a frame must reach to be speech, following the line's noise floor (causal).

    The floor is the quietest frame of the last ``floor_window_s`` (minimum statistics: a talker
    pauses between words often enough); the gate is ``above_floor_db`` over it, kept between
    ``min_level_dbfs`` and ``max_gate_dbfs``. A quiet talker on a quiet line is heard; on a noisy
    line the gate stays at ``max_gate_dbfs`` and webrtcvad tells the voice from the hiss.
    """

    def __init__(self, config: VadConfig, frame_s: float) -> None:
        self._min_dbfs = config.min_level_dbfs
        self._max_dbfs = config.max_gate_dbfs
        self._above_db = config.above_floor_db
        self._recent = np.full(max(0, int(round(config.floor_window_s / frame_s)) - 1), np.inf)
        """Levels of the frames before the block (inf before the stream starts)."""

    def __call__(self, loudness_dbfs: np.ndarray) -> np.ndarray:
        """Gate (dBFS) for each frame of the block, from the frames up to and including it."""
        if not len(loudness_dbfs):
            return np.zeros(0)
        levels = np.concatenate([self._recent, loudness_dbfs])
        floors = windows(levels, len(self._recent) + 1).min(axis=1)
        self._recent = levels[len(levels) - len(self._recent) :]
        return np.clip(floors + self._above_db, self._min_dbfs, self._max_dbfs)
