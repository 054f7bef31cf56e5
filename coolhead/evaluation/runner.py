"""Pair event streams with ground-truth files and score them together."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from coolhead.evaluation import metrics
from coolhead.evaluation.truth import Truth, TruthError, load_truth
from coolhead.events import Event
from coolhead.sinks.jsonl import read_events


@dataclass
class Evaluation:
    counts: Counter = field(default_factory=Counter)
    pause_delays: list[float | None] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    anger_samples: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    zscore_samples: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    escalation_delays: list[float | None] = field(default_factory=list)
    lower_voice_delays: list[float | None] = field(default_factory=list)
    per_call: list[dict[str, object]] = field(default_factory=list)
    """One row per call: where its figures came from."""

    def add(self, call_id: str, events: list[Event], truth: Truth) -> None:
        self.calls.append(call_id)
        interruptions = metrics.score_interruptions(events, truth)
        self.counts += interruptions
        pause_delays = metrics.pause_delays_s(events, truth)
        self.pause_delays += pause_delays
        anger_cues = metrics.score_anger_cues(events, truth)
        self.counts += anger_cues
        anger = metrics.anger_samples(events, truth)
        for mine, theirs in ((self.anger_samples, anger), (self.zscore_samples, metrics.zscore_samples(events, truth))):
            for role, (pos, neg) in theirs.items():
                mine.setdefault(role, ([], []))[0].extend(pos)
                mine[role][1].extend(neg)
        escalation = metrics.onset_delays_s(
            events, truth["anger_onsets"], metrics.ESCALATION_CUES, metrics.ESCALATION_MAX_DELAY_S
        )
        self.escalation_delays += escalation
        lower_voice = metrics.onset_delays_s(
            events, truth["agent_loud_onsets"], ("lower_voice",), metrics.LOWER_VOICE_MAX_DELAY_S
        )
        self.lower_voice_delays += lower_voice
        customer_auc = metrics.auc(*anger.get("customer", ([], [])))
        self.per_call.append(
            {
                "call": call_id,
                "interruptions_found": f"{interruptions['interruption_tp']}/"
                f"{interruptions['interruption_tp'] + interruptions['interruption_fn']}",
                "false_interruptions": interruptions["interruption_fp"],
                "latches_flagged": interruptions["latches_flagged"],
                "pause_cued": _caught(pause_delays),
                "customer_anger_auc": None if customer_auc is None else round(customer_auc, 3),
                "escalation_cued": _caught(escalation),
                "lower_voice_cued": _caught(lower_voice),
                "calm_false_cues": sum(anger_cues[f"calm_{kind}"] for kind in metrics.ANGER_CUES),
            }
        )

    def summary(self) -> dict[str, float | int | str | None]:
        return {
            "calls": len(self.calls),
            **metrics.summarise(self.counts, self.pause_delays),
            **metrics.summarise_anger(
                self.counts, self.anger_samples, self.zscore_samples, self.escalation_delays, self.lower_voice_delays
            ),
        }


def _caught(delays: list[float | None]) -> str:
    """``hits/total`` and the hits' delays in seconds, e.g. ``1/2 (2.4 s)``; ``-`` for none to catch."""
    hits = [d for d in delays if d is not None]
    if not delays:
        return "-"
    return f"{len(hits)}/{len(delays)}" + (f" ({', '.join(f'{d:.1f}' for d in hits)} s)" if hits else "")


def find_pairs(events_paths: list[Path], truth_paths: list[Path]) -> tuple[list[tuple[Path, Path]], list[str]]:
    """Pair ``NAME.jsonl`` with ``NAME.json`` by file stem; returns the pairs and one-line problems."""
    truth_by_stem = {p.stem: p for p in truth_paths}
    pairs, problems = [], []
    for ev in events_paths:
        truth = truth_by_stem.get(ev.stem)
        if truth is None:
            problems.append(f"{ev}: no ground-truth file {ev.stem}.json")
        else:
            pairs.append((ev, truth))
    return pairs, problems


def evaluate(pairs: list[tuple[Path, Path]]) -> tuple[Evaluation, list[str]]:
    result, problems = Evaluation(), []
    for events_path, truth_path in pairs:
        try:
            truth = load_truth(truth_path)
            events = read_events(events_path)
        except (TruthError, OSError, UnicodeDecodeError) as exc:
            problems.append(str(exc) if isinstance(exc, TruthError) else f"{events_path}: {exc}")
            continue
        result.add(str(truth["call_id"]), events, truth)
    return result, problems
