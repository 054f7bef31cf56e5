"""What makes a directory a usable Whisper model in CTranslate2 format (for faster-whisper)."""

from __future__ import annotations

from pathlib import Path

from coolhead.models.errors import ModelError

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


def looks_like_whisper_model(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def check_whisper_model(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise ModelError(f"{path}: model directory does not exist")
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise ModelError(f"{path}: not a complete Whisper CTranslate2 model: missing {', '.join(missing)}")
    return path
