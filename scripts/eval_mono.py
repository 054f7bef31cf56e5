"""Who-spoke-when on mono calls, as coolhead decides it live (streaming, bounded look-ahead),
against reference RTTMs: diarization error rate and overlapped-speech precision/recall, with
pyannote.metrics.

    .venv/bin/python scripts/eval_mono.py /tmp/coolhead-mono/report [MORE_DIRS] [--model M.onnx] [--json OUT]
    .venv/bin/python scripts/eval_mono.py --ami ../shared/data/ami

A folder holds ``NAME.flac`` + ``NAME.rttm`` + ``NAME.uem`` per call (scripts/build_mono_calls.py);
``--ami`` reads the AMI excerpts (``*.flac``, ``debug.*.rttm``, ``debug.*.uem``). DER is scored
without a forgiveness collar, overlapped speech included (the strict setting); the same with
a 0.25 s collar is printed too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
from pyannote.core import Annotation, Segment, Timeline
from pyannote.metrics.diarization import DiarizationErrorRate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coolhead.config import MonoConfig  # noqa: E402
from coolhead.mono.model import SHIPPED, SegmentationModel  # noqa: E402
from coolhead.mono.segmenter import StreamingSegmenter  # noqa: E402
from coolhead.mono.split import streaming_segmenter  # noqa: E402

FEED_S = 0.48
"""Audio is fed in pieces this long, as a paced replay would."""


def read_rttm(path: Path) -> dict[str, Annotation]:
    out: dict[str, Annotation] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split()
        if len(f) >= 8 and f[0] == "SPEAKER":
            start = float(f[3])
            out.setdefault(f[1], Annotation(uri=f[1]))[Segment(start, start + float(f[4])), len(out[f[1]])] = f[7]
    return out


def read_uem(path: Path) -> dict[str, Timeline]:
    out: dict[str, Timeline] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split()
        if len(f) >= 4:
            out.setdefault(f[0], Timeline(uri=f[0])).add(Segment(float(f[2]), float(f[3])))
    return out


def segment(segmenter: StreamingSegmenter, audio: np.ndarray, rate_hz: int) -> np.ndarray:
    """(n, 2) activity of the two call speakers, fed as a stream."""
    segmenter.reset()
    step = int(FEED_S * rate_hz)
    parts = [segmenter.feed(audio[i : i + step]) for i in range(0, len(audio), step)]
    return np.concatenate(parts + [segmenter.flush()])


def to_annotation(activity: np.ndarray, rate_hz: int, uri: str) -> Annotation:
    out = Annotation(uri=uri)
    for column, label in enumerate(("first", "second")):
        edges = np.diff(np.concatenate([[0], activity[:, column].astype(np.int8), [0]]))
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            out[Segment(a / rate_hz, b / rate_hz), len(out)] = label
    return out


def overlap_of(annotation: Annotation) -> Timeline:
    """Where two or more speakers talk at once."""
    tracks = [annotation.label_timeline(label).support() for label in annotation.labels()]
    out = Timeline(uri=annotation.uri)
    for i, a in enumerate(tracks):
        for b in tracks[i + 1 :]:
            for s in a.crop(b, mode="intersection"):
                out.add(s)
    return out.support()


def calls_of(folder: Path) -> list[tuple[str, Path, Annotation, Timeline]]:
    out = []
    for line in (folder / "LIST").read_text(encoding="utf-8").split():
        reference = read_rttm(folder / f"{line}.rttm").get(line, Annotation(uri=line))
        out.append((line, folder / f"{line}.flac", reference, read_uem(folder / f"{line}.uem")[line]))
    return out


def ami_calls(folder: Path) -> list[tuple[str, Path, Annotation, Timeline]]:
    """The AMI meetings held out of training (development and test)."""
    out = []
    for subset in ("development", "test"):
        references = read_rttm(folder / f"debug.{subset}.rttm")
        uems = read_uem(folder / f"debug.{subset}.uem")
        for uri in (folder / f"debug.{subset}.lst").read_text(encoding="utf-8").split():
            out.append((f"{subset}/{uri}", folder / f"{uri}.flac", references.get(uri, Annotation(uri=uri)), uems[uri]))
    return out


def evaluate(name: str, calls, segmenter: StreamingSegmenter, rate_hz: int) -> dict[str, object]:
    strict, collared = DiarizationErrorRate(collar=0.0), DiarizationErrorRate(collar=0.5)  # 0.25 s each side
    ovl = {"hit_s": 0.0, "ref_s": 0.0, "hyp_s": 0.0}
    audio_s = spent_s = 0.0
    for _uri, path, reference, uem in calls:
        audio, file_rate = sf.read(str(path), dtype="float32", always_2d=True)
        audio = audio.mean(axis=1)
        if file_rate != rate_hz:
            audio = soxr.resample(audio, file_rate, rate_hz)
        started = time.perf_counter()
        hypothesis = to_annotation(segment(segmenter, audio, rate_hz), rate_hz, reference.uri)
        spent_s += time.perf_counter() - started
        audio_s += len(audio) / rate_hz
        strict(reference, hypothesis, uem=uem)
        collared(reference, hypothesis, uem=uem)
        ref_ovl, hyp_ovl = overlap_of(reference).crop(uem), overlap_of(hypothesis).crop(uem)
        ovl["ref_s"] += ref_ovl.duration()
        ovl["hyp_s"] += hyp_ovl.duration()
        ovl["hit_s"] += ref_ovl.crop(hyp_ovl, mode="intersection").duration() if ref_ovl and hyp_ovl else 0.0
    detail = strict.report(display=False)
    total = detail.loc["TOTAL"]
    return {
        "set": name,
        "calls": len(calls),
        "audio_min": round(audio_s / 60, 1),
        "der": round(abs(strict), 4),
        "der_collar_0.25": round(abs(collared), 4),
        "missed": round(float(total[("missed detection", "%")]) / 100, 4),
        "false_alarm": round(float(total[("false alarm", "%")]) / 100, 4),
        "confusion": round(float(total[("confusion", "%")]) / 100, 4),
        "overlap_precision": round(ovl["hit_s"] / ovl["hyp_s"], 3) if ovl["hyp_s"] else None,
        "overlap_recall": round(ovl["hit_s"] / ovl["ref_s"], 3) if ovl["ref_s"] else None,
        "overlap_ref_s": round(ovl["ref_s"], 1),
        "x_real_time": round(audio_s / spent_s, 1) if spent_s else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--ami", type=Path)
    parser.add_argument("--model", type=Path, default=SHIPPED)
    parser.add_argument("--json", type=Path, help="append the figures here (one JSON object per set)")
    args = parser.parse_args()
    segmenter = streaming_segmenter(MonoConfig(), SegmentationModel(args.model))
    sets = [(f.name, calls_of(f)) for f in args.folders] + ([("ami", ami_calls(args.ami))] if args.ami else [])
    for name, calls in sets:
        figures = evaluate(name, calls, segmenter, segmenter.rate_hz)
        print(json.dumps(figures))
        if args.json:
            with args.json.open("a", encoding="utf-8") as out:
                out.write(json.dumps(figures | {"model": str(args.model.name)}) + "\n")


if __name__ == "__main__":
    main()
