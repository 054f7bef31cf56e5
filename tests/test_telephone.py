"""Telephone-band simulation: 8 kHz, 300-3400 Hz, G.711 mu-law, seeded line noise."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from coolhead.audio.levels import speech_level_dbfs
from coolhead.audio.telephone import (
    PHONE_RATE_HZ,
    mulaw_round_trip,
    normalise_level,
    telephone_band,
    write_mulaw_wav,
)


def _tone(freq_hz: float, rate_hz: int, seconds: float = 1.0, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def _rms_db(x: np.ndarray) -> float:
    core = x[len(x) // 10 : -len(x) // 10]  # away from the edges
    return 10 * np.log10(max(float(np.mean(core.astype(np.float64) ** 2)), 1e-20))


@pytest.mark.parametrize("rate_hz", [8000, 16000, 22050, 44100, 48000])
def test_output_is_8_khz_float32_of_the_same_duration(rate_hz: int) -> None:
    y = telephone_band(_tone(1000, rate_hz, 2.0), rate_hz)
    assert y.dtype == np.float32
    assert len(y) == pytest.approx(2.0 * PHONE_RATE_HZ, abs=2)


@pytest.mark.parametrize("freq_hz", [100, 3800])
def test_out_of_band_tones_are_strongly_attenuated(freq_hz: float) -> None:
    in_band_db = _rms_db(telephone_band(_tone(1000, 16000), 16000, noise_db=None))
    out_band_db = _rms_db(telephone_band(_tone(freq_hz, 16000), 16000, noise_db=None))
    assert in_band_db == pytest.approx(_rms_db(_tone(1000, 16000)), abs=0.5)
    assert in_band_db - out_band_db >= 50


def test_band_edges_pass_at_about_minus_6_db_and_the_middle_unchanged() -> None:
    ref_db = _rms_db(telephone_band(_tone(1000, 16000), 16000, noise_db=None))
    for edge_hz in (300, 3400):
        edge_db = _rms_db(telephone_band(_tone(edge_hz, 16000), 16000, noise_db=None))
        assert ref_db - edge_db == pytest.approx(6.0, abs=1.5)
    assert _rms_db(telephone_band(_tone(2000, 16000), 16000, noise_db=None)) == pytest.approx(ref_db, abs=0.3)


def test_mulaw_round_trip_is_g711_as_in_a_ulaw_wav() -> None:
    pcm = np.arange(-32768, 32768, dtype=np.int16)
    decoded = mulaw_round_trip(pcm)
    assert decoded.dtype == np.int16 and len(np.unique(decoded)) == 255  # 256 code words, +0 and -0 alike
    # Quantisation error grows with the level (companding): under 1/32 of the value plus a step.
    err = np.abs(decoded.astype(np.int32) - pcm.astype(np.int32))
    assert np.all(err <= np.abs(pcm.astype(np.int32)) / 32 + 8)
    assert np.array_equal(mulaw_round_trip(decoded), decoded)  # decoded values are code points
    buf = io.BytesIO()
    sf.write(buf, pcm, PHONE_RATE_HZ, subtype="ULAW", format="WAV")
    buf.seek(0)
    assert np.array_equal(sf.read(buf, dtype="int16")[0], decoded)


def test_noise_is_seeded_and_at_the_asked_level() -> None:
    silence = np.zeros(16000 * 2, np.float32)
    a, b, c = (telephone_band(silence, 16000, noise_db=-45, seed=s) for s in (1, 1, 2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert _rms_db(a) == pytest.approx(-45, abs=1.0)
    assert not telephone_band(silence, 16000, noise_db=None).any()


def test_normalise_level_sets_the_speech_level_with_one_gain() -> None:
    rng = np.random.default_rng(0)
    talk = np.concatenate(
        [np.zeros(8000), 0.01 * rng.standard_normal(16000), np.zeros(8000), 0.02 * rng.standard_normal(16000)]
    ).astype(np.float32)
    out = normalise_level(talk, 16000, target_dbfs=-20)
    assert speech_level_dbfs(out, 16000) == pytest.approx(-20, abs=0.5)
    ratio = out[talk != 0] / talk[talk != 0]
    assert np.allclose(ratio, ratio[0], rtol=1e-4)  # one gain: relative levels in the call survive


def test_write_mulaw_wav_is_8_khz_ulaw_and_lossless_after_telephone_band(tmp_path) -> None:
    stereo = np.stack(
        [telephone_band(_tone(440, 16000), 16000, seed=0), telephone_band(_tone(880, 16000), 16000, seed=1)], axis=1
    )
    path = tmp_path / "call.wav"
    write_mulaw_wav(path, stereo)
    info = sf.info(str(path))
    assert (info.samplerate, info.channels, info.subtype, info.format) == (8000, 2, "ULAW", "WAV")
    back, _ = sf.read(str(path), dtype="float32")
    assert np.array_equal(back, stereo)
