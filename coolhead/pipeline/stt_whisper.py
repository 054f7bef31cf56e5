"""Utterance STT backend on faster-whisper (CTranslate2): transcribes each finished utterance.

Whisper is not a streaming recognizer: the stream only collects an utterance's audio, and
``finish`` transcribes it. Loading is strictly offline: a local model directory, the Hugging
Face hub switched off.

Two things make it fit phone calls:

* **Encoder context sized to the utterance.** Whisper pads every input to a 30 s window and
  encodes all of it; an utterance of a few seconds then costs as much as 30 s of speech. Here the
  encoder sees the utterance plus ``CONTEXT_MARGIN_S`` of padding, rounded up to whole seconds,
  never less than ``MIN_CONTEXT_S`` (shorter contexts derail the decoder; without the margin it
  may not see the end of the speech and repeat itself: measured in docs/stt.md). About 5x
  faster, same WER.
* **No words from non-speech.** A segment is dropped when Whisper itself says it is probably
  not speech (no-speech probability with a low log-probability, faster-whisper's rule; or a
  no-speech probability so high that real speech never reached it), when its
  text repeats itself (gzip compression ratio; or four words or more, at most half of them
  different: "beep beep beep beep"), when it is only a sound annotation ("[Music]",
  "♪") or one of the stock phrases Whisper was trained on from subtitles ("Thanks for
  watching", "Subtitles by ...").
"""

from __future__ import annotations

import copy
import math
import os
import re
import unicodedata
from pathlib import Path

import numpy as np

from coolhead.models.errors import ModelError
from coolhead.models.whisper_dir import check_whisper_model
from coolhead.pipeline.stt import Word

WHISPER_RATE_HZ = 16000
FRAMES_PER_S = 100
"""Whisper's mel frames per second of audio."""
MIN_CONTEXT_S = 10.0
CONTEXT_MARGIN_S = 1.0
WINDOW_S = 30.0
MAX_COMPRESSION_RATIO = 2.4
"""Whisper's own threshold for repetitive (looping) output."""
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
"""A segment with no-speech probability above ``NO_SPEECH_PROB`` and average token log-probability
below ``LOW_LOGPROB`` is silence or noise (Whisper's rule)."""
SURE_NO_SPEECH_PROB = 0.8
"""Above this no-speech probability a segment is dropped whatever its log-probability (tiny.en's
"Thank you." on noise: 0.89-0.91; real speech kept: at most 0.44, docs/stt.md)."""
_ANNOTATION = re.compile(r"^[\s\[\(\*♪♫#~.…-]*(?:[\[\(\*].*?[\]\)\*])?[\s\]\)\*♪♫#~.…-]*$")
STOCK_PHRASES = (
    "thanks for watching",
    "thank you for watching",
    "see you in the next video",
    "please subscribe",
    "like and subscribe",
    "subtitles by",
    "subtitled by",
    "captions by",
)
"""Subtitle credits and video sign-offs Whisper writes on silence or noise: never in a call."""
SOUND_WORDS = frozenset({"music", "applause", "laughter", "silence", "noise", "you"})
"""A segment that is only one of these is Whisper naming a sound (or its "you" on noise)."""


def context_frames(n_samples: int) -> int:
    """Mel frames the encoder sees for an utterance of ``n_samples`` at 16 kHz."""
    frames = math.ceil(n_samples / WHISPER_RATE_HZ + CONTEXT_MARGIN_S) * FRAMES_PER_S
    return int(min(WINDOW_S * FRAMES_PER_S, max(MIN_CONTEXT_S * FRAMES_PER_S, frames)))


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", "", text).split())


def is_hallucination(text: str, no_speech_prob: float, avg_logprob: float, compression_ratio: float) -> bool:
    """Whether a Whisper segment is non-speech output rather than words someone said."""
    folded = _folded(text)
    words = folded.split()
    return (
        not folded
        or folded in SOUND_WORDS
        or _ANNOTATION.match(text) is not None
        or (len(words) >= 4 and len(set(words)) * 2 <= len(words))
        or (no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOW_LOGPROB)
        or no_speech_prob > SURE_NO_SPEECH_PROB
        or compression_ratio > MAX_COMPRESSION_RATIO
        or any(phrase in folded for phrase in STOCK_PHRASES)
    )


def _model_class():
    from faster_whisper import WhisperModel

    class UtteranceWhisper(WhisperModel):
        """faster-whisper's model with the encoder input cut to ``context_frames`` (set per call)."""

        context_frames = int(WINDOW_S * FRAMES_PER_S)

        def encode(self, features: np.ndarray):
            return super().encode(features[..., : self.context_frames])

    return UtteranceWhisper


class WhisperBackend:
    name = "whisper"

    def __init__(self, model_dir: str | Path, language: str = "en", beam_size: int = 5, cpu_threads: int = 1) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        try:
            model_class = _model_class()
        except ImportError:
            raise ModelError("Whisper needs faster-whisper: pip install 'coolhead[whisper]'") from None
        self.model_dir = check_whisper_model(model_dir)
        try:
            self._model = model_class(
                str(self.model_dir), device="cpu", compute_type="int8", cpu_threads=cpu_threads, local_files_only=True
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"{self.model_dir}: faster-whisper cannot load the model: {exc}") from None
        self._beam_size = beam_size
        self._language = self._checked(language)

    def for_language(self, language: str) -> WhisperBackend:
        """The same loaded model transcribing another language (no second load)."""
        other = copy.copy(self)
        other._language = self._checked(language)
        return other

    def _checked(self, language: str) -> str:
        """Whisper's code for ``language``; ``ModelError`` if this model cannot transcribe it."""
        code = language.split("-")[0].lower()
        if not self._model.model.is_multilingual and code != "en":
            raise ModelError(f"{self.model_dir}: an English-only Whisper model cannot transcribe '{language}'")
        return code

    def open_stream(self, rate_hz: int) -> WhisperStream:
        return WhisperStream(self, rate_hz)

    def transcribe(self, audio_16k: np.ndarray) -> list[Word]:
        """``audio_16k``: float32 mono at 16 kHz; word times from its start. Greedy temperature
        only (no sampling fallback), so the same audio always gives the same words."""
        self._model.context_frames = context_frames(len(audio_16k))
        segments, _ = self._model.transcribe(
            audio_16k,
            language=self._language,
            beam_size=self._beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
            temperature=0.0,
            no_speech_threshold=None,
        )
        return [
            Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
            for segment in segments
            if not is_hallucination(
                segment.text, segment.no_speech_prob, segment.avg_logprob, segment.compression_ratio
            )
            for w in (segment.words or [])
            if w.word.strip()
        ]


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
