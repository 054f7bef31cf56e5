#!/usr/bin/env python3
"""Choose the cue thresholds on event streams of tuning calls, without replaying the audio.

The cue policy reads only the speakers' anger and raised-voice scores and their turns. This
script re-runs the real ``CuePolicy`` over the ``anger`` and ``speech`` events that a replay
wrote (``scripts/eval_cues.sh CORPUS tune``), for every setting on a grid, and scores each
setting per corpus and condition as ``coolhead eval`` does: escalation recall and median delay,
lower_voice recall and median delay (judged on the ``effort6`` condition, a +6 dB effort rise),
false cues per minute on calm calls. A setting is eligible only if it keeps the false cues under
``--max-false-per-min`` in *every* set and condition (no corpus is tuned alone); among those the
one with the best worst-case recall wins. Replay with the winner to confirm: the simulation
steps the policy only at events (a replay steps it every frame), so a setting at the edge of the
false-cue bar may land on either side of it.

    .venv/bin/python scripts/tune_cues.py /tmp/coolhead-calls/ravdess/tune /tmp/coolhead-calls/nemo/tune
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import sys
from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import partial
from pathlib import Path
from statistics import median

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coolhead.config import Config  # noqa: E402
from coolhead.evaluation import metrics  # noqa: E402
from coolhead.evaluation.truth import Truth  # noqa: E402
from coolhead.events import Event  # noqa: E402
from coolhead.pipeline.anger import (  # noqa: E402
    CAP_KEYS,
    FEATURES,
    RiseJudge,
    SmoothedLogistic,
    SpeakerAnger,
    TurnAnger,
)
from coolhead.pipeline.cues import CallState, CuePolicy  # noqa: E402
from scripts.build_emotion_calls import replayed_calls, replayed_conditions  # noqa: E402

ESCALATION_GRID = {
    "restate_min_speech_s": (0.5, 1.0, 1.5),
    "rise_level": (0.4, 0.5, 0.6, 0.7),
    "rise_spreads": (1.5, 2.0, 2.5, 3.0),
    "rise_min_spread": (0.5, 1.0),
}
"""Settings the escalation cues (restate, transfer) depend on, searched by default. The others
(``smoothing_s``, ``aroused_level``, ``restate_level``) were searched on 2026-12-05 and are
searched again with ``--grid``, e.g. ``--grid restate_level=0.85,0.9,0.95``."""
LOWER_VOICE_GRID = {
    "raised_level": (0.9, 0.95),
    "lower_voice_min_s": (0.5, 1.0, 1.5),
    "raised_rise_level": (0.5, 0.6, 0.7),
    "raised_rise_spreads": (2.0, 3.0, 4.0),
    "raised_rise_min_windows": (6, 12, 20),
}
"""Settings lower_voice depends on (besides whether the customer is aroused), searched by
default; ``raised_smoothing_s`` only with ``--grid``."""
ESCALATION_KEYS = (
    "smoothing_s",
    "aroused_level",
    "restate_level",
    "restate_min_speech_s",
    "rise_level",
    "rise_spreads",
    "rise_min_spread",
    "rise_min_windows",
)
LOWER_VOICE_KEYS = (
    "raised_smoothing_s",
    "raised_level",
    "lower_voice_min_s",
    "raised_rise_level",
    "raised_rise_spreads",
    "raised_rise_min_windows",
)
FIRST_WINDOW_S = Config().prosody.first_after_s
INTERVAL_S = Config().prosody.interval_s


def simulate(events: list[Event], config: Config) -> list[Event]:
    """The cues ``CuePolicy`` gives for the anger windows and turns of a recorded event stream,
    with the anger and raised-voice scores recomputed from the windows' departures (so weights
    and smoothing can change too; the baselines stay those of the replay). Each window weighs the
    speech it added (its ``prosody`` event's ``new_s``; estimated for replays made before that
    field existed)."""
    policy = CuePolicy(config.cues)
    caps = np.array([getattr(config.anger, k) for k in CAP_KEYS])
    scores = {
        role: (
            SmoothedLogistic(config.anger, caps, config.anger.smoothing_s),
            SmoothedLogistic(config.raised_voice, caps, config.raised_voice.smoothing_s),
            RiseJudge(config.anger, config.raised_voice),
        )
        for role in ("agent", "customer")
    }
    speakers = {"agent": SpeakerAnger(), "customer": SpeakerAnger()}
    starts = {
        role: sorted(e["t"] for e in events if e["type"] == "speech" and e["speaker"] == role) for role in speakers
    }
    turn_ends = {(e["speaker"], e["end"]) for e in events if e["type"] == "speech"}
    last_window = {(e["speaker"], e["t"]): k for k, e in enumerate(events) if e["type"] == "anger"}
    windows = {role: [e["t"] for e in events if e["type"] == "prosody" and e["speaker"] == role] for role in speakers}
    added_s = {(e["speaker"], e["t"]): e["new_s"] for e in events if e["type"] == "prosody" and "new_s" in e}
    cues: list[Event] = []

    def end_turn(role: str, start_s: float) -> None:
        s = speakers[role]
        if s.turn is not None and s.turn.start_s == start_s:
            speakers[role] = replace(s, last_turn=s.turn, turn=None)

    # In the order the pipeline wrote them: a turn's last window may come after its speech event.
    for k, e in enumerate(events):
        role = e.get("speaker")
        if role not in speakers or e["type"] not in ("anger", "speech"):
            continue
        if e["type"] == "speech":
            if (role, e["end"]) not in last_window:  # no window closes the turn: it ends here
                end_turn(role, e["t"])
                cues += policy.step(e["end"], CallState(speakers=dict(speakers)))
            continue
        t_s, s = e["t"], speakers[role]
        n_started = bisect_right(starts[role], t_s)
        start = starts[role][n_started - 1] if n_started else t_s
        turn = s.turn if s.turn is not None and s.turn.start_s == start else None
        key = (role, t_s)
        new_s = added_s[key] if key in added_s else _new_speech_s(windows[role], t_s, start)
        departure = np.array([e["departures"][f] or 0.0 for f in FEATURES])
        anger, raised_voice, rises = scores[role]
        level = anger.smooth(anger.log_odds(departure), new_s)
        raised = raised_voice.smooth(raised_voice.log_odds(departure), new_s)
        risen, raised_up = rises.judge((anger.smoothed_log_odds, raised_voice.smoothed_log_odds), level, raised)
        aroused = level >= config.anger.aroused_level
        turn = turn or TurnAnger(start, t_s, 0.0, 0.0, 0.0)
        speakers[role] = replace(
            s,
            level=level,
            raised_level=raised,
            aroused=s.aroused.updated(aroused, t_s, new_s),
            raised=s.raised.updated(raised_up, t_s, new_s),
            turn=turn.grown(t_s, new_s, level, aroused, risen),
        )
        cues += policy.step(t_s, CallState(speakers=dict(speakers)))
        if key in turn_ends and last_window[key] == k:  # the turn's closing window
            end_turn(role, start)
            cues += policy.step(t_s, CallState(speakers=dict(speakers)))
    return cues


def _new_speech_s(window_times_s: list[float], t_s: float, turn_start_s: float) -> float:
    """About how much speech the window ending at ``t_s`` added (what the pipeline's
    ``ProsodyWindow.new_s`` was, for replays whose events do not say): the time since the
    speaker's previous window in the turn, or since the turn began, at most one interval (the
    first window waits ``first_after_s``)."""
    k = bisect_left(window_times_s, t_s)
    previous_s = window_times_s[k - 1] if k > 0 else None
    if previous_s is None or previous_s < turn_start_s:
        return min(FIRST_WINDOW_S, max(t_s - turn_start_s, INTERVAL_S / 2))
    return min(INTERVAL_S, t_s - previous_s)


def score(calls: list[tuple[list[Event], Truth]], config: Config) -> dict[str, float]:
    """Recall and median delay of the escalation and lower_voice cues, and false cues of each
    kind per minute of calm calls."""
    delays: dict[str, list[float | None]] = {"escalation": [], "lower_voice": []}
    false_cues = {"escalation": 0, "lower_voice": 0}
    calm_s = 0.0
    for events, truth in calls:
        cues = simulate(events, config)
        delays["escalation"] += metrics.onset_delays_s(
            cues, truth["anger_onsets"], metrics.ESCALATION_CUES, metrics.ESCALATION_MAX_DELAY_S
        )
        delays["lower_voice"] += metrics.onset_delays_s(
            cues, truth["agent_loud_onsets"], ("lower_voice",), metrics.LOWER_VOICE_MAX_DELAY_S
        )
        if metrics.is_calm_call(truth):
            calm_s += float(truth["duration"])
            false_cues["escalation"] += sum(c["cue"] in metrics.ESCALATION_CUES for c in cues)
            false_cues["lower_voice"] += sum(c["cue"] == "lower_voice" for c in cues)
    out = {}
    for name, found in delays.items():
        hits = [d for d in found if d is not None]
        out[f"{name}_recall"] = len(hits) / len(found) if found else 1.0
        out[f"{name}_delay_s"] = median(hits) if hits else float("inf")
        out[f"{name}_false_per_min"] = false_cues[name] / (calm_s / 60) if calm_s else 0.0
    return out


def with_setting(setting: dict[str, float], base: Config) -> Config:
    config = Config()
    config.anger, config.raised_voice = replace(base.anger), replace(base.raised_voice)
    config.anger.smoothing_s = setting["smoothing_s"]
    config.anger.aroused_level = setting["aroused_level"]
    config.anger.rise_level = setting["rise_level"]
    config.anger.rise_spreads = setting["rise_spreads"]
    config.anger.rise_min_spread = setting["rise_min_spread"]
    config.anger.rise_min_windows = int(setting["rise_min_windows"])
    config.raised_voice.smoothing_s = setting["raised_smoothing_s"]
    config.raised_voice.raised_level = setting["raised_level"]
    config.raised_voice.rise_level = setting["raised_rise_level"]
    config.raised_voice.rise_spreads = setting["raised_rise_spreads"]
    config.raised_voice.rise_min_windows = int(setting["raised_rise_min_windows"])
    config.cues = replace(
        config.cues,
        restate_level=setting["restate_level"],
        restate_min_speech_s=setting["restate_min_speech_s"],
        lower_voice_min_s=setting["lower_voice_min_s"],
    )
    return config


def sweep(
    sets: dict[str, list[tuple[list[Event], Truth]]],
    grid: dict[str, tuple[float, ...]],
    fixed: dict[str, float],
    base: Config,
    cue: str,
    jobs: int = 1,
) -> list[tuple[dict[str, float], dict[str, dict[str, float]]]]:
    """Every setting of ``grid`` (others from ``fixed``) and its ``cue`` figures per set, on
    ``jobs`` processes."""
    settings = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    settings = [s for s in settings if (fixed | s)["restate_level"] >= (fixed | s)["aroused_level"]]
    work = partial(_figures, sets, fixed, base, cue)
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            figures = pool.map(work, settings)
    else:
        figures = list(map(work, settings))
    return list(zip(settings, figures))


def _figures(
    sets: dict[str, list[tuple[list[Event], Truth]]],
    fixed: dict[str, float],
    base: Config,
    cue: str,
    setting: dict[str, float],
) -> dict[str, dict[str, float]]:
    """``cue``'s figures per set with ``setting`` (others from ``fixed``)."""
    config = with_setting(fixed | setting, base)
    return {
        name: {k.removeprefix(f"{cue}_"): v for k, v in score(calls, config).items() if k.startswith(cue)}
        for name, calls in sets.items()
    }


def load_sets(set_dirs: list[Path]) -> dict[str, list[tuple[list[Event], Truth]]]:
    """``corpus/condition`` -> the calls' events and truth."""
    return {
        f"{set_dir.parent.name}/{condition}": replayed_calls(set_dir, condition)
        for set_dir in set_dirs
        for condition in replayed_conditions(set_dir)
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("set_dirs", type=Path, nargs="+", help="tuning set folders (CORPUS/tune) with events-* replays")
    p.add_argument("--config", type=Path, help="weights (and other settings) the replays were made with")
    p.add_argument("--max-false-per-min", type=float, default=0.05)
    p.add_argument("--top", type=int, default=10)
    p.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help=f"search KEY over these values instead of its default grid (or its setting); keys: "
        f"{', '.join(ESCALATION_KEYS + LOWER_VOICE_KEYS)}",
    )
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    args = p.parse_args()
    base = Config.load(args.config)
    sets = load_sets(args.set_dirs)
    defaults = {
        "smoothing_s": base.anger.smoothing_s,
        "aroused_level": base.anger.aroused_level,
        "restate_level": base.cues.restate_level,
        "restate_min_speech_s": base.cues.restate_min_speech_s,
        "rise_level": base.anger.rise_level,
        "rise_spreads": base.anger.rise_spreads,
        "rise_min_spread": base.anger.rise_min_spread,
        "rise_min_windows": base.anger.rise_min_windows,
        "raised_smoothing_s": base.raised_voice.smoothing_s,
        "raised_level": base.raised_voice.raised_level,
        "lower_voice_min_s": base.cues.lower_voice_min_s,
        "raised_rise_level": base.raised_voice.rise_level,
        "raised_rise_spreads": base.raised_voice.rise_spreads,
        "raised_rise_min_windows": base.raised_voice.rise_min_windows,
    }
    grids = {"escalation": dict(ESCALATION_GRID), "lower_voice": dict(LOWER_VOICE_GRID)}
    for item in args.grid:
        key, _, values = item.partition("=")
        if key not in defaults or not values:
            p.error(f"--grid {item}: expected KEY=V1,V2,... with KEY one of {', '.join(defaults)}")
        grids["escalation" if key in ESCALATION_KEYS else "lower_voice"][key] = tuple(map(float, values.split(",")))
    escalation = sweep(sets, grids["escalation"], defaults, base, "escalation", args.jobs)
    lower_voice = sweep(sets, grids["lower_voice"], defaults, base, "lower_voice", args.jobs)
    rows = []
    for (esc_setting, esc), (lv_setting, lv) in itertools.product(escalation, lower_voice):
        false_pm = max(esc[name]["false_per_min"] + lv.get(name, {}).get("false_per_min", 0.0) for name in esc)
        esc_recall = min(f["recall"] for f in esc.values())
        lv_recall = min(f["recall"] for name, f in lv.items() if name.endswith("/effort6"))
        esc_delay = max(f["delay_s"] for f in esc.values())
        lv_delay = max(f["delay_s"] for name, f in lv.items() if name.endswith("/effort6"))
        rows.append(
            (
                false_pm <= args.max_false_per_min,
                min(esc_recall, lv_recall),
                esc_recall,
                esc_delay,
                lv_recall,
                lv_delay,
                false_pm,
                esc_setting | lv_setting,
            )
        )
    rows.sort(key=lambda r: (r[0], r[1], -r[3] - r[5]), reverse=True)
    print(
        "eligible  worst recall  escalation (worst median delay s)  lower_voice effort6 (delay s)  "
        "worst false/min  setting"
    )
    for ok, worst, esc_recall, esc_delay, lv_recall, lv_delay, false_pm, setting in rows[: args.top]:
        print(
            f"{'yes' if ok else 'no':8}  {worst:.3f}         {esc_recall:.3f} ({esc_delay:.1f})"
            f"                        {lv_recall:.3f} ({lv_delay:.1f})                  {false_pm:.3f}"
            f"            {setting}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
