"""Labelled two-party calls built from single-talker clips, with ground truth by construction.

A script is a list of ``Turn``s: who speaks (``agent`` on channel 0, ``customer`` on channel 1),
a mono clip, its emotion, and how it is placed against what came before:

- ``Gap(s)``: starts ``s`` seconds after everything so far has ended (a normal turn change);
- ``Interrupt()``: starts inside the other role's current turn while they are mid-utterance
  (they have spoken >= 0.5 s and their clip would go on >= 1 s more), and neither pauses >= 0.3 s
  while both talk, so there is no ambiguous re-start to label (an interruption). Either long:
  they keep talking >= 1 s (then yield: their clip is cut), the two overlap >= 0.6 s; or a short
  talk-over (``yield_after_s`` 0.3-0.5 s, ``min_overlap_s`` 0.3): both voices sound together
  for a moment, then the interrupted side stops;
- ``Latch(s)``: starts ``s`` <= 0.2 s before the other role's current turn ends (a latch, not an
  interruption).

Clips are trimmed to their energy-active span first, so utterance bounds are true, and overlaps
are measured on the clips' own energy activity (not webrtcvad), so the labels do not depend on
the detector under test. The ground truth follows the contract in docs/events.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from coolhead.audio.levels import ACTIVITY_FRAME_S, energy_activity
from coolhead.audio.telephone import PHONE_RATE_HZ, telephone_call, write_mulaw_wav

BUILD_RATE_HZ = 16000
CHANNEL_ROLES = {"0": "agent", "1": "customer"}
EMOTIONS = ("neutral", "calm", "angry", "happy", "sad", "fearful", "disgust", "surprised", "bored")
MARKS = ("anger_onsets", "agent_loud_onsets")
"""Ground-truth onset lists a turn can mark with its start time."""

MIN_INTERRUPTION_OVERLAP_S = 0.6
"""Overlap of a long interruption (``Interrupt``'s default)."""
MIN_TALK_OVER_S = 0.3
"""Every interruption overlaps at least this long (latches stay under ``MAX_LATCH_OVERLAP_S``)."""
INTERRUPTED_KEEPS_TALKING_S = 1.0
"""An interruption starts at least this long before the interrupted speaker's uncut clip ends;
in a long one (``yield_after_s`` >= this, or None) they do keep talking this long."""
INTERRUPTED_LEAD_S = 0.5
"""...and at least this long after that turn began (the other speaker has the floor)."""
MAX_LATCH_OVERLAP_S = 0.2
OWN_PAUSE_S = 1.0
"""An overlapping turn starts at least this long after the same speaker's previous turn ends
(a new utterance, not the same one resumed after a breath)."""
BRIDGE_S = 0.2
"""Pauses shorter than this inside one speaker's clip count as speaking when measuring overlap."""
MAX_PAUSE_IN_OVERLAP_S = 0.3
"""Neither speaker pauses this long while both are talking: no ambiguous re-starts to label."""
MIN_RUN_S = 0.05
"""A clip's speech starts (and ends) with at least this much continuous activity: clicks are trimmed."""


@dataclass(frozen=True)
class Gap:
    seconds: float = 0.5
    """Silence after the end of everything placed so far (from call start for the first turn)."""


@dataclass(frozen=True)
class Interrupt:
    position: float = 0.5
    """Where among the valid start times (0 = earliest, 1 = latest); the script's randomness."""
    yield_after_s: float | None = 1.5
    """The interrupted speaker stops this long after the interrupter starts: their clip is cut
    there (at its last active frame, short fade). >= 1 s: a long interruption; shorter (but >=
    ``min_overlap_s``): a short talk-over, they talk right up to the cut. None: they talk on to
    their clip's end."""
    min_overlap_s: float = MIN_INTERRUPTION_OVERLAP_S
    """Both voices are energy-active together at least this long (>= ``MIN_TALK_OVER_S``)."""


@dataclass(frozen=True)
class Latch:
    overlap_s: float = 0.1
    """Start this long before the other role's turn ends (<= ``MAX_LATCH_OVERLAP_S``)."""


Placement = Gap | Interrupt | Latch


@dataclass(frozen=True)
class Turn:
    role: str
    """``agent`` or ``customer``."""
    clip: np.ndarray
    """Mono float audio in [-1, 1] at the builder's rate (16 kHz)."""
    emotion: str = "neutral"
    place: Placement = Gap()
    marks: tuple[str, ...] = ()
    """Onset lists (``anger_onsets``, ``agent_loud_onsets``) that get this turn's start time."""


class PlacementError(ValueError):
    """A turn cannot be placed as asked (e.g. the other's turn is too short to interrupt).

    ``turn``: index of the refused turn in its call (None outside a call)."""

    def __init__(self, message: str, turn: int | None = None) -> None:
        super().__init__(message if turn is None else f"turn {turn}: {message}")
        self.turn = turn


@dataclass
class BuiltCall:
    audio: np.ndarray
    """(n, 2) float32: channel 0 agent, channel 1 customer."""
    rate_hz: int
    truth: dict[str, Any]


@dataclass
class _Placed:
    role: str
    start_f: int
    """Start, in activity frames from call start."""
    clip: np.ndarray
    active: np.ndarray
    """Bridged energy activity of the trimmed clip, one entry per frame."""
    emotion: str

    @property
    def end_f(self) -> int:
        return self.start_f + len(self.active)


def trim_clip(clip: np.ndarray, rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut leading/trailing silence at activity-frame resolution.

    Returns the trimmed clip (a whole number of frames) and its bridged activity per frame;
    the first and last frames are active.
    """
    frame_len = int(round(ACTIVITY_FRAME_S * rate_hz))
    active = energy_activity(np.asarray(clip, np.float64), rate_hz)
    runs = [r for r in _runs(active) if r[1] - r[0] >= round(MIN_RUN_S / ACTIVITY_FRAME_S)]
    if not runs:
        raise PlacementError("clip holds no speech")
    first_f, last_f = runs[0][0], runs[-1][1]
    trimmed = np.zeros((last_f - first_f) * frame_len, np.float32)
    piece = clip[first_f * frame_len : last_f * frame_len]
    trimmed[: len(piece)] = piece
    return trimmed, _bridge(active[first_f:last_f], round(BRIDGE_S / ACTIVITY_FRAME_S))


class CallBuilder:
    """Places turns one at a time (``add``), then renders both channels and the truth (``build``).

    ``add`` raises ``PlacementError`` and leaves the call as it was when a turn cannot be placed
    as asked, so a script can fall back to another placement or clip.
    """

    def __init__(self, call_id: str, rate_hz: int = BUILD_RATE_HZ) -> None:
        self.call_id = call_id
        self.rate_hz = rate_hz
        self.frame_len = int(round(ACTIVITY_FRAME_S * rate_hz))
        self._placed: list[_Placed] = []
        self._labels: dict[str, list] = {mark: [] for mark in MARKS} | {"interruptions": [], "short_overlaps": []}

    def add(self, turn: Turn) -> float:
        """Place ``turn``; returns its start (s from call start)."""
        i = len(self._placed)
        if turn.role not in CHANNEL_ROLES.values():
            raise PlacementError(f"role must be agent or customer, got {turn.role!r}", i)
        if turn.emotion not in EMOTIONS:
            raise PlacementError(f"unknown emotion {turn.emotion!r}", i)
        unknown = set(turn.marks) - set(MARKS)
        if unknown:
            raise PlacementError(f"unknown marks {sorted(unknown)}", i)
        try:
            clip, active = trim_clip(turn.clip, self.rate_hz)
        except PlacementError as exc:
            raise PlacementError(str(exc), i) from None
        start_f, overlap = _place(self, turn.role, active, turn.place, i)
        self._placed.append(_Placed(turn.role, start_f, clip, active, turn.emotion))
        t_s = _s(start_f)
        for mark in turn.marks:
            self._labels[mark].append(t_s)
        if overlap is not None:
            key = "interruptions" if isinstance(turn.place, Interrupt) else "short_overlaps"
            self._labels[key].append({"t": t_s, "by": turn.role, "overlap_s": overlap})
        return t_s

    def end_f(self) -> int:
        """End of everything placed so far, in activity frames."""
        return max((p.end_f for p in self._placed), default=0)

    def last_of(self, role: str) -> _Placed | None:
        return next((p for p in reversed(self._placed) if p.role == role), None)

    def build(self, tail_s: float = 0.5) -> BuiltCall:
        """Both channels (ch0 agent, ch1 customer) and the ground truth, ``tail_s`` of silence at the end."""
        n_samples = self.end_f() * self.frame_len + int(round(tail_s * self.rate_hz))
        audio = np.zeros((n_samples, 2), np.float32)
        channel_of = {role: int(ch) for ch, role in CHANNEL_ROLES.items()}
        utterances: list[dict[str, str | float]] = []
        for p in self._placed:
            start = p.start_f * self.frame_len
            audio[start : start + len(p.clip), channel_of[p.role]] += p.clip
            utterances.append({"speaker": p.role, "start": _s(p.start_f), "end": _s(p.end_f), "emotion": p.emotion})
        truth = {
            "call_id": self.call_id,
            "duration": round(n_samples / self.rate_hz, 3),
            "sample_rate": self.rate_hz,
            "channels": dict(CHANNEL_ROLES),
            "utterances": sorted(utterances, key=lambda u: float(u["start"])),
            **{key: list(values) for key, values in self._labels.items()},
        }
        return BuiltCall(np.clip(audio, -1.0, 1.0), self.rate_hz, truth)


def build_call(call_id: str, turns: list[Turn], rate_hz: int = BUILD_RATE_HZ, tail_s: float = 0.5) -> BuiltCall:
    """Lay the turns out on two channels and derive the ground truth from the placement."""
    builder = CallBuilder(call_id, rate_hz)
    for turn in turns:
        builder.add(turn)
    return builder.build(tail_s)


def write_call(
    out_dir: str | Path, name: str, call: BuiltCall, phone: bool = False, seed: int = 0, flac: bool = False
) -> tuple[Path, Path]:
    """Save ``NAME.wav`` (or ``NAME.flac``) and ``NAME.json`` side by side.

    Clean: PCM16 at the build rate, WAV or (``flac``) FLAC. Phone: 8 kHz G.711 mu-law WAV after
    ``telephone_call`` (each channel level-normalised, band-limited, light noise seeded with ``seed``).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if flac and phone:
        raise ValueError("phone versions are G.711 mu-law WAVs, not FLAC")
    wav_path, json_path = out_dir / f"{name}.{'flac' if flac else 'wav'}", out_dir / f"{name}.json"
    truth = dict(call.truth)
    if phone:
        write_mulaw_wav(wav_path, telephone_call(call.audio, call.rate_hz, seed=seed))
        truth["sample_rate"] = PHONE_RATE_HZ
    else:
        sf.write(str(wav_path), call.audio, call.rate_hz, subtype="PCM_16", format="FLAC" if flac else "WAV")
    json_path.write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    return wav_path, json_path


def _place(call: CallBuilder, role: str, active: np.ndarray, place: Placement, i: int) -> tuple[int, float | None]:
    """Start frame of a new turn, and its overlap (s) with the other role for Interrupt/Latch.

    An interrupted turn is cut where its speaker yields.
    """
    f = ACTIVITY_FRAME_S
    if isinstance(place, Gap):
        return call.end_f() + int(round(place.seconds / f)), None
    other = call.last_of("customer" if role == "agent" else "agent")
    if other is None:
        raise PlacementError("nothing to overlap, the other role has not spoken", i)
    own = call.last_of(role)
    earliest_f = (own.end_f if own else 0) + int(round(OWN_PAUSE_S / f))
    if isinstance(place, Latch):
        if not 0 < place.overlap_s <= MAX_LATCH_OVERLAP_S:
            raise PlacementError(f"latch overlap must be in (0, {MAX_LATCH_OVERLAP_S}] s", i)
        start_f = other.end_f - int(round(place.overlap_s / f))
        overlap = _overlap_s(other.start_f, other.active, start_f, active)
        if start_f < earliest_f or overlap > MAX_LATCH_OVERLAP_S:
            raise PlacementError("cannot latch here", i)
        return start_f, overlap
    if place.min_overlap_s < MIN_TALK_OVER_S:
        raise PlacementError(f"an interruption must overlap >= {MIN_TALK_OVER_S} s", i)
    if place.yield_after_s is not None and place.yield_after_s < place.min_overlap_s:
        raise PlacementError("the interrupted speaker must keep talking at least min_overlap_s", i)
    keep_f = int(round(INTERRUPTED_KEEPS_TALKING_S / f))
    kept_min_f = keep_f if place.yield_after_s is None else min(keep_f, int(round(place.yield_after_s / f)))
    lead_f = int(round(INTERRUPTED_LEAD_S / f))
    max_pause_f = int(round(MAX_PAUSE_IN_OVERLAP_S / f))
    valid = []
    for start_f in range(max(other.start_f + lead_f, earliest_f), other.end_f - keep_f + 1):
        if not other.active[start_f - other.start_f]:
            continue
        kept = other.active
        if place.yield_after_s is not None:
            kept = _trim_end(other.active[: start_f - other.start_f + int(round(place.yield_after_s / f))])
        other_end_f = other.start_f + len(kept)
        both_end_f = min(other_end_f, start_f + len(active))
        if (
            other_end_f - start_f < kept_min_f
            or _longest_run(~kept[start_f - lead_f - other.start_f :]) >= max_pause_f
            or _longest_run(~active[: both_end_f - start_f]) >= max_pause_f
        ):
            continue
        overlap = _overlap_s(other.start_f, kept, start_f, active)
        if overlap >= place.min_overlap_s:
            valid.append((start_f, overlap, len(kept)))
    if not valid:
        raise PlacementError("the other role's turn is too short or too broken to interrupt", i)
    start_f, overlap, kept_f = valid[int(round(place.position * (len(valid) - 1)))]
    _cut(other, kept_f, call.frame_len)
    return start_f, overlap


def _cut(placed: _Placed, n_frames: int, frame_len: int, fade_s: float = 0.02) -> None:
    """Shorten a placed turn to its first ``n_frames`` frames, fading out the last ``fade_s``."""
    placed.active = placed.active[:n_frames]
    placed.clip = placed.clip[: n_frames * frame_len].copy()
    n_fade = min(len(placed.clip), int(fade_s / ACTIVITY_FRAME_S * frame_len))
    placed.clip[len(placed.clip) - n_fade :] *= np.linspace(1.0, 0.0, n_fade, dtype=np.float32)


def _overlap_s(a_start_f: int, a_active: np.ndarray, b_start_f: int, b_active: np.ndarray) -> float:
    """Seconds where two speakers' activity (each from its start frame) are both on."""
    lo, hi = max(a_start_f, b_start_f), min(a_start_f + len(a_active), b_start_f + len(b_active))
    if hi <= lo:
        return 0.0
    both = a_active[lo - a_start_f : hi - a_start_f] & b_active[lo - b_start_f : hi - b_start_f]
    return round(float(np.count_nonzero(both)) * ACTIVITY_FRAME_S, 3)


def _trim_end(active: np.ndarray) -> np.ndarray:
    """``active`` up to and including its last active frame."""
    on = np.flatnonzero(active)
    return active[: on[-1] + 1] if len(on) else active[:0]


def _longest_run(flags: np.ndarray) -> int:
    return max((b - a for a, b in _runs(flags)), default=0)


def _runs(active: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of True."""
    edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _bridge(active: np.ndarray, max_gap_frames: int) -> np.ndarray:
    """Fill inner runs of False shorter than ``max_gap_frames``."""
    out = active.copy()
    runs = _runs(active)
    for (_, stop), (start, _) in zip(runs, runs[1:]):
        if start - stop < max_gap_frames:
            out[stop:start] = True
    return out


def _s(frames: int) -> float:
    return round(frames * ACTIVITY_FRAME_S, 3)
