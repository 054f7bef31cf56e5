"""Measured figures recorded as JSON Lines (bench/*.jsonl): one line per run, saying on what
machine and when it ran (never a path of that machine), appended so that earlier runs stay for
comparison."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def append_record(path: Path, bench: str, **fields: Any) -> None:
    """One line: which bench, when, on what machine (``coolhead.bench.machine``), the figures."""
    from coolhead.bench.machine import describe_machine

    entry = {"bench": bench, "utc": datetime.now(UTC).isoformat(timespec="seconds"), "machine": describe_machine()}
    entry |= fields
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")
