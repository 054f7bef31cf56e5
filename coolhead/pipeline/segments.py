"""Speech segments from raw per-frame VAD, with start/stop hysteresis."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from coolhead.config import VadConfig


@dataclass
class SegmentState:
    """Where one role stands, as the trackers after the segmenter see it."""

    in_speech: bool = False
    start_s: float = 0.0
    """Start of the current (or last) segment."""
    last_voiced_end_s: float = 0.0
    """End of the most recent voiced frame."""
    started_now: bool = False
    """A segment was opened at this frame."""
    ended_now: bool = False
    """The segment was closed at this frame (``last_voiced_end_s`` is its end)."""


class SpeechSegmenter:
    """Opens a segment when enough of the recent frames are voiced, closes it after a hangover.

    A single voiced frame (a click) never opens a segment; a pause shorter than the hangover
    (a breath) never closes one. The start is back-dated to the first voiced frame of the
    window that opened it, the end to the last voiced frame.
    """

    def __init__(self, config: VadConfig, frame_s: float) -> None:
        self._frame_s = frame_s
        self._need = config.start_voiced_frames
        self._recent: deque[tuple[float, bool]] = deque(maxlen=config.start_window_frames)
        self._hangover_s = config.hangover_s
        self.state = SegmentState()

    def step(self, t_s: float, voiced: bool) -> SegmentState:
        """Advance by one frame starting at ``t_s``."""
        s = self.state
        s.started_now = s.ended_now = False
        self._recent.append((t_s, voiced))
        if voiced:
            s.last_voiced_end_s = t_s + self._frame_s
        if not s.in_speech:
            if voiced and sum(v for _, v in self._recent) >= self._need:
                s.in_speech = s.started_now = True
                s.start_s = next(t for t, v in self._recent if v)
        elif t_s + self._frame_s - s.last_voiced_end_s >= self._hangover_s:
            s.in_speech = False
            s.ended_now = True
            self._recent.clear()
        return s

    def close(self) -> SegmentState:
        """End of stream: close an open segment at its last voiced frame."""
        s = self.state
        s.started_now = False
        s.ended_now = s.in_speech
        s.in_speech = False
        return s
