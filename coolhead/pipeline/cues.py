"""Cue policy: what to tell the agent, debounced and cooled down so they are not nagged.

A pure function of the trackers' state and audio time, plus the memory of what it already
said. Thresholds come from ``CuesConfig``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coolhead import events
from coolhead.config import CuesConfig
from coolhead.cue_kinds import CueKind
from coolhead.events import Event
from coolhead.i18n import load_texts
from coolhead.pipeline.anger import SpeakerAnger, TurnAnger
from coolhead.pipeline.turns import Talkover

ENGLISH = load_texts("en")
"""Each cue's English ``reason`` is its ``reason_key``'s sentence in coolhead/i18n/en.toml."""


@dataclass(frozen=True)
class CallState:
    """What the stages know about the call after a frame: a snapshot the pipeline publishes
    (read by the cue policy and the cue window; no stage changes it afterwards)."""

    talkover: Talkover | None = None
    """The talk-over in progress."""
    speakers: dict[str, SpeakerAnger] = field(default_factory=dict)
    """Anger state per role."""

    @property
    def customer_anger_level(self) -> float:
        """The customer's latest anger level, 0..1 (0 before they speak)."""
        s = self.speakers.get("customer")
        return s.level if s else 0.0

    @property
    def agent_loudness_vs_baseline_db(self) -> float:
        """How far the agent's latest speech is above their own baseline loudness (dB)."""
        s = self.speakers.get("agent")
        return s.loudness_vs_baseline_db if s else 0.0


@dataclass
class CuePolicy:
    config: CuesConfig
    _last_cue_s: dict[str, float] = field(default_factory=dict)
    _cued_talkover: tuple[str, float] | None = None
    """(who, start) of the talk-over last cued with ``pause``."""
    _cued_raise_s: float | None = None
    """Start of the agent's raised stretch last cued with ``lower_voice``."""
    _seen_turn: TurnAnger | None = None
    _first_restate_s: float | None = None
    _heated_since_restate: int = 0
    _restated_stretch: bool = False
    """A restate was given in the customer's current run of heated turns..."""
    _restate_turn_start_s: float | None = None
    """...during (or at the end of) the customer turn that started then."""

    def step(self, t_s: float, state: CallState) -> list[Event]:
        out: list[Event] = []
        talk = state.talkover
        if (
            talk is not None
            and talk.confirmed
            and talk.by == "agent"
            and (talk.by, talk.start_s) != self._cued_talkover
            and self._cooled(CueKind.PAUSE, t_s, self.config.pause_cooldown_s)
        ):
            self._cued_talkover = (talk.by, talk.start_s)
            out.append(self._say(t_s, CueKind.PAUSE, "talking_over"))
        out.extend(self._lower_voice(t_s, state.speakers.get("agent"), state.speakers.get("customer")))
        customer = state.speakers.get("customer")
        if customer is not None:
            if customer.turn is not None and self._heated(customer.turn):
                out.extend(self._restate(t_s, customer.turn, "customer_getting_angry"))
            if customer.last_turn is not None and customer.last_turn is not self._seen_turn:
                self._seen_turn = customer.last_turn
                out.extend(self._turn_ended(t_s, customer.last_turn))
        return out

    def _lower_voice(self, t_s: float, agent: SpeakerAnger | None, customer: SpeakerAnger | None) -> list[Event]:
        c = self.config
        customer_upset = customer is not None and customer.aroused.since_s is not None
        min_s = c.lower_voice_min_s_customer_upset if customer_upset else c.lower_voice_min_s
        if (
            agent is None
            or agent.raised.speech_s < min_s
            or agent.raised.since_s == self._cued_raise_s
            or not self._cooled(CueKind.LOWER_VOICE, t_s, c.lower_voice_cooldown_s)
        ):
            return []
        self._cued_raise_s = agent.raised.since_s
        key = "voice_raised_customer_upset" if customer_upset else "voice_raised"
        return [self._say(t_s, CueKind.LOWER_VOICE, key, seconds=round(agent.raised.speech_s))]

    def _heated(self, turn: TurnAnger) -> bool:
        """Hot enough for long enough, or risen well above the customer's own usual level."""
        c = self.config
        hot = turn.peak_level >= c.restate_level and turn.aroused_s >= c.restate_min_speech_s
        return hot or turn.risen_s >= c.restate_min_speech_s

    def _restate(self, t_s: float, turn: TurnAnger, reason_key: str) -> list[Event]:
        """Restate once per run of heated customer turns, as soon as a turn of it is heated."""
        if self._restated_stretch or not self._cooled(CueKind.RESTATE, t_s, self.config.restate_cooldown_s):
            return []
        self._restated_stretch = True
        self._restate_turn_start_s = turn.start_s
        if self._first_restate_s is None:
            self._first_restate_s = t_s
        return [self._say(t_s, CueKind.RESTATE, reason_key)]

    def _turn_ended(self, t_s: float, turn: TurnAnger) -> list[Event]:
        """A customer turn just ended: a calm one ends the heated run; a heated one that was not
        restated is restated now, and heated turns after the restate lead to transfer."""
        c = self.config
        if not self._heated(turn):
            self._heated_since_restate = 0
            self._restated_stretch = False
            return []
        if not self._restated_stretch:
            return self._restate(t_s, turn, "customer_angry_turn")
        if turn.start_s == self._restate_turn_start_s:
            return []  # the turn the restate was given in
        self._heated_since_restate += 1
        if (
            self._heated_since_restate >= c.transfer_heated_turns
            and self._first_restate_s is not None
            and t_s - self._first_restate_s >= c.transfer_min_s
            and self._cooled(CueKind.TRANSFER, t_s, c.transfer_cooldown_s)
        ):
            self._heated_since_restate = 0
            return [self._say(t_s, CueKind.TRANSFER, "still_angry_after_restate")]
        return []

    def _cooled(self, kind: str, t_s: float, cooldown_s: float) -> bool:
        last = self._last_cue_s.get(kind)
        return last is None or t_s - last >= cooldown_s

    def _say(self, t_s: float, kind: str, reason_key: str, **reason_args: object) -> Event:
        """A cue with its English ``reason`` and the key (and arguments) the cue window translates."""
        self._last_cue_s[kind] = t_s
        extra = {"reason_args": reason_args} if reason_args else {}
        return events.cue(t_s, kind, ENGLISH.reasons[reason_key].format(**reason_args), reason_key=reason_key, **extra)
