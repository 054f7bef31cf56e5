"""Telephone-band simulation: 8 kHz, 300-3400 Hz, G.711 mu-law, light line noise.

numpy and soxr only. Used to build phone versions of labelled calls; not in the live path.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from coolhead.audio.chunk import float_to_int16
from coolhead.audio.filters import band_pass_fir, fir_filter
from coolhead.audio.levels import speech_level_dbfs

PHONE_RATE_HZ = 8000
PHONE_BAND_HZ = (300.0, 3400.0)
PHONE_SPEECH_LEVEL_DBFS = -20.0
"""Speech level a phone line's gain control settles at, roughly."""


def mulaw_round_trip(pcm: np.ndarray) -> np.ndarray:
    """int16 PCM through a G.711 mu-law encoder and decoder (libsndfile's, via soundfile)."""
    if not len(pcm):
        return np.zeros(0, np.int16)
    buf = io.BytesIO()
    sf.write(buf, pcm, PHONE_RATE_HZ, subtype="ULAW", format="RAW")
    buf.seek(0)
    out, _ = sf.read(buf, dtype="int16", samplerate=PHONE_RATE_HZ, channels=1, subtype="ULAW", format="RAW")
    return out


def telephone_band(x: np.ndarray, rate_hz: int, noise_db: float | None = -45.0, seed: int = 0) -> np.ndarray:
    """One channel as a phone line delivers it: float32 at 8 kHz, band-limited, mu-law coded, noisy.

    ``x``: mono float audio in [-1, 1] at ``rate_hz``. Resampled to 8 kHz (soxr), band-passed to
    300-3400 Hz, given in-band white noise at ``noise_db`` dBFS RMS (``None``: no noise; seeded),
    then passed through a G.711 mu-law encode/decode round trip.
    """
    y = np.asarray(x, np.float32)
    if rate_hz != PHONE_RATE_HZ:
        y = soxr.resample(y, rate_hz, PHONE_RATE_HZ, quality="HQ")
    h = band_pass_fir(PHONE_RATE_HZ, *PHONE_BAND_HZ)
    y = fir_filter(y.astype(np.float64), h)
    if noise_db is not None and len(y):
        noise = fir_filter(np.random.default_rng(seed).standard_normal(len(y)), h)
        y += noise * 10 ** (noise_db / 20) / max(float(np.sqrt(np.mean(noise**2))), 1e-12)
    pcm = float_to_int16(y)
    return (mulaw_round_trip(pcm) / 32768).astype(np.float32)


def normalise_level(
    x: np.ndarray, rate_hz: int, target_dbfs: float = PHONE_SPEECH_LEVEL_DBFS, peak_limit: float = 0.99
) -> np.ndarray:
    """One fixed gain for a whole channel so its speech sits at ``target_dbfs`` (peaks kept below
    ``peak_limit``). A per-call gain, not an AGC: level changes within the call survive."""
    level_db = speech_level_dbfs(x, rate_hz)
    if level_db <= -120.0:
        return np.asarray(x, np.float32)
    gain = 10 ** ((target_dbfs - level_db) / 20)
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    if peak * gain > peak_limit:
        gain = peak_limit / peak
    return (np.asarray(x) * gain).astype(np.float32)


def telephone_call(audio: np.ndarray, rate_hz: int, noise_db: float = -45.0, seed: int = 0) -> np.ndarray:
    """Phone version of a (n,) or (n, channels) call: each channel level-normalised, then
    ``telephone_band`` with its own noise seed. Returns float32 at 8 kHz, same channel layout."""
    if audio.ndim == 1:
        return telephone_band(normalise_level(audio, rate_hz), rate_hz, noise_db, seed)
    return np.stack(
        [
            telephone_band(normalise_level(audio[:, ch], rate_hz), rate_hz, noise_db, seed + ch)
            for ch in range(audio.shape[1])
        ],
        axis=1,
    )


def write_mulaw_wav(path: str | Path, audio: np.ndarray) -> None:
    """Save 8 kHz float audio ((n,) or (n, channels)) as a G.711 mu-law WAV."""
    pcm = float_to_int16(audio)
    sf.write(str(path), pcm, PHONE_RATE_HZ, subtype="ULAW", format="WAV")
