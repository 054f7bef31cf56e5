"""Seeded two-party call scripts: alternating turns with gaps, interruptions and latches.

The randomness lives here; ``callbuilder`` places each turn and labels it. A turn that cannot
be placed as drawn (say, the other's turn is too short to interrupt) falls back to a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coolhead.audio.levels import speech_level_dbfs
from devkit.callbuilder import (
    BUILD_RATE_HZ,
    BuiltCall,
    CallBuilder,
    Gap,
    Interrupt,
    Latch,
    PlacementError,
    Turn,
)


@dataclass(frozen=True)
class DialogueStyle:
    p_interrupt: float = 0.35
    p_latch: float = 0.2
    gap_s: tuple[float, float] = (0.2, 1.0)
    latch_s: tuple[float, float] = (0.05, 0.2)
    yield_s: tuple[float, float] = (1.0, 2.0)
    """How long an interrupted speaker keeps talking before yielding."""
    p_talk_on: float = 0.2
    """Chance that an interrupted speaker does not yield but finishes their phrase."""
    level_dbfs: tuple[float, float] = (-30.0, -18.0)
    """Each role's speech level in a clean call (one draw per role and call)..."""
    level_jitter_db: float = 2.0
    """...varied by up to this much from phrase to phrase."""


def random_call(
    call_id: str,
    clips: dict[str, Sequence[np.ndarray]],
    n_turns: int,
    rng: np.random.Generator,
    style: DialogueStyle = DialogueStyle(),
) -> BuiltCall:
    """A call of ``n_turns`` alternating turns, the agent first, drawing phrases from
    ``clips[role]`` (mono float at 16 kHz) in a shuffled cycle."""
    order = {role: _cycle(len(c), rng) for role, c in clips.items()}
    level_db = {role: float(rng.uniform(*style.level_dbfs)) for role in clips}
    call = CallBuilder(call_id)
    role = "agent"
    for i in range(n_turns):
        clip = clips[role][next(order[role])]
        clip = _at_level(clip, level_db[role] + float(rng.uniform(-1, 1)) * style.level_jitter_db)
        gap = Gap(round(float(rng.uniform(*style.gap_s)), 2))
        draw = float(rng.random())
        place: Gap | Interrupt | Latch
        if i == 0 or draw >= style.p_interrupt + style.p_latch:
            place = gap
        elif draw < style.p_interrupt:
            yield_s = None if rng.random() < style.p_talk_on else round(float(rng.uniform(*style.yield_s)), 2)
            place = Interrupt(position=float(rng.random()), yield_after_s=yield_s)
        else:
            place = Latch(round(float(rng.uniform(*style.latch_s)), 2))
        try:
            call.add(Turn(role, clip, place=place))
        except PlacementError:
            call.add(Turn(role, clip, place=gap))
        role = "customer" if role == "agent" else "agent"
    return call.build()


def _at_level(clip: np.ndarray, target_dbfs: float) -> np.ndarray:
    gain = 10 ** ((target_dbfs - speech_level_dbfs(clip, BUILD_RATE_HZ)) / 20)
    peak = float(np.max(np.abs(clip))) or 1.0
    return (clip * min(gain, 0.99 / peak)).astype(np.float32)


def _cycle(n: int, rng: np.random.Generator):
    while True:
        yield from (int(i) for i in rng.permutation(n))
