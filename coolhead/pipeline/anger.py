"""Speaker-adaptive anger level: departures of prosody from the speaker's own calm baseline.

For each window of a speaker's speech (``ProsodyWindow``) the departures from their baseline
in loudness (dB), median F0 and F0 range (semitones), spectral tilt (dB) and speaking rate
(syllables/s) are clipped and combined by a logistic model into a level 0..1.

The baseline is a low percentile of the speaker's own past windows (the calm-most end of
their speech), so a calmer stretch pulls it down at once while aroused speech can only creep
in: windows scored as aroused enter the baseline history only one in ``aroused_admit_every``.
An angry opening therefore stops being the reference as soon as the speaker calms down.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from coolhead import events
from coolhead.config import AngerConfig, Config
from coolhead.events import Event
from coolhead.pipeline.prosody import ProsodyTracker, ProsodyWindow
from coolhead.pipeline.segments import SegmentState

FEATURES = ("loudness_db", "f0_st", "f0_range_st", "tilt_db", "rate_sps")
"""Departures scored, in this order (units in the names)."""


@dataclass
class TurnAnger:
    """A finished turn of one speaker, as the cue policy sees it."""

    start_s: float
    end_s: float
    speech_s: float
    """Speech covered by the turn's anger windows."""
    mean_level: float
    """Mean anger level of the turn's windows."""


@dataclass
class SpeakerAnger:
    """Live anger state of one speaker (read by the cue policy and the cue window)."""

    level: float = 0.0
    """Latest anger level, 0..1."""
    loudness_vs_baseline_db: float = 0.0
    """Latest loudness above the speaker's baseline (dB; negative = quieter)."""
    aroused_s: float = 0.0
    """Speech time the level has stayed at or above ``aroused_level`` without a break."""
    aroused_since_s: float | None = None
    """Start of the current aroused stretch (None when not aroused)."""
    last_turn: TurnAnger | None = None
    """The speaker's most recent finished turn."""


class AngerScorer:
    """Scores prosody windows against a robust, slowly updated per-speaker baseline."""

    def __init__(self, config: AngerConfig) -> None:
        self._config = config
        self._history: deque[np.ndarray] = deque(maxlen=config.baseline_windows)
        self._aroused_seen = 0
        c = config
        self._weights = np.array([c.w_loudness, c.w_f0, c.w_f0_range, c.w_tilt, c.w_rate])
        self._caps = np.array([c.loudness_cap_db, c.f0_cap_st, c.f0_range_cap_st, c.tilt_cap_db, c.rate_cap_sps])

    def baseline(self) -> np.ndarray | None:
        """Per-feature baseline (NaN where never measured), or None before any speech."""
        if not self._history:
            return None
        values = np.array(self._history)
        with np.errstate(all="ignore"):
            out = np.full(len(FEATURES), np.nan)
            for k in range(len(FEATURES)):
                column = values[:, k][np.isfinite(values[:, k])]
                if len(column):
                    out[k] = np.percentile(column, self._config.baseline_percentile)
        return out

    def score(self, window: ProsodyWindow) -> tuple[float, np.ndarray]:
        """Anger level 0..1 of ``window`` and its departures from the baseline; learns from it."""
        x = features(window)
        base = self.baseline()
        departure = np.zeros(len(FEATURES)) if base is None else np.nan_to_num(x - base)
        z = self._config.bias + float(self._weights @ np.clip(departure, -self._caps, self._caps))
        level = 1.0 / (1.0 + math.exp(-z))
        if level < self._config.aroused_level:
            self._history.append(x)
        else:
            self._aroused_seen += 1
            if self._aroused_seen % self._config.aroused_admit_every == 0:
                self._history.append(x)
        return level, departure


def features(window: ProsodyWindow) -> np.ndarray:
    """The scored features of a window, NaN where not measured (``FEATURES`` order)."""
    f0_st = 12.0 * math.log2(window.f0_hz) if window.f0_hz else np.nan
    f0_range = window.f0_range_st if window.f0_range_st is not None else np.nan
    return np.array([window.loudness_db, f0_st, f0_range, window.tilt_db, window.rate_sps], dtype=float)


class RoleAffect:
    """Prosody and anger of one role: turns frames into ``prosody`` and ``anger`` events.

    ``state`` is the role's live ``SpeakerAnger``, shared with the call state.
    """

    def __init__(self, role: str, config: Config, rate_hz: int, frame_len: int, frame_s: float) -> None:
        self.role = role
        self.state = SpeakerAnger()
        self._frame_s = frame_s
        self._aroused_level = config.anger.aroused_level
        self._prosody = ProsodyTracker(config.prosody, rate_hz, frame_len, frame_s)
        self._scorer = AngerScorer(config.anger)
        self._turn_levels: list[float] = []
        self._turn_speech_s = 0.0

    def analyse(self, frames: np.ndarray, loudness_dbfs: np.ndarray, speech: np.ndarray) -> None:
        self._prosody.analyse(frames, loudness_dbfs, speech)

    def step(self, i: int, t_s: float, seg: SegmentState) -> list[Event]:
        """Frame ``i`` of the analysed block, starting at ``t_s``, as the segmenter left it
        (at the end of the call ``i`` is -1 and only a turn still open is closed)."""
        if seg.started_now:
            self._turn_levels, self._turn_speech_s = [], 0.0
        window = self._prosody.step(i, seg.in_speech, seg.started_now, seg.ended_now)
        out: list[Event] = []
        end_s = seg.last_voiced_end_s if seg.ended_now else t_s + self._frame_s
        if window is not None:
            out.extend(self._score(end_s, window))
        if seg.ended_now and self._turn_levels:
            self.state.last_turn = TurnAnger(seg.start_s, end_s, self._turn_speech_s,
                                             float(np.mean(self._turn_levels)))
        return out

    def _score(self, end_s: float, window: ProsodyWindow) -> list[Event]:
        level, departure = self._scorer.score(window)
        s = self.state
        s.level = level
        s.loudness_vs_baseline_db = float(departure[0])
        interval_s = window.new_s
        if level >= self._aroused_level:
            if s.aroused_since_s is None:
                s.aroused_since_s = end_s - interval_s
            s.aroused_s += interval_s
        else:
            s.aroused_since_s, s.aroused_s = None, 0.0
        self._turn_levels.append(level)
        self._turn_speech_s += interval_s
        r = _round
        return [
            events.prosody(end_s, self.role, r(window.loudness_db, 1), r(window.f0_hz, 1), r(window.rate_sps, 2),
                           f0_range_st=r(window.f0_range_st, 2), tilt_db=r(window.tilt_db, 2),
                           speech_s=r(window.speech_s, 2)),
            events.anger(end_s, self.role, round(level, 3),
                         departures={name: r(d, 2) for name, d in zip(FEATURES, departure)}),
        ]


def _round(x: float | None, digits: int) -> float | None:
    return None if x is None or x != x else round(float(x), digits)
