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

    def add(self, call_id: str, events: list[Event], truth: Truth) -> None:
        self.calls.append(call_id)
        self.counts += metrics.score_interruptions(events, truth)
        self.pause_delays += metrics.pause_delays_s(events, truth)
        self.counts += metrics.score_anger_cues(events, truth)
        for mine, theirs in (
            (self.anger_samples, metrics.anger_samples(events, truth)),
            (self.zscore_samples, metrics.zscore_samples(events, truth)),
        ):
            for role, (pos, neg) in theirs.items():
                mine.setdefault(role, ([], []))[0].extend(pos)
                mine[role][1].extend(neg)
        self.escalation_delays += metrics.onset_delays_s(
            events, truth["anger_onsets"], metrics.ESCALATION_CUES, metrics.ESCALATION_MAX_DELAY_S
        )
        self.lower_voice_delays += metrics.onset_delays_s(
            events, truth["agent_loud_onsets"], ("lower_voice",), metrics.LOWER_VOICE_MAX_DELAY_S
        )

    def summary(self) -> dict[str, float | int | str | None]:
        return {
            "calls": len(self.calls),
            **metrics.summarise(self.counts, self.pause_delays),
            **metrics.summarise_anger(
                self.counts, self.anger_samples, self.zscore_samples, self.escalation_delays, self.lower_voice_delays
            ),
        }


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
