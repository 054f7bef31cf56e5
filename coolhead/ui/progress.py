"""Batch progress on stderr: calls done of total, audio hours, speed (x real time), ETA,
failures so far. Silent when stderr is not a terminal (tqdm's own rule)."""

from __future__ import annotations

import sys
import time

from tqdm import tqdm

from coolhead.events import printable


class BatchProgress:
    def __init__(self, n_calls: int, show: bool | None = None) -> None:
        """``show``: None shows the bar only on a terminal."""
        self._bar = tqdm(
            total=n_calls,
            unit="call",
            file=sys.stderr,
            disable=None if show is None else not show,
            dynamic_ncols=True,
            smoothing=0.05,
        )
        self._started = time.monotonic()
        self.audio_s = 0.0
        self.failed = 0

    def done(self, audio_s: float, failed: bool) -> None:
        """One call finished (``audio_s`` of audio analysed now; 0 for a call already done)."""
        self.audio_s += audio_s
        self.failed += failed
        speed = self.audio_s / max(time.monotonic() - self._started, 1e-9)
        self._bar.set_postfix_str(
            f"{self.audio_s / 3600:.2f} h audio, {speed:.0f}x real time, {self.failed} failed", refresh=False
        )
        self._bar.update(1)

    def print(self, line: str) -> None:
        """A message on stderr that does not break the bar."""
        self._bar.write(printable(line), file=sys.stderr)

    def close(self) -> None:
        self._bar.close()
