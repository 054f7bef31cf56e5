#!/usr/bin/env python3
"""Build labelled two-party calls from an emotional-speech corpus (devkit/emotion_corpora.py:
RAVDESS, nEMO) for the anger and interruption work. Development and evaluation only: these
corpora may never be copied into the repository, so write to /tmp.

Each call puts two different speakers on the two channels (agent = channel 0, customer = 1) and
alternates single-sentence turns with 0.2-1.0 s gaps. The overlapping turn changes are, about a
third each, long interruptions (the interrupted side keeps talking >= 1 s, >= 0.6 s of overlap),
short talk-overs (both voices 0.3-0.5 s, then the interrupted side stops) and latches (< 0.2 s at
the end of the other's turn: not an interruption). Call kinds:

- ``esc``: the customer starts neutral/calm and turns angry (``anger_onsets`` = first angry
  turn); in half of them the customer calms down again at the end. The agent stays calm.
- ``loud``: the agent starts calm and raises their voice (angry clips, ``agent_loud_onsets``);
  in half of them the customer is already angry.
- ``calm``: both stay neutral/calm for about two minutes (false-cue rate).

Speakers come from one split of the corpus (``tune``: the only ones tuned on; ``test``: held
out). Each call is drawn once (same clips, same placements) and written in every condition to
``OUT/CONDITION/NAME.{wav,json}``:

- ``clean``: 16 kHz PCM16, every clip at its recorded level.
- ``phone``: a slow AGC per channel (``slow_agc``), then the call builder's telephone line
  (8 kHz G.711 u-law, 300-3400 Hz, line noise at -45 dBFS). Without the AGC a channel that shouts
  is scaled down so far that its calm speech sinks into the line noise.
- ``levelnorm``: 16 kHz PCM16, every clip at the same active speech level (``LEVEL_DBFS``):
  anger must be heard in the voice, not in its loudness.
- ``effort6``: as ``levelnorm``, but angry clips 6 dB louder than calm ones (a vocal-effort
  rise; the set ``lower_voice`` is judged on).

``OUT/build.json`` records the draw and its placements.

    .venv/bin/python scripts/build_emotion_calls.py --corpus nemo --split test --out /tmp/coolhead-calls/nemo/test
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coolhead.audio.levels import ACTIVITY_FRAME_S, frame_levels_dbfs  # noqa: E402
from coolhead.audio.telephone import normalise_level  # noqa: E402
from coolhead.evaluation.truth import Truth, load_truth  # noqa: E402
from coolhead.events import Event  # noqa: E402
from coolhead.sinks.jsonl import read_events  # noqa: E402
from devkit.callbuilder import (  # noqa: E402
    BUILD_RATE_HZ,
    MIN_INTERRUPTION_OVERLAP_S,
    MIN_TALK_OVER_S,
    BuiltCall,
    Gap,
    Interrupt,
    Latch,
    PlacementError,
    Turn,
    build_call,
    write_call,
)
from devkit.emotion_corpora import CORPORA, EmotionCorpus, Pools  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
AGC_TARGET_DBFS = -20.0
AGC_TIME_CONSTANT_S = 2.0
AGC_GAIN_RANGE_DB = (-12.0, 24.0)
LEVEL_DBFS = -30.0
"""Active speech level of every clip in the level-normalised conditions: with 6 dB of vocal
effort on top, speech peaks (up to ~25 dB above the active level) stay below full scale."""
P_LONG_INTERRUPT, P_TALK_OVER, P_LATCH = 0.12, 0.14, 0.07
"""Chances that a turn change is scripted as each kind of overlap (the rest are gaps). Many
scripted interruptions cannot be placed (the other's sentence is too short) and fall back to a
gap, latches rarely: so drawn, each kind is about a third of the overlaps placed."""
TALK_OVER_YIELD_S = (0.3, 0.5)
LATCH_S = (0.05, 0.15)
GAP_S = (0.2, 1.0)
FALLBACK_GAP_S = 0.5
"""A turn that cannot overlap as scripted starts this long after everything so far."""


@dataclass(frozen=True)
class Condition:
    level_dbfs: float | None = None
    """Every clip brought to this active speech level first; None: as recorded."""
    angry_gain_db: float = 0.0
    """Angry clips this much above ``level_dbfs``."""
    phone: bool = False
    """Written through ``slow_agc`` and the telephone line."""

    @property
    def levelling(self) -> tuple[float | None, float]:
        """Conditions with the same levelling share one built call (``clean`` and ``phone``)."""
        return self.level_dbfs, self.angry_gain_db

    def levelled(self, turn: Turn) -> Turn:
        """``turn`` with its clip at this condition's level."""
        if self.level_dbfs is None:
            return turn
        target_dbfs = self.level_dbfs + (self.angry_gain_db if turn.emotion == "angry" else 0.0)
        return replace(turn, clip=normalise_level(turn.clip, BUILD_RATE_HZ, target_dbfs))


CONDITIONS = {
    "clean": Condition(),
    "phone": Condition(phone=True),
    "levelnorm": Condition(LEVEL_DBFS),
    "effort6": Condition(LEVEL_DBFS, angry_gain_db=6.0),
}


def slow_agc(x: np.ndarray, rate_hz: int) -> np.ndarray:
    """A phone line's automatic gain control on one channel: the gain follows the speech level
    (tracked over active 10 ms frames with a ``AGC_TIME_CONSTANT_S`` time constant) towards
    ``AGC_TARGET_DBFS``, within ``AGC_GAIN_RANGE_DB``, and holds in silence. Quiet calm speech is
    lifted above the line noise; a shout is turned down within a few seconds (which is what
    makes loudness a weak anger cue on real phone audio)."""
    levels_db = frame_levels_dbfs(x, rate_hz)
    alpha = ACTIVITY_FRAME_S / AGC_TIME_CONSTANT_S
    gains_db = np.zeros(len(levels_db))
    tracked_db, gain_db = None, 0.0
    for k, level_db in enumerate(levels_db.tolist()):
        if level_db > -65.0:
            tracked_db = level_db if tracked_db is None else tracked_db + alpha * (level_db - tracked_db)
            gain_db = float(np.clip(AGC_TARGET_DBFS - tracked_db, *AGC_GAIN_RANGE_DB))
        gains_db[k] = gain_db
    frame_len = int(round(ACTIVITY_FRAME_S * rate_hz))
    centres = (np.arange(len(gains_db)) + 0.5) * frame_len
    gain = 10.0 ** (np.interp(np.arange(len(x)), centres, gains_db) / 20.0)
    return np.clip(x * gain, -1.0, 1.0).astype(np.float32)


class _Script:
    """Turns of one call, with random but reproducible clips and placements."""

    def __init__(self, rng: np.random.Generator, agent: Pools, customer: Pools) -> None:
        self.rng, self.clips = rng, {"agent": agent, "customer": customer}
        self.turns: list[Turn] = []
        self.last_role: str | None = None

    def say(self, role: str, mood: str, marks: tuple[str, ...] = ()) -> None:
        emotion, clip = self.clips[role][mood][self.rng.integers(len(self.clips[role][mood]))]
        r = self.rng.random()
        turn_change = self.last_role not in (None, role)
        if turn_change and r < P_LONG_INTERRUPT:
            place = Interrupt(position=float(self.rng.random()))
        elif turn_change and r < P_LONG_INTERRUPT + P_TALK_OVER:
            place = Interrupt(
                position=float(self.rng.random()),
                min_overlap_s=MIN_TALK_OVER_S,
                yield_after_s=round(float(self.rng.uniform(*TALK_OVER_YIELD_S)), 2),
            )
        elif turn_change and r < P_LONG_INTERRUPT + P_TALK_OVER + P_LATCH:
            place = Latch(round(float(self.rng.uniform(*LATCH_S)), 2))
        else:
            place = Gap(round(float(self.rng.uniform(*GAP_S)), 2))
        self.turns.append(Turn(role, clip, emotion, place, marks))
        self.last_role = role

    def exchange(
        self,
        customer_mood: str,
        agent_mood: str = "calm",
        marks: tuple[str, ...] = (),
        agent_marks: tuple[str, ...] = (),
    ) -> None:
        """A customer turn (sometimes two sentences) and the agent's answer."""
        self.say("customer", customer_mood, marks)
        if customer_mood == "angry" and self.rng.random() < 0.3:
            self.say("customer", customer_mood)
        self.say("agent", agent_mood, agent_marks)


def script_call(kind: str, rng: np.random.Generator, agent: Pools, customer: Pools) -> list[Turn]:
    """The turns of one call of ``kind`` (``esc``, ``loud``, ``calm``), clips as recorded."""
    s = _Script(rng, agent, customer)
    s.say("agent", "calm")
    if kind == "esc":
        for _ in range(rng.integers(3, 6)):
            s.exchange("calm")
        for k in range(rng.integers(4, 7)):
            s.exchange("angry", marks=("anger_onsets",) if k == 0 else ())
        if rng.random() < 0.5:
            for _ in range(3):
                s.exchange("calm")
    elif kind == "loud":
        customer_angry = rng.random() < 0.5
        for _ in range(rng.integers(3, 5)):
            s.exchange("calm")
        if customer_angry:
            for k in range(2):
                s.exchange("angry", marks=("anger_onsets",) if k == 0 else ())
        mood = "angry" if customer_angry else "calm"
        for k in range(3):
            s.exchange(mood, agent_mood="angry", agent_marks=("agent_loud_onsets",) if k == 0 else ())
        for _ in range(2):
            s.exchange(mood)
    elif kind == "calm":
        for _ in range(rng.integers(20, 26)):
            s.exchange("calm")
    else:
        raise ValueError(f"unknown call kind {kind!r}")
    return s.turns


def build_conditions(
    call_id: str, turns: list[Turn], conditions: dict[str, Condition]
) -> tuple[dict[str, BuiltCall], int]:
    """One script built in every condition with the same placements (phone: before the line).

    A turn that cannot overlap as scripted in some condition falls back to a plain gap in all of
    them. Returns the calls and the number of such fallbacks."""
    levelled = {c.levelling: [c.levelled(t) for t in turns] for c in conditions.values()}
    fallbacks: set[int] = set()
    while True:
        try:
            built = {
                key: build_call(
                    call_id, [replace(t, place=Gap(FALLBACK_GAP_S)) if i in fallbacks else t for i, t in enumerate(ts)]
                )
                for key, ts in levelled.items()
            }
        except PlacementError as exc:
            if exc.turn is None or exc.turn in fallbacks:
                raise
            fallbacks.add(exc.turn)
            continue
        return {name: built[c.levelling] for name, c in conditions.items()}, len(fallbacks)


def pairings(speakers: tuple[str, ...], shift: int) -> list[tuple[str, str]]:
    """(agent, customer) pairs: every speaker is the customer once, with another speaker as agent
    (``shift`` 1, 2, ... picks which; it wraps past ``len(speakers) - 1``, never to the same one)."""
    offset = 1 + (shift - 1) % (len(speakers) - 1)
    return [(speakers[(i + offset) % len(speakers)], s) for i, s in enumerate(speakers)]


def build_set(
    corpus: EmotionCorpus,
    split: str,
    out_dir: Path,
    conditions: tuple[str, ...] = tuple(CONDITIONS),
    kinds: dict[str, int] | None = None,
    data_dir: Path = DATA,
    seed: int = 0,
) -> dict:
    """Write ``kinds[kind]`` rounds of calls of each kind (one per speaker of ``split`` as
    customer per round; default 2 of each) into ``out_dir/CONDITION``; returns the record of
    the draw that is also written to ``out_dir/build.json``."""
    kinds = kinds or {"esc": 2, "loud": 2, "calm": 2}
    speakers = corpus.splits[split]
    clips = {s: corpus.speaker_clips(data_dir, s) for s in speakers}
    chosen = {name: CONDITIONS[name] for name in conditions}
    rng = np.random.default_rng(seed)
    record = {
        "corpus": corpus.name,
        "language": corpus.language,
        "split": split,
        "speakers": list(speakers),
        "kinds": kinds,
        "seed": seed,
        "conditions": list(conditions),
        "level_dbfs": LEVEL_DBFS,
        "calls": 0,
        "minutes": 0.0,
        "talk_overs": 0,
        "long_interruptions": 0,
        "latches": 0,
        "overlaps_fallen_back": 0,
    }
    for kind, rounds in kinds.items():
        for r in range(rounds):
            for agent, customer in pairings(speakers, 1 + r + 2 * list(kinds).index(kind)):
                call_id = f"{kind}_a{agent}_c{customer}_{r}"
                turns = script_call(kind, rng, clips[agent], clips[customer])
                line_seed = int(rng.integers(1 << 30))
                calls, n_fallbacks = build_conditions(call_id, turns, chosen)
                for name, call in calls.items():
                    if chosen[name].phone:
                        line = np.stack([slow_agc(call.audio[:, ch], call.rate_hz) for ch in range(2)], axis=1)
                        call = BuiltCall(line, call.rate_hz, call.truth)
                    write_call(out_dir / name, call_id, call, phone=chosen[name].phone, seed=line_seed)
                truth = calls[conditions[0]].truth
                overlaps_s = [x["overlap_s"] for x in truth["interruptions"]]
                record["calls"] += 1
                record["minutes"] += truth["duration"] / 60
                record["talk_overs"] += sum(o < MIN_INTERRUPTION_OVERLAP_S for o in overlaps_s)
                record["long_interruptions"] += sum(o >= MIN_INTERRUPTION_OVERLAP_S for o in overlaps_s)
                record["latches"] += len(truth["short_overlaps"])
                record["overlaps_fallen_back"] += n_fallbacks
    record["minutes"] = round(record["minutes"], 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "build.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def replayed_conditions(set_dir: Path) -> list[str]:
    """The conditions of a set that scripts/eval_cues.sh has replayed (``events-CONDITION/``)."""
    return [d.name.removeprefix("events-") for d in sorted(set_dir.glob("events-*"))]


def replayed_calls(set_dir: Path, condition: str) -> list[tuple[list[Event], Truth]]:
    """Each replayed call of one condition of a set: its event stream
    (``events-CONDITION/NAME.jsonl``) and its truth (``CONDITION/NAME.json``)."""
    return [
        (read_events(p), load_truth(set_dir / condition / f"{p.stem}.json"))
        for p in sorted((set_dir / f"events-{condition}").glob("*.jsonl"))
    ]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", choices=tuple(CORPORA), required=True)
    p.add_argument("--split", choices=("tune", "test"), required=True)
    p.add_argument("--out", required=True, type=Path, help="output folder (never inside the repository)")
    p.add_argument("--rounds", type=int, default=2, help="calls per speaker and kind (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--conditions", default=",".join(CONDITIONS), help=f"comma-separated, of {', '.join(CONDITIONS)} (default: all)"
    )
    p.add_argument("--data", type=Path, default=DATA, help="shared speech data (default: ../shared/data)")
    args = p.parse_args()
    corpus = CORPORA[args.corpus]
    conditions = tuple(args.conditions.split(","))
    if unknown := set(conditions) - set(CONDITIONS):
        p.error(f"unknown conditions {', '.join(sorted(unknown))}")
    if not (args.data / corpus.name).is_dir():
        print(f"build_emotion_calls: {args.data / corpus.name} not found", file=sys.stderr)
        return 2
    if args.out.resolve().is_relative_to(ROOT) and not args.out.resolve().is_relative_to(ROOT / "out"):
        print(f"build_emotion_calls: {corpus.name} calls must not be written into the repository", file=sys.stderr)
        return 2
    rounds = {"esc": args.rounds, "loud": args.rounds, "calm": args.rounds}
    record = build_set(
        corpus, args.split, args.out, conditions, rounds, args.data, seed=args.seed + (0 if args.split == "tune" else 1)
    )
    print(
        f"{record['calls']} calls ({record['minutes']} min) of {corpus.name} {args.split} speakers "
        f"{', '.join(record['speakers'])} in {', '.join(conditions)}: {record['long_interruptions']} long "
        f"interruptions, {record['talk_overs']} short talk-overs, {record['latches']} latches "
        f"({record['overlaps_fallen_back']} scripted overlaps fell back to gaps); written to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
