"""The pipeline's stages: each wraps one component (VAD, segmenter, prosody and anger, turns,
cue policy, speech-to-text) behind the ``Stage`` interface (coolhead/pipeline/stage.py).

Per-role stages hold one component per role; cross-role stages see every role at once. The
components themselves know nothing of frames or stages and are tested on their own.
"""

from __future__ import annotations

import copy

import numpy as np

from coolhead import events
from coolhead.audio.chunk import MIX_ROLE
from coolhead.config import Config
from coolhead.events import Event
from coolhead.pipeline.anger import RoleAffect
from coolhead.pipeline.cues import CallState, CuePolicy
from coolhead.pipeline.phrases import PhraseCues
from coolhead.pipeline.segments import SpeechSegmenter
from coolhead.pipeline.stage import Block, Frame, Stage
from coolhead.pipeline.stt import SpeechToText, SttRunner
from coolhead.pipeline.turns import TurnTracker
from coolhead.pipeline.vad import VoiceActivity


class VadStage(Stage):
    """Per role: raw voice activity of every frame of a block (webrtcvad, level gate, non-speech)."""

    def __init__(self, config: Config, roles: tuple[str, ...], frame_s: float) -> None:
        self._args = config, roles, frame_s
        self.reset()

    def reset(self) -> None:
        config, roles, frame_s = self._args
        self._vad = {r: VoiceActivity(config.vad, config.pipeline.sample_rate, frame_s) for r in roles}

    def analyse(self, block: Block) -> None:
        for role, vad in self._vad.items():
            block.voiced[role] = vad(block.frames[role], block.loudness_dbfs[role])

    def step(self, frame: Frame) -> list[Event]:
        return []


class SegmentStage(Stage):
    """Per role: speech segments with start/stop hysteresis; ``speech`` events when one closes."""

    def __init__(self, config: Config, roles: tuple[str, ...], frame_s: float) -> None:
        self._args = config, roles, frame_s
        self.reset()

    def reset(self) -> None:
        config, roles, frame_s = self._args
        self._segmenters = {r: SpeechSegmenter(config.vad, frame_s) for r in roles}
        self._voiced: dict[str, list[bool]] = {}
        """The block's VAD decisions per role, as Python bools (cheaper to step through)."""

    def analyse(self, block: Block) -> None:
        self._voiced = {r: block.voiced[r].tolist() for r in self._segmenters}

    def step(self, frame: Frame) -> list[Event]:
        if frame.final:
            frame.segments = {r: s.close() for r, s in self._segmenters.items()}
        else:
            i, t_s = frame.index, frame.t_s
            frame.segments = {r: s.step(t_s, self._voiced[r][i]) for r, s in self._segmenters.items()}
        out: list[Event] = []
        for r, s in frame.segments.items():
            if s.ended_now:
                out.append(events.speech(r, s.start_s, s.last_voiced_end_s))
        return out


class AffectStage(Stage):
    """Per role: prosody windows and the speaker-adaptive anger level (``prosody``, ``anger``).

    A mono recording's mixed stream gets prosody but no anger level: its baseline would mix two
    voices, and the level would follow who is speaking, not how they feel. For the same reason,
    frames where both roles hold the very same samples (a split mono call's overlapped speech,
    given to both sides: coolhead/mono/split.py) are left out of prosody and anger.
    """

    def __init__(self, config: Config, roles: tuple[str, ...], frame_s: float) -> None:
        self._args = config, roles, frame_s
        self.reset()

    def reset(self) -> None:
        config, roles, frame_s = self._args
        rate_hz = config.pipeline.sample_rate
        frame_len = int(rate_hz * frame_s)
        self._affect = {r: RoleAffect(r, config, rate_hz, frame_len, frame_s, judge_anger=r != MIX_ROLE) for r in roles}

    def analyse(self, block: Block) -> None:
        own_voice = ~_same_on_both_roles(block)
        for role, affect in self._affect.items():
            affect.analyse(block.frames[role], block.loudness_dbfs[role], block.voiced[role] & own_voice)

    def step(self, frame: Frame) -> list[Event]:
        out: list[Event] = []
        for role, affect in self._affect.items():
            seg = frame.segments[role]
            if seg.in_speech or seg.ended_now:  # between turns there is nothing to measure or close
                out.extend(affect.step(frame.index, frame.t_s, seg))
            frame.speakers[role] = affect.state
        return out


def _same_on_both_roles(block: Block) -> np.ndarray:
    """Per frame: both roles hold identical samples (never so on two real channels with speech)."""
    if len(block.frames) != 2:
        return np.zeros(len(next(iter(block.frames.values()))), bool)
    first, second = block.frames.values()
    return np.all(first == second, axis=1)


class TurnStage(Stage):
    """Cross-role (two parties): talk-overs, latches and ``interruption`` events."""

    def __init__(self, config: Config, roles: tuple[str, str], frame_s: float) -> None:
        self._args = config, roles, frame_s
        self.reset()

    def reset(self) -> None:
        config, roles, frame_s = self._args
        self._turns = TurnTracker(config.turns, roles, frame_s)

    def step(self, frame: Frame) -> list[Event]:
        out = self._turns.step(frame.t_s, frame.segments)
        talk = self._turns.talkover
        frame.talkover = copy.copy(talk) if talk is not None else None
        return out


class CueStage(Stage):
    """Cross-role: the cue policy on what the earlier stages wrote into the frame."""

    def __init__(self, config: Config, frame_s: float) -> None:
        self._config, self._frame_s = config, frame_s
        self.reset()

    def reset(self) -> None:
        self._policy = CuePolicy(self._config.cues)

    def step(self, frame: Frame) -> list[Event]:
        return self._policy.step(frame.t_s + self._frame_s, CallState(frame.talkover, frame.speakers))


class SttStage(Stage):
    """Per role: speech cut into utterances for the recognizer; ``words`` events as they are
    ready, each followed by the phrase cues its words raise."""

    def __init__(self, stt: SpeechToText, roles: tuple[str, ...], frame_s: float, rate_hz: int) -> None:
        self._args = stt, roles, frame_s, rate_hz
        self._runner: SttRunner | None = None
        self.reset()

    def reset(self) -> None:
        if self._runner is not None:
            self._runner.stop()
        stt, roles, frame_s, rate_hz = self._args
        self._runner = SttRunner(stt, roles, frame_s, rate_hz)
        self._phrases = PhraseCues(stt.phrases)

    def step(self, frame: Frame) -> list[Event]:
        assert self._runner is not None
        if frame.final:
            words = self._runner.close()
        else:
            words = self._runner.step(frame.t_s, {r: frame.samples(r) for r in frame.segments}, frame.segments)
        return [e for w in words for e in (w, *self._phrases.on_words(w))]
