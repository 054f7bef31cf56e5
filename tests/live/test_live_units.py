"""The listener's plumbing without audio devices: capture blocks are put on its queue by hand
(a stand-in for the PortAudio callbacks; the real path is in test_live_capture.py)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from coolhead.audio.capture import Block, Capture, CaptureError, InputDevice, StreamSpec, find_device
from coolhead.audio.chunk import MIX_ROLE
from coolhead.config import Config
from coolhead.run.live import LiveListener
from coolhead.run.live_call import CallFiles
from coolhead.sinks.jsonl import read_events
from coolhead.ui.latency import LatencyLog
from tests.conftest import run_cli

DEVICES = [
    InputDevice(0, "pulse", 32, 44100, "ALSA"),
    InputDevice(1, "call_mon", 32, 44100, "ALSA"),
    InputDevice(2, "agent_mon", 32, 44100, "ALSA"),
    InputDevice(3, "USB headset: mic", 1, 48000, "ALSA"),
]


class HandFedCapture(Capture):
    """A Capture whose blocks come from the test instead of sound devices."""

    def start(self) -> None:
        self.first_block.set()

    def stop(self) -> None:
        pass

    def check_alive(self) -> bool:
        return True


def test_find_device_by_index_name_or_unique_part() -> None:
    assert find_device("2", DEVICES).name == "agent_mon"
    assert find_device("call_mon", DEVICES).index == 1
    assert find_device("headset", DEVICES).index == 3
    with pytest.raises(CaptureError, match=r"'_mon' matches several devices; input devices: 0 'pulse'"):
        find_device("_mon", DEVICES)
    with pytest.raises(CaptureError, match="not found"):
        find_device("7", DEVICES)


def _listen_by_hand(
    call: Path, tmp_path: Path, rate_hz: int, block_s: tuple[float, float], drop: tuple[int, int] | None = None
) -> tuple[list[dict], Path]:
    """Feed ``call`` (resampled to ``rate_hz``) as two streams cut into blocks of different
    lengths, interleaved as two devices would deliver them; ``drop`` = (stream, block index)
    is dropped as a full queue would, counted on the next block."""
    audio, file_rate = sf.read(call, dtype="float32")
    if rate_hz != file_rate:
        import soxr

        audio = soxr.resample(audio, file_rate, rate_hz)
    specs = [StreamSpec(DEVICES[2], {"agent": 0}), StreamSpec(DEVICES[1], {"customer": 0})]
    capture = HandFedCapture(specs, rate_hz, queue_s=600)
    listener = LiveListener(capture, Config(), CallFiles(tmp_path, tmp_path / "call.jsonl", record=True), [], "test")
    blocks = []
    for stream, seconds in enumerate(block_s):
        n = int(seconds * rate_hz)
        for i, start in enumerate(range(0, len(audio), n)):
            blocks.append((start / rate_hz, stream, i, audio[start : start + n, stream : stream + 1]))
    pending = [0, 0]
    for _, stream, i, samples in sorted(blocks, key=lambda b: b[0]):
        if drop == (stream, i):
            pending[stream] += len(samples)
            continue
        capture.queue.put(Block(stream, time.perf_counter(), samples, pending[stream]))
        pending[stream] = 0
    listener.start()
    while not capture.queue.empty():
        time.sleep(0.01)
    report = listener.stop()
    assert report.calls[0].end_reason == "stopped"
    note = (tmp_path / "call.note.txt").read_text()  # the post-call note, from the call's own events
    assert note.splitlines() == report.calls[0].note and "You talked over the customer 1 time" in note
    return read_events(tmp_path / "call.jsonl"), tmp_path / "call.wav"


def test_two_streams_with_different_blocks_give_the_replay_events(talkover_call: Path, tmp_path: Path) -> None:
    live, recording = _listen_by_hand(talkover_call, tmp_path, 16000, (0.05, 0.03))
    replay = tmp_path / "replay.jsonl"
    assert run_cli("analyze", str(talkover_call), "--events", str(replay), "--no-stt").returncode == 0
    assert live[1:] == read_events(replay)[1:]
    assert np.array_equal(sf.read(recording, dtype="int16")[0], sf.read(talkover_call, dtype="int16")[0])


def test_capture_at_48k_is_resampled_to_the_pipeline_rate(talkover_call: Path, tmp_path: Path) -> None:
    live, recording = _listen_by_hand(talkover_call, tmp_path, 48000, (0.05, 0.05))
    assert live[0]["sample_rate"] == 48000 and live[0]["pipeline_rate"] == 16000
    assert sf.info(recording).samplerate == 16000
    assert abs(sf.info(recording).duration - sf.info(talkover_call).duration) < 0.01
    kinds = [(e["type"], e.get("by") or e.get("cue")) for e in live if e["type"] in ("interruption", "cue")]
    assert kinds == [("cue", "pause"), ("interruption", "agent")]


def test_dropped_block_becomes_silence_of_the_same_length(talkover_call: Path, tmp_path: Path) -> None:
    """Audio time stays in step with the call: what came after the drop keeps its time."""
    _, recording = _listen_by_hand(talkover_call, tmp_path, 16000, (0.05, 0.05), drop=(1, 40))
    recorded, _ = sf.read(recording, dtype="int16")
    original, _ = sf.read(talkover_call, dtype="int16")
    assert recorded.shape == original.shape
    lost = slice(40 * 800, 41 * 800)
    assert not recorded[lost, 1].any() and original[lost, 1].any()
    assert np.array_equal(recorded[41 * 800 :], original[41 * 800 :])


def test_latency_percentiles() -> None:
    log = LatencyLog()
    for ms in range(1, 101):
        log.record("cue", 0.0, ms / 1000)
    p = log.percentiles_ms("cue")
    assert p["n"] == 100 and 50 <= p["p50"] <= 51 and 95 <= p["p95"] <= 96 and p["max"] == 100.0
    assert log.percentiles_ms("interruption") is None


def test_a_mono_source_is_split_live_as_analyze_splits_its_recording(two_voices_call: Path, tmp_path: Path) -> None:
    """A mono device (both parties mixed) goes through the shipped speaker-segmentation model:
    live events equal `analyze` of the live recording, and the agent's talk-over is found (the
    customer speaks first in this call: ``agent_is = "second"``)."""
    audio, rate_hz = sf.read(two_voices_call, dtype="float32")
    mix = np.clip(audio.sum(axis=1, keepdims=True), -1, 1)
    capture = HandFedCapture([StreamSpec(DEVICES[3], {MIX_ROLE: 0})], rate_hz, queue_s=600)
    settings = tmp_path / "coolhead.toml"
    settings.write_text('[mono]\nagent_is = "second"\n')
    config = Config.load(str(settings))
    listener = LiveListener(capture, config, CallFiles(tmp_path, tmp_path / "call.jsonl", record=True), [], "test")
    for start in range(0, len(mix), 320):  # 20 ms capture blocks
        capture.queue.put(Block(0, time.perf_counter(), mix[start : start + 320], 0))
    listener.start()
    while not capture.queue.empty():
        time.sleep(0.01)
    listener.stop()
    live = read_events(tmp_path / "call.jsonl")
    assert live[0]["roles"] == {"0": MIX_ROLE} and live[0]["separation"]["speakers"] == "separated"
    assert sf.info(tmp_path / "call.wav").channels == 1
    replay = tmp_path / "replay.jsonl"
    analyzed = run_cli(
        "analyze", str(tmp_path / "call.wav"), "--events", str(replay), "--no-stt", "--config", str(settings)
    )
    assert analyzed.returncode == 0, analyzed.stderr
    assert live[1:] == read_events(replay)[1:]
    assert ("interruption", "agent") in [(e["type"], e.get("by")) for e in live]


class _Arrivals:
    """A sink that keeps each event with the arrival time the listener traced it to."""

    def __init__(self) -> None:
        self.seen: list[tuple[dict, float | None]] = []

    def on_event(self, event: dict, arrived_s: float | None) -> None:
        self.seen.append((event, arrived_s))

    def on_state(self, t_s: float, state: object) -> None:
        pass

    def on_call_end(self, call: object) -> None:
        pass


def test_a_drained_backlog_traces_each_event_to_the_block_of_its_audio(talkover_call: Path, tmp_path: Path) -> None:
    """The whole call waits in the queue and is fed as one chunk; each block is stamped with
    1000 + its audio time as 'arrival', so an event's stamp says which block it was traced to:
    the one holding its time, not the last one."""
    audio, rate_hz = sf.read(talkover_call, dtype="float32")
    specs = [StreamSpec(DEVICES[2], {"agent": 0}), StreamSpec(DEVICES[1], {"customer": 0})]
    capture = HandFedCapture(specs, rate_hz, queue_s=600)
    sink = _Arrivals()
    listener = LiveListener(capture, Config(), CallFiles(tmp_path, tmp_path / "call.jsonl"), [sink], "test")
    n = int(0.05 * rate_hz)
    for start in range(0, len(audio), n):
        for stream in (0, 1):
            capture.queue.put(Block(stream, 1000.0 + start / rate_hz, audio[start : start + n, stream : stream + 1], 0))
    listener.start()
    while not capture.queue.empty():
        time.sleep(0.01)
    listener.stop()
    cues = [(e["t"], arrived_s) for e, arrived_s in sink.seen if e["type"] == "cue"]
    assert cues and all(arrived_s is not None and 0.0 <= e_t - (arrived_s - 1000.0) <= 0.05 for e_t, arrived_s in cues)
