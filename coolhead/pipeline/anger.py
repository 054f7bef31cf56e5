"""Speaker-adaptive anger level: departures of prosody from the speaker's own calm baseline.

For each window of a speaker's speech (``ProsodyWindow``) the departures from their baseline
in loudness (dB), median F0 and F0 range (semitones), spectral tilt (dB) and speaking rate
(syllables/s) are clipped and combined by a logistic model into a level 0..1. A second
logistic model of the same departures, weighted for loudness and vocal effort, scores how
clearly the voice is *raised* (what ``lower_voice`` listens to for the agent).

The baseline is a percentile of the speaker's own past windows, and aroused speech can only
creep into it: windows scored as aroused enter the baseline history only one in
``aroused_admit_every``. An angry opening therefore stops being the reference once the speaker
calms down. Spectral tilt also has a population prior (calm speech across speakers) that
weighs like ``tilt_prior_windows`` of the speaker's own windows, so vocal effort counts from
the first sentence on and an angry opening is not taken for the speaker's normal voice.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from coolhead import events
from coolhead.config import AngerConfig, Config, LogisticWeights, RaisedVoiceConfig
from coolhead.events import Event
from coolhead.pipeline.prosody import ProsodyTracker, ProsodyWindow
from coolhead.pipeline.quantiles import median, percentiles
from coolhead.pipeline.segments import SegmentState

FEATURES = ("loudness_db", "f0_st", "f0_range_st", "tilt_db", "rate_sps", "flux")
"""Departures scored, in this order (units in the names)."""
WEIGHT_KEYS = ("w_loudness", "w_f0", "w_f0_range", "w_tilt", "w_rate", "w_flux")
"""``LogisticWeights`` fields weighting each of ``FEATURES``."""
CAP_KEYS = ("loudness_cap_db", "f0_cap_st", "f0_range_cap_st", "tilt_cap_db", "rate_cap_sps", "flux_cap")
"""``AngerConfig`` fields clipping each of ``FEATURES``."""
_TILT = FEATURES.index("tilt_db")


@dataclass
class TurnAnger:
    """A finished turn of one speaker, as the cue policy sees it."""

    start_s: float
    end_s: float
    speech_s: float
    """Speech covered by the turn's anger windows."""
    peak_level: float
    """Highest (smoothed) anger level reached in the turn."""
    aroused_s: float
    """Speech in the turn with the level at or above ``aroused_level``."""
    risen_s: float = 0.0
    """Speech in the turn whose level had risen above the speaker's usual level
    (``RiseTracker``)."""

    def grown(self, end_s: float, new_s: float, level: float, aroused: bool, risen: bool) -> TurnAnger:
        """The turn after one more scored window that adds ``new_s`` of speech."""
        return TurnAnger(
            self.start_s,
            end_s,
            self.speech_s + new_s,
            max(self.peak_level, level),
            self.aroused_s + (new_s if aroused else 0.0),
            self.risen_s + (new_s if risen else 0.0),
        )


@dataclass(frozen=True)
class Stretch:
    """Speech a score has stayed at or above its threshold without a break."""

    since_s: float | None = None
    """Start of the current stretch (None when the score is below the threshold)."""
    speech_s: float = 0.0
    """Speech time in the current stretch."""

    def updated(self, above: bool, end_s: float, interval_s: float) -> Stretch:
        """The stretch after a window of ``interval_s`` of speech ending at ``end_s`` scored above
        or below the threshold."""
        if not above:
            return Stretch()
        return Stretch(end_s - interval_s if self.since_s is None else self.since_s, self.speech_s + interval_s)


@dataclass(frozen=True)
class SpeakerAnger:
    """Anger state of one speaker (read by the cue policy and the cue window); replaced, never
    changed, so a published one stays as it was."""

    level: float = 0.0
    """Latest anger level, 0..1."""
    raised_level: float = 0.0
    """Latest raised-voice score, 0..1."""
    loudness_vs_baseline_db: float = 0.0
    """Latest loudness above the speaker's baseline (dB; negative = quieter)."""
    aroused: Stretch = field(default_factory=Stretch)
    """The current stretch with the anger level at or above ``anger.aroused_level``."""
    raised: Stretch = field(default_factory=Stretch)
    """The current stretch with the raised-voice score at or above ``raised_voice.raised_level``."""
    turn: TurnAnger | None = None
    """The speaker's current turn so far (None between turns): cues need not wait for its end."""
    last_turn: TurnAnger | None = None
    """The speaker's most recent finished turn."""


class SmoothedLogistic:
    """A logistic score of clipped departures whose log-odds are smoothed over the speaker's speech."""

    def __init__(self, weights: LogisticWeights, caps: np.ndarray, smoothing_s: float) -> None:
        self._bias = weights.bias
        self._weights = np.array([getattr(weights, k) for k in WEIGHT_KEYS])
        self._caps = caps
        self._smoothing_s = smoothing_s
        self._z: float | None = None

    def log_odds(self, departure: np.ndarray) -> float:
        """Unsmoothed log-odds of one window's departures (``FEATURES`` order)."""
        return self._bias + float(self._weights @ np.clip(departure, -self._caps, self._caps))

    def smooth(self, z: float, new_s: float) -> float:
        """The score 0..1 after a window of log-odds ``z`` that adds ``new_s`` of speech."""
        share = 1.0 - math.exp(-new_s / self._smoothing_s) if self._smoothing_s > 0 else 1.0  # 0: no smoothing
        self._z = z if self._z is None else self._z + share * (z - self._z)
        return _logistic(self._z)

    @property
    def smoothed_log_odds(self) -> float | None:
        """The smoothed log-odds behind the latest score (None before any window)."""
        return self._z


class RiseTracker:
    """How far a speaker's smoothed anger log-odds stand above their own usual level in this call:
    (z - median of their earlier windows) / spread, the spread being 1.4826 x the median absolute
    deviation of those windows, at least ``rise_min_spread``. Relative to the speaker, so one
    whose anger scores lower than another's (a quieter style, another language) still rises, and
    one whose calm speech is lively needs more to rise."""

    def __init__(self, min_spread: float, min_windows: int, max_windows: int = 240) -> None:
        self._min_spread = min_spread
        self._min_windows = min_windows
        self._history = np.full(max(max_windows, min_windows), np.nan)
        self._n_seen = 0

    def update(self, z: float) -> float | None:
        """Rise of window log-odds ``z`` in spreads over the earlier windows (None while there are
        fewer than ``rise_min_windows``); then ``z`` joins them."""
        rise = None
        if self._n_seen >= self._min_windows:
            past = self._history[: min(self._n_seen, len(self._history))]
            centre = median(past)
            mad = median(np.abs(past - centre))
            rise = (z - centre) / max(1.4826 * mad, self._min_spread)
        self._history[self._n_seen % len(self._history)] = z
        self._n_seen += 1
        return rise


class AngerScorer:
    """Scores prosody windows against a robust, slowly updated per-speaker baseline."""

    def __init__(self, config: AngerConfig, raised: RaisedVoiceConfig | None = None) -> None:
        self._config = config
        self._history = np.full((config.baseline_windows, len(FEATURES)), np.nan)
        self._n_seen = 0
        """Windows ever admitted to the history (a ring buffer)."""
        self._baseline: np.ndarray | None = None
        """Cached ``baseline()``; None when the history changed since."""
        self._aroused_seen = 0
        caps = np.array([getattr(config, k) for k in CAP_KEYS])
        self._anger = SmoothedLogistic(config, caps, config.smoothing_s)
        raised = raised or RaisedVoiceConfig()
        self._raised = SmoothedLogistic(raised, caps, raised.smoothing_s)

    def baseline(self) -> np.ndarray | None:
        """Per-feature baseline (NaN where never measured), or None before any speech."""
        if self._n_seen == 0:
            return None
        if self._baseline is None:
            values = self._history[: min(self._n_seen, len(self._history))]
            q = self._config.baseline_percentile
            if np.isfinite(values).all():
                out = percentiles(values, q)
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # a feature never measured: NaN
                    out = np.nanpercentile(values, q, axis=0)
            c, k, n = self._config, _TILT, np.isfinite(values[:, _TILT]).sum()
            own = out[k] if n else 0.0
            out[k] = (n * own + c.tilt_prior_windows * c.tilt_prior_db) / (n + c.tilt_prior_windows)
            self._baseline = out
        return self._baseline.copy()

    def _admit(self, x: np.ndarray) -> None:
        self._history[self._n_seen % len(self._history)] = x
        self._n_seen += 1
        self._baseline = None

    def score(self, window: ProsodyWindow) -> tuple[float, float, np.ndarray]:
        """Anger level 0..1 and raised-voice score 0..1 after ``window``, and the window's
        departures from the baseline.

        Both are logistics of window scores smoothed over the speaker's speech (each with its
        ``smoothing_s``, across turns: anger outlasts a sentence). The baseline learns from the
        window unless the window itself scores as aroused (anger level).
        """
        x = features(window)
        base = self.baseline()
        if base is None:  # first window: only the population prior of tilt to go by
            base = np.where(np.arange(len(FEATURES)) == _TILT, self._config.tilt_prior_db, x)
        departure = np.nan_to_num(x - base)
        z = self._anger.log_odds(departure)
        if _logistic(z) < self._config.aroused_level:
            self._admit(x)
        else:
            self._aroused_seen += 1
            if self._aroused_seen % self._config.aroused_admit_every == 0:
                self._admit(x)
        raised = self._raised.smooth(self._raised.log_odds(departure), window.new_s)
        return self._anger.smooth(z, window.new_s), raised, departure

    @property
    def log_odds(self) -> tuple[float, float]:
        """The smoothed log-odds behind the latest anger level and raised-voice score."""
        return self._anger.smoothed_log_odds or 0.0, self._raised.smoothed_log_odds or 0.0


class RiseJudge:
    """One speaker's rises: has the anger level *risen* (over ``anger.rise_level``, and
    ``anger.rise_spreads`` above the speaker's usual), and is the voice raised (over
    ``raised_level``, or over ``rise_level`` and ``raised_voice.rise_spreads`` above the
    speaker's usual)?"""

    def __init__(self, anger: AngerConfig, raised: RaisedVoiceConfig) -> None:
        self._anger, self._raised = anger, raised
        self._anger_rise = RiseTracker(anger.rise_min_spread, anger.rise_min_windows, anger.baseline_windows)
        self._raised_rise = RiseTracker(raised.rise_min_spread, raised.rise_min_windows, anger.baseline_windows)

    def judge(self, log_odds: tuple[float, float], level: float, raised: float) -> tuple[bool, bool]:
        """(risen, raised) after a window with these smoothed log-odds (anger, raised voice) and
        scores; the window then joins the speaker's history."""
        a, r = self._anger, self._raised
        anger_rise = self._anger_rise.update(log_odds[0])
        raised_rise = self._raised_rise.update(log_odds[1])
        risen = level >= a.rise_level and anger_rise is not None and anger_rise >= a.rise_spreads
        raised_up = raised >= r.raised_level or (
            raised >= r.rise_level and raised_rise is not None and raised_rise >= r.rise_spreads
        )
        return risen, raised_up


def _logistic(z: float) -> float:
    """1 / (1 + e^-z); a score below -700 (settings' extreme weights) is 0 rather than an overflow."""
    return 1.0 / (1.0 + math.exp(-max(z, -700.0)))


def features(window: ProsodyWindow) -> np.ndarray:
    """The scored features of a window, NaN where not measured (``FEATURES`` order)."""
    f0_st = 12.0 * math.log2(window.f0_hz) if window.f0_hz else np.nan
    f0_range = window.f0_range_st if window.f0_range_st is not None else np.nan
    return np.array([window.loudness_db, f0_st, f0_range, window.tilt_db, window.rate_sps, window.flux], dtype=float)


class RoleAffect:
    """Prosody and anger of one role: turns frames into ``prosody`` and ``anger`` events.

    ``state`` is the role's latest ``SpeakerAnger`` (a new object at every change). With
    ``judge_anger`` off (a mono call's mixed stream) only ``prosody`` events come out.
    """

    def __init__(
        self, role: str, config: Config, rate_hz: int, frame_len: int, frame_s: float, judge_anger: bool = True
    ) -> None:
        self.role = role
        self._judge_anger = judge_anger
        self.state = SpeakerAnger()
        self._frame_s = frame_s
        self._aroused_level = config.anger.aroused_level
        self._prosody = ProsodyTracker(config.prosody, rate_hz, frame_len, frame_s)
        self._scorer = AngerScorer(config.anger, config.raised_voice)
        self._rises = RiseJudge(config.anger, config.raised_voice)
        self._turn: TurnAnger | None = None
        """The current turn as far as it has been scored."""

    def analyse(self, frames: np.ndarray, loudness_dbfs: np.ndarray, speech: np.ndarray) -> None:
        self._prosody.analyse(frames, loudness_dbfs, speech)

    def step(self, i: int, t_s: float, seg: SegmentState) -> list[Event]:
        """Frame ``i`` of the analysed block, starting at ``t_s``, as the segmenter left it
        (at the end of the call ``i`` is -1 and only a turn still open is closed)."""
        if not (seg.in_speech or seg.ended_now):
            return []  # between turns: nothing to measure, nothing to close
        if seg.started_now:
            self._turn = None
            self.state = dataclasses.replace(self.state, turn=None)
        window = self._prosody.step(i, seg.in_speech, seg.started_now, seg.ended_now)
        out: list[Event] = []
        end_s = seg.last_voiced_end_s if seg.ended_now else t_s + self._frame_s
        if window is not None:
            out.extend(self._score(seg.start_s, end_s, window))
            if self._turn is not None:
                turn = dataclasses.replace(self._turn, end_s=end_s)
                self.state = dataclasses.replace(self.state, turn=turn)
        if seg.ended_now:
            last_turn = self.state.turn if self.state.turn is not None else self.state.last_turn
            self.state = dataclasses.replace(self.state, turn=None, last_turn=last_turn)
        return out

    def _score(self, start_s: float, end_s: float, window: ProsodyWindow) -> list[Event]:
        r = _round
        out = [
            events.prosody(
                end_s,
                self.role,
                r(window.loudness_db, 1),
                r(window.f0_hz, 1),
                r(window.rate_sps, 2),
                f0_range_st=r(window.f0_range_st, 2),
                tilt_db=r(window.tilt_db, 2),
                speech_s=r(window.speech_s, 2),
                voiced_share=r(window.voiced_share, 2),
                flux=r(window.flux, 4),
                new_s=r(window.new_s, 3),
            )
        ]
        if window.f0_hz is None or not self._judge_anger:
            return out  # too little voiced speech to judge (or line noise that VAD let through)
        level, raised, departure = self._scorer.score(window)
        risen, raised_up = self._rises.judge(self._scorer.log_odds, level, raised)
        interval_s = window.new_s
        s = self.state
        self.state = dataclasses.replace(
            s,
            level=level,
            raised_level=raised,
            loudness_vs_baseline_db=float(departure[0]),
            aroused=s.aroused.updated(level >= self._aroused_level, end_s, interval_s),
            raised=s.raised.updated(raised_up, end_s, interval_s),
        )
        turn = self._turn or TurnAnger(start_s, end_s, 0.0, 0.0, 0.0)
        self._turn = turn.grown(end_s, interval_s, level, level >= self._aroused_level, risen)
        out.append(
            events.anger(
                end_s,
                self.role,
                round(level, 3),
                raised=round(raised, 3),
                departures={name: r(d, 4 if name == "flux" else 2) for name, d in zip(FEATURES, departure)},
            )
        )
        return out


def _round(x: float | None, digits: int) -> float | None:
    return None if x is None or x != x else round(float(x), digits)
