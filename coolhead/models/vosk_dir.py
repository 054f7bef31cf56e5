"""What makes a directory a usable vosk (Kaldi) model, checked before vosk sees it.

vosk itself answers a broken model with pages of C++ log and a bare "Failed to create a model";
these checks turn the usual problems into one line.
"""

from __future__ import annotations

import re
from pathlib import Path

from coolhead.models.errors import ModelError

REQUIRED_FILES = ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf")
GRAPHS = (("graph/HCLG.fst",), ("graph/HCLr.fst", "graph/Gr.fst"))
"""A full decoding graph, or the split (lookahead) graph of the small models."""
IVECTOR_FILES = ("final.dubm", "final.ie", "final.mat", "global_cmvn.stats", "online_cmvn.conf", "splice.conf")
KALDI_DEFAULT_RATE_HZ = 16000


def looks_like_vosk_model(path: Path) -> bool:
    return (path / "am" / "final.mdl").is_file() or (path / "conf" / "model.conf").is_file()


def model_rate_hz(path: Path) -> int:
    """Sample rate the model's features were trained at (``--sample-frequency`` in mfcc.conf)."""
    match = re.search(r"--sample-frequency=(\d+(?:\.\d*)?)", _read_conf(path / "conf" / "mfcc.conf"))
    return int(float(match.group(1))) if match else KALDI_DEFAULT_RATE_HZ


def check_vosk_model(path: str | Path, rate_hz: int | None = None) -> Path:
    """``path`` as a checked model directory; ``ModelError`` says what is missing or wrong.

    With ``rate_hz``, also checks that audio at that rate can be fed to the model: Kaldi
    resamples only where the model's feature config allows it.
    """
    path = Path(path)
    if not path.exists():
        raise ModelError(f"{path}: model directory does not exist")
    if not path.is_dir():
        raise ModelError(f"{path}: not a directory (a vosk model is a directory; unzip the download first)")
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if not any(all((path / f).is_file() for f in graph) for graph in GRAPHS):
        missing.append(" or ".join("+".join(g) for g in GRAPHS))
    if (path / "ivector").is_dir():
        missing += [f"ivector/{f}" for f in IVECTOR_FILES if not (path / "ivector" / f).is_file()]
    if missing:
        raise ModelError(f"{path}: not a complete vosk model: missing {', '.join(missing)}")
    if rate_hz is not None:
        check_rate(path, rate_hz)
    return path


def check_rate(path: Path, rate_hz: int) -> None:
    model_hz = model_rate_hz(path)
    conf = _read_conf(path / "conf" / "mfcc.conf")
    if (
        rate_hz > model_hz
        and "--allow-downsample=true" not in conf
        or (rate_hz < model_hz and "--allow-upsample=true" not in conf)
    ):
        raise ModelError(
            f"{path}: model is for {model_hz} Hz audio and does not allow resampling; "
            f"the pipeline runs at {rate_hz} Hz (set pipeline.sample_rate = {model_hz})"
        )


def _read_conf(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: cannot read model config: {exc}") from None
