"""Output files that replace the previous result only when they are complete.

While a call is analysed its output grows in ``NAME.partial`` beside the target, flushed line by
line (a killed run keeps every line written so far there). ``commit()`` renames it over the
target; a run that fails leaves the target (a previous good result) untouched and the partial
file for inspection.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO


class PartialFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = path.with_name(path.name + ".partial")
        self.file: IO[str] = open(self.partial, "w", encoding="utf-8")

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
        self.file.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        """Failed: the partial output stays beside the untouched target."""
        self.file.close()
