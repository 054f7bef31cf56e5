"""Word error rate (jiwer, after coolhead's text normalisation), and the transcribed recordings
in ../shared/data to measure it on: read English (LibriSpeech, LJ Speech), acted English
(RAVDESS, two known sentences) and acted Polish (nEMO, with its transcripts)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import jiwer

from coolhead.pipeline.phrases import normalise

_NUMBER_WORDS = {
    "0": "zero",
    "1": "one",
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
    "10": "ten",
}


@dataclass(frozen=True)
class Transcribed:
    id: str
    path: Path
    text: str


def words_of(text: str) -> list[str]:
    """Normalised words for scoring: case, punctuation, hyphens and apostrophes ignored."""
    return [_NUMBER_WORDS.get(w, w) for w in normalise(text.replace("-", " ")).split()]


def wer(pairs: list[tuple[str, str]]) -> float:
    """Corpus WER of (reference, hypothesis) texts: total edits / total reference words."""
    refs = [" ".join(words_of(r)) for r, _ in pairs]
    hyps = [" ".join(words_of(h)) for _, h in pairs]
    kept = [(r, h) for r, h in zip(refs, hyps) if r]
    if not kept:
        return 0.0
    out = jiwer.process_words([r for r, _ in kept], [h for _, h in kept])
    return (out.substitutions + out.deletions + out.insertions) / sum(len(r.split()) for r, _ in kept)


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


RAVDESS_SENTENCES = {"01": "Kids are talking by the door", "02": "Dogs are sitting by the door"}


def ravdess_transcribed(data_dir: str | Path, per_actor: int = 4) -> list[Transcribed]:
    """``per_actor`` clips of each of the 24 actors, cycling through neutral, calm and angry
    (both statements, both intensities), with the statement's text."""
    root = Path(data_dir) / "ravdess"
    out = []
    for actor in sorted(root.glob("Actor_*")):
        clips = {e: sorted(actor.glob(f"03-01-{e}-*.flac")) for e in ("01", "02", "05")}
        picked = [clips[e][(2 * i) % len(clips[e])] for i in range(per_actor) for e in ("01", "05", "02") if clips[e]][
            :per_actor
        ]
        out += [Transcribed(f"ravdess/{p.stem}", p, RAVDESS_SENTENCES[p.stem.split("-")[4]]) for p in picked]
    return out


def nemo_transcribed(data_dir: str | Path, per_speaker: int = 12) -> list[Transcribed]:
    """``per_speaker`` clips of each of nEMO's 9 speakers, half neutral and half angry, with
    their (normalised) Polish transcripts."""
    root = Path(data_dir) / "nemo"
    with open(root / "data.tsv", encoding="utf-8", newline="") as f:
        rows = sorted(csv.DictReader(f, delimiter="\t"), key=lambda r: r["file_id"])
    out = []
    for speaker in sorted({r["speaker_id"] for r in rows}):
        for emotion in ("neutral", "anger"):
            mine = [r for r in rows if r["speaker_id"] == speaker and r["emotion"] == emotion]
            out += [
                Transcribed(f"nemo/{r['file_id']}", root / "samples" / r["file_id"], r["normalized_text"])
                for r in mine[: per_speaker // 2]
            ]
    return out
