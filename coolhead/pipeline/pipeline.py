"""The pipeline object that replay and live capture both feed, chunk by chunk: a list of stages
(coolhead/pipeline/stage.py) that every frame passes through."""

from __future__ import annotations

from coolhead.audio.chunk import Chunk
from coolhead.config import Config
from coolhead.events import Event
from coolhead.pipeline.cues import CallState
from coolhead.pipeline.frames import FrameCutter, frame_loudness_dbfs
from coolhead.pipeline.stage import Block, Frame, Stage
from coolhead.pipeline.stages import AffectStage, CueStage, SegmentStage, SttStage, TurnStage, VadStage
from coolhead.pipeline.stt import SpeechToText


def build_stages(config: Config, roles: tuple[str, ...], stt: SpeechToText | None = None) -> list[Stage]:
    """The stages of a call, in the order each frame goes through them."""
    frame_s = config.pipeline.frame_ms / 1000
    stages: list[Stage] = [
        VadStage(config, roles, frame_s),
        SegmentStage(config, roles, frame_s),
        AffectStage(config, roles, frame_s),
    ]
    if len(roles) == 2:
        stages.append(TurnStage(config, (roles[0], roles[1]), frame_s))
    stages.append(CueStage(config, frame_s))
    if stt is not None:
        # Words never hold up the acoustic cues: with ``stt.threaded`` they arrive when ready.
        stages.append(SttStage(stt, roles, frame_s, config.pipeline.sample_rate))
    return stages


class Pipeline:
    """Turns role chunks into events. Causal: each frame is decided with what came before it.

    Events come back in decision order; the result does not depend on how the audio was cut
    into chunks, so replay may feed large chunks and live capture small ones. ``state`` is the
    snapshot of the call after the latest frame (what the cue window shows).
    """

    def __init__(self, config: Config, roles: tuple[str, ...], stt: SpeechToText | None = None) -> None:
        self.config = config
        self.roles = roles
        self.rate_hz = config.pipeline.sample_rate
        self.frame_s = config.pipeline.frame_ms / 1000
        self.stages = build_stages(config, roles, stt)
        self.reset()

    def reset(self) -> None:
        """Forget the call: the next chunk starts a new one at time 0 (through ``stages`` as they
        are now: a benchmark may have wrapped them)."""
        for stage in self.stages:
            stage.reset()
        self._steps = [stage.step for stage in self.stages]
        frame_len = int(self.rate_hz * self.frame_s)
        self._inputs = {r: FrameCutter(frame_len) for r in self.roles}
        self._t_s = 0.0
        """Start time of the next frame."""
        self.state = CallState()

    def feed(self, chunk: Chunk) -> list[Event]:
        frames = {r: self._inputs[r].frames(chunk.samples[r]) for r in self.roles}
        block = Block(self._t_s, frames, {r: frame_loudness_dbfs(x) for r, x in frames.items()})
        for stage in self.stages:
            stage.analyse(block)
        out: list[Event] = []
        frame = None
        for i in range(len(frames[self.roles[0]])):
            frame = Frame(self._t_s, i, block)
            out.extend(self._step(frame))
            self._t_s += self.frame_s
        if frame is not None:
            self._publish(frame)
        return out

    def flush(self) -> list[Event]:
        """End of the call: close open segments, talk-overs and utterances."""
        frame = Frame(self._t_s - self.frame_s, -1, None, final=True)
        out = self._step(frame)
        self._publish(frame)
        return out

    def _step(self, frame: Frame) -> list[Event]:
        out: list[Event] = []
        for step in self._steps:
            decided = step(frame)
            if decided:
                out.extend(decided)
        return out

    def _publish(self, frame: Frame) -> None:
        """``state`` after the latest frame (only read between feeds, so not built at every frame)."""
        self.state = CallState(frame.talkover, frame.speakers)
