"""Per-call counts and their totals: interruptions and the pause cue; anger levels and cues.

Each ``score_*`` function takes one call's events and truth and returns counts that add up
across calls; ``summarise`` turns the totals into rates.
"""

from __future__ import annotations

from collections import Counter
from statistics import median

import numpy as np

from coolhead.cue_kinds import ANGER_CUES, ESCALATION_CUES, CueKind
from coolhead.evaluation.truth import Truth
from coolhead.events import Event

TOLERANCE_S = 0.5
"""An interruption is found if one by the same role starts within this of the labelled one."""
PAUSE_MAX_DELAY_S = 1.0
"""A pause cue counts for an agent interruption if raised within this after it starts."""


def match_times(found_s: list[float], truth_s: list[float], tolerance_s: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of times, closest pairs first: (found index, truth index)."""
    pairs = sorted(
        (abs(f - t), i, j) for i, f in enumerate(found_s) for j, t in enumerate(truth_s) if abs(f - t) <= tolerance_s
    )
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
    cues_s = sorted(e["t"] for e in events if e["type"] == "cue" and e["cue"] == CueKind.PAUSE)
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
        "interruptions_true": tp + fn,
        "interruptions_found": tp + fp,
        "interruption_precision": round(precision, 4),
        "interruption_recall": round(recall, 4),
        "interruption_f1": round(f1, 4),
        "latches": counts["latches"],
        "latches_flagged": counts["latches_flagged"],
        "agent_interruptions": len(pause_delays),
        "pause_recall": round(len(hits) / len(pause_delays), 4) if pause_delays else None,
        "pause_delay_median_s": round(median(hits), 3) if hits else None,
        "pause_delay_max_s": round(max(hits), 3) if hits else None,
    }


# --- Anger: level AUC, escalation and lower_voice cues, false cues on calm calls -------------

ESCALATION_MAX_DELAY_S = 20.0
"""An anger onset counts as caught by the first restate/transfer cue within this after it."""
LOWER_VOICE_MAX_DELAY_S = 10.0
"""An agent raising their voice counts as caught by a lower_voice cue within this after it."""


def _utterance_label(truth: Truth, speaker: str, t_s: float) -> bool | None:
    """True/False if ``t_s`` lies inside an angry/non-angry utterance of ``speaker``, else None."""
    for u in truth["utterances"]:
        if u["speaker"] == speaker and u["start"] <= t_s <= u["end"]:
            return u["emotion"] == "angry"
    return None


def anger_samples(events: list[Event], truth: Truth) -> dict[str, tuple[list[float], list[float]]]:
    """Per role: anger levels inside angry utterances of that speaker, and inside non-angry ones."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for e in events:
        if e["type"] == "anger":
            label = _utterance_label(truth, e["speaker"], e["t"])
            if label is not None:
                out.setdefault(e["speaker"], ([], []))[0 if label else 1].append(float(e["level"]))
    return out


def zscore_samples(events: list[Event], truth: Truth) -> dict[str, tuple[list[float], list[float]]]:
    """The comparison baseline: per-speaker z-score of loudness plus z-score of F0 of each
    ``prosody`` event, with mean and spread over the speaker's whole call (generous: it sees the future)."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for speaker in {e["speaker"] for e in events if e["type"] == "prosody"}:
        ps = [e for e in events if e["type"] == "prosody" and e["speaker"] == speaker]
        loud = np.array([p["loudness_db"] for p in ps], float)
        f0 = np.array([p["f0_hz"] if p["f0_hz"] else np.nan for p in ps], float)
        z_loud = (loud - loud.mean()) / (loud.std() + 1e-9)
        z_f0 = np.nan_to_num((f0 - np.nanmean(f0)) / (np.nanstd(f0) + 1e-9)) if np.isfinite(f0).any() else 0 * f0
        for p, score in zip(ps, z_loud + z_f0):
            label = _utterance_label(truth, speaker, p["t"])
            if label is not None:
                out.setdefault(speaker, ([], []))[0 if label else 1].append(float(score))
    return out


def auc(positive: list[float], negative: list[float]) -> float | None:
    """Probability that a positive sample outscores a negative one (ties count half): the
    Mann-Whitney U of the positives over all pairs."""
    if not positive or not negative:
        return None
    from scipy.stats import mannwhitneyu  # half a second to import: only when scoring

    return float(mannwhitneyu(positive, negative).statistic / (len(positive) * len(negative)))


def onset_delays_s(
    events: list[Event], onsets_s: list[float], kinds: tuple[str, ...], max_delay_s: float
) -> list[float | None]:
    """For each onset: delay of the first cue of ``kinds`` at or after it (within ``max_delay_s``), or None."""
    cues_s = sorted(e["t"] for e in events if e["type"] == "cue" and e["cue"] in kinds)
    delays: list[float | None] = []
    for onset in onsets_s:
        after = [c - onset for c in cues_s if 0.0 <= c - onset <= max_delay_s]
        delays.append(after[0] if after else None)
    return delays


def is_calm_call(truth: Truth) -> bool:
    """No anger onset, no agent raising their voice, no angry utterance."""
    return (
        not truth["anger_onsets"]
        and not truth["agent_loud_onsets"]
        and all(u["emotion"] != "angry" for u in truth["utterances"])
    )


def score_anger_cues(events: list[Event], truth: Truth) -> Counter:
    """Counts that add up across calls: cues on calm calls, escalation cues before the onset."""
    counts: Counter = Counter()
    cues = [e for e in events if e["type"] == "cue"]
    if is_calm_call(truth):
        counts["calm_ms"] += round(float(truth["duration"]) * 1000)
        for e in cues:
            if e["cue"] in ANGER_CUES:
                counts[f"calm_{e['cue']}"] += 1
        levels = [e["level"] for e in events if e["type"] == "anger"]
        counts["calm_anger_readings"] += len(levels)
        counts["calm_anger_readings_below_half"] += sum(level < 0.5 for level in levels)
    if truth["anger_onsets"]:
        first = min(truth["anger_onsets"])
        escalation = [e["t"] for e in cues if e["cue"] in ESCALATION_CUES]
        counts["escalation_cues"] += len(escalation)
        counts["escalation_cues_before_onset"] += sum(t < first for t in escalation)
    return counts


def summarise_anger(
    counts: Counter,
    samples: dict[str, tuple[list[float], list[float]]],
    zscores: dict[str, tuple[list[float], list[float]]],
    escalation_delays: list[float | None],
    lower_voice_delays: list[float | None],
) -> dict[str, float | int | str | None]:
    out: dict[str, float | int | str | None] = {}
    for role in ("customer", "agent"):
        pos, neg = samples.get(role, ([], []))
        value = auc(pos, neg)
        out[f"anger_auc_{role}"] = None if value is None else round(value, 4)
        value = auc(*zscores.get(role, ([], [])))
        out[f"zscore_auc_{role}"] = None if value is None else round(value, 4)
        out[f"anger_samples_{role}"] = f"{len(pos)} angry / {len(neg)} not"
    out.update(_delay_summary("escalation", escalation_delays))
    total = counts["escalation_cues"]
    out["escalation_cues_before_onset_share"] = (
        round(counts["escalation_cues_before_onset"] / total, 4) if total else None
    )
    minutes = counts["calm_ms"] / 60000
    out["calm_minutes"] = round(minutes, 2)
    for kind in ANGER_CUES:
        out[f"calm_false_{kind}_per_min"] = round(counts[f"calm_{kind}"] / minutes, 4) if minutes else None
    false_total = sum(counts[f"calm_{kind}"] for kind in ANGER_CUES)
    out["calm_false_cues_per_min"] = round(false_total / minutes, 4) if minutes else None
    readings = counts["calm_anger_readings"]
    # Anger is read every half second of speech: the share of speaking time either side reads calm.
    out["calm_anger_below_half_share"] = (
        round(counts["calm_anger_readings_below_half"] / readings, 4) if readings else None
    )
    out.update(_delay_summary("lower_voice", lower_voice_delays))
    return out


def _delay_summary(name: str, delays: list[float | None]) -> dict[str, float | int | None]:
    hits = [d for d in delays if d is not None]
    return {
        f"{name}_onsets": len(delays),
        f"{name}_recall": round(len(hits) / len(delays), 4) if delays else None,
        f"{name}_delay_median_s": round(median(hits), 3) if hits else None,
        f"{name}_delay_max_s": round(max(hits), 3) if hits else None,
    }
