"""What makes a directory a usable Whisper model in CTranslate2 format (for faster-whisper)."""

from __future__ import annotations

import json
from pathlib import Path

from coolhead.models.errors import ModelError

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
MULTILINGUAL = "multi"
"""The language a multilingual Whisper model is listed under."""
WHISPER_LANGUAGES = frozenset(
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he hi hr "
    "ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn no oc "
    "pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur uz vi yi yo zh "
    "yue".split()
)
"""Language codes multilingual Whisper models transcribe (as faster-whisper names them)."""
_MULTILINGUAL_VOCABULARY = 51865
"""Token count from which a Whisper vocabulary has the language tokens (English-only: 51864)."""


def looks_like_whisper_model(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def whisper_language(path: Path) -> str:
    """``en`` for an English-only model, ``multi`` for a multilingual one, ``?`` if unreadable."""
    try:
        if (path / "vocabulary.json").is_file():
            size = len(json.loads((path / "vocabulary.json").read_text(encoding="utf-8")))
        else:
            size = len((path / "vocabulary.txt").read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError, ValueError, TypeError):
        return "?"
    return MULTILINGUAL if size >= _MULTILINGUAL_VOCABULARY else "en"


def check_whisper_model(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise ModelError(f"{path}: model directory does not exist")
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise ModelError(f"{path}: not a complete Whisper CTranslate2 model: missing {', '.join(missing)}")
    return path
