"""The anger-weight fit (scripts/fit_anger.py) keeps weights non-negative and finds the others."""

from __future__ import annotations

import numpy as np

from scripts.fit_anger import fit_logistic


def test_recovers_positive_weights_and_keeps_a_negative_one_at_zero() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20000, 3))
    z = 1.5 * x[:, 0] + 0.7 * x[:, 1] - 0.8 * x[:, 2]
    y = (rng.random(len(z)) < 1 / (1 + np.exp(-z))).astype(int)
    bias, weights = fit_logistic(x, y)
    assert weights[2] == 0.0
    assert weights[0] > weights[1] > 0.3 and abs(bias) < 0.1
