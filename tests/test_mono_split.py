"""Mono recordings: the mixed stream split into agent and customer streams (coolhead/mono)."""

from __future__ import annotations

import dataclasses

import numpy as np

from coolhead.audio.chunk import MIX_ROLE, Chunk
from coolhead.config import Config
from coolhead.mono.split import MonoSplit
from coolhead.run.replay import mono_separation


class _HalvesSegmenter:
    """Stands in for the model-driven segmenter in these unit tests: the first speaker talks in
    the first half of each second, the second in the second half, both in the last 0.1 s; it
    decides each sample 0.3 s late."""

    lookahead_s = 0.3

    def __init__(self, rate_hz: int) -> None:
        self.rate_hz = rate_hz
        self.reset()

    def reset(self) -> None:
        self._n_in = 0
        self._n_out = 0

    def _activity(self, a: int, b: int) -> np.ndarray:
        t = (np.arange(a, b) % self.rate_hz) / self.rate_hz
        return np.stack([(t < 0.5) | (t >= 0.9), t >= 0.5], axis=1)

    def feed(self, x: np.ndarray) -> np.ndarray:
        self._n_in += len(x)
        upto = max(self._n_out, self._n_in - int(0.3 * self.rate_hz))
        out, self._n_out = self._activity(self._n_out, upto), upto
        return out

    def flush(self) -> np.ndarray:
        out, self._n_out = self._activity(self._n_out, self._n_in), self._n_in
        return out


def _split(chunk_s: float, agent_is: str = "first") -> dict[str, np.ndarray]:
    rate_hz = 8000
    mix = (np.arange(3 * rate_hz) % 1000 + 1).astype(np.int16)
    split = MonoSplit(_HalvesSegmenter(16000), 16000, rate_hz, agent_is)  # type: ignore[arg-type]
    step = int(chunk_s * rate_hz)
    chunks = [Chunk(i / rate_hz, {MIX_ROLE: mix[i : i + step]}) for i in range(0, len(mix), step)]
    out = list(split.chunks(chunks))
    assert [c.t_s for c in out] == sorted(c.t_s for c in out)
    assert abs(out[0].t_s) < 1e-9
    return {role: np.concatenate([c.samples[role] for c in out]) for role in ("agent", "customer")} | {"mix": mix}


def test_each_role_gets_the_mix_where_its_speaker_talks_and_silence_elsewhere() -> None:
    got = _split(0.48)
    mix, agent, customer = got["mix"], got["agent"], got["customer"]
    assert len(agent) == len(customer) == len(mix)
    t = (np.arange(len(mix)) % 8000) / 8000
    first, second = (t < 0.5) | (t >= 0.9), t >= 0.5
    assert np.array_equal(agent, np.where(first, mix, 0))
    assert np.array_equal(customer, np.where(second, mix, 0))
    both = first & second
    assert both.any() and np.array_equal(agent[both], customer[both])


def test_split_does_not_depend_on_chunk_size_and_agent_is_second_swaps() -> None:
    a, b = _split(0.48), _split(0.02)
    assert all(np.array_equal(a[r], b[r]) for r in ("agent", "customer"))
    swapped = _split(0.48, "second")
    assert np.array_equal(swapped["agent"], a["customer"]) and np.array_equal(swapped["customer"], a["agent"])


def test_mono_without_a_model_stays_one_mixed_stream_and_says_why(tmp_path) -> None:
    config = Config(mono=dataclasses.replace(Config().mono, model=str(tmp_path / "missing.onnx")))
    split, separation = mono_separation(config, (MIX_ROLE,))
    assert split is None and separation is not None
    assert separation["speakers"] == "mixed" and "segmentation model" in str(separation["why"])
    assert mono_separation(config, ("agent", "customer")) == (None, None)
