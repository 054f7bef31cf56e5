"""Who holds the floor, overlaps, and interruptions (cross-role)."""

from __future__ import annotations

from dataclasses import dataclass

from coolhead import events
from coolhead.config import TurnsConfig
from coolhead.events import Event
from coolhead.pipeline.segments import SegmentState


@dataclass
class Talkover:
    """One role started speaking while the other was speaking."""

    by: str
    start_s: float
    overlap_s: float = 0.0
    bridged_s: float = 0.0
    """Short gap in the overlap, counted once both speak again."""
    confirmed: bool = False
    """Overlap has reached the interruption threshold."""


class TurnTracker:
    """Finds talk-overs between two roles and tells interruptions from brief latches.

    A talk-over starts when one role opens a segment while the other's segment is open. If the
    role opening it is only resuming after a short pause of its own (``resume_s``) that the other
    role started speaking in, the other role is the one talking over: it jumped into a pause
    inside a turn (this also keeps VAD dropouts on noisy lines from turning the attribution).
    Overlap accumulates over frames where both are voiced; gaps under ``bridge_s`` count once
    both are voiced again. It is *confirmed* as an interruption when overlap reaches ``min_overlap_s``;
    the ``interruption`` event (with the full overlap) is emitted when either side stops.
    """

    def __init__(self, config: TurnsConfig, roles: tuple[str, str], frame_s: float) -> None:
        self._config = config
        self._roles = roles
        self._frame_s = frame_s
        self.talkover: Talkover | None = None
        self.interruptions: dict[str, int] = {role: 0 for role in roles}
        """Confirmed interruptions so far, by interrupter."""
        self._ended_s: dict[str, float] = {role: float("-inf") for role in roles}
        """End of each role's last closed segment."""

    def step(self, t_s: float, states: dict[str, SegmentState]) -> list[Event]:
        out: list[Event] = []
        a, b = self._roles
        for by, other in ((a, b), (b, a)):
            s, o = states[by], states[other]
            if s.started_now and o.in_speech and not o.started_now and self.talkover is None:
                # The segment was opened a few frames after its (back-dated) start.
                talker = other if self._resumes(by, s, o) else by
                self.talkover = Talkover(talker, states[talker].start_s, overlap_s=max(0.0, t_s - s.start_s))
        for role, s in states.items():
            if s.ended_now:
                self._ended_s[role] = s.last_voiced_end_s
        talk = self.talkover
        if talk is None:
            return out
        frame_end_s = t_s + self._frame_s
        if all(states[r].last_voiced_end_s >= frame_end_s for r in self._roles):
            talk.overlap_s += talk.bridged_s + self._frame_s
            talk.bridged_s = 0.0
        elif all(self._speaking(states[r], frame_end_s) for r in self._roles):
            talk.bridged_s += self._frame_s
        else:
            talk.bridged_s = 0.0
        if not talk.confirmed and talk.overlap_s >= self._config.min_overlap_s - 1e-9:
            talk.confirmed = True
            self.interruptions[talk.by] += 1
        if any(not states[r].in_speech for r in self._roles):
            if talk.confirmed:
                out.append(events.interruption(talk.by, talk.start_s, talk.overlap_s))
            self.talkover = None
        return out

    def _resumes(self, role: str, s: SegmentState, other: SegmentState) -> bool:
        """``role`` starts again soon after its last segment, and ``other`` started in between."""
        ended_s = self._ended_s[role]
        return other.start_s >= ended_s and s.start_s - ended_s <= self._config.resume_s

    def _speaking(self, s: SegmentState, frame_end_s: float) -> bool:
        return s.in_speech and frame_end_s - s.last_voiced_end_s <= self._config.bridge_s
