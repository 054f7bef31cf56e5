"""Output files that replace the previous result only when they are complete, and that two runs
cannot write at once.

While a call is analysed its output grows in ``NAME.partial`` beside the target, flushed line by
line (a killed run keeps every line written so far there). The partial file is locked
(``flock``) for as long as it is written: a second run that reaches the same output meanwhile
gets ``OutputBusy`` instead of mixing its lines in. ``commit()`` renames it over the target while
still holding the lock; a run that fails leaves the target (a previous good result) untouched
and the partial file for inspection.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class OutputBusy(OSError):
    """Another run is writing this output now."""


class PartialFile:
    def __init__(self, path: Path, wait: bool = False) -> None:
        """``wait``: wait for another run's writing to end instead of raising ``OutputBusy``."""
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = path.with_name(path.name + ".partial")
        self.file: IO[str] = _locked(self.partial, wait)

    def write(self, text: str) -> None:
        self.file.write(text)
        self.file.flush()

    def commit(self) -> None:
        """Complete: durable on disk (where the file system can say so), then in place."""
        self.file.flush()
        try:
            os.fsync(self.file.fileno())
        except OSError:  # a pipe or a device: nothing to make durable
            pass
        os.replace(self.partial, self.path)
        self.file.close()

    def abandon(self) -> None:
        """Failed: the partial output stays beside the untouched target."""
        self.file.close()


def _locked(partial: Path, wait: bool) -> IO[str]:
    """``partial`` opened for writing, emptied, and locked by this process."""
    while True:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            raise OutputBusy(f"{partial.with_suffix('')}: another coolhead run is writing it now") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(partial).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not renamed into place by the run that held it while this one waited
            os.ftruncate(fd, 0)
            return os.fdopen(fd, "w", encoding="utf-8")
        os.close(fd)
