"""Repeated timings: min, median and max of a step, as seconds and as times real time."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: tuple[float, ...]
    """One per repeat."""
    audio_s: float
    """Audio the step processes (0: a step without audio, e.g. loading a model)."""
    peak_rss_mb: float | None = None
    """Peak resident memory of the process the step ran in, where it had one of its own."""

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    def x_realtime(self, seconds: float | None = None) -> float:
        """Audio seconds per second of work (of the median repeat unless ``seconds`` is given)."""
        return self.audio_s / (self.median_s if seconds is None else seconds)

    def row(self, input_name: str, reference: Timing | None = None) -> dict[str, object]:
        """The figures as a record row."""
        row: dict[str, object] = {
            "input": input_name,
            "stage": self.name,
            "seconds": round(self.median_s, 4),
            "seconds_min_max": [round(min(self.seconds), 4), round(max(self.seconds), 4)],
            "audio_s": round(self.audio_s, 1),
            "repeats": len(self.seconds),
        }
        if self.audio_s:
            row["x_realtime"] = round(self.x_realtime(), 1)
            row["x_realtime_min_max"] = [
                round(self.x_realtime(max(self.seconds)), 1),
                round(self.x_realtime(min(self.seconds)), 1),
            ]
        if self.peak_rss_mb is not None:
            row["peak_rss_mb"] = round(self.peak_rss_mb, 1)
        if reference is not None and self.audio_s:
            row["vs_reference"] = round(self.x_realtime() / reference.x_realtime(), 3)
        return row


def repeat(name: str, audio_s: float, repeats: int, step: Callable[[], object]) -> Timing:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    return Timing(name, tuple(seconds), audio_s)
