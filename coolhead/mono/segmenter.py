"""Who speaks when in a mixed stream, causally, with a bounded look-ahead.

Every ``hop_frames`` of new audio the model scores the window of the last ``window_frames``
(``model.SegmentationModel``: powerset probabilities of two speakers local to the window). The
window's two speakers are matched to the call's two speakers by voice: the mean spectral shape
of the frames where each is alone, against the mean shape each call speaker has had in the
frames decided so far (until both have been heard, the model's order is kept). Matching by
agreement with earlier windows on the frames they share was tried first and did worse on
held-out voices: one window that merges two voices carries its mistake on. Matched
probabilities are summed over every window that saw a frame, and a frame is decided (argmax of
the sum) once it lies ``lookahead_frames`` before the newest window's end. So a sample is decided
at most ``(hop_frames + lookahead_frames)`` frames after it arrived: ``lookahead_s``.

Call speakers are numbered by their first speech: 0 is whoever is heard first.
"""

from __future__ import annotations

import numpy as np

from coolhead.mono.model import SegmentationModel

SPEAKERS_OF_CLASS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float64)
"""Powerset class (nobody, speaker 1, speaker 2, both) -> which speakers it holds."""
SWAPPED = [0, 2, 1, 3]
"""The classes with the two speakers' names exchanged."""
SHAPE_FFT = 512
SHAPE_BANDS_HZ = np.geomspace(250.0, 3500.0, 19)
"""Edges of the 18 bands of a frame's spectral shape (inside the telephone band)."""


class StreamingSegmenter:
    """Feed mixed samples (float32 at the model's rate); get back, for the samples that became
    final, which of the call's two speakers is talking (``(n, 2)`` bool)."""

    def __init__(
        self, model: SegmentationModel, window_frames: int = 296, hop_frames: int = 30, lookahead_frames: int = 60
    ) -> None:
        self._model = model
        info = model.info
        self._step = info.step_samples
        self._offset = (info.duration_samples - info.step_samples) // 2
        """Frame g speaks for samples [g * step + offset, (g + 1) * step + offset); frame 0 from 0."""
        self._window = window_frames * self._step
        self._hop = hop_frames * self._step
        self._lookahead = lookahead_frames * self._step
        self._band_of_bin = np.digitize(np.fft.rfftfreq(SHAPE_FFT, 1 / info.rate_hz), SHAPE_BANDS_HZ) - 1
        self.reset()

    @property
    def rate_hz(self) -> int:
        """The sample rate the segmenter is fed at (the model's)."""
        return self._model.info.rate_hz

    @property
    def lookahead_s(self) -> float:
        """Longest wait, in audio time, between a sample arriving and being decided."""
        return (self._hop + self._lookahead + self._step) / self._model.info.rate_hz

    def reset(self) -> None:
        """Forget the call."""
        self._audio = np.zeros(0, np.float32)
        self._audio_start = 0
        """Sample index of ``_audio[0]``."""
        self._n_in = 0
        self._next_end = self._hop
        self._sums = np.zeros((0, 4))
        """Matched probability sums of frames ``_base`` on."""
        self._counts = np.zeros(0)
        self._base = 0
        self._n_final = 0
        """Frames decided so far."""
        self._n_out = 0
        """Samples returned so far."""
        self._last_active = np.zeros(2, bool)
        self._shape_sum = np.zeros((2, len(SHAPE_BANDS_HZ) - 1))
        self._shape_n = np.zeros(2)
        self._order: list[int] = []
        """Model speaker slots in the order the call's speakers were first heard."""

    def feed(self, samples: np.ndarray) -> np.ndarray:
        self._audio = np.concatenate([self._audio, samples.astype(np.float32, copy=False)])
        self._n_in += len(samples)
        out = []
        while self._next_end <= self._n_in:
            end = self._next_end
            self._score(max(0, end - self._window), end)
            out.append(self._decide(self._frame_of_sample(end - self._lookahead)))
            self._next_end += self._hop
            self._drop_audio_before(self._next_end - self._hop - self._window)  # flush's last window may start there
        return self._in_call_order(np.concatenate(out) if out else np.zeros((0, 2), bool))

    def flush(self) -> np.ndarray:
        """The end of the call: every remaining sample decided."""
        start = -(-max(0, self._n_in - self._window) // self._step) * self._step
        if self._n_in > self._next_end - self._hop and self._n_in - start >= self._model.info.duration_samples:
            self._score(start, self._n_in)
        n_frames = self._base + len(self._counts)
        out = self._decide(n_frames)
        rest = self._n_in - self._n_out
        tail = np.repeat(self._last_active[None], rest, axis=0)
        self._n_out = self._n_in
        return self._in_call_order(np.concatenate([out, tail]))

    def _frame_of_sample(self, sample: int) -> int:
        """The first frame whose span starts after ``sample``: frames before it are final."""
        return max(0, (sample - self._offset) // self._step)

    def _score(self, start: int, end: int) -> None:
        """Run the model on samples [start, end), match its speakers, add to the sums."""
        window = self._audio[start - self._audio_start : end - self._audio_start]
        probs = np.exp(self._model(window).astype(np.float64))
        first = start // self._step
        self._grow_to(first + len(probs))
        at = first - self._base
        if self._swapped(probs, window):
            probs = probs[:, SWAPPED]
        self._sums[at : at + len(probs)] += probs
        self._counts[at : at + len(probs)] += 1

    def _swapped(self, probs: np.ndarray, window: np.ndarray) -> bool:
        """Whether the window's speaker 1 is the call's slot 2 (and 2 is 1), by voice."""
        if not np.all(self._shape_n):
            return False
        alone = [probs.argmax(axis=1) == cls for cls in (1, 2)]
        shapes = [self._frame_shapes(window, np.flatnonzero(a)) for a in alone]
        known = self._shape_sum / self._shape_n[:, None]
        cost = np.zeros((2, 2))
        for local, shape in enumerate(shapes):
            if shape is not None:
                cost[local] = np.linalg.norm(known - shape.mean(axis=0), axis=1)
        return cost[0, 1] + cost[1, 0] < cost[0, 0] + cost[1, 1]

    def _frame_shapes(self, window: np.ndarray, frames: np.ndarray) -> np.ndarray | None:
        """Spectral shape (band log-powers minus their mean) of the given frames of ``window``."""
        centres = frames * self._step + self._offset + self._step // 2
        centres = centres[(centres >= SHAPE_FFT // 2) & (centres + SHAPE_FFT // 2 <= len(window))]
        if not len(centres):
            return None
        idx = centres[:, None] + np.arange(-SHAPE_FFT // 2, SHAPE_FFT // 2)
        power = np.abs(np.fft.rfft(window[idx] * np.hanning(SHAPE_FFT), axis=1)) ** 2
        n_bands = len(SHAPE_BANDS_HZ) - 1
        inside = (self._band_of_bin >= 0) & (self._band_of_bin < n_bands)
        bands = np.zeros((len(centres), n_bands))
        np.add.at(bands.T, self._band_of_bin[inside], power[:, inside].T)
        shape = np.log10(bands + 1e-10)
        return shape - shape.mean(axis=1, keepdims=True)

    def _decide(self, upto_frame: int) -> np.ndarray:
        """Decide frames up to ``upto_frame``; per-sample activity of the samples they cover."""
        upto_frame = min(upto_frame, self._base + len(self._counts))
        if upto_frame <= self._n_final:
            return np.zeros((0, 2), bool)
        a, b = self._n_final - self._base, upto_frame - self._base
        classes = self._sums[a:b].argmax(axis=1)
        active = SPEAKERS_OF_CLASS[classes] > 0
        self._learn_shapes(classes, self._n_final)
        frames = np.arange(self._n_final, upto_frame)
        self._n_final = upto_frame
        end_sample = min(self._n_in, upto_frame * self._step + self._offset)
        bounds = np.clip(np.append(frames * self._step + self._offset, end_sample), self._n_out, end_sample)
        bounds[0] = self._n_out
        out = np.repeat(active, np.diff(bounds), axis=0)
        self._n_out = end_sample
        self._last_active = active[-1]
        self._drop_frames_before(self._n_final - 2 * self._window // self._step)
        return out

    def _learn_shapes(self, classes: np.ndarray, first_frame: int) -> None:
        """Add the decided single-speaker frames to their speaker's mean spectral shape, and note
        the order in which slots were first heard."""
        for cls, slot in ((1, 0), (2, 1)):
            frames = np.flatnonzero(classes == cls)
            if not len(frames):
                continue
            if slot not in self._order:
                self._order.append(slot)
            rel = first_frame + frames - self._audio_start // self._step
            shapes = self._frame_shapes(self._audio, rel)
            if shapes is not None:
                self._shape_sum[slot] += shapes.sum(axis=0)
                self._shape_n[slot] += len(shapes)

    def _in_call_order(self, active: np.ndarray) -> np.ndarray:
        """Columns reordered so column 0 is the speaker heard first."""
        return active[:, ::-1] if self._order[:1] == [1] else active

    def _grow_to(self, n_frames: int) -> None:
        grow = n_frames - (self._base + len(self._counts))
        if grow > 0:
            self._sums = np.concatenate([self._sums, np.zeros((grow, 4))])
            self._counts = np.concatenate([self._counts, np.zeros(grow)])

    def _drop_frames_before(self, frame: int) -> None:
        drop = frame - self._base
        if drop > 0:
            self._sums, self._counts, self._base = self._sums[drop:], self._counts[drop:], frame

    def _drop_audio_before(self, sample: int) -> None:
        # Keep what a later shape measurement may still read (decided frames lag the window).
        sample = min(sample, self._n_final * self._step - SHAPE_FFT) // self._step * self._step
        drop = sample - self._audio_start
        if drop > 0:
            self._audio, self._audio_start = self._audio[drop:], sample
