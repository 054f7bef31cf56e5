"""The one loop that runs a call's chunks through a pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from coolhead.audio.chunk import Chunk
from coolhead.events import Event
from coolhead.pipeline import Pipeline


def run_chunks(pipeline: Pipeline, chunks: Iterable[Chunk], on_event: Callable[[Event], None]) -> int:
    """Feed every chunk, then end the call; each event goes to ``on_event`` as soon as it is
    decided. Returns the number of events."""
    n_events = 0
    for chunk in chunks:
        for event in pipeline.feed(chunk):
            on_event(event)
            n_events += 1
    for event in pipeline.flush():
        on_event(event)
        n_events += 1
    return n_events
