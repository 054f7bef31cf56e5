"""Per-call counts and their totals: interruptions and the pause cue.

Each ``score_*`` function takes one call's events and truth and returns counts that add up
across calls; ``summarise`` turns the totals into rates.
"""

from __future__ import annotations

from collections import Counter
from statistics import median

from coolhead.evaluation.truth import Truth
from coolhead.events import Event

TOLERANCE_S = 0.5
"""An interruption is found if one by the same role starts within this of the labelled one."""
PAUSE_MAX_DELAY_S = 1.0
"""A pause cue counts for an agent interruption if raised within this after it starts."""


def match_times(found_s: list[float], truth_s: list[float], tolerance_s: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of times, closest pairs first: (found index, truth index)."""
    pairs = sorted((abs(f - t), i, j) for i, f in enumerate(found_s) for j, t in enumerate(truth_s)
                   if abs(f - t) <= tolerance_s)
    used_f: set[int] = set()
    used_t: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_f and j not in used_t:
            used_f.add(i)
            used_t.add(j)
            out.append((i, j))
    return out


def score_interruptions(events: list[Event], truth: Truth) -> Counter:
    found = [e for e in events if e["type"] == "interruption"]
    counts: Counter = Counter()
    for by in ("agent", "customer"):
        f_s = [e["t"] for e in found if e["by"] == by]
        t_s = [x["t"] for x in truth["interruptions"] if x["by"] == by]
        tp = len(match_times(f_s, t_s, TOLERANCE_S))
        counts["interruption_tp"] += tp
        counts["interruption_fp"] += len(f_s) - tp
        counts["interruption_fn"] += len(t_s) - tp
    latch_s = [x["t"] for x in truth["short_overlaps"]]
    counts["latches"] += len(latch_s)
    counts["latches_flagged"] += len(match_times([e["t"] for e in found], latch_s, TOLERANCE_S))
    return counts


def pause_delays_s(events: list[Event], truth: Truth) -> list[float | None]:
    """For each labelled agent interruption: delay of the first pause cue after it, or None."""
    cues_s = sorted(e["t"] for e in events if e["type"] == "cue" and e["cue"] == "pause")
    delays: list[float | None] = []
    for x in truth["interruptions"]:
        if x["by"] != "agent":
            continue
        after = [c - x["t"] for c in cues_s if -TOLERANCE_S <= c - x["t"] <= PAUSE_MAX_DELAY_S]
        delays.append(max(0.0, after[0]) if after else None)
    return delays


def summarise(counts: Counter, pause_delays: list[float | None]) -> dict[str, float | int | None]:
    tp, fp, fn = counts["interruption_tp"], counts["interruption_fp"], counts["interruption_fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    hits = [d for d in pause_delays if d is not None]
    return {
        "interruptions_true": tp + fn, "interruptions_found": tp + fp,
        "interruption_precision": round(precision, 4), "interruption_recall": round(recall, 4),
        "interruption_f1": round(f1, 4),
        "latches": counts["latches"], "latches_flagged": counts["latches_flagged"],
        "agent_interruptions": len(pause_delays),
        "pause_recall": round(len(hits) / len(pause_delays), 4) if pause_delays else None,
        "pause_delay_median_s": round(median(hits), 3) if hits else None,
        "pause_delay_max_s": round(max(hits), 3) if hits else None,
    }
