"""The labelled real-speech calls that interruption detection is measured on.

Voices from ``corpora`` (one split), paired so agent and customer are always different voices,
scripted by ``dialogue`` with a seed per split; calls are added until the split holds enough
interruptions in each direction and enough latches.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import permutations
from pathlib import Path

import numpy as np

from devkit.callbuilder import BuiltCall
from devkit.corpora import Clip, split_clips
from devkit.dialogue import random_call

SPLIT_SEEDS = {"tune": 1, "report": 2}
MIN_VOICE_CLIPS = 4
"""Speakers with fewer phrases share one voice per corpus (e.g. several AMI participants)."""
TURNS_PER_CALL = (14, 20)


def voices(by_speaker: dict[str, list[Clip]]) -> dict[str, list[np.ndarray]]:
    """Speakers with enough phrases are a voice each; the rest of each corpus pool into one."""
    out: dict[str, list[np.ndarray]] = {}
    for speaker, clips in by_speaker.items():
        corpus = speaker.split(":")[0]
        name = speaker if len(clips) >= MIN_VOICE_CLIPS else f"{corpus}:several"
        out.setdefault(name, []).extend(c.audio for c in clips)
    return out


def split_calls(
    data_dir: str | Path,
    split: str,
    min_interruptions_each_way: int = 20,
    min_latches: int = 24,
    max_calls: int | None = None,
) -> Iterator[tuple[str, BuiltCall]]:
    """Calls ``(name, call)`` of one split, deterministic, until the split holds at least
    ``min_interruptions_each_way`` interruptions by each role and ``min_latches`` latches
    (or ``max_calls`` calls, whichever comes first)."""
    pool = voices(split_clips(data_dir, split))
    rng = np.random.default_rng(SPLIT_SEEDS[split])
    pairs = list(permutations(sorted(pool), 2))
    pairs = [pairs[i] for i in rng.permutation(len(pairs))]
    by_role = {"agent": 0, "customer": 0}
    latches = 0
    i = 0
    while (min(by_role.values()) < min_interruptions_each_way or latches < min_latches) and (
        max_calls is None or i < max_calls
    ):
        agent, customer = pairs[i % len(pairs)]
        name = f"{split}_{i:02d}"
        call = random_call(
            name, {"agent": pool[agent], "customer": pool[customer]}, int(rng.integers(*TURNS_PER_CALL)), rng
        )
        for x in call.truth["interruptions"]:
            by_role[x["by"]] += 1
        latches += len(call.truth["short_overlaps"])
        i += 1
        yield name, call
