"""JSON Lines event file, one event per line, flushed as written (a crash keeps what came before)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from coolhead.events import Event
from coolhead.sinks.partial import PartialFile


class JsonlWriter:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = open(self.path, "w", encoding="utf-8")

    def write(self, event: Event) -> None:
        self._file.write(to_line(event))
        self._file.flush()

    def close(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def to_line(event: Event) -> str:
    """One JSON line; NaN and infinities are refused (most JSON readers cannot read them)."""
    return json.dumps(event, ensure_ascii=False, allow_nan=False) + "\n"


class PartialJsonlWriter:
    """The events of one analysed call, put in place only when the call is complete
    (``sinks/partial.py``)."""

    def __init__(self, path: Path) -> None:
        self._out = PartialFile(path)

    def write(self, event: Event) -> None:
        self._out.write(to_line(event))

    def close(self, complete: bool) -> None:
        self._out.commit() if complete else self._out.abandon()


def iter_events(path: str | Path) -> Iterator[Event]:
    """The events of a JSONL file, one at a time; a torn line (the writer was killed) is skipped."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def read_events(path: str | Path) -> list[Event]:
    """All events of a JSONL file (``iter_events``)."""
    return list(iter_events(path))
