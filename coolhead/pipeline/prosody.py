"""Prosody of one role, streaming and causal: F0, spectral tilt, loudness and speaking rate.

Per frame (vectorised over the frames of a block, numpy only):

- **F0** by a YIN-style cumulative-mean-normalised difference function over the last
  ``F0_WINDOW_S`` of audio (the current frame and the one before it: causal), computed with
  FFTs at 8 kHz whatever the pipeline rate, so clean and telephone audio are measured alike.
  A frame is voiced when VAD says speech and the normalised difference has a dip below
  ``ProsodyConfig.f0_threshold`` inside the 60..400 Hz range.
- **Spectral tilt** (vocal effort): energy 1000-3400 Hz over energy 300-1000 Hz in dB, both
  inside the telephone band, so the measure means the same on 8 kHz phone audio.
- **Voice-band level** (300-3400 Hz, dB), for syllable nuclei.
- **Spectral flux**: how fast the voice-band spectrum changes from one speech frame to the
  next (0..2; squared distance of square-rooted, normalised power spectra). Angry speech moves
  its spectrum faster; the measure ignores level, so a phone line's gain control leaves it be.

Per speech window (``ProsodyWindow``): loudness over speech frames only, F0 median and range,
mean tilt, and the acoustic speaking rate: syllable nuclei (voice-band level peaks that rise
and fall by a few dB and are voiced, after de Jong & Wempe 2009) per second of speech,
language independent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coolhead.config import ProsodyConfig
from coolhead.pipeline.frames import windows
from coolhead.pipeline.quantiles import percentiles

ANALYSIS_RATE_HZ = 8000
"""F0 and tilt are computed at this rate (16 kHz input is decimated by 2)."""
F0_WINDOW_S = 0.06
"""Audio each F0 estimate looks at, ending at the end of its frame."""
LOW_BAND_HZ = (300.0, 1000.0)
HIGH_BAND_HZ = (1000.0, 3400.0)
VOICE_BAND_HZ = (300.0, 3400.0)
_TILT_FFT = 256


@dataclass
class FrameProsody:
    """Per-frame prosody of a block of one role's frames (arrays indexed by frame)."""

    f0_hz: np.ndarray
    """Fundamental frequency, NaN where unvoiced."""
    tilt_db: np.ndarray
    """High-band over low-band energy in dB (NaN where no speech)."""
    band_db: np.ndarray
    """Voice-band (300-3400 Hz) level in dB re int16 full scale (NaN where no speech)."""
    flux: np.ndarray
    """Spectral flux from the previous frame, 0..2 (NaN where either frame is not speech)."""


def yin_f0_hz(segments: np.ndarray, rate_hz: int, fmin_hz: float, fmax_hz: float, threshold: float) -> np.ndarray:
    """F0 (Hz) of each row of ``segments`` (n, L) float, by YIN's normalised difference function.

    The difference function compares the first ``L - rate/fmin`` samples with their lagged
    copies; the first dip below ``threshold`` (0 = perfectly periodic, ~1 = noise) in the
    ``fmin..fmax`` range gives the period, refined by a parabola. NaN where there is none.
    """
    n, length = segments.shape
    tau_max = int(np.ceil(rate_hz / fmin_hz))
    tau_min = max(2, int(np.floor(rate_hz / fmax_hz)))
    width = length - tau_max - 1
    if n == 0:
        return np.zeros(0)
    if width < tau_max // 2:
        raise ValueError(f"F0 window of {length} samples is too short for {fmin_hz} Hz at {rate_hz} Hz")
    x = segments - segments.mean(axis=1, keepdims=True)
    # Lags up to tau_max + 1 of a head of ``width`` samples stay inside the segment, so a circular
    # correlation as long as the segment wraps nothing.
    n_fft = 1 << int(np.ceil(np.log2(length)))
    spec_x = np.fft.rfft(x, n_fft)
    spec_head = np.fft.rfft(x[:, :width], n_fft)
    cross = np.fft.irfft(np.conj(spec_head) * spec_x, n_fft)[:, : tau_max + 2]
    energy = np.zeros((n, length + 1))
    np.cumsum(x * x, axis=1, out=energy[:, 1:])
    lags = np.arange(tau_max + 2)
    e_head = energy[:, width : width + 1]
    e_lag = energy[:, width : width + tau_max + 2] - energy[:, : tau_max + 2]
    diff = np.maximum(e_head + e_lag - 2.0 * cross, 0.0)
    cum = np.cumsum(diff[:, 1:], axis=1)
    cmnd = np.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(cum, 1e-12)
    inner = cmnd[:, tau_min : tau_max + 1]
    left = cmnd[:, tau_min - 1 : tau_max]
    right = cmnd[:, tau_min + 1 : tau_max + 2]
    dips = (inner < threshold) & (inner <= left) & (inner <= right)
    has_dip = dips.any(axis=1)
    first = np.argmax(dips, axis=1)
    tau = first + tau_min
    rows = np.arange(n)
    a, b, c = cmnd[rows, tau - 1], cmnd[rows, tau], cmnd[rows, tau + 1]
    denom = a - 2.0 * b + c
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (a - c) / np.where(denom == 0, 1, denom), 0.0)
    f0 = rate_hz / (tau + np.clip(shift, -0.5, 0.5))
    return np.where(has_dip, f0, np.nan)


class FrameAnalyser:
    """Per-frame F0, tilt and voice-band level of one role's consecutive frames.

    Keeps the tail of the previous block so that the F0 window of the first frame of a block
    reaches back into the last one: results do not depend on how frames are grouped in blocks.
    """

    def __init__(self, config: ProsodyConfig, rate_hz: int, frame_len: int) -> None:
        if rate_hz not in (8000, 16000):
            raise ValueError(f"prosody needs 8000 or 16000 Hz audio, got {rate_hz}")
        self._config = config
        self._decimate = rate_hz // ANALYSIS_RATE_HZ
        self._frame_len = frame_len // self._decimate
        self._window_len = max(int(F0_WINDOW_S * ANALYSIS_RATE_HZ), self._frame_len)
        self._tail = np.zeros(self._window_len - self._frame_len, np.float64)
        freqs = np.fft.rfftfreq(_TILT_FFT, 1.0 / ANALYSIS_RATE_HZ)
        self._low = (freqs >= LOW_BAND_HZ[0]) & (freqs < LOW_BAND_HZ[1])
        self._high = (freqs >= HIGH_BAND_HZ[0]) & (freqs < HIGH_BAND_HZ[1])
        self._voice = (freqs >= VOICE_BAND_HZ[0]) & (freqs < VOICE_BAND_HZ[1])
        self._last_shape: np.ndarray | None = None
        """Spectral shape of the previous block's last frame, if it was speech (for flux)."""
        self._taper = np.hanning(self._frame_len)
        # Power of a full-scale sine through the taper, so band_db is in dB re full scale.
        self._full_scale = (32768.0**2) * np.sum(self._taper**2) / 2.0

    def __call__(self, frames: np.ndarray, speech: np.ndarray) -> FrameProsody:
        """``frames``: (n, frame_len) int16 at the pipeline rate; ``speech``: (n,) VAD decision."""
        x = frames.astype(np.float64)
        if self._decimate == 2:
            x = 0.5 * (x[:, 0::2] + x[:, 1::2])
        n = len(x)
        stream = np.concatenate([self._tail, x.reshape(-1)])
        self._tail = stream[len(stream) - len(self._tail) :]
        f0_hz = np.full(n, np.nan)
        tilt_db = np.full(n, np.nan)
        band_db = np.full(n, np.nan)
        flux = np.full(n, np.nan)
        idx = np.flatnonzero(speech)
        if not len(idx):
            if n:
                self._last_shape = None
        else:
            f0_windows = windows(stream, self._window_len, self._frame_len)
            c = self._config
            f0_hz[idx] = yin_f0_hz(f0_windows[idx], ANALYSIS_RATE_HZ, c.f0_min_hz, c.f0_max_hz, c.f0_threshold)
            power = np.abs(np.fft.rfft(x[idx] * self._taper, _TILT_FFT)) ** 2
            low = power[:, self._low].sum(axis=1) + 1e-3
            high = power[:, self._high].sum(axis=1) + 1e-3
            tilt_db[idx] = 10.0 * np.log10(high / low)
            band_db[idx] = 10.0 * np.log10((low + high) / self._full_scale)
            flux[idx] = self._flux(idx, power[:, self._voice], n)
        return FrameProsody(f0_hz, tilt_db, band_db, flux)

    def _flux(self, idx: np.ndarray, voice_power: np.ndarray, n: int) -> np.ndarray:
        """Spectral flux of the speech frames ``idx`` of a block of ``n`` frames (NaN where the
        frame before is not speech); keeps the last frame's shape for the next block."""
        shape = np.sqrt(voice_power / (voice_power.sum(axis=1, keepdims=True) + 1e-3))
        before = np.zeros_like(shape)
        before[1:] = shape[:-1]
        follows = np.empty(len(idx), bool)
        follows[1:] = np.diff(idx) == 1
        follows[0] = idx[0] == 0 and self._last_shape is not None
        if follows[0]:
            before[0] = self._last_shape
        self._last_shape = shape[-1] if idx[-1] == n - 1 else None
        return np.where(follows, np.sum((shape - before) ** 2, axis=1), np.nan)


class NucleusDetector:
    """Syllable nuclei from the voice-band level, one frame at a time (causal hysteresis).

    A nucleus is a level peak at least ``rise_db`` above the valley before it, confirmed once
    the level has fallen ``fall_db`` below it, and voiced (F0 found) at the peak. A nucleus is
    reported on the frame that confirms it.
    """

    def __init__(self, config: ProsodyConfig) -> None:
        self._rise_db = config.nucleus_rise_db
        self._fall_db = config.nucleus_fall_db
        self._valley_db = np.inf
        self._peak_db = -np.inf
        self._peak_voiced = False
        self._rising = False

    def run(self, band_db: np.ndarray, voiced: np.ndarray) -> np.ndarray:
        """``step`` through consecutive frames; which confirm a nucleus. A silent frame after a
        silent one changes nothing, so those are skipped."""
        silent = np.isnan(band_db)
        changes = ~silent
        changes[1:] |= ~silent[:-1]
        changes[:1] = True
        levels, is_voiced = band_db.tolist(), voiced.tolist()
        found = np.zeros(len(band_db), bool)
        found[[i for i in np.flatnonzero(changes).tolist() if self.step(levels[i], is_voiced[i])]] = True
        return found

    def step(self, band_db: float, voiced: bool) -> bool:
        """Advance one frame (``band_db`` NaN = silence); True if a nucleus is confirmed now."""
        if band_db != band_db:  # silence: ends any peak in progress
            found = self._rising and self._peak_voiced
            self._rising, self._valley_db, self._peak_db = False, np.inf, -np.inf
            return found
        if not self._rising:
            self._valley_db = min(self._valley_db, band_db)
            if band_db >= self._valley_db + self._rise_db or self._valley_db == np.inf:
                self._rising, self._peak_db, self._peak_voiced = True, band_db, voiced
            return False
        if band_db > self._peak_db:
            self._peak_db, self._peak_voiced = band_db, voiced
            return False
        if band_db <= self._peak_db - self._fall_db:
            found = self._peak_voiced
            self._rising, self._valley_db = False, band_db
            return found
        return False


@dataclass
class ProsodyWindow:
    """Prosody of the last stretch of one speaker's speech (what an event summarises)."""

    speech_s: float
    """Speech (VAD) time in the window."""
    loudness_db: float
    """Mean power of the speech frames, dBFS."""
    f0_hz: float | None
    """Median F0 of the voiced frames (None if too few are voiced)."""
    f0_range_st: float | None
    """10th to 90th percentile of F0, in semitones."""
    tilt_db: float
    """Mean spectral tilt of the speech frames (higher = more vocal effort)."""
    rate_sps: float
    """Syllable nuclei per second of speech."""
    voiced_share: float
    """Share of speech frames with an F0."""
    flux: float = float("nan")
    """Mean spectral flux over the speech frames (NaN if none follows another speech frame)."""
    new_s: float = 0.0
    """Turn time since the previous window of the same turn (what this one adds)."""


def summarise_window(
    loudness_dbfs: np.ndarray,
    f0_hz: np.ndarray,
    tilt_db: np.ndarray,
    flux: np.ndarray,
    nuclei: int,
    frame_s: float,
    min_voiced_frames: int,
) -> ProsodyWindow:
    """Summary of the speech frames of a window (all arrays hold speech frames only).

    Loudness and tilt are taken over the voiced frames (F0 found) when there are at least
    ``min_voiced_frames`` of them: line noise that VAD let through is never periodic.
    """
    n = len(loudness_dbfs)
    speech_s = n * frame_s
    is_voiced = np.isfinite(f0_hz)
    n_voiced = int(is_voiced.sum())
    f0 = rng = None
    if n_voiced >= min_voiced_frames:
        st = 12.0 * np.log2(f0_hz[is_voiced])
        lo, med, hi = percentiles(st, (10, 50, 90))
        f0, rng = float(2.0 ** (med / 12.0)), float(hi - lo)
        loudness_dbfs, tilt_db = loudness_dbfs[is_voiced], tilt_db[is_voiced]
    loudness_db = float(10.0 * np.log10(np.mean(10.0 ** (loudness_dbfs / 10.0))))
    finite_tilt = tilt_db[np.isfinite(tilt_db)]
    tilt = float(np.mean(finite_tilt)) if len(finite_tilt) else float("nan")
    finite_flux = flux[np.isfinite(flux)]
    return ProsodyWindow(
        speech_s,
        loudness_db,
        f0,
        rng,
        tilt,
        nuclei / speech_s if speech_s else 0.0,
        n_voiced / n if n else 0.0,
        float(np.mean(finite_flux)) if len(finite_flux) else float("nan"),
    )


_LOUD, _F0, _TILT, _FLUX, _NUCLEUS, _SPEECH = range(6)
_COLUMNS = _SPEECH + 1
"""Per-frame columns a ``ProsodyTracker`` keeps (indices above)."""


class ProsodyTracker:
    """One role's prosody, frame by frame: the window summaries that ``prosody`` events carry.

    ``analyse`` computes the per-frame features of a block (vectorised); ``step`` then walks
    the block's frames with the segmenter's decisions. Within a speech segment (a turn) it keeps
    the last ``window_s`` of frames and returns a ``ProsodyWindow`` every ``interval_s`` of
    speech and when the turn ends. Windows never reach back into an earlier turn.
    """

    def __init__(self, config: ProsodyConfig, rate_hz: int, frame_len: int, frame_s: float) -> None:
        self._config = config
        self._frame_s = frame_s
        self._frames = FrameAnalyser(config, rate_hz, frame_len)
        self._nuclei = NucleusDetector(config)
        self._window_frames = max(1, round(config.window_s / frame_s))
        self._n_window = 0
        """Frames of the current turn so far (the window holds the last ``_window_frames``)."""
        self._interval_frames = max(1, round(config.interval_s / frame_s))
        self._first_frames = max(1, round(config.first_after_s / frame_s))
        self._since_emit = 0
        self._recent = np.zeros((self._window_frames, _COLUMNS))
        """Per-frame features of the block's frames, after the frames before it that a window
        may reach back to: frame i of the block is row ``_window_frames + i``."""

    def analyse(self, frames: np.ndarray, loudness_dbfs: np.ndarray, speech: np.ndarray) -> None:
        """Per-frame features of the next block (``speech``: raw VAD decision per frame)."""
        p = self._frames(frames, speech)
        nuclei = self._nuclei.run(p.band_db, np.isfinite(p.f0_hz))
        block = np.column_stack([loudness_dbfs, p.f0_hz, p.tilt_db, p.flux, nuclei, speech])
        before = self._recent[len(self._recent) - self._window_frames :]
        self._recent = np.concatenate([before, block])

    def step(self, i: int, in_speech: bool, turn_started: bool, turn_ended: bool) -> ProsodyWindow | None:
        """Frame ``i`` of the analysed block; returns a window summary when one is due."""
        if turn_started:
            self._n_window = self._since_emit = 0
        if not (in_speech or turn_ended):
            return None
        if in_speech:
            self._n_window += 1
            self._since_emit += 1
        wait = self._interval_frames if self._n_window > self._since_emit else self._first_frames
        due = self._since_emit >= wait or (turn_ended and self._since_emit * 2 >= self._interval_frames)
        if not due:
            return None
        new_s = self._since_emit * self._frame_s
        self._since_emit = 0
        if in_speech:
            last = i
        elif i >= 0:
            last = i - 1  # the turn ended with the frame before this one
        else:
            last = len(self._recent) - self._window_frames - 1  # the call's end: the block's last frame
        rows = self._window_rows(last)
        rows = rows[rows[:, _SPEECH] > 0]
        if len(rows) == 0:
            return None
        window = summarise_window(
            rows[:, _LOUD],
            rows[:, _F0],
            rows[:, _TILT],
            rows[:, _FLUX],
            int(rows[:, _NUCLEUS].sum()),
            self._frame_s,
            self._config.min_voiced_frames,
        )
        window.new_s = new_s
        return window

    def _window_rows(self, last: int) -> np.ndarray:
        """The turn's last frames up to frame ``last`` of the block (a turn's frames are
        consecutive), in the order a ring buffer of ``_window_frames`` rows would hold them:
        the sums over a window then add up exactly as they always have."""
        n = min(self._n_window, self._window_frames)
        end = self._window_frames + last + 1
        rows = self._recent[end - n : end]
        return np.roll(rows, self._n_window % n, axis=0) if self._n_window > n else rows
