"""The calls a benchmark runs on: a sample repeated to the length wanted, in the format wanted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

FORMATS = {
    "16 kHz PCM stereo": (16000, "PCM_16", 2),
    "8 kHz mu-law stereo": (8000, "ULAW", 2),
    "8 kHz mu-law mono": (8000, "ULAW", 1),
}
"""Input name -> (sample rate, libsndfile subtype, channels): wideband recordings, G.711 phone
archives, and mono archives (both parties mixed: the speaker-segmentation model splits them)."""


def make_long_call(
    sample: Path, minutes: float, folder: Path, rate_hz: int | None = None, subtype: str = "PCM_16", channels: int = 2
) -> Path:
    """``sample`` repeated to ``minutes`` of audio at ``rate_hz`` (default: its own): stereo, or
    with ``channels=1`` its two parties mixed."""
    audio, sample_rate_hz = sf.read(sample, dtype="float32", always_2d=True)
    if audio.shape[1] == 1:
        audio = np.repeat(audio, 2, axis=1)
    if channels == 1:
        audio = np.clip(audio.sum(axis=1, keepdims=True), -1.0, 1.0)
    rate_hz = rate_hz or sample_rate_hz
    if rate_hz != sample_rate_hz:
        audio = soxr.resample(audio, sample_rate_hz, rate_hz)
    n = int(minutes * 60 * rate_hz)
    long_audio = np.tile(audio, (int(np.ceil(n / len(audio))), 1))[:n]
    path = folder / f"bench_{minutes:g}min_{rate_hz}hz_{subtype.lower()}_{channels}ch.wav"
    sf.write(path, long_audio, rate_hz, subtype=subtype)
    return path
