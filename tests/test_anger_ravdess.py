"""Anger on real emotional speech: RAVDESS calls of the held-out actors (17-24), built at test
time (RAVDESS never enters the repository), clean and telephone-band, replayed and scored as
`coolhead eval` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coolhead.audio.reader import probe_call
from coolhead.config import Config
from coolhead.evaluation.emotion_corpora import CORPORA
from coolhead.evaluation.runner import Evaluation
from coolhead.replay import replay_call
from tests.conftest import SHARED_DATA, need_shared_data


@pytest.fixture(scope="module")
def held_out_calls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_shared_data()
    from scripts.build_emotion_calls import build_set

    out = tmp_path_factory.mktemp("ravdess")
    build_set(CORPORA["ravdess"], "test", out, conditions=("clean", "phone"),
              kinds={"esc": 3, "loud": 5, "calm": 1}, data_dir=SHARED_DATA, seed=7)
    return out


@pytest.fixture(scope="module", params=["clean", "phone"])
def held_out_summary(held_out_calls: Path, request: pytest.FixtureRequest) -> dict:
    evaluation = Evaluation()
    for wav in sorted((held_out_calls / request.param).glob("*.wav")):
        events: list[dict] = []
        replay_call(probe_call(wav), Config(), events.append)
        truth = json.loads(Path(wav).with_suffix(".json").read_text())
        truth.setdefault("short_overlaps", [])
        evaluation.add(truth["call_id"], events, truth)
    return evaluation.summary()


def test_customer_anger_level_separates_angry_from_calm_speech(held_out_summary: dict) -> None:
    assert held_out_summary["anger_auc_customer"] >= 0.95
    assert held_out_summary["anger_auc_customer"] > held_out_summary["zscore_auc_customer"] + 0.1


def test_escalation_is_cued_soon_after_the_customer_turns_angry(held_out_summary: dict) -> None:
    assert held_out_summary["escalation_onsets"] >= 8
    assert held_out_summary["escalation_recall"] >= 0.9
    assert held_out_summary["escalation_delay_median_s"] <= 5.0


def test_calm_calls_are_not_nagged(held_out_summary: dict) -> None:
    assert held_out_summary["calm_minutes"] >= 10
    assert held_out_summary["calm_false_cues_per_min"] <= 0.1


def test_an_agent_raising_their_voice_is_told_to_lower_it(held_out_summary: dict) -> None:
    assert held_out_summary["lower_voice_onsets"] >= 8
    assert held_out_summary["lower_voice_recall"] >= 0.9


def test_every_call_pairs_two_different_actors() -> None:
    from scripts.build_emotion_calls import pairings

    test_actors = CORPORA["ravdess"].splits["test"]
    for shift in range(1, 3 * len(test_actors)):
        pairs = pairings(test_actors, shift)
        assert all(agent != customer for agent, customer in pairs), shift
        assert sorted(customer for _, customer in pairs) == sorted(test_actors)
