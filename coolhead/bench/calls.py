"""The calls a benchmark runs on: a sample repeated to the length wanted, in the format wanted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

FORMATS = {"16 kHz PCM stereo": (16000, "PCM_16"), "8 kHz mu-law stereo": (8000, "ULAW")}
"""Input name -> (sample rate, libsndfile subtype): wideband recordings and G.711 phone archives."""


def make_long_call(
    sample: Path, minutes: float, folder: Path, rate_hz: int | None = None, subtype: str = "PCM_16"
) -> Path:
    """``sample`` repeated to ``minutes`` of stereo audio at ``rate_hz`` (default: its own)."""
    audio, sample_rate_hz = sf.read(sample, dtype="float32", always_2d=True)
    if audio.shape[1] == 1:
        audio = np.repeat(audio, 2, axis=1)
    rate_hz = rate_hz or sample_rate_hz
    if rate_hz != sample_rate_hz:
        audio = soxr.resample(audio, sample_rate_hz, rate_hz)
    n = int(minutes * 60 * rate_hz)
    long_audio = np.tile(audio, (int(np.ceil(n / len(audio))), 1))[:n]
    path = folder / f"bench_{minutes:g}min_{rate_hz}hz_{subtype.lower()}.wav"
    sf.write(path, long_audio, rate_hz, subtype=subtype)
    return path
