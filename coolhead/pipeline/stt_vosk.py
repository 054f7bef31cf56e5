"""Streaming STT backend on vosk (Kaldi): one warm ``KaldiRecognizer`` per role."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from coolhead.models.errors import ModelError
from coolhead.models.vosk_dir import check_vosk_model
from coolhead.pipeline.stt import Word


class VoskBackend:
    """A loaded vosk model (loading costs seconds; share one across calls and roles).

    ``grammar``: a list of phrases restricts recognition to them (exact phrase spotting; every
    word must be in the model's vocabulary).
    """

    name = "vosk"

    def __init__(self, model_dir: str | Path, rate_hz: int, grammar: list[str] | None = None) -> None:
        try:
            import vosk
        except ImportError:
            raise ModelError("vosk models need the vosk package: pip install 'coolhead[vosk]'") from None
        vosk.SetLogLevel(-1)
        self.model_dir = check_vosk_model(model_dir, rate_hz)
        try:
            self._model = vosk.Model(str(self.model_dir))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelError(f"{self.model_dir}: vosk cannot load the model: {exc}") from None
        self._grammar = json.dumps(grammar, ensure_ascii=False) if grammar else None

    def open_stream(self, rate_hz: int) -> VoskStream:
        import vosk

        args = (self._model, float(rate_hz)) + ((self._grammar,) if self._grammar else ())
        recognizer = vosk.KaldiRecognizer(*args)
        recognizer.SetWords(True)
        return VoskStream(recognizer, rate_hz)


class VoskStream:
    """Word times from vosk count all audio since the recognizer was made; this makes them
    relative to the current utterance."""

    def __init__(self, recognizer, rate_hz: int) -> None:
        self._rec = recognizer
        self._rate_hz = rate_hz
        self._fed = 0
        """Samples fed since the recognizer was made."""
        self._utterance_at = 0
        """``_fed`` when the current utterance began."""

    def accept(self, samples: np.ndarray) -> list[list[Word]]:
        self._fed += len(samples)
        if self._rec.AcceptWaveform(samples.astype(np.int16, copy=False).tobytes()):
            return [self._words(self._rec.Result())]
        return []

    def finish(self) -> list[Word]:
        words = self._words(self._rec.FinalResult())
        self._rec.Reset()
        self._utterance_at = self._fed
        return words

    def _words(self, result_json: str) -> list[Word]:
        offset_s = self._utterance_at / self._rate_hz
        return [
            Word(w["word"], w["start"] - offset_s, w["end"] - offset_s, w.get("conf", 1.0))
            for w in json.loads(result_json).get("result", [])
        ]
