#!/usr/bin/env python3
"""Build labelled two-party calls from RAVDESS for the anger work (dev/eval only: RAVDESS may
never be copied into the repository, so write the calls to /tmp or another ignored folder).

Each call puts two different actors on the two channels (agent = channel 0, customer = 1) and
alternates single-sentence turns with 0.2-1.0 s gaps, some interruptions and latches:

- ``esc``: the customer starts neutral/calm and turns angry (``anger_onsets`` = first angry
  turn); in half of them the customer calms down again at the end. The agent stays calm.
- ``loud``: the agent starts calm and raises their voice (angry clips, ``agent_loud_onsets``);
  in half of them the customer is already angry.
- ``calm``: both stay neutral/calm for about two minutes (false-cue rate).

Actors are split: ``--actors tune`` = 1-16 (all tuning happened on these), ``--actors test`` =
17-24 (held out: 4 male, 4 female). Every call is written clean (16 kHz PCM) and, with
``--phone``, also as telephone audio: a slow AGC per channel (``slow_agc``), then the call
builder's telephone line (8 kHz G.711 u-law, 300-3400 Hz, line noise at -45 dBFS). Without the
AGC a channel that shouts is scaled down so far that its calm speech sinks into the line noise.

    .venv/bin/python scripts/build_ravdess_calls.py --actors test --out /tmp/coolhead-ravdess/test
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coolhead.audio.levels import ACTIVITY_FRAME_S, frame_levels_dbfs  # noqa: E402
from coolhead.evaluation.callbuilder import (  # noqa: E402
    BuiltCall, Gap, Interrupt, Latch, PlacementError, Turn, build_call, write_call)

RAVDESS = ROOT.parent / "shared" / "data" / "ravdess"
TUNE_ACTORS = tuple(range(1, 17))
TEST_ACTORS = tuple(range(17, 25))
EMOTION_CODES = {"01": "neutral", "02": "calm", "05": "angry"}
AGC_TARGET_DBFS = -20.0
AGC_TIME_CONSTANT_S = 2.0
AGC_GAIN_RANGE_DB = (-12.0, 24.0)


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


def load_actor(root: Path, actor: int) -> dict[str, list[tuple[str, np.ndarray]]]:
    """An actor's neutral, calm and angry clips (16 kHz float), keyed ``calm`` (neutral + calm)
    and ``angry``; each clip comes with its emotion word."""
    clips: dict[str, list[tuple[str, np.ndarray]]] = {"calm": [], "angry": []}
    for path in sorted((root / f"Actor_{actor:02d}").glob("03-01-*.flac")):
        emotion = EMOTION_CODES.get(path.name.split("-")[2])
        if emotion is None:
            continue
        audio, rate_hz = sf.read(str(path), dtype="float32")
        if rate_hz != 16000:
            raise ValueError(f"{path}: expected 16 kHz, got {rate_hz}")
        clips["angry" if emotion == "angry" else "calm"].append((emotion, audio))
    return clips


class _Script:
    """Turns of one call, with random but reproducible placement."""

    def __init__(self, rng: np.random.Generator, agent: dict, customer: dict) -> None:
        self.rng, self.clips = rng, {"agent": agent, "customer": customer}
        self.turns: list[Turn] = []
        self.last_role: str | None = None

    def say(self, role: str, mood: str, marks: tuple[str, ...] = ()) -> None:
        emotion, clip = self.clips[role][mood][self.rng.integers(len(self.clips[role][mood]))]
        r = self.rng.random()
        if self.last_role not in (None, role) and r < 0.15:
            place = Interrupt(position=float(self.rng.random()))
        elif self.last_role not in (None, role) and r < 0.25:
            place = Latch(round(float(self.rng.uniform(0.05, 0.15)), 2))
        else:
            place = Gap(round(float(self.rng.uniform(0.2, 1.0)), 2))
        self.turns.append(Turn(role, clip, emotion, place, marks))
        self.last_role = role

    def exchange(self, customer_mood: str, agent_mood: str = "calm", marks: tuple[str, ...] = (),
                 agent_marks: tuple[str, ...] = ()) -> None:
        """A customer turn (sometimes two sentences) and the agent's answer."""
        self.say("customer", customer_mood, marks)
        if customer_mood == "angry" and self.rng.random() < 0.3:
            self.say("customer", customer_mood)
        self.say("agent", agent_mood, agent_marks)


def script_call(kind: str, rng: np.random.Generator, agent: dict, customer: dict) -> list[Turn]:
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


def build(call_id: str, turns: list[Turn]):
    """Build a call; a turn that cannot overlap as scripted falls back to a plain gap."""
    turns = list(turns)
    while True:
        try:
            return build_call(call_id, turns)
        except PlacementError as exc:
            i = int(str(exc).split()[1].rstrip(":"))
            turns[i] = Turn(turns[i].role, turns[i].clip, turns[i].emotion, Gap(0.5), turns[i].marks)


def pairings(actors: tuple[int, ...], shift: int) -> list[tuple[int, int]]:
    """(agent, customer) pairs: every actor is the customer once, with another actor as agent
    (``shift`` 1, 2, ... picks which; it wraps past ``len(actors) - 1``, never to the same actor)."""
    offset = 1 + (shift - 1) % (len(actors) - 1)
    return [(actors[(i + offset) % len(actors)], a) for i, a in enumerate(actors)]


def build_set(actors: tuple[int, ...], out_dir: Path, phone: bool, kinds: dict[str, int],
              root: Path = RAVDESS, seed: int = 0) -> list[Path]:
    """Write ``kinds[kind]`` rounds of calls of each kind (one per actor as customer per round)
    into ``out_dir/clean`` (and ``out_dir/phone``); returns the clean WAV paths."""
    clips = {a: load_actor(root, a) for a in actors}
    rng = np.random.default_rng(seed)
    written = []
    for kind, rounds in kinds.items():
        for r in range(rounds):
            for agent, customer in pairings(actors, 1 + r + 2 * list(kinds).index(kind)):
                call_id = f"{kind}_a{agent:02d}_c{customer:02d}_{r}"
                call = build(call_id, script_call(kind, rng, clips[agent], clips[customer]))
                wav, _ = write_call(out_dir / "clean", call_id, call)
                written.append(wav)
                if phone:
                    line = np.stack([slow_agc(call.audio[:, ch], call.rate_hz) for ch in range(2)], axis=1)
                    write_call(out_dir / "phone", call_id, BuiltCall(line, call.rate_hz, call.truth),
                               phone=True, seed=int(rng.integers(1 << 30)))
    return written


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--actors", choices=("tune", "test"), required=True)
    p.add_argument("--out", required=True, type=Path, help="output folder (never inside the repository)")
    p.add_argument("--phone", action="store_true", help="also write telephone-band versions")
    p.add_argument("--rounds", type=int, default=2, help="calls per actor and kind (default 2)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    if not RAVDESS.is_dir():
        print(f"build_ravdess_calls: {RAVDESS} not found", file=sys.stderr)
        return 2
    if args.out.resolve().is_relative_to(ROOT) and not args.out.resolve().is_relative_to(ROOT / "out"):
        print("build_ravdess_calls: RAVDESS calls must not be written into the repository", file=sys.stderr)
        return 2
    actors = TUNE_ACTORS if args.actors == "tune" else TEST_ACTORS
    rounds = {"esc": args.rounds, "loud": args.rounds, "calm": args.rounds}
    paths = build_set(actors, args.out, args.phone, rounds, seed=args.seed + (0 if args.actors == "tune" else 1))
    print(f"{len(paths)} calls from actors {actors[0]}-{actors[-1]} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
