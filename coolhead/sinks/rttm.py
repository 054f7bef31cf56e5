"""RTTM (NIST Rich Transcription Time Marked): who spoke when, the file format pyannote and every
diarization tool read and score. One ``SPEAKER`` line per speech segment, in time order; the two
parties' segments overlap where both spoke.

    SPEAKER <file-id> 1 <start s> <duration s> <NA> <NA> <speaker> <NA> <NA>
"""

from __future__ import annotations

import re
from pathlib import Path

from coolhead.sinks.partial import PartialFile


def file_id(name: str) -> str:
    """An RTTM file id (no whitespace) for a call name."""
    return re.sub(r"\s+", "_", name) or "call"


def rttm_lines(uri: str, speech: dict[str, list[tuple[float, float]]]) -> list[str]:
    segments = sorted((start, end, role) for role, segs in speech.items() for start, end in segs if end > start)
    return [
        f"SPEAKER {file_id(uri)} 1 {start:.3f} {end - start:.3f} <NA> <NA> {role} <NA> <NA>\n"
        for start, end, role in segments
    ]


def write_rttm(path: Path, uri: str, speech: dict[str, list[tuple[float, float]]]) -> PartialFile:
    """The RTTM in ``PATH.partial``; the caller commits it with the call's other outputs."""
    out = PartialFile(path)
    out.write("".join(rttm_lines(uri, speech)))
    return out
