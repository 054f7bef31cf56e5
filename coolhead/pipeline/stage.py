"""The stage interface: the pipeline is a list of stages that every frame of the call passes through.

Audio comes in chunks. Each role's samples are cut into frames (10-30 ms) and analysed a block
at a time, vectorised (``Stage.analyse``: loudness, voice activity, prosody features). Then the
block's frames go through the stages one by one, in order (``Stage.step``), as frames go through
processors in pipecat: a stage reads the ``Frame``, what earlier stages wrote into it, and
returns the events it decided. The call's end is one last ``Frame`` with ``final`` set.

Each stage keeps its streaming state explicit and starts afresh with ``reset()`` (silero-vad's
``VADIterator``). What the cue window reads is the ``CallState`` the pipeline publishes after
each chunk, of its latest frame: values the stages wrote into the frame, never the stages' own
objects.

A new stage is one class with these three methods and one line in ``build_stages``
(coolhead/pipeline/pipeline.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from coolhead.events import Event
from coolhead.pipeline.anger import SpeakerAnger
from coolhead.pipeline.segments import SegmentState
from coolhead.pipeline.turns import Talkover


@dataclass
class Block:
    """Consecutive whole frames of every role, analysed together before they are stepped through."""

    t_s: float
    """Start time of the first frame."""
    frames: dict[str, np.ndarray]
    """Role -> (n_frames, frame_len) int16."""
    loudness_dbfs: dict[str, np.ndarray]
    """Role -> RMS level per frame (dBFS)."""
    voiced: dict[str, np.ndarray] = field(default_factory=dict)
    """Role -> raw voice-activity decision per frame (written by the VAD stage)."""


@dataclass(slots=True)
class Frame:
    """One frame of the call on its way through the stages."""

    t_s: float
    """Start time of the frame (at the end of the call: of the last frame)."""
    index: int
    """Position in its ``Block``; -1 for the final frame."""
    block: Block | None
    """The analysed block the frame belongs to (None for the final frame)."""
    final: bool = False
    """The call has ended: stages close what is open."""
    segments: dict[str, SegmentState] = field(default_factory=dict)
    """Role -> where its speech segment stands (written by the segmenter stage)."""
    speakers: dict[str, SpeakerAnger] = field(default_factory=dict)
    """Role -> anger state, a snapshot (written by the affect stage)."""
    talkover: Talkover | None = None
    """The talk-over in progress, a snapshot (written by the turn stage)."""

    def samples(self, role: str) -> np.ndarray:
        """The role's samples of this frame (empty for the final frame)."""
        return self.block.frames[role][self.index] if self.block is not None else np.zeros(0, np.int16)


class Stage(Protocol):
    """Stages subclass this (explicitly) to inherit the no-op ``analyse``."""

    def analyse(self, block: Block) -> None:
        """Vectorised work on a whole block before its frames are stepped through (default: none)."""
        return None

    def step(self, frame: Frame) -> list[Event]:
        """Advance by one frame; the events decided at it."""

    def reset(self) -> None:
        """Forget the call: the next frame starts a new one."""
