"""Event constructors for the JSON Lines event stream (contract: docs/events.md).

Every event is a plain ``dict`` with ``t`` (seconds of audio time since call start) and
``type``; constructors keep the key names in one place and round times to the millisecond.
"""

from __future__ import annotations

from typing import Any

Event = dict[str, Any]

ROLES = ("agent", "customer")


def _s(t_s: float) -> float:
    return round(float(t_s), 3)


def call_header(source: str, sample_rate: int, channels: int, roles: dict[str, str], **extra: Any) -> Event:
    """First line of every stream: what was analysed and which channel is which role."""
    return {"t": 0.0, "type": "call", "source": source, "sample_rate": sample_rate,
            "channels": channels, "roles": roles, **extra}


def speech(speaker: str, start_s: float, end_s: float) -> Event:
    """A finished speech segment of ``speaker`` (emitted when it ends)."""
    return {"t": _s(start_s), "type": "speech", "speaker": speaker, "end": _s(end_s)}


def interruption(by: str, start_s: float, overlap_s: float) -> Event:
    """``by`` started speaking at ``start_s`` while the other role was speaking."""
    return {"t": _s(start_s), "type": "interruption", "by": by, "overlap_s": _s(overlap_s)}


def cue(t_s: float, kind: str, reason: str, **extra: Any) -> Event:
    """What the agent is told (``pause``, ``lower_voice``, ``restate``, ``transfer``, ...) and why."""
    return {"t": _s(t_s), "type": "cue", "cue": kind, "reason": reason, **extra}
