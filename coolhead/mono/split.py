"""A mono recording's mixed chunks in; agent and customer chunks out, as if it were stereo.

Each role's stream is the mix where that speaker talks (where both talk, both streams hold the
mix) and silence elsewhere, so every stage after it (turns, interruptions with ``by``, anger per
speaker, cues) runs unchanged. Tones, DTMF, music and noise bursts are found on the mix, where
the line's noise still surrounds them (coolhead/pipeline/nonspeech.py), and go to neither side:
the model may take a beep for a speaker. The streams come out ``lookahead_s`` behind the mix (the
segmenter's look-ahead) but keep their audio times. Which speaker is the agent: ``agent_is``
``first`` (the one heard first: an agent who answers with a greeting) or ``second`` (calls the
agent places).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import numpy as np

from coolhead.audio.chunk import MIX_ROLE, Chunk
from coolhead.audio.resample import StreamResampler
from coolhead.config import Config, MonoConfig, VadConfig
from coolhead.events import ROLES
from coolhead.mono.model import SHIPPED, SegmentationModel
from coolhead.mono.segmenter import StreamingSegmenter
from coolhead.pipeline.frames import FrameCutter, frame_loudness_dbfs
from coolhead.pipeline.nonspeech import WINDOW_S
from coolhead.pipeline.vad import VoiceActivity


class MonoSplit:
    """Mixed chunks (role ``mix``, int16 at ``rate_hz``) -> agent/customer chunks."""

    def __init__(
        self,
        segmenter: StreamingSegmenter,
        model_rate_hz: int,
        rate_hz: int,
        agent_is: Literal["first", "second"],
        vad: VadConfig | None = None,
        frame_s: float = 0.02,
    ) -> None:
        if model_rate_hz % rate_hz:
            raise ValueError(f"the segmentation model's {model_rate_hz} Hz is not a multiple of {rate_hz} Hz")
        self._segmenter = segmenter
        self._ratio = model_rate_hz // rate_hz
        self._rate_hz = rate_hz
        self._model_rate_hz = model_rate_hz
        self._agent_column = 0 if agent_is == "first" else 1
        self._vad = vad
        self._frame_len = int(rate_hz * frame_s)
        self._frame_s = frame_s
        self._onset = int(round(WINDOW_S * rate_hz))
        self.reset()

    @property
    def lookahead_s(self) -> float:
        return self._segmenter.lookahead_s

    def reset(self) -> None:
        self._segmenter.reset()
        self._to_model = StreamResampler(self._rate_hz, self._model_rate_hz)
        self._mix = np.zeros(0, np.int16)
        self._activity = np.zeros((0, 2), bool)
        """Decided activity at the model rate not yet matched to mix samples."""
        self._n_out = 0
        self._sound_vad = VoiceActivity(self._vad, self._rate_hz, self._frame_s) if self._vad else None
        self._sound = np.zeros(0, bool)
        """Per sample of ``_mix`` judged so far (whole frames): non-speech sound."""
        self._framing = FrameCutter(self._frame_len)

    def feed(self, chunk: Chunk) -> Chunk | None:
        mix = chunk.samples[MIX_ROLE]
        self._mix = np.concatenate([self._mix, mix])
        self._judge_sound(mix)
        return self._emit(self._segmenter.feed(self._to_model(mix.astype(np.float32) / 32768)))

    def _judge_sound(self, mix: np.ndarray) -> None:
        if self._sound_vad is None:
            return
        frames = self._framing.frames(mix)
        new = np.repeat(self._sound_vad.judge(frames, frame_loudness_dbfs(frames))[1], self._frame_len)
        # The detector knows a sound one analysis window after it began; the split, decided
        # later, gives that window to neither side too.
        tail = np.concatenate([self._sound[len(self._sound) - min(len(self._sound), self._onset) :], new])
        ends = np.minimum(np.arange(len(tail)) + self._onset + 1, len(tail))
        counts = np.concatenate([[0], np.cumsum(tail)])
        sound = counts[ends] - counts[np.arange(len(tail))] > 0
        self._sound = np.concatenate([self._sound[: len(self._sound) - len(tail) + len(new)], sound])

    def flush(self) -> Chunk | None:
        """The end of the call: the rest of the mix, decided."""
        decided = self._segmenter.feed(self._to_model(np.zeros(0, np.float32), last=True))
        chunk = self._emit(np.concatenate([decided, self._segmenter.flush()]), final=True)
        return chunk

    def chunks(self, mixed: Iterable[Chunk]) -> Iterator[Chunk]:
        """Every chunk of a call, split (the call's end included)."""
        for chunk in mixed:
            if (out := self.feed(chunk)) is not None:
                yield out
        if (out := self.flush()) is not None:
            yield out

    def _emit(self, activity: np.ndarray, final: bool = False) -> Chunk | None:
        self._activity = np.concatenate([self._activity, activity])
        n = min(len(self._activity) // self._ratio, len(self._mix))
        if final:
            n = len(self._mix)
        if n == 0:
            return None
        at_rate = self._activity[: n * self._ratio : self._ratio]
        if len(at_rate) < n:  # the very end: the model rate's last samples were fewer
            last = at_rate[-1:] if len(at_rate) else np.zeros((1, 2), bool)
            at_rate = np.concatenate([at_rate, np.repeat(last, n - len(at_rate), axis=0)])
        self._activity = self._activity[n * self._ratio :]
        mix, self._mix = self._mix[:n], self._mix[n:]
        speech = ~np.pad(self._sound[:n], (0, max(0, n - len(self._sound))))  # the unframed end: not judged
        self._sound = self._sound[n:]
        agent = at_rate[:, self._agent_column] & speech
        customer = at_rate[:, 1 - self._agent_column] & speech
        t_s = self._n_out / self._rate_hz
        self._n_out += n
        zero = np.zeros_like(mix)
        return Chunk(t_s, {ROLES[0]: np.where(agent, mix, zero), ROLES[1]: np.where(customer, mix, zero)})


def streaming_segmenter(config: MonoConfig, model: SegmentationModel | None = None) -> StreamingSegmenter:
    """The segmenter ``config`` asks for, on ``model`` (default: ``config.model`` or the shipped
    one; raises ``ModelError`` without the ``mono`` extra or a model)."""
    model = model or SegmentationModel(Path(config.model) if config.model else SHIPPED)
    step_s = model.info.step_samples / model.info.rate_hz
    return StreamingSegmenter(
        model,
        window_frames=int(model.info.chunk_s / step_s),
        hop_frames=max(1, round(config.hop_s / step_s)),
        lookahead_frames=max(1, round(config.lookahead_s / step_s)),
    )


def mono_split(config: Config) -> MonoSplit:
    """The splitter ``config`` asks for, at the pipeline rate (raises ``ModelError`` without the
    ``mono`` extra)."""
    segmenter = streaming_segmenter(config.mono)
    return MonoSplit(
        segmenter,
        segmenter.rate_hz,
        config.pipeline.sample_rate,
        config.mono.agent_is,
        config.vad,
        config.pipeline.frame_ms / 1000,
    )
