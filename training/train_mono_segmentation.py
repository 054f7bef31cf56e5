"""Train coolhead's mono speaker-segmentation model with pyannote.audio, and export it to ONNX.

    training/setup.sh                      # the training environment (torch CPU, pyannote.audio)
    .venv/bin/python scripts/build_mono_calls.py --split tune --calls 500 --out /tmp/coolhead-mono/train
    .venv-train/bin/python training/train_mono_segmentation.py /tmp/coolhead-mono/train --out /tmp/coolhead-mono/run

The task is pyannote.audio's powerset speaker diarization with at most two speakers per chunk
and per frame (classes: nobody, speaker 1, speaker 2, both), on ``--chunk-s`` chunks of the
mono calls listed in ``DIR/LIST`` (``NAME.flac``, ``NAME.rttm``, ``NAME.uem``). The model is a
small PyanNet (SincNet front end, bidirectional LSTM). The last ``--dev-calls`` calls are held
back for validation. Audio is read with soundfile and handed to pyannote as waveforms in memory
(pyannote's own reader needs torchcodec, which this environment leaves out).

Writes ``OUT/segmentation.onnx`` (input: ``waveform`` float32 (batch, 1, samples) at 16 kHz;
output: ``log_probabilities`` (batch, frames, 4), powerset log-probabilities) and
``OUT/segmentation.json`` (frame step and receptive field in samples, classes, the training
settings), then the Lightning checkpoint.
"""

from __future__ import annotations

import os

os.environ["PYANNOTE_METRICS_ENABLED"] = "0"  # pyannote.audio's telemetry: coolhead makes no network connections

import argparse
import json
import time
from pathlib import Path

import soundfile as sf
import torch
from pyannote.audio.models.segmentation import PyanNet
from pyannote.audio.tasks import SpeakerDiarization
from pyannote.core import Annotation, Segment, Timeline
from pyannote.database.protocol import SpeakerDiarizationProtocol

RATE_HZ = 16000
CLASSES = ("nobody", "speaker 1", "speaker 2", "both")
"""The powerset classes of two speakers, in pyannote's order."""


def read_rttm(path: Path) -> Annotation:
    annotation = Annotation(uri=path.stem)
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        f = line.split()
        start, duration = float(f[3]), float(f[4])
        annotation[Segment(start, start + duration), i] = f[7]
    return annotation


class MonoCalls(SpeakerDiarizationProtocol):
    """The calls of one folder: all but the last ``dev_calls`` to train on, those to validate."""

    def __init__(self, folder: Path, dev_calls: int) -> None:
        super().__init__()
        self.folder = folder
        self.name = "coolhead-mono"
        names = folder.joinpath("LIST").read_text(encoding="utf-8").split()
        self.subsets = {"train": names[:-dev_calls], "development": names[-dev_calls:]}

    def _files(self, subset: str):
        for name in self.subsets[subset]:
            duration = sf.info(str(self.folder / f"{name}.flac")).duration
            yield {
                "uri": name,
                "database": "coolhead-mono",
                "scope": "file",  # speaker labels mean something within one call only
                "audio": str(self.folder / f"{name}.flac"),
                "annotation": read_rttm(self.folder / f"{name}.rttm"),
                "annotated": Timeline([Segment(0, duration)], uri=name),
            }

    def train_iter(self):
        return self._files("train")

    def development_iter(self):
        return self._files("development")


class InMemoryDiarization(SpeakerDiarization):
    """pyannote's task, its chunks cut from waveforms read once with soundfile."""

    def __init__(self, protocol: MonoCalls, **kwargs) -> None:
        super().__init__(protocol, **kwargs)
        self._waveforms: dict[str, torch.Tensor] = {}

    def get_file(self, file_id):
        path = str(self.prepared_data["audio-path"][file_id])
        if path not in self._waveforms:
            audio, rate_hz = sf.read(path, dtype="float32")
            assert rate_hz == RATE_HZ, f"{path}: {rate_hz} Hz, expected {RATE_HZ}"
            self._waveforms[path] = torch.from_numpy(audio)[None]
        return {"waveform": self._waveforms[path], "sample_rate": RATE_HZ}


def export_onnx(model: PyanNet, out_dir: Path, chunk_s: float, settings: dict) -> None:
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(1, 1, int(chunk_s * RATE_HZ))
    torch.onnx.export(
        model,
        dummy,
        str(out_dir / "segmentation.onnx"),
        input_names=["waveform"],
        output_names=["log_probabilities"],
        dynamic_axes={"waveform": {0: "batch", 2: "samples"}, "log_probabilities": {0: "batch", 1: "frames"}},
        opset_version=17,
        dynamo=False,
    )
    frames = model.receptive_field
    meta = {
        "sample_rate": RATE_HZ,
        "chunk_s": chunk_s,
        "frame_step_samples": int(round(frames.step * RATE_HZ)),
        "frame_duration_samples": int(round(frames.duration * RATE_HZ)),
        "classes": list(CLASSES),
        "training": settings,
    }
    (out_dir / "segmentation.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("calls", type=Path, help="folder written by scripts/build_mono_calls.py")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--chunk-s", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--lstm-hidden", type=int, default=64)
    parser.add_argument("--lstm-layers", type=int, default=2)
    parser.add_argument("--dev-calls", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--export-from", type=Path, help="only export this checkpoint (e.g. of a stopped run)")
    args = parser.parse_args()
    if args.export_from is not None:
        from pyannote.audio import Model

        model = Model.from_pretrained(str(args.export_from))
        settings = {k: v for k, v in vars(args).items() if k not in ("calls", "out", "export_from")}
        export_onnx(model, args.out, args.chunk_s, settings | {"checkpoint": args.export_from.name})
        print(f"exported {args.export_from} to {args.out / 'segmentation.onnx'}")
        return

    import lightning.pytorch as pl

    torch.set_num_threads(args.threads)
    pl.seed_everything(args.seed, workers=True)
    args.out.mkdir(parents=True, exist_ok=True)
    protocol = MonoCalls(args.calls, args.dev_calls)
    task = InMemoryDiarization(
        protocol,
        duration=args.chunk_s,
        max_speakers_per_chunk=2,
        max_speakers_per_frame=2,
        batch_size=args.batch,
        num_workers=0,
        cache=str(args.out / "prepared.npz"),
    )
    model = PyanNet(
        sincnet={"stride": 10},
        lstm={"hidden_size": args.lstm_hidden, "num_layers": args.lstm_layers, "bidirectional": True, "dropout": 0.1},
        linear={"hidden_size": 64, "num_layers": 1},
        task=task,
    )
    trainer = pl.Trainer(
        accelerator="cpu",
        devices=1,
        max_steps=args.steps,
        val_check_interval=min(500, args.steps),
        check_val_every_n_epoch=None,
        limit_val_batches=20,
        default_root_dir=str(args.out),
        enable_progress_bar=False,
        log_every_n_steps=50,
        logger=pl.loggers.CSVLogger(str(args.out), name="log"),
    )
    started = time.perf_counter()
    trainer.fit(model)
    settings = {k: v for k, v in vars(args).items() if k not in ("calls", "out", "export_from")}
    settings["train_s"] = round(time.perf_counter() - started)
    export_onnx(model, args.out, args.chunk_s, settings)
    print(f"trained {args.steps} steps in {settings['train_s']} s; model in {args.out / 'segmentation.onnx'}")


if __name__ == "__main__":
    main()
