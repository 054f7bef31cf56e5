"""``percentiles`` is ``np.percentile`` to the last bit (the golden event streams rely on it)."""

from __future__ import annotations

import numpy as np
import pytest

from coolhead.pipeline.quantiles import median, percentiles


@pytest.mark.parametrize("q", [(10, 50, 90), (25, 75), 50.0, 37.5, 0.0, 100.0, 10])
def test_percentiles_are_numpys_bit_for_bit(q: float | tuple[float, ...]) -> None:
    rng = np.random.default_rng(0)
    for trial in range(300):
        n = int(rng.integers(1, 80))
        x = rng.standard_normal((n, 6)) * 10 ** rng.uniform(-3, 3)
        if trial % 3 == 0:
            x = np.round(x, 1)  # ties, and signed zeros the partial sort may order either way
        for values in (x[:, 0], x):
            expected = np.percentile(values, q, axis=0)
            found = percentiles(values, q)
            assert found.shape == expected.shape
            assert found.tobytes() == np.asarray(expected).tobytes()


def test_median_is_numpys_bit_for_bit() -> None:
    rng = np.random.default_rng(1)
    for trial in range(500):
        x = rng.standard_normal(int(rng.integers(1, 250))) * 10 ** rng.uniform(-3, 3)
        if trial % 3 == 0:
            x = np.round(x, 1)
        assert np.float64(median(x)).tobytes() == np.float64(np.median(x)).tobytes()
