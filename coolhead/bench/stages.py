"""Where the pipeline's time goes, stage by stage: each stage's block analysis and its per-frame
steps, timed inside whole runs of the pipeline."""

from __future__ import annotations

import time

from coolhead.audio.chunk import Chunk
from coolhead.bench.timing import Timing
from coolhead.config import Config
from coolhead.events import Event
from coolhead.pipeline import Pipeline
from coolhead.pipeline.stage import Block, Frame, Stage
from coolhead.run.feed import run_chunks

LABELS = {
    "VadStage": "voice activity + non-speech",
    "SegmentStage": "speech segments",
    "AffectStage": "prosody + anger",
    "TurnStage": "turns + interruptions",
    "CueStage": "cue policy",
}
"""What each stage does, for the bench's rows."""


class TimedStage(Stage):
    """A stage with the seconds spent in its ``analyse`` and its ``step`` counted."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.analyse_s = self.step_s = 0.0

    def analyse(self, block: Block) -> None:
        started = time.perf_counter()
        self.stage.analyse(block)
        self.analyse_s += time.perf_counter() - started

    def step(self, frame: Frame) -> list[Event]:
        started = time.perf_counter()
        decided = self.stage.step(frame)
        self.step_s += time.perf_counter() - started
        return decided

    def reset(self) -> None:
        self.stage.reset()


def time_stages(
    chunks: list[Chunk], config: Config, roles: tuple[str, ...], audio_s: float, repeats: int
) -> list[Timing]:
    """Per stage, over ``repeats`` runs of a fresh pipeline on ``chunks``: the block analysis and
    the per-frame steps (parts under 5 ms are left out: no-ops). The timers themselves add
    about 0.3 µs per call, so the per-frame figures run a little high."""
    spent: dict[str, list[float]] = {}
    for _ in range(repeats):
        pipeline = Pipeline(config, roles)
        timed = [TimedStage(stage) for stage in pipeline.stages]
        pipeline.stages = list(timed)
        pipeline.reset()
        run_chunks(pipeline, chunks, lambda e: None)
        for stage in timed:
            label = LABELS.get(type(stage.stage).__name__, type(stage.stage).__name__)
            spent.setdefault(f"stage: {label}, block analysis", []).append(stage.analyse_s)
            spent.setdefault(f"stage: {label}, per-frame steps", []).append(stage.step_s)
    return [Timing(name, tuple(seconds), audio_s) for name, seconds in spent.items() if max(seconds) >= 0.005]
