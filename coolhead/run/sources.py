"""Where a batch's calls come from: files, folders (recursive), list files, and fsspec URLs
(``s3://``, ``gs://``, ``file://``... whatever the installed fsspec backends read), each with the
name its outputs get."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from coolhead.events import printable

AUDIO_SUFFIXES = frozenset(".wav .wave .flac .ogg .oga .opus .mp3 .aif .aiff .aifc .au .snd .caf .w64 .rf64".split())
"""What a folder is searched for: the formats libsndfile decodes (a file named directly may be any)."""


@dataclass(frozen=True)
class CallSource:
    location: str
    """A local path or an fsspec URL."""
    name: Path
    """Output name: the file's path relative to the folder given (or as typed), without suffix."""

    @property
    def display_name(self) -> str:
        """The output name as text (bytes of a name that are not UTF-8 shown as ``\\xNN``)."""
        return printable(self.name.as_posix())

    def absolute(self) -> CallSource:
        """The same call, found from any working folder."""
        return self if is_url(self.location) else CallSource(os.path.abspath(self.location), self.name)


def is_url(location: str) -> bool:
    return "://" in location


def _output_name(given: str) -> Path:
    p = Path(PurePosixPath(given.split("://", 1)[1]).name if is_url(given) else given)
    inside = not p.is_absolute() and ".." not in p.parts
    return (p if inside else Path(p.name)).with_suffix("")


def find_calls(paths: list[str]) -> list[CallSource]:
    """Every call under ``paths``: files as given, folders expanded to the audio files in them
    (sorted, recursive), output names keeping the path relative to the folder given so that
    outputs of different inputs do not collide."""
    out: list[CallSource] = []
    for given in paths:
        if is_url(given):
            out.extend(_find_remote(given))
        elif os.path.isdir(given):
            folder = Path(given)
            found = sorted(f for f in folder.rglob("*") if f.suffix.lower() in AUDIO_SUFFIXES and f.is_file())
            out.extend(CallSource(str(f), f.relative_to(folder).with_suffix("")) for f in found)
        else:
            out.append(CallSource(given, _output_name(given)))
    return out


def _find_remote(url: str) -> list[CallSource]:
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(url)
    if not fs.isdir(root):
        return [CallSource(url, _output_name(url))]
    found = sorted(p for p in fs.find(root) if PurePosixPath(p).suffix.lower() in AUDIO_SUFFIXES)
    return [
        CallSource(fs.unstrip_protocol(p), Path(PurePosixPath(p).relative_to(root.rstrip("/")).with_suffix("")))
        for p in found
    ]


def read_list(path: str) -> list[str]:
    """The calls named in a list file: one path or URL per line; blank lines and ``#`` comments skipped."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def input_stamp(location: str) -> dict[str, int]:
    """Size and modification time of a call's input: what resume compares."""
    if is_url(location):
        from fsspec.core import url_to_fs

        fs, path = url_to_fs(location)
        info = fs.info(path)
        mtime = info.get("mtime") or info.get("LastModified") or info.get("created") or 0
        return {"size": int(info.get("size") or 0), "mtime_ns": int(_seconds(mtime) * 1e9)}
    st = os.stat(location)
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _seconds(mtime: object) -> float:
    timestamp = getattr(mtime, "timestamp", None)
    return float(timestamp() if callable(timestamp) else mtime)  # type: ignore[arg-type]


@contextmanager
def local_copy(location: str) -> Iterator[Path]:
    """A local path to read the call from: the file itself, or a temporary copy of a URL."""
    if not is_url(location):
        yield Path(location)
        return
    import fsspec

    with tempfile.TemporaryDirectory(prefix="coolhead-") as folder:
        local = Path(folder) / (PurePosixPath(location.split("://", 1)[1]).name or "call")
        with fsspec.open(location, "rb") as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        yield local
