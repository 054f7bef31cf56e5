"""The cue kinds coolhead can raise, declared once: their names in the event stream (the ``cue``
key, docs/events.md), the window's colour for each, and which of them phrase rules may raise and
evaluation counts as anger cues. Translations (coolhead/i18n/*.toml ``[cues.KIND]``) and phrase
files (``cue = "KIND"``) are checked against this table when they are loaded.

A new cue kind: one line in ``CueKind``, one ``CueSpec``, a ``[cues.KIND]`` table in every
language file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CueKind(StrEnum):
    PAUSE = "pause"
    """The agent is talking over the customer."""
    LOWER_VOICE = "lower_voice"
    """The agent's voice is raised."""
    RESTATE = "restate"
    """The customer is getting angry: restate their concern, apologise."""
    TRANSFER = "transfer"
    """Still angry, a manager request or a threat: offer a supervisor."""
    AVOID_PHRASE = "avoid_phrase"
    """The agent used a blocking phrase."""


@dataclass(frozen=True)
class CueSpec:
    kind: CueKind
    colour: str
    """The cue window's panel colour."""
    anger: bool = False
    """Counted by evaluation as a cue about anger (false cues on calm calls, delays)."""
    escalation: bool = False
    """Counted as the answer to a customer's anger onset (restate, transfer)."""
    from_phrases: bool = False
    """May be raised by a phrase rule."""


CUES: dict[CueKind, CueSpec] = {
    spec.kind: spec
    for spec in (
        CueSpec(CueKind.PAUSE, "#f2a900"),
        CueSpec(CueKind.LOWER_VOICE, "#e8590c", anger=True),
        CueSpec(CueKind.RESTATE, "#1c7ed6", anger=True, escalation=True),
        CueSpec(CueKind.TRANSFER, "#c92a2a", anger=True, escalation=True, from_phrases=True),
        CueSpec(CueKind.AVOID_PHRASE, "#7048e8", from_phrases=True),
    )
}
ANGER_CUES = tuple(str(k) for k, s in CUES.items() if s.anger)
ESCALATION_CUES = tuple(str(k) for k, s in CUES.items() if s.escalation)
PHRASE_CUES = tuple(str(k) for k, s in CUES.items() if s.from_phrases)
