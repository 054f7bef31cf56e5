"""Live capture with sounddevice: input streams hand their blocks to a bounded queue.

The audio callback does as little as possible (copy, timestamp, ``put_nowait``). When the
queue is full the block is dropped and *counted*; the next block that gets through carries
the number of frames dropped before it, so the consumer can keep audio time in step with the
wall clock (it inserts silence) and report the loss.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field

import numpy as np


class CaptureError(Exception):
    """A capture problem the user can fix; ``str()`` is one line."""


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_rate_hz: float
    hostapi: str


def _sounddevice():
    """Import sounddevice, turning a missing PortAudio into a one-line error."""
    try:
        import sounddevice
    except OSError as exc:  # PortAudio library not found
        raise CaptureError(f"cannot use audio devices: {exc} (install libportaudio2)") from None
    return sounddevice


def list_input_devices() -> list[InputDevice]:
    """All devices that can record, as PortAudio sees them now."""
    sd = _sounddevice()
    hostapis = sd.query_hostapis()
    return [
        InputDevice(i, d["name"], d["max_input_channels"], d["default_samplerate"], hostapis[d["hostapi"]]["name"])
        for i, d in enumerate(sd.query_devices())
        if d["max_input_channels"] > 0
    ]


def describe_devices(devices: list[InputDevice]) -> str:
    """One line: ``0 'pulse', 1 'call_mon', ...`` (what ``--agent-device`` accepts)."""
    if not devices:
        return "no input devices found (is a sound server running?)"
    return "input devices: " + ", ".join(f"{d.index} '{d.name}'" for d in devices)


def find_device(spec: str, devices: list[InputDevice]) -> InputDevice:
    """The device named by ``spec``: an index, an exact name, or a unique part of a name."""
    if spec.strip().isdigit():
        matches = [d for d in devices if d.index == int(spec)]
    else:
        matches = [d for d in devices if d.name == spec] or [d for d in devices if spec.lower() in d.name.lower()]
    if len(matches) == 1:
        return matches[0]
    problem = "matches several devices" if matches else "not found"
    raise CaptureError(f"input device '{spec}' {problem}; {describe_devices(devices)}")


@dataclass(frozen=True)
class StreamSpec:
    """One input stream and which of its channels carries which role."""

    device: InputDevice
    role_channels: dict[str, int]
    """Role -> channel index on this device."""

    @property
    def channels(self) -> int:
        return max(self.role_channels.values()) + 1


@dataclass(frozen=True)
class Block:
    """One callback's audio of one stream."""

    stream: int
    arrived_s: float
    """``time.perf_counter()`` when the callback got it."""
    samples: np.ndarray
    """(frames, channels) float32."""
    dropped_before: int
    """Frames of this stream dropped (queue full) since the previous block that got through."""


@dataclass
class CaptureStats:
    dropped_frames: list[int] = field(default_factory=list)
    """Per stream, frames dropped because the queue was full."""
    driver_overflows: int = 0
    """Callbacks where PortAudio reported an input overflow (audio lost before it reached us)."""


class Capture:
    """Input streams feeding one bounded queue of ``Block``s.

    ``lost`` is set (with ``lost_reason``) when a stream ends that nobody stopped, stops
    delivering for ``stall_s``, or delivers nothing within ``first_audio_s`` of the start: the
    device was unplugged or its sound server went away.
    """

    def __init__(
        self,
        streams: list[StreamSpec],
        rate_hz: int,
        block_s: float = 0.05,
        queue_s: float = 5.0,
        stall_s: float = 2.0,
        first_audio_s: float = 10.0,
    ) -> None:
        self.specs = streams
        self.rate_hz = rate_hz
        self.block_frames = max(1, int(round(rate_hz * block_s)))
        max_blocks = max(2, int(round(queue_s / block_s))) * len(streams)
        self.queue: queue.Queue[Block] = queue.Queue(maxsize=max_blocks)
        self.stats = CaptureStats(dropped_frames=[0] * len(streams))
        self.first_block = threading.Event()
        """Set once every stream has delivered audio (an idle sound server can take seconds)."""
        self.lost = threading.Event()
        self.lost_reason = ""
        self._stall_s = stall_s
        self._first_audio_s = first_audio_s
        self._started_s = 0.0
        self._pending_drop = [0] * len(streams)
        self._delivered = [False] * len(streams)
        self._last_callback_s = [0.0] * len(streams)
        self._stopping = False
        self._streams: list = []
        self.input_latency_s = 0.0
        """PortAudio's estimate of the delay from the device to the callback (the sound server's
        buffering); live latency figures start at the callback, so add this for the whole path."""

    def start(self) -> None:
        sd = _sounddevice()
        for i, spec in enumerate(self.specs):
            try:
                sd.check_input_settings(
                    device=spec.device.index, channels=spec.channels, samplerate=self.rate_hz, dtype="float32"
                )
                stream = sd.InputStream(
                    device=spec.device.index,
                    channels=spec.channels,
                    samplerate=self.rate_hz,
                    blocksize=self.block_frames,
                    dtype="float32",
                    callback=self._callback_for(i),
                    finished_callback=self._finished_for(i),
                )
            except (sd.PortAudioError, ValueError) as exc:
                self.stop()
                raise CaptureError(
                    f"cannot open input device {spec.device.index} '{spec.device.name}' "
                    f"({spec.channels} ch, {self.rate_hz} Hz): {_reason(exc)}; "
                    f"{describe_devices(list_input_devices())}"
                ) from None
            self._streams.append(stream)
        self._started_s = time.perf_counter()
        self._last_callback_s = [self._started_s] * len(self.specs)
        for stream in self._streams:
            stream.start()
        self.input_latency_s = max(float(stream.latency) for stream in self._streams)

    def stop(self) -> None:
        self._stopping = True
        for stream in self._streams:
            try:
                stream.stop()
                stream.close()
            except Exception:  # a lost device may refuse to stop; nothing more to do with it
                pass
        self._streams = []

    def get(self, timeout_s: float) -> Block | None:
        """Next block, or None after ``timeout_s`` (then ``check_alive`` says why, if anything)."""
        try:
            return self.queue.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def check_alive(self) -> bool:
        """False once a stream has ended or stalled; ``lost_reason`` names the device."""
        if self.lost.is_set():
            return False
        now = time.perf_counter()
        if self.first_block.is_set():
            for i, last in enumerate(self._last_callback_s):
                if now - last > self._stall_s:
                    self._mark_lost(i, f"no audio for {now - last:.1f} s")
        elif now - self._started_s > self._first_audio_s:
            silent = self._delivered.index(False)
            self._mark_lost(silent, f"no audio at all in the first {self._first_audio_s:.0f} s")
        return not self.lost.is_set()

    def _mark_lost(self, stream: int, why: str) -> None:
        if not self._stopping and not self.lost.is_set():
            device = self.specs[stream].device
            self.lost_reason = f"input device {device.index} '{device.name}' lost: {why}"
            self.lost.set()

    def _callback_for(self, stream: int):
        def callback(indata: np.ndarray, frames: int, time_info, status) -> None:
            arrived_s = time.perf_counter()
            self._last_callback_s[stream] = arrived_s
            if status.input_overflow:
                self.stats.driver_overflows += 1
            block = Block(stream, arrived_s, indata.copy(), self._pending_drop[stream])
            try:
                self.queue.put_nowait(block)
            except queue.Full:
                self._pending_drop[stream] += frames
                self.stats.dropped_frames[stream] += frames
                return
            self._pending_drop[stream] = 0
            if not self.first_block.is_set():
                self._delivered[stream] = True
                if all(self._delivered):
                    self.first_block.set()

        return callback

    def _finished_for(self, stream: int):
        def finished() -> None:
            self._mark_lost(stream, "the stream ended (device unplugged or sound server gone)")

        return finished


def _reason(exc: Exception) -> str:
    """PortAudio's message without its error-code noise."""
    text = str(exc)
    return text.split("]: ", 1)[-1].split(" [", 1)[0].strip("'") if "]: " in text else text


def pick_rate_hz(streams: list[StreamSpec], preferred_hz: int) -> int:
    """``preferred_hz`` (the pipeline rate) where every device takes it, else the first
    device's default rate; the consumer resamples whatever comes in."""
    sd = _sounddevice()
    try:
        for spec in streams:
            sd.check_input_settings(
                device=spec.device.index, channels=spec.channels, samplerate=preferred_hz, dtype="float32"
            )
        return preferred_hz
    except (sd.PortAudioError, ValueError):
        return int(streams[0].device.default_rate_hz)
