"""Speech-to-text stage: each role's speech goes to that role's recognizer, words come out.

Two halves, so the acoustic cues never wait for recognition:

* ``UtteranceCutter`` runs in the pipeline, frame by frame. From the segmenter's state it cuts
  each role's speech into ``SttJob``s: audio blocks of about ``feed_s`` while a segment is open
  (with a short pre-roll before its back-dated start), and a final block when it ends. The jobs
  depend only on audio time, never on chunk size or wall clock.
* ``Transcriber`` turns jobs into ``words`` events with a warm recognizer stream per role
  (``SttBackend.open_stream``). ``InlineStt`` runs it at once (replay); ``ThreadedStt`` runs it
  in a worker thread fed by a queue (live capture). Both see the same jobs in the same order, so
  the words events are identical; only when they come back differs.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from coolhead import events
from coolhead.events import Event
from coolhead.pipeline.phrases import PhraseBook
from coolhead.pipeline.segments import SegmentState

PREROLL_S = 0.2
"""Audio fed before a segment's start: recognizers need a little silence to settle."""


@dataclass(frozen=True)
class Word:
    w: str
    start_s: float
    """Seconds from the start of the utterance's audio."""
    end_s: float
    conf: float


class SttStream(Protocol):
    """One role's recognizer, kept warm across utterances."""

    def accept(self, samples: np.ndarray) -> list[list[Word]]:
        """Feed int16 samples of the current utterance; returns results the recognizer finalised
        on its own (an endpoint inside the utterance), usually none."""

    def finish(self) -> list[Word]:
        """End of the utterance: its last result; the stream is reset for the next one."""


class SttBackend(Protocol):
    name: str
    """``vosk`` or ``whisper``."""

    def open_stream(self, rate_hz: int) -> SttStream: ...


@dataclass(frozen=True)
class SttJob:
    role: str
    utterance_start_s: float
    """Call time of the utterance's first sample."""
    samples: np.ndarray
    final: bool


class UtteranceCutter:
    """Cuts each role's speech into recognizer jobs, causally and independent of chunk size."""

    def __init__(self, roles: tuple[str, ...], frame_s: float, feed_s: float) -> None:
        self._frame_s = frame_s
        self._feed_frames = max(1, round(feed_s / frame_s))
        keep = int(round(PREROLL_S / frame_s)) + 16
        self._recent: dict[str, deque[tuple[float, np.ndarray]]] = {r: deque(maxlen=keep) for r in roles}
        self._pending: dict[str, list[np.ndarray]] = {r: [] for r in roles}
        self._start_s: dict[str, float] = {}

    def step(self, role: str, t_s: float, frame: np.ndarray, seg: SegmentState) -> list[SttJob]:
        """After the segmenter's step for the frame starting at ``t_s``."""
        self._recent[role].append((t_s, frame))
        pending = self._pending[role]
        if seg.started_now:
            first_s = seg.start_s - PREROLL_S - 1e-9
            held = [(t, f) for t, f in self._recent[role] if t >= first_s]
            self._start_s[role] = held[0][0]
            pending[:] = [f for _, f in held]
        elif role in self._start_s:
            pending.append(frame)
        else:
            return []
        if seg.ended_now or not seg.in_speech:
            return [self._job(role, final=True)]
        if len(pending) >= self._feed_frames:
            return [self._job(role, final=False)]
        return []

    def close(self, role: str) -> list[SttJob]:
        """End of stream: the open utterance, if any, is final."""
        return [self._job(role, final=True)] if role in self._start_s else []

    def _job(self, role: str, final: bool) -> SttJob:
        pending = self._pending[role]
        samples = np.concatenate(pending) if pending else np.zeros(0, np.int16)
        job = SttJob(role, self._start_s[role], samples, final)
        pending.clear()
        if final:
            del self._start_s[role]
        return job


class Transcriber:
    """Runs jobs through one warm recognizer stream per role and builds ``words`` events."""

    def __init__(self, backend: SttBackend, roles: tuple[str, ...], rate_hz: int) -> None:
        self.backend_name = backend.name
        self._streams = {r: backend.open_stream(rate_hz) for r in roles}

    def run(self, job: SttJob) -> list[Event]:
        stream = self._streams[job.role]
        results = stream.accept(job.samples) if len(job.samples) else []
        if job.final:
            results.append(stream.finish())
        return [words_event(job.role, job.utterance_start_s, r, self.backend_name) for r in results if r]


def words_event(role: str, utterance_start_s: float, words: list[Word], backend: str) -> Event:
    return events.words(
        role,
        [(w.w, utterance_start_s + w.start_s, utterance_start_s + w.end_s, w.conf) for w in words],
        backend=backend,
    )


class InlineStt:
    """Recognition in the caller's thread: each job's words are ready as soon as it is submitted."""

    def __init__(self, transcriber: Transcriber) -> None:
        self._transcriber = transcriber
        self._ready: list[Event] = []

    def submit(self, job: SttJob) -> None:
        self._ready.extend(self._transcriber.run(job))

    def drain(self) -> list[Event]:
        ready, self._ready = self._ready, []
        return ready

    def finish(self) -> list[Event]:
        return self.drain()


class ThreadedStt:
    """Recognition in a worker thread: ``submit`` never blocks on the recognizer.

    ``drain`` returns the words finished so far; ``finish`` waits for all submitted jobs (end of
    call) and stops the worker. Jobs run strictly in submission order.
    """

    def __init__(self, transcriber: Transcriber) -> None:
        self._transcriber = transcriber
        self._jobs: queue.Queue[SttJob | None] = queue.Queue()
        self._done: queue.Queue[Event | BaseException] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="coolhead-stt", daemon=True)
        self._thread.start()

    def submit(self, job: SttJob) -> None:
        self._jobs.put(job)

    def drain(self) -> list[Event]:
        out: list[Event] = []
        while True:
            try:
                item = self._done.get_nowait()
            except queue.Empty:
                return out
            if isinstance(item, BaseException):
                raise item
            out.append(item)

    def finish(self) -> list[Event]:
        self._jobs.put(None)
        self._thread.join()
        return self.drain()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                for event in self._transcriber.run(job):
                    self._done.put(event)
            except BaseException as exc:  # handed to the pipeline thread by drain()
                self._done.put(exc)
                return


@dataclass
class SpeechToText:
    """What a pipeline needs to transcribe a call: a loaded backend (share it across calls),
    the phrase rules of the call language, and where recognition runs."""

    backend: SttBackend
    phrases: PhraseBook
    feed_s: float = 0.3
    threaded: bool = False
    """Recognise in a worker thread (live capture) instead of inline (replay)."""


class SttRunner:
    """One call's recognition: cuts each role's speech into jobs and returns the words events
    that are ready (the pipeline's ``SttStage`` drives it frame by frame)."""

    def __init__(self, stt: SpeechToText, roles: tuple[str, ...], frame_s: float, rate_hz: int) -> None:
        self._roles = roles
        self._cutter = UtteranceCutter(roles, frame_s, stt.feed_s)
        transcriber = Transcriber(stt.backend, roles, rate_hz)
        self._runner: InlineStt | ThreadedStt = ThreadedStt(transcriber) if stt.threaded else InlineStt(transcriber)

    def step(self, t_s: float, frames: dict[str, np.ndarray], seg_states: dict[str, SegmentState]) -> list[Event]:
        """After the segmenters' step for the frame starting at ``t_s``."""
        for role, seg in seg_states.items():
            for job in self._cutter.step(role, t_s, frames[role], seg):
                self._runner.submit(job)
        return self._runner.drain()

    def close(self) -> list[Event]:
        """End of the call: finish open utterances and wait for all words."""
        for role in self._roles:
            for job in self._cutter.close(role):
                self._runner.submit(job)
        return self._runner.finish()

    def stop(self) -> None:
        """Abandon the call: pending jobs are dropped once the worker (if any) has stopped."""
        self._runner.finish()
