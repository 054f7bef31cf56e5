"""Measured figures recorded as JSON Lines (bench/*.jsonl): one line per run, saying where and
when it ran, appended so that earlier runs stay for comparison."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def append_record(path: Path, bench: str, **fields: Any) -> None:
    entry = {
        "bench": bench,
        "utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpu",
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        **fields,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")
