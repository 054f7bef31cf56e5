"""Two-party calls mixed down to one channel, with who spoke when: what the mono speaker
segmentation model is trained and measured on.

A call is scripted by ``dialogue`` on two channels (agent, customer: different voices), given
back-channels (a short "mm" of the listener inside the other's turn), then mixed down as a
recorder would: ``clean`` (16 kHz, each leg at its own level, a little noise) or ``phone``
(each leg band-limited and mu-law coded at 8 kHz as its network delivers it, legs at different
levels, the mix coded again as a G.711 mono archive). Labels come from each leg's own energy
activity *before* mixing (``speech_turns``), so overlaps are labelled exactly.

Voices: ``corpora``'s clips of speech that may be redistributed (LibriSpeech, LJ Speech, AMI),
each also sped up and slowed down (``PSEUDO_VOICE_SPEEDS``: pitch and formants move together,
a different-sounding talker) so the few real talkers give more voices. Two versions of one
talker never meet in a call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from coolhead.audio.chunk import float_to_int16
from coolhead.audio.levels import ACTIVITY_FRAME_S, energy_activity
from coolhead.audio.telephone import PHONE_RATE_HZ, mulaw_round_trip, telephone_band
from devkit.callbuilder import BUILD_RATE_HZ, CHANNEL_ROLES, BuiltCall
from devkit.corpora import split_clips
from devkit.dialogue import DialogueStyle, random_call
from devkit.speechcalls import voices

CONDITIONS = ("clean", "phone")
PSEUDO_VOICE_SPEEDS = (0.88, 1.0, 1.12)
"""Each real voice also played this much faster or slower (1.0: as recorded)."""
BRIDGE_S = 0.2
"""Pauses shorter than this inside one talker's speech are part of the turn (as in RTTM references)."""
MIN_SPEECH_S = 0.1
"""Shorter bursts of activity (clicks) are not labelled."""
BACKCHANNEL_S = (0.25, 0.6)
P_BACKCHANNEL = 0.3
"""Chance, per stretch of >= 2 s of the other's speech, that the listener puts in a back-channel."""
STYLE = DialogueStyle(level_dbfs=(-34.0, -16.0))
"""Wider level differences between the two legs than the interruption calls."""


@dataclass
class MonoCall:
    name: str
    audio: np.ndarray
    """Mono float32 at 16 kHz (a phone call is upsampled from its 8 kHz mix)."""
    turns: list[tuple[str, float, float]]
    """(role, start s, end s) of each role's speech, overlaps included, sorted by start."""
    condition: str


def speech_turns(leg: np.ndarray, rate_hz: int) -> list[tuple[float, float]]:
    """(start s, end s) of the speech on one talker's own channel (energy activity, pauses
    under ``BRIDGE_S`` bridged, bursts under ``MIN_SPEECH_S`` dropped)."""
    if not np.any(leg):
        return []
    active = energy_activity(leg, rate_hz)
    edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
    runs = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and (a - merged[-1][1]) * ACTIVITY_FRAME_S < BRIDGE_S:
            merged[-1][1] = int(b)
        else:
            merged.append([int(a), int(b)])
    return [
        (round(float(a) * ACTIVITY_FRAME_S, 2), round(float(b) * ACTIVITY_FRAME_S, 2))
        for a, b in merged
        if (b - a) * ACTIVITY_FRAME_S >= MIN_SPEECH_S
    ]


def pseudo_voices(by_voice: dict[str, list[np.ndarray]]) -> dict[str, list[np.ndarray]]:
    """Every voice at each of ``PSEUDO_VOICE_SPEEDS`` (named ``voice@speed``)."""
    out: dict[str, list[np.ndarray]] = {}
    for name, clips in by_voice.items():
        for speed in PSEUDO_VOICE_SPEEDS:
            if speed == 1.0:
                out[f"{name}@1.0"] = clips
            else:
                rate = int(round(BUILD_RATE_HZ / speed))
                out[f"{name}@{speed}"] = [soxr.resample(c, BUILD_RATE_HZ, rate).astype(np.float32) for c in clips]
    return out


def add_backchannels(call: BuiltCall, clips: Mapping[str, Sequence[np.ndarray]], rng: np.random.Generator) -> None:
    """Short snippets of the listener's voice inside the other's long stretches of speech, where
    the listener is silent for at least 0.5 s around (in place)."""
    rate = call.rate_hz
    for ch, role in CHANNEL_ROLES.items():
        me, other = call.audio[:, int(ch)], call.audio[:, 1 - int(ch)]
        for start_s, end_s in speech_turns(other, rate):
            if end_s - start_s < 2.0 or rng.random() >= P_BACKCHANNEL:
                continue
            length = int(rng.uniform(*BACKCHANNEL_S) * rate)
            at = int(rng.uniform(start_s + 0.7, end_s - 0.7) * rate)
            guard = int(0.5 * rate)
            if at + length >= len(me) or np.any(me[max(0, at - guard) : at + length + guard]):
                continue
            clip = clips[role][int(rng.integers(len(clips[role])))]
            voiced = np.flatnonzero(energy_activity(clip, rate))
            if not len(voiced):
                continue
            first = int(voiced[0] * ACTIVITY_FRAME_S * rate)
            snippet = clip[first : first + length].copy()
            fade = np.linspace(0.0, 1.0, min(len(snippet) // 4, int(0.03 * rate)), dtype=np.float32)
            if len(fade):
                snippet[: len(fade)] *= fade
                snippet[len(snippet) - len(fade) :] *= fade[::-1]
            me[at : at + len(snippet)] += snippet


def mix_down(stereo: np.ndarray, rate_hz: int, condition: str, rng: np.random.Generator) -> np.ndarray:
    """The two legs as one mono channel at 16 kHz, as a recorder of ``condition`` keeps them."""
    if condition == "clean":
        mono = stereo.sum(axis=1)
        noise_dbfs = rng.uniform(-70, -50)
        mono = mono + rng.standard_normal(len(mono)).astype(np.float32) * 10 ** (noise_dbfs / 20)
        return np.clip(mono, -1, 1).astype(np.float32)
    if condition != "phone":
        raise ValueError(f"unknown condition {condition!r}; expected one of {', '.join(CONDITIONS)}")
    seed = int(rng.integers(1 << 30))
    legs = [
        telephone_band(stereo[:, ch], rate_hz, noise_db=float(rng.uniform(-60, -42)), seed=seed + ch)
        * 10 ** (rng.uniform(-3, 3) / 20)
        for ch in range(stereo.shape[1])
    ]
    mono_8k = mulaw_round_trip(float_to_int16(np.clip(sum(legs), -1, 1))) / 32768
    return soxr.resample(mono_8k.astype(np.float32), PHONE_RATE_HZ, BUILD_RATE_HZ).astype(np.float32)


def mono_call(name: str, call: BuiltCall, condition: str, rng: np.random.Generator) -> MonoCall:
    """A built stereo call mixed down, labelled from its legs."""
    turns = [
        (CHANNEL_ROLES[str(ch)], a, b)
        for ch in range(call.audio.shape[1])
        for a, b in speech_turns(call.audio[:, ch], call.rate_hz)
    ]
    return MonoCall(
        name, mix_down(call.audio, call.rate_hz, condition, rng), sorted(turns, key=lambda t: t[1]), condition
    )


def random_mono_calls(data_dir: str | Path, split: str, n_calls: int, seed: int) -> Iterator[MonoCall]:
    """``n_calls`` calls of ``corpora`` split ``split`` between two different pseudo-voices,
    conditions alternating, 10-24 turns each."""
    pool = pseudo_voices(voices(split_clips(data_dir, split)))
    names = sorted(pool)
    rng = np.random.default_rng(seed)
    for i in range(n_calls):
        while True:
            agent, customer = (names[j] for j in rng.choice(len(names), 2, replace=False))
            if agent.split("@")[0] != customer.split("@")[0]:
                break
        clips: dict[str, Sequence[np.ndarray]] = {"agent": pool[agent], "customer": pool[customer]}
        call = random_call(f"{split}_{i:04d}", clips, int(rng.integers(10, 25)), rng, STYLE)
        add_backchannels(call, clips, rng)
        yield mono_call(call.truth["call_id"], call, CONDITIONS[i % len(CONDITIONS)], rng)


def mixdown_of(stereo_path: Path, condition: str, rng: np.random.Generator) -> MonoCall:
    """A stereo evaluation call on disk (channel 0 agent, channel 1 customer: any corpus) mixed
    down and labelled the same way. A phone file is mixed at its 8 kHz and upsampled."""
    audio, rate_hz = sf.read(str(stereo_path), dtype="float32", always_2d=True)
    turns = [(CHANNEL_ROLES[str(ch)], a, b) for ch in range(2) for a, b in speech_turns(audio[:, ch], rate_hz)]
    mono = np.clip(audio.sum(axis=1), -1, 1)
    if rate_hz == PHONE_RATE_HZ:
        mono = mulaw_round_trip(float_to_int16(mono)) / 32768
    if rate_hz != BUILD_RATE_HZ:
        mono = soxr.resample(mono.astype(np.float32), rate_hz, BUILD_RATE_HZ)
    return MonoCall(stereo_path.stem, mono.astype(np.float32), sorted(turns, key=lambda t: t[1]), condition)


def write_mono_call(out_dir: Path, call: MonoCall) -> None:
    """``NAME.flac`` (16 kHz PCM16), ``NAME.rttm`` and ``NAME.uem`` (the whole call scored)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sf.write(str(out_dir / f"{call.name}.flac"), call.audio, BUILD_RATE_HZ, subtype="PCM_16")
    (out_dir / f"{call.name}.rttm").write_text(
        "".join(f"SPEAKER {call.name} 1 {a:.3f} {b - a:.3f} <NA> <NA> {role} <NA> <NA>\n" for role, a, b in call.turns),
        encoding="utf-8",
    )
    (out_dir / f"{call.name}.uem").write_text(
        f"{call.name} 1 0.000 {len(call.audio) / BUILD_RATE_HZ:.3f}\n", encoding="utf-8"
    )
