"""The STT stage's own logic with a recording stand-in backend (unit tests: the real backends are
exercised in test_stt_vosk.py and test_stt_whisper.py)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from coolhead.config import Config
from coolhead.pipeline.phrases import PhraseBook
from coolhead.pipeline.stt import PREROLL_S, SpeechToText, Word
from devkit.stt_runs import run_call

RATE_HZ = 16000


class _Recorder:
    """Returns one word per utterance naming how much audio it got; records every block fed."""

    name = "recorder"

    def __init__(self, delay_s: float = 0.0) -> None:
        self.blocks: list[tuple[int, int]] = []
        self.delay = threading.Event()
        self._delay_s = delay_s

    def open_stream(self, rate_hz: int) -> _Recorder._Stream:
        return self._Stream(self)

    class _Stream:
        def __init__(self, owner: _Recorder) -> None:
            self._owner, self._n = owner, 0

        def accept(self, samples: np.ndarray) -> list[list[Word]]:
            self._owner.delay.wait(self._owner._delay_s)
            self._owner.blocks.append((len(samples), int(np.abs(samples.astype(np.int64)).sum())))
            self._n += len(samples)
            return []

        def finish(self) -> list[Word]:
            n, self._n = self._n, 0
            return [Word(f"n{n}", 0.2, n / RATE_HZ - 0.1, 1.0)]


def _call() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    t = np.arange(int(2.0 * RATE_HZ)) / RATE_HZ
    f0_hz = 150 + 40 * np.sin(2 * np.pi * 3 * t)  # a gliding voice: a steady sine is a tone, not speech
    phase = 2 * np.pi * np.cumsum(f0_hz) / RATE_HZ
    harmonics = sum(np.sin(k * phase) / k for k in range(1, 12))
    syllables = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
    voice = (5000 * harmonics * syllables * (1 + 0.3 * rng.standard_normal(len(t)))).astype(np.int16)
    silence = np.zeros(RATE_HZ, np.int16)
    agent = np.concatenate([silence, voice, silence, silence, silence, silence])
    customer = np.concatenate([silence, silence, silence, voice, silence, silence])
    return {"agent": agent, "customer": customer}


def _run(chunk_s: float, threaded: bool, backend: _Recorder | None = None) -> tuple[list, _Recorder]:
    backend = backend or _Recorder()
    stt = SpeechToText(backend, PhraseBook((), 20.0), feed_s=0.3, threaded=threaded)
    return run_call(Config(), _call(), stt, chunk_s), backend


def test_words_do_not_depend_on_chunk_size_or_thread() -> None:
    reference, rec = _run(0.48, threaded=False)
    words = [e for e in reference if e["type"] == "words"]
    assert [e["speaker"] for e in words] == ["agent", "customer"]
    for chunk_s, threaded in ((0.02, False), (0.01, True), (0.48, True), (1.3, False)):
        events, other = _run(chunk_s, threaded)
        assert [e for e in events if e["type"] == "words"] == words
        assert other.blocks == rec.blocks  # the recognizer was fed exactly the same blocks


def test_feeds_blocks_of_feed_s_with_preroll_and_times_in_call_time() -> None:
    events, rec = _run(0.48, threaded=False)
    sizes = [n for n, _ in rec.blocks]
    assert set(sizes[:-1]) >= {int(0.3 * RATE_HZ)}  # 0.3 s blocks, a shorter final one
    speech = {e["speaker"]: e for e in events if e["type"] == "speech"}
    for e in (e for e in events if e["type"] == "words"):
        n = int(e["text"][1:])
        seg = speech[e["speaker"]]
        assert n / RATE_HZ >= seg["end"] - seg["t"]  # the whole segment (and some pre-roll) was fed
        # the stand-in's word starts 0.2 s into the audio, which begins PREROLL_S before the segment
        assert e["t"] == pytest.approx(seg["t"] - PREROLL_S + 0.2, abs=0.035)


def test_threaded_recognition_does_not_hold_up_the_pipeline() -> None:
    """With a recognizer that blocks, the threaded pipeline still returns acoustic events."""
    slow = _Recorder(delay_s=30.0)
    stt = SpeechToText(slow, PhraseBook((), 20.0), threaded=True)
    from coolhead.audio.chunk import Chunk
    from coolhead.pipeline import Pipeline

    pipeline = Pipeline(Config(), ("agent", "customer"), stt)
    call = _call()
    events = []
    for i in range(0, len(call["agent"]), 7680):
        events += pipeline.feed(Chunk(i / RATE_HZ, {r: x[i : i + 7680] for r, x in call.items()}))
    assert any(e["type"] == "speech" for e in events) and not any(e["type"] == "words" for e in events)
    slow.delay.set()  # the recognizer catches up; flush waits for it
    assert [e["type"] for e in pipeline.flush() if e["type"] == "words"] == ["words", "words"]
