#!/usr/bin/env python3
"""Fit the logistic weights of the anger level (or of the raised-voice score) on event streams
of labelled tuning calls.

Reads the ``departures`` that ``anger`` events carry, labels each event by the utterance it
falls in (angry or not, as ``coolhead eval`` does), and fits a logistic regression with
non-negative weights (a departure *above* the baseline can only add to anger). Prints a TOML
section; the defaults in coolhead/config.py came from the tuning speakers of both corpora
(docs/anger.md, Reproduce):

    scripts/eval_cues.sh ravdess tune; scripts/eval_cues.sh nemo tune /tmp/coolhead-calls/nemo6 6 0
    .venv/bin/python scripts/fit_anger.py /tmp/coolhead-calls/ravdess/tune /tmp/coolhead-calls/nemo6/tune
    .venv/bin/python scripts/fit_anger.py /tmp/coolhead-calls/ravdess/tune /tmp/coolhead-calls/nemo6/tune --role agent

``[anger]`` learns from both roles. ``[raised_voice]`` (what ``lower_voice`` listens to) learns
from the agents' windows only. Baselines depend on the anger level (aroused windows rarely
enter them), so replay with new ``[anger]`` weights and fit again until they settle (two rounds
were enough); the raised-voice score does not feed the baseline, one fit is enough.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coolhead.config import AngerConfig  # noqa: E402
from coolhead.evaluation.metrics import _utterance_label, auc  # noqa: E402
from coolhead.pipeline.anger import CAP_KEYS, FEATURES, WEIGHT_KEYS  # noqa: E402
from scripts.build_emotion_calls import replayed_calls, replayed_conditions  # noqa: E402


def samples(set_dir: Path, role: str | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per replayed condition of a set: clipped departures (n, features) and angry labels of
    ``role``'s anger events (None: both roles)."""
    caps = np.array([getattr(AngerConfig(), k) for k in CAP_KEYS])
    out = []
    for condition in replayed_conditions(set_dir):
        x, y = [], []
        for events, truth in replayed_calls(set_dir, condition):
            for e in events:
                if e["type"] != "anger" or role not in (None, e["speaker"]):
                    continue
                label = _utterance_label(truth, e["speaker"], e["t"])
                if label is not None:
                    x.append(np.clip([e["departures"][k] or 0.0 for k in FEATURES], -caps, caps))
                    y.append(label)
        if y:
            out.append((np.array(x), np.array(y, bool)))
    return out


def fit_logistic(
    x: np.ndarray, y: np.ndarray, group: np.ndarray | None = None, l2: float = 1e-3
) -> tuple[float, np.ndarray]:
    """Bias and non-negative weights minimising the L2-regularised log-loss (scipy's L-BFGS-B:
    scikit-learn's logistic regression cannot keep weights non-negative). Every (group, class)
    cell weighs the same, so no corpus or condition dominates the fit."""
    scale = x.std(axis=0) + 1e-9
    xs = x / scale
    group = np.zeros(len(y), int) if group is None else group
    cells = group * 2 + y
    counts = np.bincount(cells)
    sample_w = 1.0 / counts[cells] / np.count_nonzero(counts)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        b, w = theta[0], theta[1:]
        z = xs @ w + b
        value = float(np.sum(sample_w * (np.logaddexp(0.0, z) - y * z)) + 0.5 * l2 * w @ w)
        g = sample_w * (expit(z) - y)
        return value, np.concatenate([[g.sum()], xs.T @ g + l2 * w])

    bounds = [(None, None)] + [(0.0, None)] * x.shape[1]
    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds).x
    return float(theta[0]), theta[1:] / scale


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "set_dirs",
        type=Path,
        nargs="+",
        help="set folders written by scripts/eval_cues.sh (tuning speakers only); "
        "every condition of each weighs the same",
    )
    p.add_argument(
        "--role",
        choices=("agent", "customer"),
        help="fit on this role's windows only (agent: the [raised_voice] score)",
    )
    args = p.parse_args()
    parts = [part for set_dir in args.set_dirs for part in samples(set_dir, args.role)]
    y = np.concatenate([py for _, py in parts]) if parts else np.zeros(0, bool)
    if y.all() or not y.any():
        print(f"fit_anger: no labelled anger events under {' '.join(map(str, args.set_dirs))}", file=sys.stderr)
        return 2
    x = np.concatenate([px for px, _ in parts])
    group = np.concatenate([np.full(len(py), k) for k, (_, py) in enumerate(parts)])
    bias, weights = fit_logistic(x, y, group)
    score = x @ weights + bias
    print(f"# {len(y)} windows ({y.sum()} angry); training AUC {auc(list(score[y]), list(score[~y])):.4f}")
    print("[raised_voice]" if args.role == "agent" else "[anger]")
    print(f"bias = {bias:.3f}")
    for key, w in zip(WEIGHT_KEYS, weights):
        print(f"{key} = {w:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
