"""Anger baseline robustness and the lower_voice / restate / transfer cue policy."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from coolhead.config import AngerConfig, CuesConfig, RaisedVoiceConfig
from coolhead.pipeline.anger import FEATURES, AngerScorer, RiseJudge, RiseTracker, SpeakerAnger, Stretch, TurnAnger
from coolhead.pipeline.cues import CallState, CuePolicy
from coolhead.pipeline.prosody import ProsodyWindow

LOUD = FEATURES.index("loudness_db")


def _window(loudness_db: float, f0_hz: float, tilt_db: float, rng: np.random.Generator) -> ProsodyWindow:
    return ProsodyWindow(
        speech_s=1.0,
        loudness_db=loudness_db + rng.normal(0, 1.0),
        f0_hz=f0_hz * 2 ** (rng.normal(0, 0.5) / 12),
        f0_range_st=4 + rng.normal(0, 1.0),
        tilt_db=tilt_db + rng.normal(0, 1.0),
        rate_sps=4 + rng.normal(0, 0.5),
        voiced_share=0.7,
        new_s=0.5,
    )


def _calm(rng):
    return _window(-30.0, 120.0, -10.0, rng)


def _angry(rng):
    return _window(-18.0, 190.0, -4.0, rng)


def test_an_angry_opening_does_not_become_the_baseline() -> None:
    rng = np.random.default_rng(0)
    scorer = AngerScorer(AngerConfig())
    opening = [scorer.score(_angry(rng))[0] for _ in range(10)]
    calm = [scorer.score(_calm(rng))[0] for _ in range(30)]
    assert abs(scorer.baseline()[LOUD] - (-30.0)) < 2.0
    assert np.mean(calm[-10:]) < 0.3
    again = [scorer.score(_angry(rng))[0] for _ in range(10)]
    assert min(again[5:]) > 0.9  # the level is smoothed over ~2 s of speech
    assert opening[0] > 0.5  # before any own speech, vocal effort is judged against the population prior


def test_long_anger_creeps_into_the_baseline_only_slowly() -> None:
    rng = np.random.default_rng(1)
    scorer = AngerScorer(AngerConfig())
    for _ in range(20):
        scorer.score(_calm(rng))
    levels = [scorer.score(_angry(rng))[0] for _ in range(60)]  # 30 s of shouting
    assert scorer.baseline()[LOUD] < -27.0
    assert min(levels[-10:]) > 0.9


def test_a_loud_talker_is_not_an_angry_one() -> None:
    rng = np.random.default_rng(2)
    scorer = AngerScorer(AngerConfig())
    scores = [scorer.score(_window(-12.0, 220.0, -10.0, rng))[:2] for _ in range(40)]
    levels, raised = zip(*scores)
    assert np.mean(levels[5:]) < 0.3
    assert np.mean(raised[5:]) < 0.3


def test_a_voice_raised_in_effort_is_raised_at_the_same_loudness_and_loudness_alone_is_not() -> None:
    """After a phone line's gain control a raised voice is no louder: pitch and vocal effort
    carry it. 10 dB more of the same voice is a louder line, not a raised voice."""
    rng = np.random.default_rng(3)
    for window, raised_expected in (
        (lambda: _window(-30.0, 200.0, -2.0, rng), True),
        (lambda: _window(-20.0, 120.0, -10.0, rng), False),
    ):
        scorer = AngerScorer(AngerConfig(), RaisedVoiceConfig())
        for _ in range(20):
            scorer.score(_calm(rng))
        raised = [scorer.score(window())[1] for _ in range(10)]
        assert (min(raised[6:]) >= RaisedVoiceConfig().raised_level) == raised_expected, raised


def _turn(end_s: float, level: float, speech_s: float = 1.5) -> TurnAnger:
    return TurnAnger(end_s - speech_s, end_s, speech_s, level, speech_s if level >= 0.7 else 0.0)


def _run(policy: CuePolicy, state: CallState, steps: list[tuple[float, TurnAnger | None]]) -> list[tuple[float, str]]:
    out = []
    for t_s, turn in steps:
        if turn is not None:
            state = _set(state, "customer", last_turn=turn)
        out += [(e["t"], e["cue"]) for e in policy.step(t_s, state)]
    return out


def _state() -> CallState:
    return CallState(speakers={"agent": SpeakerAnger(), "customer": SpeakerAnger()})


def _set(state: CallState, role: str, **changes: object) -> CallState:
    """The call state with ``role``'s anger state changed (states are snapshots: replaced, never edited)."""
    speakers = dict(state.speakers)
    speakers[role] = dataclasses.replace(speakers[role], **changes)  # type: ignore[arg-type]
    return CallState(state.talkover, speakers)


def test_restate_once_per_heated_stretch_with_cooldown_and_not_after_calm_turns() -> None:
    policy, state = CuePolicy(CuesConfig()), _state()
    steps = [
        (5.0, _turn(5.0, 0.3)),
        (5.03, None),
        (10.0, _turn(10.0, 0.95)),
        (10.03, None),
        (14.0, _turn(14.0, 0.95)),  # same heated stretch: counts towards transfer instead
        (17.0, _turn(17.0, 0.2)),
        (19.0, _turn(19.0, 0.95)),  # new stretch, but inside the cool-down
        (24.0, _turn(24.0, 0.95)),
    ]
    assert _run(policy, state, steps) == [(10.0, "restate"), (24.0, "restate")]


def test_short_or_mild_turns_are_not_heated() -> None:
    policy, state = CuePolicy(CuesConfig()), _state()
    steps = [(5.0, _turn(5.0, 0.95, speech_s=0.5)), (10.0, _turn(10.0, 0.6))]
    assert _run(policy, state, steps) == []


def test_transfer_when_anger_persists_after_restating() -> None:
    config = CuesConfig()
    policy, state = CuePolicy(config), _state()
    heated = [(10.0 + 12 * k, _turn(10.0 + 12 * k, 0.95)) for k in range(6)]
    cues = _run(policy, state, heated)
    first_transfer = next(t for t, kind in cues if kind == "transfer")
    assert cues[0] == (10.0, "restate")
    assert first_transfer - 10.0 >= config.transfer_min_s
    assert [kind for _, kind in cues].count("transfer") == 1


def test_a_calm_turn_resets_the_way_to_transfer() -> None:
    policy, state = CuePolicy(CuesConfig()), _state()
    steps = [(10.0, _turn(10.0, 0.95))] + [
        (20.0 + 10 * k, _turn(20.0 + 10 * k, 0.95 if k % 2 else 0.1)) for k in range(8)
    ]
    assert "transfer" not in [kind for _, kind in _run(policy, state, steps)]


def test_lower_voice_once_per_raised_stretch_with_cooldown() -> None:
    config = CuesConfig()
    policy, state = CuePolicy(config), _state()
    cues = []
    for k in range(200):  # 0.1 s steps; raised from 1 s to 6 s, and again from 12 s to 18 s
        t_s = k * 0.1
        raised = 1.0 <= t_s < 6.0 or 12.0 <= t_s < 18.0
        start = 1.0 if t_s < 12.0 else 12.0
        state = _set(state, "agent", raised=Stretch(start, t_s - start) if raised else Stretch())
        cues += [(round(e["t"], 2), e["cue"]) for e in policy.step(t_s, state)]
    assert cues == [(1.0 + config.lower_voice_min_s, "lower_voice")]  # second stretch is inside the cool-down
    state = _set(state, "agent", raised=Stretch(50.0, 3.0))
    assert [e["cue"] for e in policy.step(53.0, state)] == ["lower_voice"]


def test_lower_voice_sooner_when_the_agent_answers_an_upset_customer() -> None:
    config = CuesConfig(lower_voice_min_s=1.0, lower_voice_min_s_customer_upset=0.5)
    raised_s = (config.lower_voice_min_s_customer_upset + config.lower_voice_min_s) / 2
    for upset, expected in ((False, []), (True, ["lower_voice"])):
        policy, state = CuePolicy(config), _state()
        state = _set(state, "agent", raised=Stretch(10.0, raised_s))
        state = _set(state, "customer", aroused=Stretch(8.0) if upset else Stretch())
        cues = policy.step(10.0 + raised_s, state)
        assert [e["cue"] for e in cues] == expected
        assert all("customer is upset" in e["reason"] for e in cues)


def test_every_acoustic_cue_carries_a_reason_key_the_window_translates() -> None:
    """The cue window shows reasons by key: each cue's key (with its arguments) gives, in
    English, the event's own sentence, and a text of its own in every other language."""
    from coolhead.i18n import LANGUAGES, load_texts

    policy, state = CuePolicy(CuesConfig()), _state()
    cues = []
    for t_s, turn in [(10.0 + 12 * k, _turn(10.0 + 12 * k, 0.95)) for k in range(6)]:
        state = _set(state, "customer", last_turn=turn)
        cues += policy.step(t_s, state)
    for upset in (False, True):
        policy, state = CuePolicy(CuesConfig()), _state()
        state = _set(state, "agent", raised=Stretch(10.0, 3.2))
        state = _set(state, "customer", aroused=Stretch(8.0) if upset else Stretch())
        cues += policy.step(13.2, state)
    assert {e["cue"] for e in cues} == {"restate", "transfer", "lower_voice"}
    assert {e["reason_key"] for e in cues if e["cue"] == "lower_voice"} == {
        "voice_raised",
        "voice_raised_customer_upset",
    }
    english = load_texts("en")
    for e in cues:
        assert english.reason(e) == e["reason"], e
        for language in LANGUAGES:
            texts = load_texts(language)
            assert texts.reason(e) == texts.reasons[e["reason_key"]].format(**e.get("reason_args", {}))
            assert "{" not in texts.reason(e)


def test_restate_comes_while_the_heated_turn_is_still_going() -> None:
    """The cue does not wait for the customer to finish a heated turn; that turn then does not
    count again towards transfer when it ends."""
    policy, state = CuePolicy(CuesConfig()), _state()
    cues = []
    for k in range(1, 9):  # one turn from 10 s, scored every 0.5 s, heated from its third window
        t_s = 10.0 + 0.5 * k
        turn = TurnAnger(10.0, t_s, 0.5 * k, 0.95 if k >= 3 else 0.5, max(0.0, 0.5 * (k - 2)))
        state = _set(state, "customer", turn=turn)
        cues += [(t_s, e["cue"], e["reason_key"]) for e in policy.step(t_s, state)]
    assert cues == [(12.0, "restate", "customer_getting_angry")]
    state = _set(state, "customer", last_turn=state.speakers["customer"].turn, turn=None)
    assert policy.step(14.1, state) == []
    assert policy._heated_since_restate == 0


def test_a_turn_that_was_never_heated_while_it_lasted_cannot_raise_a_restate_mid_turn() -> None:
    policy, state = CuePolicy(CuesConfig()), _state()
    state = _set(state, "customer", turn=TurnAnger(10.0, 13.0, 3.0, 0.95, 0.5))  # too little aroused speech
    assert policy.step(13.0, state) == []
    state = _set(state, "customer", turn=TurnAnger(10.0, 13.0, 3.0, 0.8, 3.0))  # never hot enough
    assert policy.step(13.0, state) == []


def test_a_rise_is_judged_against_the_speakers_own_spread() -> None:
    """The same step up in log-odds is a clear rise for a steady speaker and none for a lively one;
    nothing is judged before ``rise_min_windows`` earlier windows."""
    config = AngerConfig()
    rng = np.random.default_rng(3)
    steady = RiseTracker(config.rise_min_spread, config.rise_min_windows)
    lively = RiseTracker(config.rise_min_spread, config.rise_min_windows)
    for k in range(30):
        rise_steady = steady.update(-2.0 + rng.normal(0, 0.3))
        rise_lively = lively.update(-2.0 + rng.normal(0, 2.0))
        assert (rise_steady is None) == (rise_lively is None) == (k < config.rise_min_windows)
    assert steady.update(1.0) >= config.rise_spreads  # 3 log-odds up, spread at its 1.0 floor
    assert lively.update(1.0) < config.rise_spreads


def test_a_voice_raised_well_above_the_agents_usual_counts_below_the_absolute_bar() -> None:
    """A raised-voice score of 0.8 (under ``raised_level``) counts as raised once the agent has
    ``rise_min_windows`` windows at their usual score to stand out from, not before."""
    anger, raised = AngerConfig(), RaisedVoiceConfig()
    judge = RiseJudge(anger, raised)
    calm_z, raised_z = -3.0, math.log(0.8 / 0.2)
    assert judge.judge((-1.0, raised_z), 0.27, 0.8) == (False, False)  # no history yet
    for _ in range(raised.rise_min_windows):
        assert judge.judge((-1.0, calm_z), 0.27, 0.05) == (False, False)
    assert judge.judge((-1.0, raised_z), 0.27, 0.8) == (False, True)


def test_anger_has_risen_when_it_stands_out_from_the_speakers_usual_at_the_rise_level() -> None:
    """A step up to ``rise_level`` from a steady speaker's usual 0.01 has risen; the same level
    from a speaker who usually scores about that has not, nor has a step up as far that stays
    under ``rise_level``."""
    anger, raised = AngerConfig(), RaisedVoiceConfig()

    def logit(p: float) -> float:
        return math.log(p / (1 - p))

    calm, at_level = logit(0.01), logit(anger.rise_level)
    steady, lively = RiseJudge(anger, raised), RiseJudge(anger, raised)
    for _ in range(anger.rise_min_windows):
        steady.judge((calm, -3.0), 0.01, 0.05)
        lively.judge((at_level - 0.1, -3.0), anger.rise_level - 0.02, 0.05)
    assert steady.judge((at_level, -3.0), anger.rise_level, 0.05)[0]
    assert not lively.judge((at_level, -3.0), anger.rise_level, 0.05)[0]
    below = at_level - 0.2
    assert below - calm >= anger.rise_spreads * anger.rise_min_spread  # far enough up...
    assert not steady.judge((below, -3.0), 1 / (1 + math.exp(-below)), 0.05)[0]  # ...but under the level


def test_a_customer_risen_above_their_own_usual_level_is_restated_below_the_absolute_bar() -> None:
    """Anger that scores under ``restate_level`` for this speaker still gets ``restate`` once
    enough of the turn has risen well above their usual level; less of it does not."""
    config = CuesConfig()
    policy, state = CuePolicy(config), _state()
    short = TurnAnger(10.0, 12.0, 2.0, 0.8, 2.0, risen_s=config.restate_min_speech_s - 0.5)
    assert policy.step(12.0, _set(state, "customer", turn=short)) == []
    risen = dataclasses.replace(short, end_s=12.5, risen_s=config.restate_min_speech_s)
    cues = policy.step(12.5, _set(state, "customer", turn=risen))
    assert [(e["cue"], e["reason_key"]) for e in cues] == [("restate", "customer_getting_angry")]


def test_cue_kinds_are_declared_once_and_every_language_has_each() -> None:
    """The registry, the translations and the phrase files agree; a language file that misses a
    kind is refused when loaded."""
    from coolhead.cue_kinds import CUES, PHRASE_CUES, CueKind
    from coolhead.i18n import LANGUAGES, load_texts
    from coolhead.pipeline.phrases import PhraseBook

    assert set(CUES) == set(CueKind) and len({s.colour for s in CUES.values()}) == len(CUES)
    for language in LANGUAGES:
        assert set(load_texts(language).cues) == set(CueKind)
    for language in ("en", "fa", "ro", "sv", "ko"):
        assert {r.cue for r in PhraseBook.load(language).rules} <= set(PHRASE_CUES)
