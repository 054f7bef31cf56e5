"""Non-speech sound per frame for one role: call-progress tones, DTMF, music, noise bursts.

Streaming and causal, numpy only, vectorised over the frames of a block. A frame is judged on
the 60 ms window ending with it and the window 30 ms before (Hann, at 8 kHz: 16 kHz audio is
halved first; 16.7 Hz bins over 300-3400 Hz, so clean and phone audio are measured alike):

- **Tone** (ringback, dial, busy, SIT, beeps): the two strongest peaks (main lobes, +-33 Hz) hold
  nearly all the band's power, or all but a flat noise floor, in the same bins in both windows,
  at a steady level, and they move less in frequency than a voice's harmonics do.
- **DTMF**: one peak in the keypad's low group and one in its high group, in one window.
- **Music**, fast: both windows alike, peaky, and the strongest partials within 0.7 Hz of where
  they were (line noise's wander allowed for): no voice holds its F0 that still. Slow: over the
  last 0.96 s, half the frames keep a steady, peaky spectral envelope (held notes, vibrato).
- **Noise**: a flat spectrum once its straight-line tilt is taken out (no harmonics, a smooth
  envelope) in both windows, ``noise_above_floor_db`` over the line's noise floor: the line's own
  noise, in a speaker's pauses too, is left to the VAD.

A voice may look like a tone or music for one pair of windows, seldom for two in a row: a pair
counts when the one before it did too, or right after an onset, where a cut blurs the windows
(then it flags only its own frame). Held tones, noise and music go on being flagged while they
continue (music across note changes too), and after any of them, speech frames back at the noise
floor are flagged until speech over the floor is heard or ``nonspeech_hold_s`` has passed
(webrtcvad settles slowly after a loud tone). Frames well over the floor are analysed even when
the VAD does not call them speech, so that what follows a sound is judged knowing of it.

Only the audio up to a frame decides it, and not how frames come in blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coolhead.config import VadConfig
from coolhead.pipeline.frames import windows

SPEECH_OR_QUIET, TONE, MUSIC, NOISE = 0, 1, 2, 3
"""Kinds of frame ``NonSpeechDetector`` returns."""

ANALYSIS_RATE_HZ = 8000
"""16 kHz audio is halved by averaging sample pairs (the aliasing folds white noise back flat)."""
WINDOW_S = 0.06
"""Analysis window, ending at the end of its frame."""
COMPARE_S = 0.03
"""Each window is compared with the one this much earlier."""
BAND_HZ = (300.0, 3400.0)
PEAK_HALF_WIDTH_HZ = 31.25
"""A peak's power is summed over this much either side of its bin (a tone's main lobe)."""
ENVELOPE_BAND_HZ = 125.0
"""The spectral envelope sums the power over bands this wide."""
DTMF_LOW_HZ = np.array([697.0, 770.0, 852.0, 941.0])
DTMF_HIGH_HZ = np.array([1209.0, 1336.0, 1477.0, 1633.0])
DTMF_TOLERANCE = 0.02
"""Relative frequency tolerance of a DTMF peak (ITU-T Q.24 allows 1.5 %)."""

_SINGLE_PEAK_RATIO = 0.05
"""A second peak weaker than this (re the first) is noise: the tone is a single one."""
_TONE_NOISY_PEAK_SHARE = 0.85
"""A tone in line noise: this much of the power in its peaks..."""
_TONE_NOISY_REST_FLATNESS = 0.4
"""...and the rest flat (a noise floor, not a voice's other harmonics)."""
_TONE_ONSET_PEAK_SHARE = 0.8
"""The window before a tone's may hold its onset (spread by the cut)."""
_TONE_MIN_SIMILARITY = 0.9
"""Cosine similarity of the two windows' magnitude spectra a tone needs..."""
_TONE_SAME_SIMILARITY = 0.995
"""...and above which it needs no steady frequency: two tones closer than a main lobe beat, and
their merged peak's frequency wobbles."""
_DTMF_PEAK_SHARE = 0.9
"""Two peaks at keypad frequencies need only this share (a short digit's window holds its cut)."""
_TONE_CONTINUE_PEAK_SHARE = 0.7
_TONE_CONTINUE_SIMILARITY = 0.95
"""A held tone goes on (fading included) while its peaks keep this share and its spectrum this
similarity, in the same bins, no louder than ``_CONTINUE_LEVEL_DB`` over it."""
_CONTINUE_LEVEL_DB = 4.0
_MUSIC_MAX_FLATNESS = 0.3
"""Music is peaky: spectral flatness (geometric over arithmetic mean) below this."""
_MUSIC_MAX_DRIFT_HZ = 0.7
_DRIFT_NOISE_BINS = 2.0
"""A steady partial with power-to-noise ratio r seems to move by about this many bins over sqrt(r)."""
_TONE_ONSET_SIMILARITY = 0.8
_MUSIC_ONSET_SIMILARITY = 0.9
_TONE_ONSET_DRIFT_HZ = 5.0
_MUSIC_ONSET_DRIFT_HZ = 1.0
"""Right after an onset (one of the two earlier windows a sound's first), a pair this similar with
partials this steady will do."""
_STEADY_MIN_SIMILARITY = 0.97
"""Envelope similarity of a steady frame (slow music evidence)."""
_STEADY_SPAN_S = 0.96
_STEADY_MIN_SHARE = 0.5
"""Share of steady frames over ``_STEADY_SPAN_S`` that confirms music..."""
_STEADY_KEEP_SHARE = 0.25
"""...and above which a steady frame is evidence of music going on."""
_MUSIC_BRIDGE_S = 0.09
_MUSIC_HELD_FRAMES = 3
"""Music evident in this many frames in a row goes on ``_MUSIC_BRIDGE_S`` after (note changes,
a note's release); a voice's steady stretch seldom lasts that long."""
_MUSIC_CONTINUE_DRIFT_HZ = 1.5
"""Confirmed music goes on through frames as alike as fast music whose partials move less than this."""
_NOISE_MIN_FLATNESS = 0.45
"""Flatness of the untilted fine spectrum: ~0.56 for white and pink noise, low for a voice."""
_NOISE_MIN_RAW_FLATNESS = 0.15
"""Below this flatness even steeply tilted noise is not noise once untilted: skip the measure."""
_NOISE_MAX_ENVELOPE_DB = 3.2
"""RMS deviation of the envelope from its straight-line tilt: ~2 dB for noise, 4-8 for voice."""
_LEVEL_STEADY_DB = 1.0
"""A steady sound's window may be this much quieter than the one before..."""
_LEVEL_RISE_DB = 6.0
"""...or this much louder (the earlier one may hold the onset); a bigger jump is an onset."""
_FADE_STEADY_DB = 2.0
"""Noise and music may fade this much in 30 ms (a note's decay)."""
_FLOOR_RISE_DB_S = 1.0
"""The noise floor follows the quietest frames down at once and rises this slowly."""
_TAIL_OVER_FLOOR_DB = 3.0
"""After a flagged sound, speech frames within this of the floor are flagged too..."""
_HEARD_FRAMES = 3
"""...until this many speech frames over it in a row have been heard."""
_ANALYSE_OVER_FLOOR_DB = 6.0
"""Frames this far over the floor are analysed even when the VAD does not call them speech."""
_MAX_BLOCK_FRAMES = 128
"""Longer blocks are analysed in parts of this many frames (same result, less memory)."""
_LOOK_BACK = 3
"""Windows (``COMPARE_S`` apart) a frame's judgement looks back at: its pair's, and one more for onsets."""


def _peak_shift(log_power: np.ndarray, rows: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """Where the partial at each of the (n, k) ``peaks`` bins of the ``rows`` (n, 1) of
    ``log_power`` lies, in bins from the bin's centre, by a parabola through the log power there
    and at the neighbours (within half a bin); NaN at the band's edges, where the largest bin is
    the flank of a peak outside the band."""
    last = log_power.shape[1] - 1
    inside = (peaks > 0) & (peaks < last)
    centre = np.where(inside, peaks, 1)
    a, b, c = log_power[rows, centre - 1], log_power[rows, centre], log_power[rows, centre + 1]
    denom = np.minimum(a - 2.0 * b + c, -1e-9)
    return np.where(inside, np.clip(0.5 * (a - c) / denom, -0.5, 0.5), np.nan)


def _ramp_flatness(growth: np.ndarray, m: int) -> np.ndarray:
    """Flatness of m bins whose power grows by the factor e**growth per bin: m sinh(g/2) / sinh(mg/2)."""
    g = np.where(np.abs(growth) < 1e-9, 1e-9, growth)
    return m * np.sinh(g / 2.0) / np.sinh(m * g / 2.0)


@dataclass
class _Judgement:
    """What the window pairs of a run of frames show (arrays indexed by frame)."""

    kind: np.ndarray
    """TONE, NOISE, MUSIC (fast rule) or SPEECH_OR_QUIET, from the frame's own windows."""
    held: np.ndarray
    """The kind is held (not a lone pair right after an onset): what continues it is flagged too."""
    steady: np.ndarray
    """A steady, peaky envelope (slow music evidence)."""
    music_goes_on: np.ndarray
    peaks: np.ndarray
    """(n, 2) bins of the two strongest peaks, lower first."""
    tone_goes_on: np.ndarray
    noise_goes_on: np.ndarray


class NonSpeechDetector:
    """Kind of sound (``TONE``, ``MUSIC``, ``NOISE`` or ``SPEECH_OR_QUIET``) of the frames of one
    role that the VAD calls speech.

    Keeps explicit streaming state (the audio and the evidence the next block's frames look back
    at); ``reset()`` starts a new stream. The frame length is taken from the first block.
    """

    def __init__(self, config: VadConfig, rate_hz: int) -> None:
        if rate_hz not in (8000, 16000):
            raise ValueError(f"non-speech detection needs 8000 or 16000 Hz audio, got {rate_hz}")
        self._config = config
        self._decimate = rate_hz // ANALYSIS_RATE_HZ
        self._window_len = int(round(WINDOW_S * ANALYSIS_RATE_HZ))
        freqs_hz = np.fft.rfftfreq(self._window_len, 1.0 / ANALYSIS_RATE_HZ)
        band = np.flatnonzero((freqs_hz >= BAND_HZ[0]) & (freqs_hz < BAND_HZ[1]))
        self._band = slice(int(band[0]), int(band[-1]) + 1)
        self._freqs_hz = freqs_hz[self._band]
        bin_hz = freqs_hz[1]
        self._peak_bins = int(round(PEAK_HALF_WIDTH_HZ / bin_hz))
        self._envelope_bins = int(round(ENVELOPE_BAND_HZ / bin_hz))
        m = len(self._freqs_hz)
        n_bands = m // self._envelope_bins
        self._to_envelope = np.zeros((m, n_bands))
        self._to_envelope[
            np.arange(n_bands * self._envelope_bins), np.arange(n_bands * self._envelope_bins) // self._envelope_bins
        ] = 1.0
        """Sums the bins of each envelope band (power @ this)."""
        self._envelope_slope_axis = np.arange(n_bands) - (n_bands - 1) / 2.0
        self._ramp_slopes_db = np.linspace(-4.0, 4.0, 801)
        self._ramp_flatness = _ramp_flatness(self._ramp_slopes_db * np.log(10.0) / 10.0 / self._envelope_bins, m)
        """Flatness of a spectrum that is a pure straight-line tilt, per slope (dB per envelope band)."""
        distance = np.abs(np.arange(m)[:, None] - np.arange(m))
        self._lobe = (distance <= self._peak_bins).astype(np.float64)
        """Row p: the bins of a peak at bin p (its main lobe)."""
        self._off_lobe = (distance > self._peak_bins + 1).astype(np.float64)
        """Row p: where a second peak may be, clear of the main lobe of the first at p."""
        self._dtmf_bins = [
            np.abs(self._freqs_hz / group[:, None] - 1.0).min(axis=0) <= DTMF_TOLERANCE
            for group in (DTMF_LOW_HZ, DTMF_HIGH_HZ)
        ]
        """Bins within the tolerance of a keypad frequency, low and high group."""
        self._taper = np.hanning(self._window_len)
        self._full_scale = (32768.0**2) * np.sum(self._taper**2) / 2.0
        """Band power of a full-scale sine, so levels are in dB re full scale."""
        self._noise_bin_power = (32768.0**2) * np.sum(self._taper**2) / (self._window_len / 2)
        """Power per bin of white noise at 0 dBFS (RMS)."""
        self.reset()

    def reset(self) -> None:
        """Forget the stream: the next frame is the first of a new one."""
        self._frame_len = 0
        """Set by the first block, with the buffers that depend on it."""
        self._tail = np.zeros(0)
        """The samples before the next block that its first windows reach back into."""
        self._steady_history = np.zeros(0, bool)
        self._floor_db = np.inf
        """Noise floor: unknown before the first frame."""
        self._gate_floor_db = self._config.min_level_dbfs
        """The floor the analysis gate assumes at the start: anything over the level gate counts."""
        self._n_frames = 0
        self._last_music = -(10**9)
        """Stream frame index of the latest frame ending ``_MUSIC_HELD_FRAMES`` with evidence of music."""
        self._music_evidence = np.zeros(_MUSIC_HELD_FRAMES - 1, bool)
        """Music evidence of the latest frames, for the run that starts a bridge."""
        self._music_confirmed = -(10**9)
        self._music_break = -(10**9) + 1
        """Stream frame indices of the latest confirmation of music and of the latest frame since
        that neither confirmed nor continued it."""
        self._tone_pair = self._music_pair = False
        """Whether the latest frame's window pair showed a tone, or music by the fast rule."""
        self._kind = SPEECH_OR_QUIET
        self._last_flagged = self._last_held = -(10**9)
        """Stream frame indices of the latest flagged frame and of the latest held one."""
        self._sound_db = 0.0
        self._tone_bins = np.zeros(2, np.int64)
        self._heard = 0
        """Speech frames over the floor in a row since the latest flagged one."""

    def _setup(self, frame_len: int) -> None:
        self._frame_len = frame_len
        frame_s = frame_len / (self._decimate * ANALYSIS_RATE_HZ)
        hop = frame_len // self._decimate
        self._compare = max(1, int(round(COMPARE_S / frame_s)))
        self._tail = np.zeros(self._window_len - hop + _LOOK_BACK * self._compare * hop)
        self._steady_span = max(1, int(round(_STEADY_SPAN_S / frame_s)))
        self._steady_history = np.zeros(self._steady_span - 1, bool)
        self._bridge = max(1, int(round(_MUSIC_BRIDGE_S / frame_s)))
        self._hold = max(1, int(round(self._config.nonspeech_hold_s / frame_s)))
        self._floor_rise_db = _FLOOR_RISE_DB_S * frame_s

    def __call__(self, frames: np.ndarray, loudness_dbfs: np.ndarray, speech: np.ndarray) -> np.ndarray:
        """``frames``: (n, frame_len) int16 at the pipeline rate; ``loudness_dbfs``: their RMS
        level; ``speech``: the VAD's decision, True for the frames to judge. Returns (n,) int8
        kinds; a judged frame of any kind but ``SPEECH_OR_QUIET`` is non-speech sound."""
        kinds = np.zeros(len(frames), np.int8)
        if len(frames) and frames.shape[1] != self._frame_len:
            self._setup(frames.shape[1])
        for start in range(0, len(frames), _MAX_BLOCK_FRAMES):
            part = slice(start, start + _MAX_BLOCK_FRAMES)
            kinds[part] = self._block(frames[part], loudness_dbfs[part], speech[part])
        return kinds

    def _block(self, frames: np.ndarray, loudness_dbfs: np.ndarray, speech: np.ndarray) -> np.ndarray:
        n = len(frames)
        c = self._compare
        x = frames.reshape(-1).astype(np.float64)
        if self._decimate == 2:
            x = 0.5 * (x[0::2] + x[1::2])
        hop = len(x) // n
        stream = np.concatenate([self._tail, x])
        self._tail = stream[len(stream) - len(self._tail) :]
        floor_db, gate_floor_db = self._floors(loudness_dbfs)
        loud = loudness_dbfs >= self._config.min_level_dbfs
        speech = speech & loud
        analysed = speech | (loud & (loudness_dbfs >= gate_floor_db + _ANALYSE_OVER_FLOOR_DB))
        kinds = np.zeros(n, np.int8)
        where = np.flatnonzero(analysed)
        if not len(where):
            self._no_evidence(n)
            return kinds
        # Frames first..last-1 and the windows back to 3c before them; frame j's starts at (3c + j) * hop.
        first, last = int(where[0]), int(where[-1]) + 1
        back = _LOOK_BACK * c
        span = stream[first * hop : (last - 1 + back) * hop + self._window_len]
        spectrum = np.fft.rfft(windows(span, self._window_len, hop) * self._taper)[:, self._band]
        part = slice(first, last)
        is_analysed = analysed[part]
        if first > 0:
            self._tone_pair = self._music_pair = False
        j = self._rules(spectrum.real**2 + spectrum.imag**2 + 1.0, c, is_analysed, floor_db[part], loudness_dbfs[part])
        if last < n:
            self._tone_pair = self._music_pair = False
        fast_music = (j.kind == MUSIC) & is_analysed
        found = np.where(fast_music | ~is_analysed, SPEECH_OR_QUIET, j.kind)
        music, music_held = self._music(
            fast_music, fast_music & j.held, j.music_goes_on, j.steady & is_analysed, is_analysed, first, n
        )
        found[music & (found == SPEECH_OR_QUIET)] = MUSIC
        held = (j.held & (found != SPEECH_OR_QUIET) & (found != MUSIC)) | (music_held & (found == MUSIC))
        self._follow(
            found,
            held,
            first,
            speech[part],
            is_analysed,
            loudness_dbfs[part],
            floor_db[part],
            j.tone_goes_on,
            j.peaks,
            j.noise_goes_on,
        )
        self._n_frames += n
        kinds[part] = found * speech[part]
        return kinds

    def _rules(
        self, power: np.ndarray, c: int, analysed: np.ndarray, floor_db: np.ndarray, loudness_dbfs: np.ndarray
    ) -> _Judgement:
        """Per frame, from the power spectra (300-3400 Hz) of its window and of the windows every
        c frames back to ``_LOOK_BACK`` c: the kind the pair of its window and the one before
        shows (music from the fast rule only), whether its envelope is steady, its two peak bins
        (lower, higher), and whether it can continue a tone or a noise. The costly measures are
        taken only on the frames that may need them."""
        config = self._config
        n_rows, m = power.shape
        n = n_rows - _LOOK_BACK * c
        cur, old = slice(_LOOK_BACK * c, None), slice((_LOOK_BACK - 1) * c, (_LOOK_BACK - 1) * c + n)
        total = power.sum(axis=1)
        level_db = 10.0 * np.log10(total / self._full_scale)
        rise_db = level_db[cur] - level_db[old]
        magnitude = np.sqrt(power)
        similarity = np.einsum("ij,ij->i", magnitude[cur], magnitude[old]) / np.sqrt(total[cur] * total[old])
        """Cosine similarity of the two windows' magnitude spectra."""
        jump = level_db[c:] - level_db[:-c] > _LEVEL_RISE_DB
        after_onset = jump[c : c + n] | jump[:n]
        """One of the two earlier windows is a sound's first: the cut blurs its spectrum and the
        next one's, so the pair may look less alike and a voice's persistence is not asked for."""
        log_power = np.log(power)
        flatness = np.exp(log_power.sum(axis=1) / m) / (total / m)
        envelope = power @ self._to_envelope
        shape = np.sqrt(envelope)
        envelope_total = envelope.sum(axis=1)
        envelope_similarity = np.einsum("ij,ij->i", shape[cur], shape[old]) / np.sqrt(
            envelope_total[cur] * envelope_total[old]
        )
        peaky = flatness < _MUSIC_MAX_FLATNESS
        steady = (envelope_similarity >= _STEADY_MIN_SIMILARITY) & (np.abs(rise_db) <= _LEVEL_STEADY_DB) & peaky[cur]
        fading = (rise_db >= -_FADE_STEADY_DB) & (rise_db <= _LEVEL_RISE_DB)
        tone_pair, music_pair, dtmf = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)

        peaks, share, rest_log, n_rest = self._peaks(power, log_power)
        same_bins = (np.abs(peaks[cur] - peaks[old]) <= 1).all(axis=1)
        maybe_tone = (
            (share[cur] >= _TONE_NOISY_PEAK_SHARE)
            & (share[old] >= _TONE_ONSET_PEAK_SHARE)
            & (same_bins | after_onset)
            & (rise_db >= -_LEVEL_STEADY_DB)
            & (rise_db <= _LEVEL_RISE_DB)
            & (similarity >= np.where(after_onset, _TONE_ONSET_SIMILARITY, _TONE_MIN_SIMILARITY))
        )
        maybe_dtmf = share[cur] >= _TONE_NOISY_PEAK_SHARE
        alike = (similarity >= config.music_min_similarity) | (after_onset & (similarity >= _MUSIC_ONSET_SIMILARITY))
        maybe_music = alike & fading & peaky[cur] & peaky[old]
        which = np.flatnonzero(maybe_tone | maybe_dtmf | maybe_music)
        if len(which):
            r = which + _LOOK_BACK * c
            bin_hz = self._freqs_hz[1] - self._freqs_hz[0]
            shift = _peak_shift(log_power, np.concatenate([r, r - c])[:, None], np.concatenate([peaks[r], peaks[r]]))
            moved_hz = np.abs(shift[: len(r)] - shift[len(r) :]) * bin_hz
            """How far the two strongest partials moved in 30 ms."""
            drift_hz = moved_hz.max(axis=1)
            floor_bin = self._noise_bin_power * 10.0 ** (floor_db[which] / 10.0)
            peak_snr = np.exp(log_power[r[:, None], peaks[r]]) / floor_bin[:, None]
            """Each partial's power over what a bin holds of the line's noise floor."""
            music_drift_hz = (moved_hz - _DRIFT_NOISE_BINS * bin_hz / np.sqrt(peak_snr)).max(axis=1)
            """The movement less what line noise makes a steady partial's estimate wander."""
            rest_flatness = np.exp(rest_log[r] / n_rest[r]) / ((1.0 - share[r]) * total[r] / n_rest[r])
            """Flatness of the spectrum off the peaks: high for a tone in line noise, low for a voice."""
            tone_like = (share[r] >= config.tone_min_peak_share) | (rest_flatness >= _TONE_NOISY_REST_FLATNESS)
            steady_partials = (
                (drift_hz <= config.tone_max_drift_hz)
                | (similarity[which] >= _TONE_SAME_SIMILARITY)
                | (after_onset[which] & (drift_hz <= _TONE_ONSET_DRIFT_HZ))
            )
            tone_pair[which] = maybe_tone[which] & tone_like & steady_partials
            dtmf_like = tone_like | (share[r] >= _DTMF_PEAK_SHARE)
            dtmf[which] = (
                maybe_dtmf[which] & dtmf_like & self._dtmf_bins[0][peaks[r, 0]] & self._dtmf_bins[1][peaks[r, 1]]
            )
            music_pair[which] = maybe_music[which] & (
                ((similarity[which] >= config.music_min_similarity) & (music_drift_hz <= _MUSIC_MAX_DRIFT_HZ))
                | (after_onset[which] & (music_drift_hz <= _MUSIC_ONSET_DRIFT_HZ))
            )
        tone_pair &= analysed
        music_pair &= analysed
        tone_held = tone_pair & np.concatenate([[self._tone_pair], tone_pair[:-1]])
        music_held = music_pair & np.concatenate([[self._music_pair], music_pair[:-1]])
        """A pair counts when the pair before it counted too: a voice can hold still for one pair,
        seldom for two. Right after an onset one pair flags its frame, but only a held tone or
        music goes on to the frames that continue it."""
        self._tone_pair, self._music_pair = bool(tone_pair[-1]), bool(music_pair[-1])
        tone = dtmf | tone_held | (tone_pair & after_onset)
        music = music_held | (music_pair & after_onset)
        found = np.where(tone, TONE, np.where(music, MUSIC, SPEECH_OR_QUIET)).astype(np.int8)
        held = dtmf | tone_held | music_held

        above_floor = loudness_dbfs >= floor_db + config.noise_above_floor_db
        noise_like = np.zeros(n_rows, bool)
        rows = np.flatnonzero(flatness >= _NOISE_MIN_RAW_FLATNESS)
        if len(rows):
            noise_like[rows] = self._noise_like(envelope[rows], flatness[rows], m)
        noise = noise_like[cur] & noise_like[old] & fading & above_floor & (found == SPEECH_OR_QUIET)
        found[noise] = NOISE
        held |= noise
        tone_goes_on = (share[cur] >= _TONE_CONTINUE_PEAK_SHARE) & (similarity >= _TONE_CONTINUE_SIMILARITY)
        music_goes_on = np.zeros(n, bool)
        if len(which):
            music_goes_on[which] = (similarity[which] >= config.music_min_similarity) & (
                music_drift_hz <= _MUSIC_CONTINUE_DRIFT_HZ
            )
        music_goes_on &= peaky[cur] & fading
        return _Judgement(found, held, steady, music_goes_on, peaks[cur], tone_goes_on, noise_like[cur] & above_floor)

    def _peaks(self, power: np.ndarray, log_power: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per window: the bins (lower, higher) of its two strongest peaks (the strongest, and the
        strongest clear of its main lobe, which may be a close second tone's; the first twice when
        the second is only noise), the share of the power in their main lobes, and the summed log
        power and the number of the bins outside them."""
        p1 = power.argmax(axis=1)
        p2 = (power * self._off_lobe[p1]).argmax(axis=1)
        lobe1 = self._lobe[p1]
        lobe2 = self._lobe[p2] * (1.0 - lobe1)
        power1 = np.einsum("ij,ij->i", power, lobe1)
        power2 = np.einsum("ij,ij->i", power, lobe2)
        in_lobes = lobe1 + lobe2
        share = (power1 + power2) / power.sum(axis=1)
        rest_log = log_power.sum(axis=1) - np.einsum("ij,ij->i", log_power, in_lobes)
        p2 = np.where(power2 < _SINGLE_PEAK_RATIO * power1, p1, p2)
        """A lone tone: the second 'peak' is only noise, so it stands for the first."""
        peaks = np.stack([np.minimum(p1, p2), np.maximum(p1, p2)], axis=1)
        return peaks, share, rest_log, power.shape[1] - in_lobes.sum(axis=1)

    def _noise_like(self, envelope: np.ndarray, flatness: np.ndarray, m: int) -> np.ndarray:
        """Noise: a flat fine spectrum once the envelope's straight-line tilt is taken out (~0.56
        for white and pink noise alike), and an envelope that keeps close to that line."""
        env_db = 10.0 * np.log10(envelope)
        k = self._envelope_slope_axis
        slope_db = env_db @ k / (k @ k)
        mean_db = env_db.mean(axis=1)
        mean_square = np.einsum("ij,ij->i", env_db, env_db) / len(k)
        deviation_db = np.sqrt(np.maximum(mean_square - mean_db**2 - slope_db**2 * (k @ k) / len(k), 0.0))
        untilted = flatness / np.interp(slope_db, self._ramp_slopes_db, self._ramp_flatness)
        return (untilted >= _NOISE_MIN_FLATNESS) & (deviation_db <= _NOISE_MAX_ENVELOPE_DB)

    def _music(
        self,
        fast: np.ndarray,
        fast_held: np.ndarray,
        goes_on: np.ndarray,
        steady: np.ndarray,
        analysed: np.ndarray,
        first: int,
        n: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Music for frames first.. of a block of n (arrays cover those frames): confirmed by the
        fast rule or by half the frames steady over the last ``_STEADY_SPAN_S``, continued from a
        held confirmation by the frames that keep its spectrum (``goes_on``), and bridged for
        ``_MUSIC_BRIDGE_S`` after ``_MUSIC_HELD_FRAMES`` of it in a row. Also: which of those are held music
        (all but lone fast confirmations), the only ones a tail may follow."""
        history = np.zeros(len(self._steady_history) + n, bool)
        history[: len(self._steady_history)] = self._steady_history
        start = len(self._steady_history) + first
        history[start : start + len(steady)] = steady
        counts = np.concatenate([[0], np.cumsum(history)])
        steady_share = (counts[self._steady_span :] - counts[: -self._steady_span]) / self._steady_span
        self._steady_history = history[len(history) - len(self._steady_history) :]
        share = steady_share[first : first + len(steady)]
        frame_index = self._n_frames + first + np.arange(len(steady))
        slow = (share >= _STEADY_MIN_SHARE) & analysed
        confirmed = fast | slow
        if first > 0:
            self._music_break = self._n_frames + first - 1
        last_confirmed = np.maximum.accumulate(np.where(fast_held | slow, frame_index, self._music_confirmed))
        last_break = np.maximum.accumulate(np.where(confirmed | (goes_on & analysed), self._music_break, frame_index))
        music = last_confirmed > last_break
        """Confirmed, or continuing without a break since it was."""
        self._music_confirmed = int(last_confirmed[-1])
        self._music_break = int(last_break[-1]) if first + len(steady) == n else self._n_frames + n - 1
        evidence = music | (steady & (share >= _STEADY_KEEP_SHARE) & analysed)
        before = self._music_evidence if first == 0 else np.zeros(_MUSIC_HELD_FRAMES - 1, bool)
        run = np.concatenate([before, evidence])
        held = np.ones(len(evidence), bool)
        for k in range(_MUSIC_HELD_FRAMES):
            held &= run[k : k + len(evidence)]
        self._music_evidence = run[len(run) - len(before) :] if first + len(steady) == n else np.zeros_like(before)
        last_music = np.maximum.accumulate(np.where(held, frame_index, self._last_music))
        self._last_music = int(last_music[-1])
        held_music = analysed & (music | (frame_index - last_music <= self._bridge))
        return held_music | (fast & analysed), held_music

    def _no_evidence(self, n: int) -> None:
        """Move the state past n frames none of which is analysed."""
        history = np.concatenate([self._steady_history, np.zeros(n, bool)])
        self._steady_history = history[len(history) - len(self._steady_history) :]
        self._music_evidence = np.zeros(_MUSIC_HELD_FRAMES - 1, bool)
        self._tone_pair = self._music_pair = False
        self._music_break = self._n_frames + n - 1
        self._n_frames += n

    def _floors(self, loudness_dbfs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Noise floor at each frame, following quieter frames at once and rising by
        ``_FLOOR_RISE_DB_S`` (floor[i] = min(loudness[i], floor[i-1] + rise), unrolled into a
        cumulative minimum); and the same from the level gate for the analysis gate."""
        rise = self._floor_rise_db * np.arange(len(loudness_dbfs))
        lowest = np.minimum.accumulate(loudness_dbfs - rise)
        floor_db = rise + np.minimum(self._floor_db + self._floor_rise_db, lowest)
        gate_floor_db = rise + np.minimum(self._gate_floor_db + self._floor_rise_db, lowest)
        self._floor_db, self._gate_floor_db = float(floor_db[-1]), float(gate_floor_db[-1])
        return floor_db, gate_floor_db

    def _follow(
        self,
        kinds: np.ndarray,
        held: np.ndarray,
        first: int,
        speech: np.ndarray,
        analysed: np.ndarray,
        loudness_dbfs: np.ndarray,
        floor_db: np.ndarray,
        tone_goes_on: np.ndarray,
        peaks: np.ndarray,
        noise_goes_on: np.ndarray,
    ) -> None:
        """Flag the frames that continue a flagged tone or noise, and the speech frames at the
        noise floor that follow a flagged sound before any speech over the floor does. The arrays
        cover frames first.. of the block. Walks the frames one by one, but only those within
        ``nonspeech_hold_s`` of a flagged one."""
        flagged = np.flatnonzero(held)
        offset = self._n_frames + first
        i = 0
        while i < len(kinds):
            if held[i]:
                self._kind, self._sound_db = int(kinds[i]), float(loudness_dbfs[i])
                self._last_flagged = self._last_held = offset + i
                self._tone_bins = peaks[i]
                self._heard = 0
            elif kinds[i]:
                self._heard = 0
            elif offset + i - self._last_flagged > self._hold:
                later = flagged[flagged > i]
                if not len(later):
                    return
                i = int(later[0])
                continue
            else:
                level = float(loudness_dbfs[i])
                if self._kind == TONE:
                    goes_on = (
                        level <= self._sound_db + _CONTINUE_LEVEL_DB
                        and bool(tone_goes_on[i])
                        and bool((np.abs(peaks[i] - self._tone_bins) <= 1).all())
                    ) or (
                        offset + i - self._last_held <= self._bridge and abs(level - self._sound_db) <= _LEVEL_STEADY_DB
                    )
                    """The same tone fading, or at the same level a next one (a SIT or DTMF sequence)."""
                else:
                    goes_on = self._kind == NOISE and bool(noise_goes_on[i])
                heard = False
                if goes_on and analysed[i]:
                    kinds[i] = self._kind
                    self._last_flagged = offset + i
                elif speech[i]:
                    if level <= float(floor_db[i]) + _TAIL_OVER_FLOOR_DB:
                        kinds[i] = self._kind
                    else:
                        heard = True
                self._heard = self._heard + 1 if heard else 0
                if self._heard >= _HEARD_FRAMES:
                    self._last_flagged = -(10**9)
                    """Speech over the floor long enough to open a segment: what follows is judged afresh."""
            i += 1
