"""Labelled emotional-speech corpora in ../shared/data, behind one small adapter.

An ``EmotionCorpus`` names its speakers per split (``tune``: the only ones any setting is chosen
on; ``test``: held out) and lists one speaker's clips with an emotion word each. Calls are built
from two pools per speaker: ``calm`` (the corpus's neutral/calm clips) and ``angry``. Neither
corpus may be copied into the repository (shared/data/README.md): development and evaluation
only. A third corpus is one ``EmotionCorpus`` and one line in ``CORPORA``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from devkit.callbuilder import BUILD_RATE_HZ

CALM_EMOTIONS = ("neutral", "calm")
ANGRY_EMOTION = "angry"

Pools = dict[str, list[tuple[str, np.ndarray]]]
"""``{"calm": [(emotion, clip)], "angry": [...]}``; clips mono float32 at 16 kHz."""


@dataclass(frozen=True)
class EmotionCorpus:
    name: str
    """Folder under the shared data directory, and the corpus's name on the command line."""
    language: str
    splits: dict[str, tuple[str, ...]]
    """Speaker ids per split: ``tune`` and ``test`` (held out), disjoint."""
    clip_files: Callable[[Path, str], list[tuple[str, Path]]]
    """(corpus folder, speaker) -> (emotion word, file) of that speaker's calm and angry clips,
    in a reproducible order; emotion words as in docs/events.md."""

    def speaker_clips(self, data_dir: Path, speaker: str) -> Pools:
        """One speaker's clips, read from ``data_dir / name``, pooled ``calm`` and ``angry``."""
        pools: Pools = {"calm": [], "angry": []}
        for emotion, path in self.clip_files(Path(data_dir) / self.name, speaker):
            audio, rate_hz = sf.read(str(path), dtype="float32")
            if rate_hz != BUILD_RATE_HZ or audio.ndim != 1:
                raise ValueError(
                    f"{path}: expected mono {BUILD_RATE_HZ} Hz, got {audio.ndim} channel(s) at {rate_hz} Hz"
                )
            pools["angry" if emotion == ANGRY_EMOTION else "calm"].append((emotion, audio))
        if not pools["calm"] or not pools["angry"]:
            raise ValueError(f"{self.name} speaker {speaker}: needs both calm and angry clips")
        return pools


RAVDESS_EMOTIONS = {"01": "neutral", "02": "calm", "05": "angry"}
"""RAVDESS emotion codes (third field of the file name) that are used."""


def _ravdess_files(root: Path, speaker: str) -> list[tuple[str, Path]]:
    """``Actor_NN/03-01-EE-II-SS-RR-NN.flac``: audio-only speech, emotion code EE."""
    out = []
    for path in sorted((root / f"Actor_{speaker}").glob("03-01-*.flac")):
        emotion = RAVDESS_EMOTIONS.get(path.name.split("-")[2])
        if emotion is not None:
            out.append((emotion, path))
    return out


NEMO_EMOTIONS = {"neutral": "neutral", "anger": "angry"}
"""nEMO emotion labels (data.tsv) that are used, and their words here."""


def _nemo_files(root: Path, speaker: str) -> list[tuple[str, Path]]:
    """Rows of ``data.tsv`` (file_id, emotion, ..., speaker_id); audio in ``samples/``."""
    with open(root / "data.tsv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["speaker_id"] == speaker]
    return [
        (NEMO_EMOTIONS[r["emotion"]], root / "samples" / r["file_id"])
        for r in sorted(rows, key=lambda r: r["file_id"])
        if r["emotion"] in NEMO_EMOTIONS
    ]


RAVDESS = EmotionCorpus(
    name="ravdess",
    language="en",
    splits={
        "tune": tuple(f"{a:02d}" for a in range(1, 17)),  # actors 1-16
        "test": tuple(f"{a:02d}" for a in range(17, 25)),
    },  # 17-24: 4 f, 4 m
    clip_files=_ravdess_files,
)

NEMO = EmotionCorpus(
    name="nemo",
    language="pl",
    splits={
        "tune": ("EB0", "IC0", "KS0", "MP0", "TP0"),  # 2 f, 3 m
        "test": ("KD0", "MK0", "SM0", "WR0"),
    },  # 2 f, 2 m
    clip_files=_nemo_files,
)

CORPORA: dict[str, EmotionCorpus] = {"ravdess": RAVDESS, "nemo": NEMO}
