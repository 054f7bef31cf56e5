"""Word error rate, and the transcribed English recordings in ../shared/data to measure it on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from coolhead.pipeline.phrases import normalise

_NUMBER_WORDS = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five",
                 "6": "six", "7": "seven", "8": "eight", "9": "nine", "10": "ten"}


@dataclass(frozen=True)
class Transcribed:
    id: str
    path: Path
    text: str


def words_of(text: str) -> list[str]:
    """Normalised words for scoring: case, punctuation, hyphens and apostrophes ignored."""
    return [_NUMBER_WORDS.get(w, w) for w in normalise(text.replace("-", " ")).split()]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        row = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (r != h))
        prev = row
    return prev[-1]


def wer(pairs: list[tuple[str, str]]) -> float:
    """Corpus WER of (reference, hypothesis) texts: total edits / total reference words."""
    edits = sum(edit_distance(words_of(r), words_of(h)) for r, h in pairs)
    return edits / max(1, sum(len(words_of(r)) for r, _ in pairs))


def english_transcribed(data_dir: str | Path) -> list[Transcribed]:
    """LibriSpeech clips (named + speaker 1089) and LJ Speech LJ001-0001..0008, with transcripts."""
    data_dir = Path(data_dir)
    out = []
    libri = data_dir / "librispeech"
    notes = (libri / "arm_samples_transcripts.md").read_text(encoding="utf-8")
    for name, text in re.findall(r"- (\w+)\.wav \(orig[^\n]*\n\s*- \"([^\"]+)\"", notes):
        out.append(Transcribed(f"librispeech/{name}", libri / f"{name}.flac", text))
    for trans in sorted(libri.rglob("*.trans.txt")):
        for line in trans.read_text(encoding="utf-8").splitlines():
            utt, _, text = line.partition(" ")
            out.append(Transcribed(f"librispeech/{utt}", trans.parent / f"{utt}.flac", text))
    lj = data_dir / "ljspeech"
    for line in (lj / "metadata.csv").read_text(encoding="utf-8").splitlines():
        utt, _raw, text = line.split("|")[:3]
        if text.strip():
            out.append(Transcribed(f"ljspeech/{utt}", lj / "wavs" / f"{utt}.wav", text))
    return out
