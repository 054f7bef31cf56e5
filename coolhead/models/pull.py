"""Download a named vosk model, verify it, and unpack it atomically into the user cache.

The catalog (``catalog.json`` next to this module, or another file given by the user, e.g. a
company mirror) names each model's URL, size in bytes and sha256. The zip is streamed into a
temporary file in the cache directory, checked, unpacked into a temporary directory there,
checked as a model, and only then renamed into place: an interrupted or corrupt download never
leaves a half model where the resolver would find it.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coolhead.models.errors import ModelError
from coolhead.models.vosk_dir import check_vosk_model

DEFAULT_CATALOG = Path(__file__).with_name("catalog.json")
_BLOCK_BYTES = 1 << 20
_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    lang: str
    url: str
    size: int
    sha256: str


def load_catalog(path: str | Path = DEFAULT_CATALOG) -> dict[str, CatalogEntry]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            name: CatalogEntry(name, e["lang"], e["url"], int(e["size"]), e["sha256"].lower())
            for name, e in data.items()
            if not name.startswith("_")
        }
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read model catalog: {exc!r}") from None


def pull(
    name: str, dest_dir: Path, catalog: dict[str, CatalogEntry], progress: Callable[[int, int], None] | None = None
) -> Path:
    """Fetch model ``name`` into ``dest_dir/name``; returns that path. ``ModelError`` on any problem."""
    entry = catalog.get(name)
    if entry is None:
        raise ModelError(f"unknown model '{name}'; known: {', '.join(sorted(catalog)) or 'none'}")
    target = dest_dir / name
    if target.exists():
        check_vosk_model(target)
        return target
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".pull-{name}-", dir=dest_dir) as tmp:
        archive = Path(tmp) / f"{name}.zip"
        _download(entry, archive, progress)
        unpacked = Path(tmp) / "unpacked"
        _unzip(archive, unpacked, entry.url)
        model_dir = _model_root(unpacked, name)
        check_vosk_model(model_dir)
        model_dir.rename(target)
    return target


def _download(entry: CatalogEntry, out: Path, progress: Callable[[int, int], None] | None) -> None:
    digest = hashlib.sha256()
    got = 0
    try:
        with urllib.request.urlopen(entry.url, timeout=_TIMEOUT_S) as response, open(out, "wb") as f:
            while block := response.read(_BLOCK_BYTES):
                got += len(block)
                if got > entry.size:
                    raise ModelError(f"{entry.url}: download is larger than the expected {entry.size} bytes")
                digest.update(block)
                f.write(block)
                if progress is not None:
                    progress(got, entry.size)
    except http.client.IncompleteRead as exc:
        got += len(exc.partial)
        raise ModelError(f"{entry.url}: download cut off after {got} of {entry.size} bytes; try again") from None
    except urllib.error.HTTPError as exc:
        raise ModelError(f"{entry.url}: server answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(
            f"{entry.url}: cannot download ({reason}); offline? Fetch the zip on a "
            f"connected machine and unzip it into {out.parent.parent}"
        ) from None
    if got != entry.size:
        raise ModelError(f"{entry.url}: download cut off after {got} of {entry.size} bytes; try again")
    if digest.hexdigest() != entry.sha256:
        raise ModelError(
            f"{entry.url}: checksum mismatch (sha256 {digest.hexdigest()}, expected "
            f"{entry.sha256}); the file is corrupt or not the published model"
        )


def _unzip(archive: Path, dest: Path, url: str) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            root = dest.resolve()
            for member in zf.namelist():
                if not (dest / member).resolve().is_relative_to(root):
                    raise ModelError(f"{url}: archive entry '{member}' points outside the model directory")
            zf.extractall(dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise ModelError(f"{url}: cannot unpack the archive: {exc}") from None


def _model_root(unpacked: Path, name: str) -> Path:
    """Official zips hold one top directory named like the model; accept a bare layout too."""
    entries = [p for p in unpacked.iterdir() if not p.name.startswith("__MACOSX")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    if entries:
        return unpacked
    raise ModelError(f"{name}: the archive is empty")
