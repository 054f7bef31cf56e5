"""Ground-truth files of labelled calls (contract shared with other tools: docs/events.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Truth = dict[str, Any]

REQUIRED_KEYS = ("utterances",)


class TruthError(ValueError):
    """An unusable ground-truth file; the message names the file and the problem."""


def load_truth(path: str | Path) -> Truth:
    path = Path(path)
    try:
        truth = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TruthError(f"{path}: cannot read ground truth: {exc}") from None
    if not isinstance(truth, dict) or any(k not in truth for k in REQUIRED_KEYS):
        raise TruthError(f"{path}: not a ground-truth file (needs {', '.join(REQUIRED_KEYS)})")
    truth.setdefault("call_id", path.stem)
    for key in ("interruptions", "short_overlaps", "anger_onsets", "agent_loud_onsets"):
        truth.setdefault(key, [])
    return truth
