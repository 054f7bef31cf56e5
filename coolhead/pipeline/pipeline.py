"""The pipeline object that replay and live capture both feed, chunk by chunk."""

from __future__ import annotations

import numpy as np

from coolhead import events
from coolhead.audio.chunk import Chunk
from coolhead.config import Config
from coolhead.events import Event
from coolhead.pipeline.anger import RoleAffect
from coolhead.pipeline.cues import CallState, CuePolicy
from coolhead.pipeline.frames import RoleFrames, frame_loudness_dbfs
from coolhead.pipeline.phrases import PhraseSpotter
from coolhead.pipeline.segments import SegmentState, SpeechSegmenter
from coolhead.pipeline.stt import SpeechToText, SttStage
from coolhead.pipeline.turns import TurnTracker
from coolhead.pipeline.vad import VoiceActivity


class _RoleInput:
    """Cuts one role's incoming samples into whole analysis frames, keeping the remainder."""

    def __init__(self, frame_len: int) -> None:
        self._frame_len = frame_len
        self._rest = np.zeros(0, np.int16)

    def frames(self, samples: np.ndarray) -> np.ndarray:
        buf = np.concatenate([self._rest, samples]) if len(self._rest) else samples
        n = len(buf) // self._frame_len
        self._rest = buf[n * self._frame_len :]
        return buf[: n * self._frame_len].reshape(n, self._frame_len)


class Pipeline:
    """Turns role chunks into events. Causal: each frame is decided with what came before it.

    Events come back in decision order; the result does not depend on how the audio was cut
    into chunks, so replay may feed large chunks and live capture small ones.
    """

    def __init__(self, config: Config, roles: tuple[str, ...], stt: SpeechToText | None = None) -> None:
        self.config = config
        self.roles = roles
        self.rate_hz = config.pipeline.sample_rate
        self.frame_s = config.pipeline.frame_ms / 1000
        frame_len = int(self.rate_hz * self.frame_s)
        self._inputs = {r: _RoleInput(frame_len) for r in roles}
        self._vad = {r: VoiceActivity(config.vad, self.rate_hz, self.frame_s) for r in roles}
        self._segmenters = {r: SpeechSegmenter(config.vad, self.frame_s) for r in roles}
        self._affect = {r: RoleAffect(r, config, self.rate_hz, frame_len, self.frame_s) for r in roles}
        self._turns = TurnTracker(config.turns, roles, self.frame_s) if len(roles) == 2 else None
        self._cues = CuePolicy(config.cues, phrases=PhraseSpotter(stt.phrases) if stt else None)
        self._stt = SttStage(stt, roles, self.frame_s, self.rate_hz) if stt else None
        """Words never hold up the acoustic cues: with ``stt.threaded`` they arrive when ready."""
        self.state = CallState(speakers={r: a.state for r, a in self._affect.items()})
        self._t_s = 0.0
        """Start time of the next frame."""

    def feed(self, chunk: Chunk) -> list[Event]:
        blocks = [self._analyse(role, chunk.samples[role]) for role in self.roles]
        out: list[Event] = []
        for i in range(len(blocks[0])):
            t_s = self._t_s
            self._t_s += self.frame_s
            seg_states = {b.role: self._segmenters[b.role].step(t_s, bool(b.voiced[i])) for b in blocks}
            out.extend(self._after_segments(t_s, seg_states, i))
            if self._stt is not None:
                out.extend(self._heard(self._stt.step(t_s, {b.role: b.samples[i] for b in blocks}, seg_states)))
        return out

    def flush(self) -> list[Event]:
        """End of the call: close open segments and talk-overs."""
        seg_states = {r: self._segmenters[r].close() for r in self.roles}
        out = self._after_segments(self._t_s - self.frame_s, seg_states)
        return out + self._heard(self._stt.close()) if self._stt is not None else out

    def _heard(self, words: list[Event]) -> list[Event]:
        """Words events, each followed by the cues its words raise."""
        return [e for w in words for e in (w, *self._cues.on_words(w))]

    def _analyse(self, role: str, samples: np.ndarray) -> RoleFrames:
        frames = self._inputs[role].frames(samples)
        loudness_dbfs = frame_loudness_dbfs(frames)
        voiced = self._vad[role](frames, loudness_dbfs)
        self._affect[role].analyse(frames, loudness_dbfs, voiced)
        return RoleFrames(role, self._t_s, self.frame_s, frames, loudness_dbfs, voiced)

    def _after_segments(self, t_s: float, seg_states: dict[str, SegmentState], i: int = -1) -> list[Event]:
        out = [events.speech(role, s.start_s, s.last_voiced_end_s) for role, s in seg_states.items() if s.ended_now]
        for role, s in seg_states.items():
            out.extend(self._affect[role].step(i, t_s, s))
        if self._turns is not None:
            out.extend(self._turns.step(t_s, seg_states))
            self.state.talkover = self._turns.talkover
        out.extend(self._cues.step(t_s + self.frame_s, self.state))
        return out
