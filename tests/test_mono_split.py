"""Mono recordings: the mixed stream split into agent and customer streams (coolhead/mono)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from coolhead.audio.chunk import MIX_ROLE, Chunk, float_to_int16
from coolhead.config import Config, MonoConfig
from coolhead.mono.segmenter import StreamingSegmenter
from coolhead.mono.split import MonoSplit, streaming_segmenter
from coolhead.run.replay import mono_separation
from tests.sounds import SOUNDS, quiet


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


def _segment(segmenter: StreamingSegmenter, mix: np.ndarray, feed_s: float) -> np.ndarray:
    segmenter.reset()
    step = max(1, int(feed_s * segmenter.rate_hz))
    return np.concatenate([segmenter.feed(mix[i : i + step]) for i in range(0, len(mix), step)] + [segmenter.flush()])


@pytest.mark.parametrize("seconds", [0.03, 5.3, 5.51, 12.7])
def test_the_shipped_model_decides_every_sample_whatever_the_call_length(two_voices_call: Path, seconds: float) -> None:
    segmenter = streaming_segmenter(MonoConfig())
    audio, rate_hz = sf.read(two_voices_call, dtype="float32")
    assert rate_hz == segmenter.rate_hz
    mix = audio[: int(seconds * rate_hz)].sum(axis=1)
    assert len(_segment(segmenter, mix, 0.48)) == len(mix)


def _talking(channel: np.ndarray, rate_hz: int) -> np.ndarray:
    """Per sample: the 20 ms frame it lies in is above -45 dBFS (a reference from one clean leg)."""
    n = int(0.02 * rate_hz)
    frames = channel[: len(channel) // n * n].reshape(-1, n)
    loud = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12) > -45
    return np.repeat(loud, n)


def test_the_shipped_model_tells_two_real_voices_apart_in_any_feed_size(two_voices_call: Path) -> None:
    """Each speaker's decided activity agrees with the energy of their own leg on most of the
    call and not with the other's, and both are found in the overlap at 6.0-9.9 s; the decisions
    do not depend on how the stream is cut."""
    audio, rate_hz = sf.read(two_voices_call, dtype="float32")
    segmenter = streaming_segmenter(MonoConfig())
    active = _segment(segmenter, audio.sum(axis=1), 0.48)
    assert np.array_equal(active, _segment(segmenter, audio.sum(axis=1), 0.02))
    customer, agent = _talking(audio[:, 1], rate_hz), _talking(audio[:, 0], rate_hz)  # the customer is heard first
    n = len(customer)
    assert np.mean(active[:n, 0] == customer) > 0.75 and np.mean(active[:n, 1] == agent) > 0.75
    assert np.mean(active[:n, 1] == customer) < 0.6 and np.mean(active[:n, 0] == agent) < 0.6  # not swapped
    both = slice(int(6.3 * rate_hz), int(9.7 * rate_hz))
    assert active[both, 0].mean() > 0.5 and active[both, 1].mean() > 0.8


def test_tones_found_on_the_mix_go_to_neither_side() -> None:
    """Beeps in line noise: the model takes them for a speaker, the non-speech detector on the
    mix (which still holds the line noise around them) gives them to neither stream."""
    config = Config()
    mix = float_to_int16(np.concatenate([quiet(0.71), SOUNDS["beep_1000"](-12.0), quiet(0.6)]))
    chunks = [Chunk(i / 16000, {MIX_ROLE: mix[i : i + 8000]}) for i in range(0, len(mix), 8000)]
    for vad in (config.vad, None):
        split = MonoSplit(streaming_segmenter(config.mono), 16000, 16000, "first", vad)
        out = list(split.chunks(chunks))
        heard = {r: np.abs(np.concatenate([c.samples[r] for c in out])).max() for r in ("agent", "customer")}
        beeps_heard = max(heard.values()) > 1000  # the beeps peak near 8,000, the line noise near 200
        assert beeps_heard == (vad is None)
