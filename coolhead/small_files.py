"""Reading the small text files a person writes (settings, phrase rules) without trusting them:
a device (``/dev/zero``), a FIFO or a huge file is refused instead of read until memory runs out."""

from __future__ import annotations

from pathlib import Path


class NotASmallFile(ValueError):
    """Why a file cannot be read as a small text file (without its name: callers add it)."""


def read_small(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; ``NotASmallFile`` for anything but a regular file of at most ``max_bytes``,
    ``OSError`` when it cannot be read."""
    if path.exists() and not path.is_file():
        raise NotASmallFile("not a regular file")
    with open(path, "rb") as f:
        raw = f.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise NotASmallFile(f"larger than {max_bytes // 1024} KB")
    return raw
