"""Labelled call builder: the ground truth agrees with where the clips were placed."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from coolhead.audio.levels import ACTIVITY_FRAME_S, energy_activity
from coolhead.evaluation.truth import load_truth
from devkit.callbuilder import (
    MAX_LATCH_OVERLAP_S,
    MIN_TALK_OVER_S,
    CallBuilder,
    Gap,
    Interrupt,
    Latch,
    PlacementError,
    Turn,
    build_call,
    trim_clip,
    write_call,
)

RATE_HZ = 16000


def _talk(seconds: float, seed: int, lead_s: float = 0.4, tail_s: float = 0.3) -> np.ndarray:
    """Speech-like clip: syllables of noise (0.16 s on, 0.08 s off) inside silent margins."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE_HZ)
    t = np.arange(n) / RATE_HZ
    body = 0.1 * rng.standard_normal(n) * ((t % 0.24) < 0.16)
    return np.concatenate([np.zeros(int(lead_s * RATE_HZ)), body, np.zeros(int(tail_s * RATE_HZ))]).astype(np.float32)


def _active_span_s(x: np.ndarray) -> tuple[float, float]:
    on = np.flatnonzero(energy_activity(x, RATE_HZ))
    return on[0] * ACTIVITY_FRAME_S, (on[-1] + 1) * ACTIVITY_FRAME_S


def test_trim_cuts_the_silent_margins() -> None:
    clip, active = trim_clip(_talk(2.0, 0, lead_s=0.5, tail_s=0.3), RATE_HZ)
    assert len(clip) / RATE_HZ == pytest.approx(2.0, abs=0.02)  # from the first to the last syllable
    assert active.all()  # the 0.08 s gaps between syllables are bridged


def test_gaps_interruption_and_latch_are_labelled_where_they_were_placed() -> None:
    turns = [
        Turn("customer", _talk(4.0, 1), place=Gap(0.5)),
        Turn("agent", _talk(2.0, 2), place=Interrupt(position=0.0, yield_after_s=1.2)),
        Turn("customer", _talk(2.5, 3), emotion="angry", place=Gap(0.7), marks=("anger_onsets",)),
        Turn("agent", _talk(2.5, 4), place=Latch(0.15)),
        Turn("customer", _talk(3.0, 5), place=Interrupt(position=1.0, yield_after_s=None)),
    ]
    call = build_call("c1", turns)
    truth = call.truth
    assert set(truth) == {
        "call_id",
        "duration",
        "sample_rate",
        "channels",
        "utterances",
        "anger_onsets",
        "agent_loud_onsets",
        "interruptions",
        "short_overlaps",
    }
    assert truth["channels"] == {"0": "agent", "1": "customer"} and truth["sample_rate"] == RATE_HZ
    u = truth["utterances"]
    assert [x["speaker"] for x in u] == ["customer", "agent", "customer", "agent", "customer"]
    assert u[0]["start"] == 0.5
    # The agent cut in while the customer talked; the customer kept on >= 1 s, then yielded.
    (cut_in, cut_back) = truth["interruptions"]
    assert cut_in == {"t": u[1]["start"], "by": "agent", "overlap_s": cut_in["overlap_s"]}
    assert u[0]["start"] + 0.5 <= cut_in["t"] and u[0]["end"] - cut_in["t"] >= 1.0
    assert u[0]["end"] <= cut_in["t"] + 1.2 + 1e-9
    assert 0.6 <= cut_in["overlap_s"] <= u[0]["end"] - cut_in["t"] + 1e-9
    # Next turn starts the gap after everything has ended.
    assert u[2]["start"] == pytest.approx(max(u[0]["end"], u[1]["end"]) + 0.7)
    assert truth["anger_onsets"] == [u[2]["start"]] and u[2]["emotion"] == "angry"
    # The latch starts 0.15 s before the customer's end and is not an interruption.
    assert truth["short_overlaps"] == [{"t": u[3]["start"], "by": "agent", "overlap_s": 0.15}]
    assert u[3]["start"] == pytest.approx(u[2]["end"] - 0.15)
    # The latest possible cut-in by the customer: the agent still talks >= 1 s after it.
    assert cut_back["by"] == "customer" and cut_back["t"] == u[4]["start"]
    assert u[3]["end"] - cut_back["t"] >= 1.0 and cut_back["overlap_s"] >= 0.6
    assert truth["duration"] == pytest.approx(max(x["end"] for x in u) + 0.5)


def test_audio_follows_the_labels() -> None:
    call = build_call(
        "c2",
        [
            Turn("customer", _talk(4.0, 1), place=Gap(0.5)),
            Turn("agent", _talk(2.0, 2), place=Interrupt(0.5)),
            Turn("customer", _talk(1.5, 3), place=Gap(0.4)),
        ],
    )
    assert call.audio.shape == (int(round(call.truth["duration"] * RATE_HZ)), 2)
    for ch, role in ((0, "agent"), (1, "customer")):
        spans = [(x["start"], x["end"]) for x in call.truth["utterances"] if x["speaker"] == role]
        active = energy_activity(call.audio[:, ch], RATE_HZ)
        t_s = np.arange(len(active)) * ACTIVITY_FRAME_S + ACTIVITY_FRAME_S / 2
        inside = np.zeros(len(active), bool)
        for start, end in spans:  # one frame of slack: the band filter smears an onset by ~8 ms
            inside |= (t_s >= start - ACTIVITY_FRAME_S) & (t_s < end + ACTIVITY_FRAME_S)
        assert not (active & ~inside).any()  # no sound outside the labelled utterances
        for start, end in spans:  # each utterance begins and ends with sound
            assert active[int(round(start / ACTIVITY_FRAME_S))] and active[int(round(end / ACTIVITY_FRAME_S)) - 1]


def test_impossible_placements_are_refused() -> None:
    with pytest.raises(PlacementError, match="other role has not spoken"):
        build_call("x", [Turn("agent", _talk(2.0, 1), place=Interrupt())])
    with pytest.raises(PlacementError, match="too short"):
        build_call("x", [Turn("customer", _talk(1.2, 1)), Turn("agent", _talk(2.0, 2), place=Interrupt())])
    with pytest.raises(PlacementError, match="latch overlap"):
        build_call("x", [Turn("customer", _talk(2.0, 1)), Turn("agent", _talk(2.0, 2), place=Latch(0.3))])
    with pytest.raises(PlacementError, match="emotion"):
        build_call("x", [Turn("customer", _talk(2.0, 1), emotion="furious")])
    with pytest.raises(PlacementError, match="no speech"):
        build_call("x", [Turn("customer", np.zeros(RATE_HZ, np.float32))])
    with pytest.raises(PlacementError, match="keep talking"):  # a 0.4 s talk-over cannot overlap 0.6 s
        build_call(
            "x", [Turn("customer", _talk(4.0, 1)), Turn("agent", _talk(2.0, 2), place=Interrupt(yield_after_s=0.4))]
        )
    with pytest.raises(PlacementError, match="must overlap"):  # that would be a latch, not an interruption
        build_call(
            "x",
            [
                Turn("customer", _talk(4.0, 1)),
                Turn("agent", _talk(2.0, 2), place=Interrupt(yield_after_s=0.4, min_overlap_s=0.2)),
            ],
        )
    with pytest.raises(PlacementError, match="too short"):  # a talk-over too needs the other mid-utterance
        build_call(
            "x",
            [
                Turn("customer", _talk(1.4, 1)),
                Turn("agent", _talk(2.0, 2), place=Interrupt(yield_after_s=0.4, min_overlap_s=0.3)),
            ],
        )


@pytest.mark.parametrize("yield_after_s", [0.3, 0.4, 0.5])
def test_a_short_talk_over_yields_and_is_labelled_an_interruption(yield_after_s: float) -> None:
    customer = _talk(4.0, 1)
    call = build_call(
        "t",
        [
            Turn("customer", customer, place=Gap(0.5)),
            Turn(
                "agent",
                _talk(2.0, 2),
                place=Interrupt(position=0.5, yield_after_s=yield_after_s, min_overlap_s=MIN_TALK_OVER_S),
            ),
            Turn("customer", _talk(2.0, 3), place=Gap(0.5)),
        ],
    )
    u = call.truth["utterances"]
    (talk_over,) = call.truth["interruptions"]
    assert talk_over == {"t": u[1]["start"], "by": "agent", "overlap_s": talk_over["overlap_s"]}
    assert MIN_TALK_OVER_S <= talk_over["overlap_s"] <= yield_after_s + 1e-9
    # The customer was mid-utterance: 0.5 s into it, and the uncut clip would have gone on >= 1 s...
    uncut_end_s = u[0]["start"] + len(trim_clip(customer, RATE_HZ)[0]) / RATE_HZ
    assert u[0]["start"] + 0.5 <= talk_over["t"] <= uncut_end_s - 1.0
    # ...but they stop yield_after_s after the agent starts, and are silent until their next turn.
    assert u[0]["end"] == pytest.approx(talk_over["t"] + yield_after_s)
    active = energy_activity(call.audio[:, 1], RATE_HZ)
    after_cut = active[
        int(round(u[0]["end"] / ACTIVITY_FRAME_S)) + 1 : int(round(u[2]["start"] / ACTIVITY_FRAME_S)) - 1
    ]
    assert len(after_cut) and not after_cut.any()
    assert call.truth["short_overlaps"] == []


@pytest.mark.parametrize("seed", range(8))
def test_a_latch_is_never_labelled_an_interruption(seed: int) -> None:
    rng = np.random.default_rng(seed)
    call = CallBuilder("l")
    for k in range(12):
        turn = Turn(
            ("customer", "agent")[k % 2],
            _talk(float(rng.uniform(0.6, 3.0)), 10 * seed + k),
            place=Latch(round(float(rng.uniform(0.05, MAX_LATCH_OVERLAP_S)), 2)) if k else Gap(0.5),
        )
        try:
            call.add(turn)
        except PlacementError:
            call.add(Turn(turn.role, turn.clip, place=Gap(0.4)))
    truth = call.build().truth
    assert truth["interruptions"] == []
    assert truth["short_overlaps"] and all(0 < x["overlap_s"] <= MAX_LATCH_OVERLAP_S for x in truth["short_overlaps"])


def test_write_call_saves_wav_and_truth_side_by_side(tmp_path) -> None:
    call = build_call("c3", [Turn("customer", _talk(3.0, 1)), Turn("agent", _talk(2.0, 2), place=Interrupt())])
    wav, js = write_call(tmp_path, "c3", call)
    assert (wav.name, js.name) == ("c3.wav", "c3.json")
    info = sf.info(str(wav))
    assert (info.samplerate, info.channels, info.subtype) == (RATE_HZ, 2, "PCM_16")
    assert load_truth(js) == json.loads(json.dumps(call.truth))
    wav, js = write_call(tmp_path, "c3_phone", call, phone=True, seed=3)
    info = sf.info(str(wav))
    assert (info.samplerate, info.channels, info.subtype) == (8000, 2, "ULAW")
    phone_truth = load_truth(js)
    assert phone_truth["sample_rate"] == 8000
    assert phone_truth["interruptions"] == call.truth["interruptions"]
    assert info.duration == pytest.approx(call.truth["duration"], abs=1e-3)


def test_a_refused_turn_leaves_the_call_as_it_was() -> None:
    call = CallBuilder("c4")
    call.add(Turn("customer", _talk(1.2, 1)))
    before = call.build().truth
    with pytest.raises(PlacementError) as refused:
        call.add(Turn("agent", _talk(2.0, 2), place=Interrupt()))  # 1.2 s is too short to cut into
    assert refused.value.turn == 1
    assert call.build().truth == before
    call.add(Turn("agent", _talk(2.0, 2), place=Gap(0.3)))  # the fallback a script would take
    assert [u["speaker"] for u in call.build().truth["utterances"]] == ["customer", "agent"]


def test_clean_calls_can_be_written_as_flac(tmp_path) -> None:
    call = build_call("c5", [Turn("customer", _talk(2.0, 1))])
    audio, _ = write_call(tmp_path, "c5", call, flac=True)
    info = sf.info(str(audio))
    assert (audio.name, info.format, info.subtype, info.channels) == ("c5.flac", "FLAC", "PCM_16", 2)
