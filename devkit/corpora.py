"""Single-talker clips of real speech from ../shared/data, by speaker, in two disjoint splits.

Only sets that may be redistributed (shared/data/README.md): LibriSpeech, LJ Speech, AMI.
RAVDESS is never read here.

- ``tune``: AMI training meetings trn01-trn09, LibriSpeech speaker 1089, LJ001-0001..0016.
- ``report``: AMI dev00, dev01, tst00, tst01, LibriSpeech speakers 251 and 3536,
  LJ001-0017..0032.

No clip is in both splits, and no speaker either, except LJ Speech's single reader (different
sentences). AMI meetings are mono mixes of several talkers: only the stretches where the RTTM
labels one speaker and no other within ``AMI_GUARD_S`` are used.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from coolhead.audio.levels import ACTIVITY_FRAME_S, energy_activity, frame_levels_dbfs, speech_band

RATE_HZ = 16000
SPLITS = ("tune", "report")

LIBRISPEECH_SPEAKERS = {"tune": ("1089",), "report": ("251", "3536")}
LIBRISPEECH_NAMED = {"testing_routine": "251", "another_engineer": "251", "i_tell_you": "251", "another_door": "3536"}
"""The LibriSpeech clips saved under readable names, and their speakers (arm_samples_transcripts.md)."""
LJSPEECH_IDS = {"tune": range(1, 17), "report": range(17, 33)}
AMI_MEETINGS = {"tune": tuple(f"trn{i:02d}" for i in range(1, 10)), "report": ("dev00", "dev01", "tst00", "tst01")}

AMI_GUARD_S = 0.3
"""An AMI stretch keeps this far from any other speaker's labelled speech."""
AMI_CONTEXT_S = 0.2
"""...and brings this much of the quiet around it along (the clip's noise floor)."""
MIN_CLIP_S = 1.0
MAX_CLIP_S = 8.0
"""Longer recordings are split at pauses into phrases of at most this length."""
SPLIT_PAUSE_S = 0.25
MAX_RUMBLE_DB = 15.0
"""Clips whose loud frames are this much louder full-band than in the speech band are mostly
rumble or a distant talker (some AMI stretches), not the labelled speaker: left out."""


@dataclass(frozen=True)
class Clip:
    file: str
    """Source recording, relative to the data directory (``corpus/...``)."""
    start_s: float
    """Where in ``file`` the clip begins."""
    speaker: str
    """``corpus:speaker``."""
    audio: np.ndarray
    """Mono float32 at 16 kHz."""

    @property
    def source(self) -> str:
        """``file@start-end`` (seconds in the source recording)."""
        return f"{self.file}@{self.start_s:.2f}-{self.start_s + len(self.audio) / RATE_HZ:.2f}"


def load_mono_16k(path: Path) -> np.ndarray:
    audio, rate_hz = sf.read(str(path), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    return mono if rate_hz == RATE_HZ else soxr.resample(mono, rate_hz, RATE_HZ, quality="HQ")


def split_clips(data_dir: str | Path, split: str) -> dict[str, list[Clip]]:
    """Phrase clips of the split, by speaker (sorted, so the order is reproducible)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    data_dir = Path(data_dir)
    clips = _librispeech(data_dir, split) + _ljspeech(data_dir, split) + _ami(data_dir, split)
    by_speaker: dict[str, list[Clip]] = defaultdict(list)
    for clip in clips:
        for start, stop in phrase_bounds(clip.audio):
            if _rumble_db(clip.audio[start:stop]) > MAX_RUMBLE_DB:
                continue
            by_speaker[clip.speaker].append(
                Clip(clip.file, clip.start_s + start / RATE_HZ, clip.speaker, clip.audio[start:stop])
            )
    return dict(sorted(by_speaker.items()))


def phrase_bounds(x: np.ndarray) -> list[tuple[int, int]]:
    """Sample ranges of ``x`` cut at pauses (>= ``SPLIT_PAUSE_S``) into pieces of at most
    ``MAX_CLIP_S`` where needed; pieces shorter than ``MIN_CLIP_S`` are dropped."""
    if len(x) <= MAX_CLIP_S * RATE_HZ:
        return [(0, len(x))]
    frame_len = int(ACTIVITY_FRAME_S * RATE_HZ)
    active = energy_activity(x, RATE_HZ)
    min_pause_f = int(SPLIT_PAUSE_S / ACTIVITY_FRAME_S)
    # Cut points: middles of pauses.
    edges = np.diff(np.concatenate([[1], active.astype(np.int8), [1]]))
    cuts = [
        (a + b) // 2 for a, b in zip(np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)) if b - a >= min_pause_f
    ]
    max_f = int(MAX_CLIP_S / ACTIVITY_FRAME_S)
    pieces: list[tuple[int, int]] = []
    start_f, last_cut = 0, None
    for cut in [int(c) for c in cuts] + [len(active)]:
        if cut - start_f > max_f and last_cut is not None and last_cut > start_f:
            pieces.append((start_f, last_cut))
            start_f = last_cut
        last_cut = cut
    pieces.append((start_f, len(active)))
    return [(a * frame_len, min(b * frame_len, len(x))) for a, b in pieces if (b - a) * ACTIVITY_FRAME_S >= MIN_CLIP_S]


def _rumble_db(x: np.ndarray) -> float:
    """How much louder the loud frames (95th percentile) are full-band than in the speech band."""
    full_db = np.percentile(frame_levels_dbfs(x, RATE_HZ), 95)
    band_db = np.percentile(frame_levels_dbfs(speech_band(x, RATE_HZ), RATE_HZ), 95)
    return float(full_db - band_db)


def _librispeech(data_dir: Path, split: str) -> list[Clip]:
    out = []
    for path in sorted((data_dir / "librispeech").rglob("*.flac")):
        speaker = LIBRISPEECH_NAMED.get(path.stem, path.stem.split("-")[0])
        if speaker in LIBRISPEECH_SPEAKERS[split]:
            out.append(Clip(str(path.relative_to(data_dir)), 0.0, f"librispeech:{speaker}", load_mono_16k(path)))
    return out


def _ljspeech(data_dir: Path, split: str) -> list[Clip]:
    paths = [data_dir / "ljspeech" / "wavs" / f"LJ001-{i:04d}.wav" for i in LJSPEECH_IDS[split]]
    return [Clip(f"ljspeech/wavs/{p.name}", 0.0, "ljspeech:LJ", load_mono_16k(p)) for p in paths if p.exists()]


def _ami(data_dir: Path, split: str) -> list[Clip]:
    segments: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for rttm in sorted((data_dir / "ami").glob("*.rttm")):
        for line in rttm.read_text(encoding="utf-8").splitlines():
            f = line.split()
            if len(f) >= 8 and f[0] == "SPEAKER":
                segments[f[1]].append((f[7], float(f[3]), float(f[3]) + float(f[4])))
    out = []
    for meeting in AMI_MEETINGS[split]:
        path = data_dir / "ami" / f"{meeting}.flac"
        if not path.exists():
            continue
        audio = load_mono_16k(path)
        for speaker, start_s, stop_s in _single_speaker_stretches(segments[meeting]):
            a = max(0, int((start_s - AMI_CONTEXT_S) * RATE_HZ))
            b = min(len(audio), int((stop_s + AMI_CONTEXT_S) * RATE_HZ))
            out.append(Clip(f"ami/{meeting}.flac", a / RATE_HZ, f"ami:{speaker}", audio[a:b]))
    return out


def _single_speaker_stretches(segments: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Parts of each speaker's segments at least ``AMI_GUARD_S`` away from everyone else's."""
    out: list[tuple[str, float, float]] = []
    for speaker, start_s, stop_s in sorted(segments, key=lambda s: s[1]):
        pieces = [(start_s, stop_s)]
        for other, o_start, o_stop in segments:
            if other == speaker:
                continue
            lo, hi = o_start - AMI_GUARD_S, o_stop + AMI_GUARD_S
            pieces = [p for a, b in pieces for p in ((a, min(b, lo)), (max(a, hi), b)) if p[1] > p[0]]
        out.extend((speaker, a, b) for a, b in pieces if b - a >= MIN_CLIP_S)
    return out
