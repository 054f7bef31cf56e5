"""Event constructors for the JSON Lines event stream (contract: docs/events.md).

Every event is a plain ``dict`` with ``t`` (seconds of audio time since call start) and
``type``; constructors keep the key names in one place and round times to the millisecond.
"""

from __future__ import annotations

from typing import Any

Event = dict[str, Any]

ROLES = ("agent", "customer")
"""The two parties of a call (``speaker`` values); stereo recordings put them on channels 0 and 1."""


def _s(t_s: float) -> float:
    return round(float(t_s), 3)


def printable(text: str) -> str:
    """``text`` with undecodable bytes of a file name (surrogate escapes) shown as ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def call_header(source: str, sample_rate: int, channels: int, roles: dict[str, str], **extra: Any) -> Event:
    """First line of every stream: what was analysed and which channel is which role."""
    return {
        "t": 0.0,
        "type": "call",
        "source": printable(source),
        "sample_rate": sample_rate,
        "channels": channels,
        "roles": roles,
        **extra,
    }


def speech(speaker: str, start_s: float, end_s: float) -> Event:
    """A finished speech segment of ``speaker`` (emitted when it ends)."""
    return {"t": _s(start_s), "type": "speech", "speaker": speaker, "end": _s(end_s)}


def interruption(by: str, start_s: float, overlap_s: float) -> Event:
    """``by`` started speaking at ``start_s`` while the other role was speaking."""
    return {"t": _s(start_s), "type": "interruption", "by": by, "overlap_s": _s(overlap_s)}


def cue(t_s: float, kind: str, reason: str, **extra: Any) -> Event:
    """What the agent is told (``pause``, ``lower_voice``, ``restate``, ``transfer``, ...) and why."""
    return {"t": _s(t_s), "type": "cue", "cue": str(kind), "reason": reason, **extra}


def prosody(
    t_s: float, speaker: str, loudness_db: float | None, f0_hz: float | None, rate: float | None, **extra: Any
) -> Event:
    """Prosody of ``speaker``'s latest speech up to ``t_s``: loudness (dBFS over speech frames),
    median F0 (None if unvoiced), speaking rate (syllable nuclei per second of speech)."""
    return {
        "t": _s(t_s),
        "type": "prosody",
        "speaker": speaker,
        "loudness_db": loudness_db,
        "f0_hz": f0_hz,
        "rate": rate,
        **extra,
    }


def anger(t_s: float, speaker: str, level: float, **extra: Any) -> Event:
    """Anger level 0..1 of ``speaker`` relative to their own baseline, for the audio up to ``t_s``."""
    return {"t": _s(t_s), "type": "anger", "speaker": speaker, "level": level, **extra}


def words(speaker: str, items: list[tuple[str, float, float, float]], **extra: Any) -> Event:
    """A final STT result: ``items`` are (word, start_s, end_s, confidence) in call time.

    ``t``/``end`` span the words; ``wps`` is words per second over that span (a speaking-rate
    second opinion next to the acoustic rate).
    """
    start_s, end_s = items[0][1], items[-1][2]
    span_s = end_s - start_s
    return {
        "t": _s(start_s),
        "type": "words",
        "speaker": speaker,
        "end": _s(end_s),
        "text": " ".join(w for w, *_ in items),
        "words": [{"w": w, "start": _s(s), "end": _s(e), "conf": round(float(c), 3)} for w, s, e, c in items],
        "wps": round(len(items) / span_s, 2) if span_s > 0 else None,
        **extra,
    }
