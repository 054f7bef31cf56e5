"""Prosody: F0 on synthetic voices at both pipeline rates, tilt, syllable nuclei, windows."""

from __future__ import annotations

import numpy as np
import pytest

from coolhead.config import ProsodyConfig
from coolhead.pipeline.prosody import FrameAnalyser, NucleusDetector, ProsodyTracker, yin_f0_hz


def _voice(f0_hz: float, rate_hz: int, seconds: float = 1.0, bright: float = 0.5) -> np.ndarray:
    """A harmonic 'vowel': 10 harmonics, amplitude falling as 1/k^(2-bright), int16."""
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    x = np.zeros_like(t)
    for k in range(1, 11):
        if k * f0_hz < rate_hz / 2:
            x += np.sin(2 * np.pi * k * f0_hz * t + k) / k ** (2.0 - bright)
    return (0.3 * 32767 * x / np.abs(x).max()).astype(np.int16)


def _frames(x: np.ndarray, rate_hz: int, frame_s: float = 0.03) -> np.ndarray:
    frame_len = int(rate_hz * frame_s)
    n = len(x) // frame_len
    return x[: n * frame_len].reshape(n, frame_len)


@pytest.mark.parametrize("rate_hz", [8000, 16000])
@pytest.mark.parametrize("f0_hz", [70.0, 110.0, 180.0, 260.0, 380.0])
def test_f0_of_a_harmonic_voice_at_both_rates(rate_hz: int, f0_hz: float) -> None:
    frames = _frames(_voice(f0_hz, rate_hz), rate_hz)
    p = FrameAnalyser(ProsodyConfig(), rate_hz, frames.shape[1])(frames, np.ones(len(frames), bool))
    found = p.f0_hz[2:]
    assert np.isfinite(found).all()
    assert np.median(found) == pytest.approx(f0_hz, rel=0.01)


@pytest.mark.parametrize("rate_hz", [8000, 16000])
def test_f0_without_the_fundamental_as_on_a_phone_line(rate_hz: int) -> None:
    """A 100 Hz voice band-limited to 300-3400 Hz still has its period found (not 300 Hz)."""
    t = np.arange(rate_hz) / rate_hz
    x = sum(np.sin(2 * np.pi * k * 100.0 * t + k) for k in range(3, 35) if k * 100 < min(3400, rate_hz / 2))
    frames = _frames((8000 * x / np.abs(x).max()).astype(np.int16), rate_hz)
    p = FrameAnalyser(ProsodyConfig(), rate_hz, frames.shape[1])(frames, np.ones(len(frames), bool))
    assert np.nanmedian(p.f0_hz) == pytest.approx(100.0, rel=0.02)


def test_noise_is_unvoiced_and_silence_is_not_analysed() -> None:
    rng = np.random.default_rng(1)
    noise = (3000 * rng.standard_normal(16000)).astype(np.int16)
    frames = _frames(noise, 16000)
    p = FrameAnalyser(ProsodyConfig(), 16000, frames.shape[1])(frames, np.ones(len(frames), bool))
    assert np.isnan(p.f0_hz).mean() > 0.9
    p = FrameAnalyser(ProsodyConfig(), 16000, frames.shape[1])(frames, np.zeros(len(frames), bool))
    assert np.isnan(p.f0_hz).all() and np.isnan(p.tilt_db).all()


def test_brighter_voice_has_higher_tilt() -> None:
    dull, bright = (_frames(_voice(150.0, 16000, bright=b), 16000) for b in (0.0, 1.5))
    analyse = FrameAnalyser(ProsodyConfig(), 16000, dull.shape[1])
    speech = np.ones(len(dull), bool)
    assert np.nanmean(analyse(bright, speech).tilt_db) > np.nanmean(analyse(dull, speech).tilt_db) + 6


def test_f0_does_not_depend_on_how_frames_are_grouped_in_blocks() -> None:
    x = np.concatenate([_voice(f, 16000, 0.3) for f in (120, 180, 240)])
    frames = _frames(x, 16000)
    speech = np.ones(len(frames), bool)
    whole = FrameAnalyser(ProsodyConfig(), 16000, frames.shape[1])(frames, speech).f0_hz
    split = FrameAnalyser(ProsodyConfig(), 16000, frames.shape[1])
    parts = np.concatenate([split(frames[i : i + 3], speech[i : i + 3]).f0_hz for i in range(0, len(frames), 3)])
    np.testing.assert_array_equal(whole, parts)


def test_yin_rejects_a_window_too_short_for_the_lowest_f0() -> None:
    with pytest.raises(ValueError, match="too short"):
        yin_f0_hz(np.zeros((1, 100)), 8000, 60.0, 400.0, 0.25)


def test_nuclei_are_level_peaks_that_are_voiced() -> None:
    """Five syllable-like bumps (8 frames each, 12 dB deep), the third one unvoiced."""
    bump = [-40, -36, -32, -29, -28, -30, -34, -40]
    levels = bump * 5
    voiced = [i // 8 != 2 for i in range(len(levels))]
    detector = NucleusDetector(ProsodyConfig())
    found = [detector.step(float(b), v) for b, v in zip(levels + [float("nan")], voiced + [False])]
    assert sum(found) == 4


def test_tracker_summarises_each_turn_at_the_configured_interval() -> None:
    config = ProsodyConfig()
    rate_hz, frame_s = 16000, 0.03
    frames = _frames(_voice(150.0, rate_hz, 3.0), rate_hz)
    tracker = ProsodyTracker(config, rate_hz, frames.shape[1], frame_s)
    tracker.analyse(frames, np.full(len(frames), -20.0), np.ones(len(frames), bool))
    windows = [(i, w) for i in range(len(frames)) if (w := tracker.step(i, True, i == 0, False)) is not None]
    first_i = round(config.first_after_s / frame_s) - 1
    assert windows[0][0] == first_i
    assert all(b - a == round(config.interval_s / frame_s) for (a, _), (b, _) in zip(windows, windows[1:]))
    w = windows[-1][1]
    assert w.f0_hz == pytest.approx(150.0, rel=0.01) and w.loudness_db == pytest.approx(-20.0)
    assert w.speech_s == pytest.approx(config.window_s, abs=frame_s)


def test_spectral_flux_grows_with_spectral_change_not_with_level() -> None:
    """A steady vowel barely moves its spectrum; one that switches brightness every frame does,
    at any level, and the first speech frame after silence has no flux to report."""
    rate_hz = 8000
    steady = _frames(_voice(150.0, rate_hz), rate_hz)
    dull, bright = (
        _frames(_voice(150.0, rate_hz, bright=0.0), rate_hz),
        _frames(_voice(150.0, rate_hz, bright=1.5), rate_hz),
    )
    moving = np.where((np.arange(len(dull)) % 2 == 0)[:, None], dull, bright)
    speech = np.ones(len(steady), bool)
    speech[:3] = False
    flux = {
        name: FrameAnalyser(ProsodyConfig(), rate_hz, steady.shape[1])(x, speech).flux
        for name, x in (("steady", steady), ("moving", moving), ("quiet", (moving * 0.1).astype(np.int16)))
    }
    assert np.isnan(flux["steady"][:4]).all() and np.isfinite(flux["steady"][4:]).all()
    assert np.median(flux["moving"][4:]) > 10 * np.median(flux["steady"][4:])
    assert np.allclose(flux["quiet"][4:], flux["moving"][4:], rtol=0.05)


def test_flux_does_not_depend_on_how_frames_are_grouped_in_blocks() -> None:
    rate_hz = 16000
    frames = _frames(np.concatenate([_voice(120.0, rate_hz, 0.5), _voice(200.0, rate_hz, 0.5, bright=1.0)]), rate_hz)
    speech = np.ones(len(frames), bool)
    speech[10:12] = False
    whole = FrameAnalyser(ProsodyConfig(), rate_hz, frames.shape[1])(frames, speech).flux
    analyser = FrameAnalyser(ProsodyConfig(), rate_hz, frames.shape[1])
    parts = np.concatenate(
        [
            np.concatenate(
                [
                    analyser(frames[a:a], speech[a:a]).flux,  # live: a chunk under a frame
                    analyser(frames[a : a + 7], speech[a : a + 7]).flux,
                ]
            )
            for a in range(0, len(frames), 7)
        ]
    )
    assert np.array_equal(np.isnan(whole), np.isnan(parts))
    assert np.allclose(whole[np.isfinite(whole)], parts[np.isfinite(parts)])
