"""The speaker-segmentation model: ONNX, run with onnxruntime (the ``mono`` extra)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coolhead.models.errors import ModelError

SHIPPED = Path(__file__).parent / "segmentation.onnx"
"""The model coolhead ships (docs/models/mono-segmentation.md); its settings beside it as .json."""
EXTRA_HINT = 'mono recordings need speaker segmentation: pip install "coolhead[mono]" (onnxruntime)'


@dataclass(frozen=True)
class ModelInfo:
    rate_hz: int
    step_samples: int
    """Samples between the starts of consecutive output frames."""
    duration_samples: int
    """Samples one output frame sees."""
    chunk_s: float
    """Window length the model was trained on."""


class SegmentationModel:
    """Powerset log-probabilities (nobody, speaker 1, speaker 2, both) per frame of a window of
    mono audio at ``info.rate_hz``. The two speakers are local to the window."""

    def __init__(self, path: Path = SHIPPED, threads: int = 1) -> None:
        if not path.is_file():
            raise ModelError(f"{path}: no speaker-segmentation model there")
        try:
            import onnxruntime
        except ImportError:
            raise ModelError(EXTRA_HINT) from None
        meta_path = path.with_suffix(".json")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            self.info = ModelInfo(
                int(meta["sample_rate"]),
                int(meta["frame_step_samples"]),
                int(meta["frame_duration_samples"]),
                float(meta["chunk_s"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{meta_path}: not a segmentation model description ({exc})") from None
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors for bad files
            raise ModelError(f"{path}: cannot load segmentation model ({str(exc).splitlines()[0]})") from None

    def n_frames(self, n_samples: int) -> int:
        """Output frames for a window of ``n_samples``."""
        return self(np.zeros(n_samples, np.float32)).shape[0]

    def __call__(self, window: np.ndarray) -> np.ndarray:
        """(frames, 4) log-probabilities of one window (float32 samples in [-1, 1])."""
        out = self._session.run(None, {"waveform": window.astype(np.float32, copy=False)[None, None]})
        return out[0][0]
