"""Utterance STT backend on faster-whisper (CTranslate2): transcribes each finished utterance.

Whisper is not a streaming recognizer: the stream only collects an utterance's audio, and
``finish`` transcribes it. Loading is strictly offline: a local model directory, the Hugging
Face hub switched off.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from coolhead.models.errors import ModelError
from coolhead.models.whisper_dir import check_whisper_model
from coolhead.pipeline.stt import Word

WHISPER_RATE_HZ = 16000


class WhisperBackend:
    name = "whisper"

    def __init__(self, model_dir: str | Path, language: str = "en", beam_size: int = 5,
                 cpu_threads: int = 1) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise ModelError("Whisper needs faster-whisper: pip install 'coolhead[whisper]'") from None
        self.model_dir = check_whisper_model(model_dir)
        try:
            self._model = WhisperModel(str(self.model_dir), device="cpu", compute_type="int8",
                                       cpu_threads=cpu_threads, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"{self.model_dir}: faster-whisper cannot load the model: {exc}") from None
        self._language = language.split("-")[0]
        self._beam_size = beam_size

    def open_stream(self, rate_hz: int) -> "WhisperStream":
        return WhisperStream(self, rate_hz)

    def transcribe(self, audio_16k: np.ndarray) -> list[Word]:
        """``audio_16k``: float32 mono at 16 kHz; word times from its start. Greedy temperature
        only (no sampling fallback), so the same audio always gives the same words."""
        segments, _ = self._model.transcribe(
            audio_16k, language=self._language, beam_size=self._beam_size, word_timestamps=True,
            condition_on_previous_text=False, vad_filter=False, temperature=0.0)
        return [Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
                for segment in segments for w in (segment.words or []) if w.word.strip()]


class WhisperStream:
    def __init__(self, backend: WhisperBackend, rate_hz: int) -> None:
        self._backend = backend
        self._rate_hz = rate_hz
        self._blocks: list[np.ndarray] = []

    def accept(self, samples: np.ndarray) -> list[list[Word]]:
        self._blocks.append(samples)
        return []

    def finish(self) -> list[Word]:
        if not self._blocks:
            return []
        audio = np.concatenate(self._blocks).astype(np.float32) / 32768.0
        self._blocks = []
        if self._rate_hz != WHISPER_RATE_HZ:
            import soxr

            audio = soxr.resample(audio, self._rate_hz, WHISPER_RATE_HZ).astype(np.float32)
        return self._backend.transcribe(audio)
