"""Live listening: capture -> the same pipeline as replay -> sinks, one call at a time.

A consumer thread takes capture blocks off the bounded queue, has them aligned per role at the
pipeline rate (``role_buffers.AlignedRoles``), starts and ends calls (the agent's button, or
silence), feeds the call's pipeline (``live_call.LiveCall``: its JSONL file and recording) and
hands each event to the sinks with the wall time its triggering audio reached the audio
callback (for latency). ``LiveReport`` gathers what happened to the audio on the way.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import numpy as np

from coolhead import events
from coolhead.audio.capture import Block, Capture
from coolhead.config import Config
from coolhead.events import Event
from coolhead.pipeline.cues import CallState
from coolhead.pipeline.frames import frame_loudness_dbfs
from coolhead.pipeline.stt import SpeechToText
from coolhead.run.live_call import CallFiles, FinishedCall, LiveCall
from coolhead.run.replay import mono_separation
from coolhead.run.role_buffers import AlignedRoles, Arrivals


class LiveSink(Protocol):
    """Where a live call's events go besides its JSONL file (console, cue window)."""

    def on_event(self, event: Event, arrived_s: float | None) -> None:
        """``arrived_s``: ``perf_counter`` time the audio that decided the event reached the
        callback; None for events not decided by arriving audio (call header, end of call)."""

    def on_state(self, t_s: float, state: CallState) -> None:
        """The trackers' state after the audio up to ``t_s`` (called per fed chunk)."""

    def on_call_end(self, call: FinishedCall) -> None:
        """The call ended; its files are closed and ``call.note`` is the post-call note."""


@dataclass
class LiveReport:
    calls: list[FinishedCall] = field(default_factory=list)
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
        self.roles = tuple(role for spec in capture.specs for role in spec.role_channels)
        """The roles captured: agent and customer, or the mix of a mono source."""
        self._aligned = AlignedRoles(
            self.roles, [spec.role_channels for spec in capture.specs], capture.rate_hz, self.rate_hz
        )
        self._role_of = [spec.role_channels for spec in capture.specs]
        self._call: LiveCall | None = None
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
            if (block := self.capture.get(timeout_s=0)) is not None:
                self._take(block)
            self._feed_aligned(self._aligned.flush())
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
        """One capture block in, with every block queued behind it (when analysis fell behind, it
        catches up in one bigger chunk: the events are the same, the work per second of audio
        less); feed what every role now has."""
        self.report.max_backlog_s = max(self.report.max_backlog_s, self._backlog_s())
        self._aligned.add(block)
        while (queued := self.capture.get(timeout_s=0)) is not None:
            self._aligned.add(queued)
        self._feed_aligned(self._aligned.ready())

    def _feed_aligned(self, ready: tuple[dict[str, np.ndarray], Arrivals] | None) -> None:
        if ready is not None:
            self._feed(*ready)

    def _feed(self, samples: dict[str, np.ndarray], arrivals: Arrivals) -> None:
        quiet_s = self._quiet_for_s(samples) if self.split_silence_s else 0.0
        if self._call is not None and not self._want_call:
            self._end_call("ended by the agent")
        if self._call is None:
            if not self._want_call or quiet_s > 0:  # with splitting, the next call starts with sound
                return
            self._call = self._start_call()
        start_s, n = self._call.t_s, len(next(iter(samples.values())))
        for event in self._call.feed(samples):
            # Traced back to the block that brought the audio up to the event's time (a chunk
            # drained from a backlog holds many blocks).
            k = min(n, max(1, round((event["t"] - start_s) * self.rate_hz)))
            self._emit(event, arrivals.at(k))
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

    def _start_call(self) -> LiveCall:
        split, separation = mono_separation(self.config, self.roles)
        header = events.call_header(
            self.source,
            self.capture.rate_hz,
            len(self.roles),
            {str(ch): role for ch, role in enumerate(self.roles)},
            pipeline_rate=self.rate_hz,
            live=True,
            started_utc=datetime.now(UTC).isoformat(timespec="milliseconds"),
            **({"separation": separation} if separation else {}),
        )
        call = LiveCall(self.config, self.stt, self.files.next_stem(), self.files.record, header, self.roles, split)
        for sink in self.sinks:
            sink.on_event(header, None)
        return call

    def _end_call(self, reason: str) -> None:
        call, self._call = self._call, None
        if call is None:
            return
        for event in call.flush():
            call.log(event)
            for sink in self.sinks:
                sink.on_event(event, None)
        finished = call.close(reason)
        self.report.calls.append(finished)
        for sink in self.sinks:
            sink.on_call_end(finished)

    def _emit(self, event: Event, arrived_s: float) -> None:
        assert self._call is not None
        self._call.log(event)
        for sink in self.sinks:
            sink.on_event(event, arrived_s)
