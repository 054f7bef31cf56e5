"""Cues on real emotional speech in two languages: calls built at test time from the held-out
speakers of RAVDESS (English, actors 17-24) and nEMO (Polish, KD0 MK0 SM0 WR0), neither of
which enters the repository, in four conditions (clean, telephone + AGC, level-normalised,
+6 dB effort), replayed and scored as `coolhead eval` does.

The thresholds asserted are the figures this release holds on these speakers with a margin
(docs/anger.md has the full table, on a larger draw); where a target of the issue is not met
yet (escalation and lower_voice on nEMO) the test holds what is true today instead of a wish.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coolhead.audio.reader import probe_call
from coolhead.config import Config
from coolhead.evaluation.runner import Evaluation
from coolhead.run.replay import replay_call
from devkit.emotion_corpora import CORPORA
from tests.conftest import SHARED_DATA, need_shared_data

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

CONDITIONS = ("clean", "phone", "levelnorm", "effort6")
KINDS = {"ravdess": {"esc": 2, "loud": 2, "calm": 1}, "nemo": {"esc": 3, "loud": 2, "calm": 2}}
"""Calls per held-out speaker and kind (nEMO has half as many held-out speakers)."""


@pytest.fixture(scope="module", params=sorted(KINDS))
def held_out_calls(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    need_shared_data()
    from scripts.build_emotion_calls import build_set

    corpus = request.param
    out = tmp_path_factory.mktemp(corpus)
    build_set(CORPORA[corpus], "test", out, conditions=CONDITIONS, kinds=KINDS[corpus], data_dir=SHARED_DATA, seed=7)
    return corpus, out


@pytest.fixture(scope="module")
def summaries(held_out_calls: tuple[str, Path]) -> tuple[str, dict[str, dict]]:
    corpus, calls = held_out_calls
    out = {}
    for condition in CONDITIONS:
        evaluation = Evaluation()
        for wav in sorted((calls / condition).glob("*.wav")):
            events: list[dict] = []
            replay_call(probe_call(wav), Config(), events.append)
            truth = json.loads(wav.with_suffix(".json").read_text())
            evaluation.add(truth["call_id"], events, truth)
        out[condition] = evaluation.summary()
    return corpus, out


def test_talk_overs_are_cued_and_latches_are_not(summaries: tuple[str, dict[str, dict]]) -> None:
    """Short (0.3-0.5 s, the other side yields) and long talk-overs alike, in every condition."""
    corpus, by_condition = summaries
    for condition, s in by_condition.items():
        assert s["agent_interruptions"] >= 10 and s["latches"] >= 10, (corpus, condition)
        # RAVDESS phone: soft actors' speech sits at the simulated line's noise floor (docs/anger.md)
        assert s["pause_recall"] >= (0.85 if condition == "phone" else 0.95), (corpus, condition, s)
        assert s["interruption_precision"] >= 0.95, (corpus, condition, s)
        assert s["latches_flagged"] <= max(1, s["latches"] // 100), (corpus, condition, s)


def test_calm_calls_stay_quiet(summaries: tuple[str, dict[str, dict]]) -> None:
    corpus, by_condition = summaries
    for condition, s in by_condition.items():
        assert s["calm_minutes"] >= 8, (corpus, condition)
        assert s["calm_false_cues_per_min"] <= 0.05, (corpus, condition, s)
        assert (s["escalation_cues_before_onset_share"] or 0.0) <= 0.05, (corpus, condition, s)


def test_the_anger_level_separates_angry_from_calm_turns(summaries: tuple[str, dict[str, dict]]) -> None:
    corpus, by_condition = summaries
    floor = {"ravdess": 0.95, "nemo": 0.78}[corpus]
    for condition, s in by_condition.items():
        assert s["anger_auc_customer"] >= floor, (corpus, condition, s)
        assert s["anger_auc_customer"] > s["zscore_auc_customer"] + 0.05, (corpus, condition, s)


def test_escalation_is_cued(summaries: tuple[str, dict[str, dict]]) -> None:
    """On the English speakers near target; on the Polish ones about half the onsets today (this
    draw: 0.47-0.53, median delay 7-9 s), far below target (docs/anger.md), but no longer the
    one in five of a level-only rule."""
    corpus, by_condition = summaries
    recall_floor, delay_ceiling_s = {"ravdess": (0.85, 6.0), "nemo": (0.4, 10.0)}[corpus]
    for condition, s in by_condition.items():
        assert s["escalation_onsets"] >= 12, condition
        assert s["escalation_recall"] >= recall_floor, (condition, s)
        assert s["escalation_delay_median_s"] <= delay_ceiling_s, (condition, s)


def test_every_call_pairs_two_different_speakers() -> None:
    from scripts.build_emotion_calls import pairings

    for corpus in CORPORA.values():
        for split, speakers in corpus.splits.items():
            for shift in range(1, 3 * len(speakers)):
                pairs = pairings(speakers, shift)
                assert all(agent != customer for agent, customer in pairs), (corpus.name, split, shift)
                assert sorted(customer for _, customer in pairs) == sorted(speakers)


def test_tuning_and_held_out_speakers_never_meet() -> None:
    for corpus in CORPORA.values():
        assert not set(corpus.splits["tune"]) & set(corpus.splits["test"]), corpus.name
