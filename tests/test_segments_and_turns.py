"""Hysteresis, talk-over and pause-cue logic, driven frame by frame with no audio."""

from __future__ import annotations

from coolhead.config import Config
from coolhead.pipeline.cues import CallState, CuePolicy
from coolhead.pipeline.segments import SpeechSegmenter
from coolhead.pipeline.turns import TurnTracker

FRAME_S = 0.03


def _segments(pattern: str) -> list[tuple[float, float]]:
    """Segments found in a string of frames, '#' voiced and '.' not."""
    seg = SpeechSegmenter(Config().vad, FRAME_S)
    out = []
    for i, c in enumerate(pattern):
        s = seg.step(i * FRAME_S, c == "#")
        if s.ended_now:
            out.append((round(s.start_s, 3), round(s.last_voiced_end_s, 3)))
    s = seg.close()
    if s.ended_now:
        out.append((round(s.start_s, 3), round(s.last_voiced_end_s, 3)))
    return out


def test_a_click_does_not_open_a_segment() -> None:
    assert _segments("....#.......#......") == []


def test_a_breath_does_not_split_a_turn() -> None:
    gap = "." * 10  # 0.3 s, under the 0.45 s hangover
    assert _segments("..." + "#" * 20 + gap + "#" * 20 + "." * 30) == [(0.09, 0.09 + 50 * FRAME_S)]


def test_a_long_pause_ends_the_turn_at_the_last_voiced_frame() -> None:
    segs = _segments("#" * 10 + "." * 40 + "#" * 10)
    assert segs == [(0.0, 0.3), (1.5, 1.8)]


def _run_two(agent: str, customer: str, config: Config | None = None) -> tuple[list[dict], list[dict]]:
    config = config or Config()
    segs = {"agent": SpeechSegmenter(config.vad, FRAME_S), "customer": SpeechSegmenter(config.vad, FRAME_S)}
    turns = TurnTracker(config.turns, ("agent", "customer"), FRAME_S)
    cues = CuePolicy(config.cues)
    found, said = [], []
    for i, (a, c) in enumerate(zip(agent, customer)):
        t_s = i * FRAME_S
        states = {"agent": segs["agent"].step(t_s, a == "#"), "customer": segs["customer"].step(t_s, c == "#")}
        found += turns.step(t_s, states)
        said += cues.step(t_s + FRAME_S, CallState(talkover=turns.talkover))
    return found, said


def test_agent_talking_over_the_customer_is_an_interruption_and_cued_within_a_second() -> None:
    customer = "#" * 100 + "." * 40
    agent = "." * 40 + "#" * 60 + "." * 40  # starts at 1.2 s, overlaps 1.8 s
    found, said = _run_two(agent, customer)
    assert [(e["by"], e["t"]) for e in found] == [("agent", 1.2)]
    assert abs(found[0]["overlap_s"] - 1.8) < 0.05
    assert [(c["cue"], c["reason_key"]) for c in said] == [("pause", "talking_over")]
    assert 1.2 + 0.3 <= said[0]["t"] <= 1.2 + 0.5


def test_a_short_talk_over_that_cuts_the_customer_off_is_an_interruption() -> None:
    """Both voices sound together for 0.36 s, then the customer gives up: the agent cut them off
    mid-utterance, and is told as soon as the overlap is long enough."""
    customer = "#" * 52 + "." * 88  # speaking for 1.56 s, stops 0.36 s after the agent starts
    agent = "." * 40 + "#" * 60 + "." * 40
    found, said = _run_two(agent, customer)
    assert [(e["by"], e["t"]) for e in found] == [("agent", 1.2)]
    assert [c["cue"] for c in said] == ["pause"] and said[0]["t"] <= 1.2 + 0.4


def test_a_latch_at_the_end_of_a_turn_is_not_an_interruption() -> None:
    """The agent answers 0.21 s before the customer's last syllable ends."""
    customer = "#" * 47 + "." * 93
    agent = "." * 40 + "#" * 60 + "." * 40
    found, said = _run_two(agent, customer)
    assert found == [] and said == []


def test_a_brief_latch_is_not_an_interruption() -> None:
    customer = "#" * 100 + "." * 40
    agent = "." * 60 + "#" * 6 + "." * 74  # 0.18 s "yes"
    found, said = _run_two(agent, customer)
    assert found == [] and said == []


def test_customer_interrupting_the_agent_gives_no_pause_cue() -> None:
    agent = "#" * 100 + "." * 40
    customer = "." * 30 + "#" * 50 + "." * 60
    found, said = _run_two(agent, customer)
    assert [e["by"] for e in found] == ["customer"] and said == []


def test_pause_cue_cools_down_between_close_interruptions() -> None:
    customer = ("#" * 60 + "." * 20) * 3
    agent = ("." * 30 + "#" * 40 + "." * 10) * 3  # three talk-overs 2.4 s apart
    config = Config()
    found, said = _run_two(agent, customer, config)
    assert len(found) == 3 and len(said) == 3  # each told: 2.4 s apart is past the cool-down
    config.cues.pause_cooldown_s = 5.0
    found, said = _run_two(agent, customer, config)
    assert len(found) == 3 and len(said) == 2  # the second talk-over is inside the cool-down
    assert said[1]["t"] - said[0]["t"] >= 5.0


def test_jumping_into_a_short_pause_is_talking_over_the_one_who_paused() -> None:
    """The customer pauses 0.6 s mid-turn (longer than the hangover, so their segment closes);
    the agent starts in that pause and the customer carries on over them: the agent interrupted."""
    customer = "#" * 50 + "." * 20 + "#" * 50 + "." * 40
    agent = "." * 62 + "#" * 50 + "." * 48  # starts at 1.86 s, 0.36 s into the customer's pause
    found, said = _run_two(agent, customer)
    assert [(e["by"], e["t"]) for e in found] == [("agent", 1.86)]
    assert [c["cue"] for c in said] == ["pause"]


def test_answering_after_a_real_turn_end_is_not_an_interruption_by_the_answerer() -> None:
    """The customer stops, the agent answers 0.3 s later, the customer starts again 1.2 s after
    their own last word: the customer is the one talking over."""
    customer = "#" * 50 + "." * 40 + "#" * 40 + "." * 30
    agent = "." * 60 + "#" * 60 + "." * 40
    found, said = _run_two(agent, customer)
    assert [(e["by"], e["t"]) for e in found] == [("customer", 2.7)]
    assert said == []
