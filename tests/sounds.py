"""Generated non-speech sounds of phone calls: call-progress tones, DTMF, hold music, noise bursts.

Float arrays at ``RATE_HZ``; levels in dBFS RMS. Used by the non-speech and the STT tests.
"""

from __future__ import annotations

import numpy as np

RATE_HZ = 16000
"""Sounds are made at this rate, then resampled for 8 kHz files."""
LINE_NOISE_DBFS = -60.0
"""The quiet line before and between sounds of the clean versions (the phone line adds its own)."""


def scaled(x: np.ndarray, level_dbfs: float) -> np.ndarray:
    return x * 10 ** (level_dbfs / 20) / np.sqrt(np.mean(x**2)) if len(x) else x


def tone(freqs_hz: tuple[float, ...], seconds: float, level_dbfs: float, seed: int = 0) -> np.ndarray:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    phases = np.random.default_rng(seed).uniform(0, 2 * np.pi, len(freqs_hz))
    return scaled(sum(np.sin(2 * np.pi * f * t + p) for f, p in zip(freqs_hz, phases)), level_dbfs)


def quiet(seconds: float, seed: int = 1) -> np.ndarray:
    return scaled(np.random.default_rng(seed).standard_normal(int(seconds * RATE_HZ)), LINE_NOISE_DBFS)


def cadence(freqs_hz: tuple[float, ...], on_s: float, off_s: float, cycles: int, level_dbfs: float) -> np.ndarray:
    return np.concatenate(
        [part for i in range(cycles) for part in (tone(freqs_hz, on_s, level_dbfs, i), quiet(off_s, i))]
    )


def note(f0_hz: float, seconds: float, harmonics: int = 8) -> np.ndarray:
    """A note with decaying harmonics, a 20 ms attack and a 50 ms release."""
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    x = sum(0.7**k * np.sin(2 * np.pi * (k + 1) * f0_hz * t) for k in range(harmonics))
    return x * np.clip(np.minimum(t / 0.02, (seconds - t) / 0.05), 0.0, 1.0)


def midi_hz(note: int) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def chords(level_dbfs: float) -> np.ndarray:
    chords = ((60, 64, 67), (65, 69, 72), (67, 71, 74), (60, 64, 67))
    return scaled(np.concatenate([sum(note(midi_hz(m), 1.0) for m in chord) for chord in chords]), level_dbfs)


def melody(level_dbfs: float) -> np.ndarray:
    """Quarter notes of 0.25 s over a bass note that changes every bar."""
    notes = (72, 74, 76, 77, 79, 77, 76, 74, 72, 76, 79, 84)
    x = np.concatenate(
        [note(midi_hz(m), 0.25) + 0.7 * note(midi_hz(48 + 5 * (i // 4) % 12), 0.25, 5) for i, m in enumerate(notes)]
    )
    return scaled(x, level_dbfs)


def sustained(level_dbfs: float) -> np.ndarray:
    return scaled(np.concatenate([note(midi_hz(57), 2.0), note(midi_hz(62), 2.0)]), level_dbfs)


def noise(kind: str, seconds: float, level_dbfs: float, seed: int = 2) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal(int(seconds * RATE_HZ))
    if kind == "pink":
        spectrum = np.fft.rfft(x)
        spectrum[1:] /= np.sqrt(np.fft.rfftfreq(len(x), 1 / RATE_HZ)[1:])
        spectrum[0] = 0.0
        x = np.fft.irfft(spectrum, len(x))
    return scaled(x, level_dbfs)


DTMF_KEYS_HZ = {
    "1": (697, 1209),
    "2": (697, 1336),
    "3": (697, 1477),
    "4": (770, 1209),
    "5": (770, 1336),
    "6": (770, 1477),
    "7": (852, 1209),
    "8": (852, 1336),
    "9": (852, 1477),
    "0": (941, 1336),
    "*": (941, 1209),
    "#": (941, 1477),
    "A": (697, 1633),
    "D": (941, 1633),
}


def dtmf(keys: str, on_s: float, off_s: float, level_dbfs: float) -> np.ndarray:
    return np.concatenate(
        [part for i, key in enumerate(keys) for part in (tone(DTMF_KEYS_HZ[key], on_s, level_dbfs, i), quiet(off_s, i))]
    )


SOUNDS = {
    "ringback_450": lambda db: cadence((450.0,), 1.0, 1.0, 2, db),
    "ringback_425": lambda db: cadence((425.0,), 1.0, 1.5, 2, db),
    "ringback_440_480": lambda db: cadence((440.0, 480.0), 2.0, 1.0, 2, db),
    "ringback_400_450": lambda db: cadence((400.0, 450.0), 0.4, 0.2, 4, db),
    "dial_350_440": lambda db: tone((350.0, 440.0), 2.0, db),
    "busy_480_620": lambda db: cadence((480.0, 620.0), 0.5, 0.5, 3, db),
    "beep_1000": lambda db: cadence((1000.0,), 0.3, 0.7, 3, db),
    "sit": lambda db: np.concatenate([tone((f,), 0.33, db, i) for i, f in enumerate((913.8, 1370.6, 1776.7))]),
    "dtmf_slow": lambda db: dtmf("5551234#", 0.2, 0.3, db),
    "dtmf_fast": lambda db: dtmf("0123456789*#AD", 0.08, 0.08, db),
}
HOLD_MUSIC = {"chords": chords, "melody": melody, "sustained_notes": sustained}
NOISE_BURSTS = {
    "white": lambda db: np.concatenate([noise("white", 0.5, db), quiet(0.7), noise("white", 1.5, db, 3)]),
    "pink": lambda db: np.concatenate([noise("pink", 0.5, db), quiet(0.7), noise("pink", 1.5, db, 3)]),
}
LEVELS_DBFS = (-12.0, -24.0, -36.0)
MUSIC_LEVELS_DBFS = (-12.0, -24.0, -30.0)
"""Music at -36 dBFS is only 9 dB over the phone line's noise: its partials' frequencies wander
too much there to be told from a voice's at its onset (docs/replay.md)."""
