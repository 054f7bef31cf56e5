"""A mono recording's mixed chunks in; agent and customer chunks out, as if it were stereo.

Each role's stream is the mix where that speaker talks (where both talk, both streams hold the
mix) and silence elsewhere, so every stage after it (turns, interruptions with ``by``, anger per
speaker, cues) runs unchanged. The streams come out ``lookahead_s`` behind the mix (the
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
from coolhead.config import MonoConfig
from coolhead.events import ROLES
from coolhead.mono.model import SHIPPED, SegmentationModel
from coolhead.mono.segmenter import StreamingSegmenter


class MonoSplit:
    """Mixed chunks (role ``mix``, int16 at ``rate_hz``) -> agent/customer chunks."""

    def __init__(
        self, segmenter: StreamingSegmenter, model_rate_hz: int, rate_hz: int, agent_is: Literal["first", "second"]
    ) -> None:
        if model_rate_hz % rate_hz:
            raise ValueError(f"the segmentation model's {model_rate_hz} Hz is not a multiple of {rate_hz} Hz")
        self._segmenter = segmenter
        self._ratio = model_rate_hz // rate_hz
        self._rate_hz = rate_hz
        self._model_rate_hz = model_rate_hz
        self._agent_column = 0 if agent_is == "first" else 1
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

    def feed(self, chunk: Chunk) -> Chunk | None:
        mix = chunk.samples[MIX_ROLE]
        self._mix = np.concatenate([self._mix, mix])
        return self._emit(self._segmenter.feed(self._to_model(mix.astype(np.float32) / 32768)))

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
        agent = at_rate[:, self._agent_column]
        customer = at_rate[:, 1 - self._agent_column]
        t_s = self._n_out / self._rate_hz
        self._n_out += n
        zero = np.zeros_like(mix)
        return Chunk(t_s, {ROLES[0]: np.where(agent, mix, zero), ROLES[1]: np.where(customer, mix, zero)})


def mono_split(config: MonoConfig, rate_hz: int) -> MonoSplit:
    """The splitter ``config`` asks for (raises ``ModelError`` without the ``mono`` extra)."""
    model = SegmentationModel(Path(config.model) if config.model else SHIPPED)
    step_s = model.info.step_samples / model.info.rate_hz
    segmenter = StreamingSegmenter(
        model,
        window_frames=int(model.info.chunk_s / step_s),
        hop_frames=max(1, round(config.hop_s / step_s)),
        lookahead_frames=max(1, round(config.lookahead_s / step_s)),
    )
    return MonoSplit(segmenter, model.info.rate_hz, rate_hz, config.agent_is)
