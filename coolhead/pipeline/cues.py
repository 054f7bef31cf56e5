"""Cue policy: what to tell the agent, debounced and cooled down so they are not nagged.

A pure function of the trackers' state and audio time, plus the memory of what it already
said. Thresholds come from ``CuesConfig``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coolhead import events
from coolhead.config import CuesConfig
from coolhead.events import Event
from coolhead.pipeline.turns import Talkover


@dataclass
class CallState:
    """What the trackers currently know about the call (read by the cue policy and the UI)."""

    talkover: Talkover | None = None


@dataclass
class CuePolicy:
    config: CuesConfig
    _last_cue_s: dict[str, float] = field(default_factory=dict)
    _cued_talkover: Talkover | None = None

    def step(self, t_s: float, state: CallState) -> list[Event]:
        out: list[Event] = []
        talk = state.talkover
        if (talk is not None and talk.confirmed and talk.by == "agent"
                and talk is not self._cued_talkover and self._cooled("pause", t_s, self.config.pause_cooldown_s)):
            self._cued_talkover = talk
            out.append(self._say(t_s, "pause", "You are talking over the customer: stop and let them finish."))
        return out

    def _cooled(self, kind: str, t_s: float, cooldown_s: float) -> bool:
        last = self._last_cue_s.get(kind)
        return last is None or t_s - last >= cooldown_s

    def _say(self, t_s: float, kind: str, reason: str) -> Event:
        self._last_cue_s[kind] = t_s
        return events.cue(t_s, kind, reason)
