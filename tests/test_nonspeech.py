"""Call-progress tones, DTMF, hold music and noise bursts are not speech; real speech still is.

Generated sounds are replayed through the real pipeline (clean at 8 and 16 kHz, and through the
simulated phone line) and must raise no ``speech``, ``prosody`` or ``anger`` event. Real speech
behind a ringback tone starts at the speech, with the talker's F0, and the speech-segment recall
on the sample calls is what it is without the detector.

The generated files are mono: they are replayed as one stream (``mono.separate = false``), the
detector's own setting; on a split mono call the mix is judged before the split
(tests/test_mono_split.py).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from coolhead.audio.reader import probe_call
from coolhead.audio.telephone import telephone_band
from coolhead.config import Config
from coolhead.pipeline.frames import frame_loudness_dbfs
from coolhead.pipeline.nonspeech import MUSIC, NOISE, SPEECH_OR_QUIET, TONE, NonSpeechDetector
from coolhead.pipeline.vad import VoiceActivity
from coolhead.run.replay import replay_call
from tests.conftest import LIBRISPEECH, ROOT
from tests.sounds import (
    HOLD_MUSIC,
    LEVELS_DBFS,
    LINE_NOISE_DBFS,
    MUSIC_LEVELS_DBFS,
    NOISE_BURSTS,
    RATE_HZ,
    SOUNDS,
    chords,
    noise,
    quiet,
    scaled,
    tone,
)

SAMPLES = ROOT / "samples"


def _write(path: Path, x: np.ndarray, rate_hz: int, phone: bool) -> Path:
    """Mono WAV at ``rate_hz``: clean PCM, or through the phone line (8 kHz mu-law, line noise)."""
    if phone:
        y = telephone_band(x.astype(np.float32), RATE_HZ)
        if rate_hz != 8000:
            y = soxr.resample(y, 8000, rate_hz)
        sf.write(path, y, rate_hz, subtype="ULAW" if rate_hz == 8000 else "PCM_16")
    else:
        y = x if rate_hz == RATE_HZ else soxr.resample(x.astype(np.float32), RATE_HZ, rate_hz)
        sf.write(path, np.clip(y, -1, 1), rate_hz, subtype="PCM_16")
    return path


def _replay(path: Path, config: Config | None = None) -> list[dict]:
    config = config or Config()
    one_stream = dataclasses.replace(config, mono=dataclasses.replace(config.mono, separate=False))
    events: list[dict] = []
    replay_call(probe_call(path), one_stream, events.append)
    return events


def _voice_events(events: list[dict]) -> list[dict]:
    return [e for e in events if e["type"] in ("speech", "prosody", "anger")]


def _pipeline_8k() -> Config:
    config = Config()
    config.pipeline.sample_rate = 8000
    return config


@pytest.mark.parametrize(
    "name,level_dbfs",
    [(name, db) for name in sorted(SOUNDS) for db in LEVELS_DBFS]
    + [(name, db) for name in sorted(HOLD_MUSIC) for db in MUSIC_LEVELS_DBFS],
)
def test_tones_dtmf_and_hold_music_raise_no_voice_events(tmp_path: Path, name: str, level_dbfs: float) -> None:
    """From the first sample of the call and after a quiet stretch; clean at 16 and 8 kHz, and
    through the phone line; at the 16 kHz and the 8 kHz pipeline rate."""
    sound = {**SOUNDS, **HOLD_MUSIC}[name](level_dbfs)
    for lead_s in (0.0, 0.71):
        x = np.concatenate([quiet(lead_s), sound, quiet(0.6)])
        for rate_hz, phone in ((16000, False), (8000, False), (8000, True)):
            path = _write(tmp_path / f"{name}_{lead_s}_{rate_hz}_{phone}.wav", x, rate_hz, phone)
            for config in (Config(), _pipeline_8k()):
                found = _voice_events(_replay(path, config))
                assert not found, (lead_s, rate_hz, phone, config.pipeline.sample_rate, found[:3])


@pytest.mark.parametrize("level_dbfs", LEVELS_DBFS)
@pytest.mark.parametrize("name", sorted(NOISE_BURSTS))
def test_noise_bursts_raise_no_voice_events(tmp_path: Path, name: str, level_dbfs: float) -> None:
    """Bursts over a quiet line (the detector needs to have heard the line's noise floor)."""
    x = np.concatenate([quiet(0.7), NOISE_BURSTS[name](level_dbfs), quiet(0.6)])
    for rate_hz, phone in ((16000, False), (8000, False), (8000, True)):
        path = _write(tmp_path / f"{name}_{rate_hz}_{phone}.wav", x, rate_hz, phone)
        for config in (Config(), _pipeline_8k()):
            found = _voice_events(_replay(path, config))
            assert not found, (rate_hz, phone, config.pipeline.sample_rate, found[:3])


def _channel(path: Path, channel: int) -> tuple[np.ndarray, int]:
    audio, rate_hz = sf.read(path, dtype="float32", always_2d=True)
    return audio[:, channel], rate_hz


def _first(events: list[dict], kind: str, speaker: str) -> dict:
    return min((e for e in events if e["type"] == kind and e["speaker"] == speaker), key=lambda e: e["t"])


def _ringback_first(
    tmp_path: Path, speech: np.ndarray, rate_hz: int, ringback: np.ndarray, subtype: str
) -> tuple[list[dict], list[dict], float]:
    """Events of ``speech`` alone and behind ``ringback`` (at the speech's rate), and the shift."""
    plain = tmp_path / "plain.wav"
    behind = tmp_path / "behind.wav"
    sf.write(plain, speech, rate_hz, subtype=subtype)
    sf.write(behind, np.concatenate([ringback, speech]), rate_hz, subtype=subtype)
    return _replay(plain), _replay(behind), len(ringback) / rate_hz


def _check_ringback_first(plain: list[dict], behind: list[dict], shift_s: float, speaker: str) -> None:
    start = _first(plain, "speech", speaker)["t"] + shift_s
    assert abs(_first(behind, "speech", speaker)["t"] - start) <= 0.1
    f0_alone = _first(plain, "prosody", speaker)["f0_hz"]
    f0_behind = _first(behind, "prosody", speaker)["f0_hz"]
    assert f0_alone and f0_behind and abs(np.log2(f0_behind / f0_alone)) < 0.1, (f0_alone, f0_behind)


def test_speech_behind_a_ringback_tone_starts_at_the_speech_with_the_talkers_f0(tmp_path: Path) -> None:
    """The problem call: a 450 Hz ringback (-24 dBFS, 1 s) before real 8 kHz mu-law phone speech
    (the agent channel of a sample call), 0.4 s of its own line noise between them."""
    speech, rate_hz = _channel(SAMPLES / "call1_agent_talks_over.wav", 0)
    line = speech[: int(0.4 * rate_hz)]
    ringback = soxr.resample(tone((450.0,), 1.0, -24.0), RATE_HZ, rate_hz)
    plain, behind, shift_s = _ringback_first(tmp_path, speech, rate_hz, np.concatenate([ringback, line]), "ULAW")
    _check_ringback_first(plain, behind, shift_s, "mix")


@pytest.mark.parametrize("phone", [False, True])
def test_librispeech_behind_ringback_starts_at_the_speech(tmp_path: Path, phone: bool) -> None:
    speech, rate_hz = sf.read(LIBRISPEECH / "1089" / "134686" / "1089-134686-0000.flac", dtype="float32")
    ringback = np.concatenate([tone((440.0, 480.0), 2.0, -20.0), quiet(0.5)])
    if phone:
        speech, ringback = telephone_band(speech, rate_hz), telephone_band(ringback, RATE_HZ)
        rate_hz = 8000
    plain, behind, shift_s = _ringback_first(tmp_path, speech, rate_hz, ringback, "PCM_16")
    _check_ringback_first(plain, behind, shift_s, "mix")


def _covered_s(events: list[dict], utterances: list[dict], speaker: str) -> float:
    segments = [(e["t"], e["end"]) for e in events if e["type"] == "speech" and e["speaker"] == speaker]
    return sum(
        max(0.0, min(end, u["end"]) - max(t, u["start"]))
        for u in utterances
        if u["speaker"] == speaker
        for t, end in segments
    )


@pytest.mark.parametrize(
    "name", ["call1_agent_talks_over.wav", "call2_customer_cuts_in.flac", "call3_smooth_turns.wav"]
)
def test_speech_recall_on_the_sample_calls_is_unchanged(name: str) -> None:
    """Share of the truth utterances' time covered by ``speech`` events, with and without the
    non-speech detector and the start-up guard: within 1 % (and the same or better)."""
    truth = json.loads((SAMPLES / name).with_suffix(".json").read_text())
    without = Config()
    without.vad = dataclasses.replace(without.vad, nonspeech=False, startup_s=0.0)
    total_s = sum(u["end"] - u["start"] for u in truth["utterances"])
    recall = {}
    for label, config in (("without", without), ("with", Config())):
        events = _replay(SAMPLES / name, config)
        recall[label] = sum(_covered_s(events, truth["utterances"], role) for role in ("agent", "customer")) / total_s
    assert recall["with"] >= recall["without"] - 0.01, recall


def test_call1_line_noise_at_the_start_is_not_speech() -> None:
    """webrtcvad calls the first 90 ms of any stream speech: on call1's -45 dBFS line noise that
    opened both parties' speech at 0.000 s (truth: 0.5 s and 2.79 s)."""
    events = _replay(SAMPLES / "call1_agent_talks_over.wav")
    assert abs(_first(events, "speech", "agent")["t"] - 0.5) <= 0.1
    assert abs(_first(events, "speech", "customer")["t"] - 2.79) <= 0.1


def _frames(x: np.ndarray, rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    pcm = (np.clip(x, -1, 1 - 1 / 32768) * 32768).astype(np.int16)
    frame_len = rate_hz * 30 // 1000
    frames = pcm[: len(pcm) // frame_len * frame_len].reshape(-1, frame_len)
    return frames, frame_loudness_dbfs(frames)


@pytest.mark.parametrize("rate_hz", [8000, 16000])
def test_detector_kinds_and_block_independence(rate_hz: int) -> None:
    """Each sound is named for what it is, and the kinds do not depend on how the frames are cut
    into blocks (as long as ``reset()`` starts each stream afresh)."""
    x = np.concatenate(
        [
            quiet(0.6),
            tone((440.0, 480.0), 1.0, -20.0),
            quiet(0.6),
            chords(-20.0),
            quiet(0.6),
            noise("white", 1.0, -20.0),
            quiet(0.6),
        ]
    )
    if rate_hz != RATE_HZ:
        x = soxr.resample(x, RATE_HZ, rate_hz)
    frames, loudness = _frames(x, rate_hz)
    sound = loudness > LINE_NOISE_DBFS + 10.0
    """What a VAD would pass on to be judged: everything but the quiet line."""
    detector = NonSpeechDetector(Config().vad, rate_hz)
    kinds = detector(frames, loudness, sound)
    for block in (1, 7, 16, 500):
        detector.reset()
        cut = np.concatenate(
            [
                detector(frames[i : i + block], loudness[i : i + block], sound[i : i + block])
                for i in range(0, len(frames), block)
            ]
        )
        assert (cut == kinds).all()
    seconds = np.arange(len(frames)) * 0.03

    def share(kind: int, start_s: float, end_s: float) -> float:
        inside = (seconds >= start_s + 0.1) & (seconds < end_s - 0.1)
        return float(np.mean(kinds[inside] == kind))

    assert share(TONE, 0.6, 1.6) > 0.95
    assert share(MUSIC, 2.2, 6.2) > 0.9
    assert share(NOISE, 6.8, 7.8) > 0.95
    assert share(SPEECH_OR_QUIET, 7.9, 8.4) == 1.0
    assert not kinds[~sound].any()


def test_webrtcvad_start_up_frames_are_never_speech() -> None:
    """Steady noise from the first sample: webrtcvad says speech for 90 ms, VoiceActivity not."""
    frames, loudness = _frames(scaled(np.random.default_rng(0).standard_normal(RATE_HZ), -45.0), RATE_HZ)
    config = Config()
    config.vad.nonspeech = False
    assert not VoiceActivity(config.vad, RATE_HZ)(frames, loudness).any()
