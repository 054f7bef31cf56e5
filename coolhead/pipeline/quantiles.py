"""Percentiles as ``np.percentile`` computes them by default, without its per-call overhead.

The prosody windows, the anger baseline and the rise trackers take a few percentiles or
medians of small arrays at every window, where numpy's argument handling costs several times
the arithmetic. This is the same arithmetic (numpy's "linear" method: the same partial sort,
the same rounding), so the results are identical to the last bit, signed zeros included.
"""

from __future__ import annotations

import math

import numpy as np


def percentiles(values: np.ndarray, q_percent: float | tuple[float, ...]) -> np.ndarray:
    """``np.percentile(values, q_percent, axis=0)`` for finite ``values`` (at least one row)."""
    last = len(values) - 1
    qs = q_percent if isinstance(q_percent, tuple) else (q_percent,)
    points = [_neighbours(last * (q / 100), last) for q in qs]
    kth = sorted({0, -1, *(i for below, above, _ in points for i in (below, above))})
    ordered = np.partition(values, kth, axis=0)
    found = [_lerp(ordered[below], ordered[above], weight) for below, above, weight in points]
    return np.array(found) if isinstance(q_percent, tuple) else np.asarray(found[0])


def median(values: np.ndarray) -> float:
    """``np.median`` of a 1-D array of finite ``values`` (at least one), to the last bit (the
    same partial sort, so equal values, signed zeros included, come out in the same order)."""
    half = len(values) // 2
    middle = (half,) if len(values) % 2 else (half - 1, half)
    ordered = np.partition(values, [*middle, -1])
    total = 0.0  # np.median takes the mean of the middle one or two: a sum that starts at +0.0
    for i in middle:
        total += ordered[i]
    return float(total / len(middle))


def _neighbours(virtual: float, last: int) -> tuple[int, int, float]:
    """The order statistics either side of fractional index ``virtual`` and the weight of the
    upper one (numpy's ``_get_indexes`` and ``_get_gamma``: at or past the end, the last)."""
    below = -1 if virtual >= last else math.floor(virtual)
    above = -1 if virtual >= last else below + 1
    return below, above, virtual - below


def _lerp(a: np.ndarray, b: np.ndarray, weight: float) -> np.ndarray:
    """numpy's ``_lerp``: interpolated from the nearer neighbour."""
    step = b - a
    return b - step * (1 - weight) if weight >= 0.5 else a + step * weight
