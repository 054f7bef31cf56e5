"""Live listening: capture -> the same pipeline as replay -> sinks, one call at a time.

A consumer thread takes capture blocks off the bounded queue, resamples them to the pipeline
rate, cuts role chunks, feeds the pipeline and hands each event to the sinks together with the
wall time its triggering audio reached the audio callback (for latency). Every call gets its
own JSONL file (and, with ``record``, a stereo WAV of exactly what the pipeline heard:
channel 0 agent, channel 1 customer), so ``coolhead analyze`` on it reproduces the events.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile as sf

from coolhead import events
from coolhead.audio.capture import Block, Capture
from coolhead.audio.chunk import Chunk, float_to_int16
from coolhead.audio.resample import StreamResampler
from coolhead.config import Config
from coolhead.events import ROLES, Event
from coolhead.pipeline import Pipeline
from coolhead.pipeline.cues import CallState
from coolhead.pipeline.frames import frame_loudness_dbfs
from coolhead.pipeline.stt import SpeechToText
from coolhead.sinks.jsonl import JsonlWriter


class LiveSink(Protocol):
    """Where a live call's events go besides its JSONL file (console, cue window)."""

    def on_event(self, event: Event, arrived_s: float | None) -> None:
        """``arrived_s``: ``perf_counter`` time the audio that decided the event reached the
        callback; None for events not decided by arriving audio (call header, end of call)."""

    def on_state(self, t_s: float, state: CallState) -> None:
        """The trackers' state after the audio up to ``t_s`` (called per fed chunk)."""


@dataclass
class CallFiles:
    """Where each call's files go: ``events_path`` for the first call (later ones get -2, -3),
    else ``out_dir/call-<UTC time>.jsonl``; with ``record`` a ``.wav`` of the same stem."""

    out_dir: Path
    events_path: Path | None = None
    record: bool = False
    _n_calls: int = 0

    def next_stem(self) -> Path:
        self._n_calls += 1
        if self.events_path is not None:
            base = self.events_path.with_suffix("")
            return base if self._n_calls == 1 else base.with_name(f"{base.name}-{self._n_calls}")
        return self.out_dir / datetime.now(UTC).strftime("call-%Y%m%dT%H%M%S%fZ")


@dataclass
class CallSummary:
    events_path: Path
    wav_path: Path | None
    duration_s: float
    n_events: int
    n_cues: int
    end_reason: str


class _Call:
    """One call in progress: its pipeline, event file and optional recording."""

    def __init__(self, config: Config, stt: SpeechToText | None, stem: Path, record: bool, header: Event) -> None:
        self.pipeline = Pipeline(config, ROLES, stt)
        self.rate_hz = config.pipeline.sample_rate
        self.events_path = stem.with_suffix(".jsonl")
        self.writer = JsonlWriter(self.events_path)
        self.wav_path = stem.with_suffix(".wav") if record else None
        self.wav = (
            sf.SoundFile(str(self.wav_path), "w", samplerate=self.rate_hz, channels=2, subtype="PCM_16")
            if self.wav_path
            else None
        )
        self.n_samples = 0
        self.n_events = 0
        self.n_cues = 0
        self.writer.write(header)

    @property
    def t_s(self) -> float:
        return self.n_samples / self.rate_hz

    def feed(self, samples: dict[str, np.ndarray]) -> list[Event]:
        chunk = Chunk(self.t_s, samples)
        self.n_samples += chunk.n_samples
        if self.wav is not None:
            self.wav.write(np.stack([samples[r] for r in ROLES], axis=1))
        return self.pipeline.feed(chunk)

    def log(self, event: Event) -> None:
        self.writer.write(event)
        self.n_events += 1
        self.n_cues += event["type"] == "cue"

    def close(self, end_reason: str) -> CallSummary:
        if self.wav is not None:
            self.wav.close()
        self.writer.close()
        return CallSummary(self.events_path, self.wav_path, self.t_s, self.n_events, self.n_cues, end_reason)


class _RoleBuffer:
    """Samples of one role at the pipeline rate, waiting to be cut into chunks, with the wall
    time each stretch arrived (so an event can be traced back to its audio's arrival)."""

    def __init__(self, resampler: StreamResampler) -> None:
        self.resampler = resampler
        self.parts: deque[np.ndarray] = deque()
        self.n = 0
        self.arrivals: deque[tuple[int, float]] = deque()
        """(samples buffered up to the end of a block, its arrival time); counts from the buffer start."""

    def append(self, samples: np.ndarray, arrived_s: float) -> None:
        if len(samples):
            self.parts.append(samples)
            self.n += len(samples)
            self.arrivals.append((self.n, arrived_s))

    def take(self, n: int) -> tuple[np.ndarray, float]:
        """The first ``n`` samples and the arrival time of the block that completed them."""
        arrived_s = next(t for end, t in self.arrivals if end >= n)
        data = np.concatenate(self.parts) if len(self.parts) > 1 else self.parts[0]
        rest = data[n:]
        self.parts = deque([rest]) if len(rest) else deque()
        self.n -= n
        self.arrivals = deque((end - n, t) for end, t in self.arrivals if end > n)
        return data[:n], arrived_s


@dataclass
class LiveReport:
    calls: list[CallSummary] = field(default_factory=list)
    lost_reason: str = ""
    failure: str = ""
    """An internal error ended the listening (a bug; the traceback went to stderr)."""
    dropped_s: dict[str, float] = field(default_factory=dict)
    """Audio lost per role because the queue was full (replaced by silence)."""
    driver_overflows: int = 0
    max_backlog_s: float = 0.0
    """Most audio that ever waited in the queue."""
    backlog_at_stop_s: float = 0.0
    """Audio still waiting when listening was stopped (about 0 once analysis has caught up)."""
    cpu_s: float = 0.0
    """CPU time of the whole process (capture, listener, window) while listening."""
    wall_s: float = 0.0

    @property
    def cpu_percent(self) -> float:
        """CPU use in percent of one core."""
        return 100 * self.cpu_s / max(self.wall_s, 1e-9)


class LiveListener:
    """Runs capture into the pipeline on a consumer thread until ``stop()`` or a lost device.

    ``start_call``/``end_call`` may be called from any thread (the window's button); with
    ``split_silence_s`` a call also ends by itself after that much silence on both sides and
    the next one starts when someone speaks.
    """

    def __init__(
        self,
        capture: Capture,
        config: Config,
        files: CallFiles,
        sinks: list[LiveSink],
        source: str,
        stt: SpeechToText | None = None,
        split_silence_s: float | None = None,
        split_level_dbfs: float = -45.0,
    ) -> None:
        self.capture = capture
        self.config = config
        self.stt = stt
        self.files = files
        self.sinks = sinks
        self.source = source
        self.rate_hz = config.pipeline.sample_rate
        self.split_silence_s = split_silence_s
        self.split_level_dbfs = split_level_dbfs
        self.report = LiveReport()
        self._buffers = {role: _RoleBuffer(StreamResampler(capture.rate_hz, self.rate_hz)) for role in ROLES}
        self._role_of = [spec.role_channels for spec in capture.specs]
        self._call: _Call | None = None
        self._want_call = True
        self._quiet_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coolhead-live", daemon=True)
        self.done = threading.Event()

    def start(self, in_call: bool = True) -> None:
        self._want_call = in_call
        self._cpu0, self._wall0 = time.process_time(), time.perf_counter()
        self.capture.start()
        self._thread.start()

    def stop(self) -> LiveReport:
        """Stop capture, analyse what is still queued, close the call; wait for all of it."""
        self._stop.set()
        self._thread.join()
        return self.report

    def start_call(self) -> None:
        self._want_call = True

    def end_call(self) -> None:
        self._want_call = False

    @property
    def wants_call(self) -> bool:
        """Calls are being taken (``start_call``), whether or not one is going on now."""
        return self._want_call

    @property
    def in_call(self) -> bool:
        return self._call is not None

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                block = self.capture.get(timeout_s=0.1)
                if block is not None:
                    self._take(block)
                if not self.capture.check_alive():
                    self.report.lost_reason = self.capture.lost_reason
                    break
            self.report.backlog_at_stop_s = self._backlog_s()
            self.capture.stop()
            while (block := self.capture.get(timeout_s=0)) is not None:
                self._take(block)
            self._flush_resamplers()
            self._end_call("lost" if self.report.lost_reason else "stopped")
        except Exception as exc:  # a bug: stop listening, keep the events written so far
            self.report.failure = f"internal error while listening: {type(exc).__name__}: {exc}"
            traceback.print_exc()
            self.capture.stop()
            if self._call is not None:
                self.report.calls.append(self._call.close("failed"))
                self._call = None
        finally:
            stats = self.capture.stats
            for i, spec in enumerate(self.capture.specs):
                for role in spec.role_channels:
                    self.report.dropped_s[role] = stats.dropped_frames[i] / self.capture.rate_hz
            self.report.driver_overflows = stats.driver_overflows
            self.report.cpu_s = time.process_time() - self._cpu0
            self.report.wall_s = time.perf_counter() - self._wall0
            self.done.set()

    def _backlog_s(self) -> float:
        """Audio waiting in the capture queue (per stream)."""
        return self.capture.queue.qsize() * self.capture.block_frames / self.capture.rate_hz / len(self._role_of)

    def _take(self, block: Block) -> None:
        """One capture block into the role buffers, then feed every whole chunk."""
        self.report.max_backlog_s = max(self.report.max_backlog_s, self._backlog_s())
        for role, channel in self._role_of[block.stream].items():
            buffer = self._buffers[role]
            if block.dropped_before:
                gap = int(round(block.dropped_before * self.rate_hz / self.capture.rate_hz))
                buffer.append(np.zeros(gap, np.int16), block.arrived_s)
            buffer.append(float_to_int16(buffer.resampler(block.samples[:, channel])), block.arrived_s)
        self._feed_ready()

    def _flush_resamplers(self) -> None:
        """End of listening: the resamplers' last samples (their filter delay) into the call."""
        now = time.perf_counter()
        for buffer in self._buffers.values():
            buffer.append(float_to_int16(buffer.resampler(np.zeros(0, np.float32), last=True)), now)
        self._feed_ready()

    def _feed_ready(self) -> None:
        """Feed the samples that every role has."""
        n = min(b.n for b in self._buffers.values())
        if n == 0:
            return
        taken = {role: b.take(n) for role, b in self._buffers.items()}
        samples = {role: s for role, (s, _) in taken.items()}
        arrived_s = max(t for _, t in taken.values())
        self._feed(samples, arrived_s)

    def _feed(self, samples: dict[str, np.ndarray], arrived_s: float) -> None:
        quiet_s = self._quiet_for_s(samples) if self.split_silence_s else 0.0
        if self._call is not None and not self._want_call:
            self._end_call("ended by the agent")
        if self._call is None:
            if not self._want_call or quiet_s > 0:  # with splitting, the next call starts with sound
                return
            self._call = self._start_call()
        for event in self._call.feed(samples):
            self._emit(event, arrived_s)
        for sink in self.sinks:
            sink.on_state(self._call.t_s, self._call.pipeline.state)
        if self.split_silence_s and quiet_s >= self.split_silence_s:
            self._end_call(f"{self.split_silence_s:g} s of silence")

    def _quiet_for_s(self, samples: dict[str, np.ndarray]) -> float:
        """How long both roles have been below ``split_level_dbfs``, up to the end of ``samples``."""
        level_dbfs = max(float(frame_loudness_dbfs(s[np.newaxis, :])[0]) for s in samples.values())
        n = len(next(iter(samples.values())))
        self._quiet_s = 0.0 if level_dbfs >= self.split_level_dbfs else self._quiet_s + n / self.rate_hz
        return self._quiet_s

    def _start_call(self) -> _Call:
        header = events.call_header(
            self.source,
            self.capture.rate_hz,
            2,
            {"0": "agent", "1": "customer"},
            pipeline_rate=self.rate_hz,
            live=True,
            started_utc=datetime.now(UTC).isoformat(timespec="milliseconds"),
        )
        call = _Call(self.config, self.stt, self.files.next_stem(), self.files.record, header)
        for sink in self.sinks:
            sink.on_event(header, None)
        return call

    def _end_call(self, reason: str) -> None:
        call, self._call = self._call, None
        if call is None:
            return
        for event in call.pipeline.flush():
            call.log(event)
            for sink in self.sinks:
                sink.on_event(event, None)
        self.report.calls.append(call.close(reason))

    def _emit(self, event: Event, arrived_s: float) -> None:
        assert self._call is not None
        self._call.log(event)
        for sink in self.sinks:
            sink.on_event(event, arrived_s)
