"""Replaying real speech in every container the reader accepts, and chunking invariance."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from coolhead.audio.chunk import Chunk
from coolhead.audio.reader import probe_call, read_chunks
from coolhead.config import Config
from coolhead.pipeline import Pipeline
from coolhead.report.note import post_call_note
from coolhead.report.summary import SummaryBuilder
from coolhead.run.replay import replay_call
from tests.conftest import ROOT, run_cli


def _events(path: Path, agent_channel: int = 0, config: Config | None = None) -> list[dict]:
    out: list[dict] = []
    replay_call(probe_call(path, agent_channel), config or Config(), out.append)
    return out


def _kinds(events: list[dict]) -> list[tuple]:
    return [(e["type"], e.get("by") or e.get("speaker") or e.get("cue")) for e in events if e["type"] != "call"]


def test_talkover_is_found_with_the_agent_as_interrupter(talkover_call: Path) -> None:
    events = _events(talkover_call)
    interruptions = [e for e in events if e["type"] == "interruption"]
    assert [(e["by"], round(e["t"])) for e in interruptions] == [("agent", 6)]
    pause = [e for e in events if e["type"] == "cue" and e["cue"] == "pause"]
    assert len(pause) == 1 and 0.4 < pause[0]["t"] - interruptions[0]["t"] <= 1.0


def test_agent_channel_swaps_roles(talkover_call: Path) -> None:
    events = _events(talkover_call, agent_channel=1)
    assert [e["by"] for e in events if e["type"] == "interruption"] == ["customer"]
    assert events[0]["roles"] == {"0": "customer", "1": "agent"}


@pytest.mark.parametrize(
    "subtype,rate_hz",
    [
        ("PCM_16", 8000),
        ("PCM_24", 44100),
        ("PCM_32", 48000),
        ("FLOAT", 22050),
        ("ULAW", 8000),
        ("ALAW", 8000),
    ],
)
def test_every_format_and_rate_gives_the_same_interruption(
    talkover_call: Path, tmp_path: Path, subtype: str, rate_hz: int
) -> None:
    import soxr

    audio, src_rate = sf.read(talkover_call, dtype="float32")
    converted = soxr.resample(audio, src_rate, rate_hz)
    path = tmp_path / f"call_{subtype}_{rate_hz}.wav"
    sf.write(path, converted, rate_hz, subtype=subtype)
    events = _events(path)
    assert events[0]["sample_rate"] == rate_hz
    [reference] = [e for e in _events(talkover_call) if e["type"] == "interruption"]
    [found] = [e for e in events if e["type"] == "interruption"]
    assert found["by"] == "agent" and abs(found["t"] - reference["t"]) <= 0.09


def test_8_bit_pcm_is_read(talkover_call: Path, tmp_path: Path) -> None:
    """8-bit quantisation noise (-48 dB) lifts silences into speech, so only the interrupter is checked."""
    audio, rate_hz = sf.read(talkover_call, dtype="float32")
    path = tmp_path / "call_u8.wav"
    sf.write(path, audio, rate_hz, subtype="PCM_U8")
    assert "agent" in [e["by"] for e in _events(path) if e["type"] == "interruption"]


def test_flac_is_read(talkover_call: Path, tmp_path: Path) -> None:
    audio, rate_hz = sf.read(talkover_call, dtype="float32")
    path = tmp_path / "call.flac"
    sf.write(path, audio, rate_hz)
    assert _kinds(_events(path)) == _kinds(_events(talkover_call))


def _mono(call: Path, tmp_path: Path) -> Path:
    audio, rate_hz = sf.read(call, dtype="float32")
    path = tmp_path / "mono.wav"
    sf.write(path, audio.sum(axis=1), rate_hz)
    return path


def test_mono_call_is_split_by_the_shipped_model(two_voices_call: Path, tmp_path: Path) -> None:
    """The mix of a real two-party call: the shipped speaker-segmentation model separates the
    voices, and the agent's first talk-over is found with the right side, as on the stereo call
    (the customer speaks first here: ``agent_is = "second"``). While both talk, the customer's
    stream holds both voices: it is not measured, so the agent's voice does not read as the
    customer's anger, and this calm call gets no restate or transfer cue."""
    config = Config(mono=dataclasses.replace(Config().mono, agent_is="second"))
    events = _events(_mono(two_voices_call, tmp_path), config=config)
    assert events[0]["roles"] == {"0": "mix"} and events[0]["separation"]["speakers"] == "separated"
    [stereo_first, *_] = [e for e in _events(two_voices_call) if e["type"] == "interruption"]
    [mono_first, *_] = [e for e in events if e["type"] == "interruption"]
    assert mono_first["by"] == stereo_first["by"] == "agent"
    assert mono_first["t"] == pytest.approx(stereo_first["t"], abs=0.3)
    talk_s = {"agent": 0.0, "customer": 0.0}
    for e in events:
        if e["type"] == "speech" and e["t"] < 5.5:
            talk_s[e["speaker"]] += min(e["end"], 5.5) - e["t"]
    assert talk_s["customer"] > 3.5 and talk_s["agent"] < 0.5  # the customer alone until 6.0 s
    anger = [(e["speaker"], e["t"], e["level"]) for e in events if e["type"] == "anger"]
    assert {speaker for speaker, _, _ in anger} == {"agent", "customer"}
    calm = {"restate", "transfer"}.isdisjoint(e["cue"] for e in events if e["type"] == "cue")
    assert calm, "a calm call read as heated"
    summary = SummaryBuilder.for_config(config)
    for e in events:
        summary.add(e)
    call = summary.summary()  # what the report, the batch table and the post-call note are made of
    assert call.roles == ("agent", "customer") and not call.mono and call.interruptions_by["agent"] >= 1
    assert call.talk_s["agent"] > 1 and call.talk_s["customer"] > 1
    assert "segmentation model" in " ".join(post_call_note(call, None))


def test_mono_mix_without_separation_is_one_stream_without_interruptions_or_anger(
    talkover_call: Path, tmp_path: Path
) -> None:
    """``mono.separate = false``: a mix gets speech and prosody, but no anger level (it would
    follow who speaks), and the header says why."""
    events = _events(
        _mono(talkover_call, tmp_path), config=Config(mono=dataclasses.replace(Config().mono, separate=False))
    )
    assert events[0]["roles"] == {"0": "mix"} and events[0]["separation"]["speakers"] == "mixed"
    assert {e["speaker"] for e in events if e["type"] in ("speech", "prosody")} == {"mix"}
    assert not [e for e in events if e["type"] in ("interruption", "anger")]
    assert {e["speaker"] for e in _events(talkover_call) if e["type"] == "anger"} == {"agent", "customer"}


@pytest.mark.parametrize("chunk_s", [0.02, 0.0487, 1.3])
def test_events_do_not_depend_on_chunk_size(talkover_call: Path, chunk_s: float) -> None:
    info = probe_call(talkover_call)
    config = Config()

    def run(seconds: float) -> list[dict]:
        pipeline = Pipeline(config, ("agent", "customer"))
        out: list[dict] = []
        for chunk in read_chunks(info, config.pipeline.sample_rate, seconds):
            out += pipeline.feed(chunk)
        return out + pipeline.flush()

    assert run(chunk_s) == run(0.48)


def test_chunks_cover_the_whole_call_at_the_pipeline_rate(talkover_call: Path) -> None:
    info = probe_call(talkover_call)
    chunks = list(read_chunks(info, 8000, 0.5))
    assert sum(c.n_samples for c in chunks) == pytest.approx(info.duration_s * 8000, abs=2)
    assert all(isinstance(c, Chunk) and c.samples["agent"].dtype == np.int16 for c in chunks)


def test_reset_starts_a_new_call_that_matches_a_fresh_pipeline() -> None:
    """``Pipeline.reset()`` resets every stage: the second call's events equal a fresh run's."""
    info = probe_call(ROOT / "samples" / "call1_agent_talks_over.wav")
    config = Config()
    chunks = list(read_chunks(info, config.pipeline.sample_rate, 0.48))
    pipeline = Pipeline(config, ("agent", "customer"))

    def run() -> list[dict]:
        return [e for c in chunks for e in pipeline.feed(c)] + pipeline.flush()

    first = run()
    pipeline.reset()
    assert pipeline.state.speakers == {} and pipeline.state.talkover is None
    assert run() == first and any(e["type"] == "interruption" for e in first)


def test_agent_is_second_on_the_command_line(two_voices_call: Path, tmp_path: Path) -> None:
    """``--agent-is second`` names the second speaker heard the agent, as ``[mono] agent_is``."""
    mono = _mono(two_voices_call, tmp_path)
    runs = {}
    for flag in ("first", "second"):
        out = tmp_path / f"{flag}.jsonl"
        done = run_cli("analyze", str(mono), "--no-stt", "--quiet", "--agent-is", flag, "--events", str(out))
        assert done.returncode == 0, done.stderr
        runs[flag] = [json.loads(line) for line in out.read_text().splitlines()]
    assert runs["second"][0]["separation"]["agent_is"] == "second"
    first_talk_over = {
        flag: next(e["by"] for e in events if e["type"] == "interruption") for flag, events in runs.items()
    }
    assert first_talk_over == {"first": "customer", "second": "agent"}
