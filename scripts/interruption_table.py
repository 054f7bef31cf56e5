#!/usr/bin/env python3
"""Print the interruption figures of ``coolhead eval --json`` runs as one table.

    interruption_table.py WORK_DIR   (WORK_DIR/{calls,events,scores}/SPLIT/VERSION, as eval_interruptions.sh writes)

Besides ``coolhead eval``'s pause recall it shows the pause recall over the agent interruptions
that start outside the pause cue's cool-down (no pause cue in the ``cues.pause_cooldown_s``
before them): the cue policy stays silent on the others by design.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coolhead.config import Config  # noqa: E402
from coolhead.evaluation.metrics import PAUSE_MAX_DELAY_S, TOLERANCE_S  # noqa: E402
from coolhead.evaluation.truth import load_truth  # noqa: E402
from coolhead.sinks.jsonl import read_events  # noqa: E402


def pause_outside_cooldown(events_dir: Path, truth_dir: Path, cooldown_s: float) -> tuple[int, int]:
    """(hits, agent interruptions with no pause cue in the cool-down before them)."""
    hits = total = 0
    for truth_path in sorted(truth_dir.glob("*.json")):
        truth = load_truth(truth_path)
        cues = [
            e["t"]
            for e in read_events(events_dir / f"{truth_path.stem}.jsonl")
            if e["type"] == "cue" and e["cue"] == "pause"
        ]
        for x in truth["interruptions"]:
            if x["by"] != "agent" or any(0 < x["t"] - TOLERANCE_S - c < cooldown_s for c in cues):
                continue
            total += 1
            hits += any(-TOLERANCE_S <= c - x["t"] <= PAUSE_MAX_DELAY_S for c in cues)
    return hits, total


def main() -> int:
    work = Path(sys.argv[1])
    cooldown_s = Config().cues.pause_cooldown_s
    print(
        f"{'split':<7} {'version':<7} {'calls':>5} {'true':>5} {'found':>5} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'latches':>7} {'flagged':>7} {'pause R':>7} {'R*':>9} {'delay med/max s':>15}"
    )
    for summary_path in sorted((work / "scores").glob("*/*.json"), key=lambda p: (p.parent.name != "tune", p.stem)):
        split, version = summary_path.parent.name, summary_path.stem
        s = json.loads(summary_path.read_text(encoding="utf-8"))
        hits, total = pause_outside_cooldown(
            work / "events" / split / version, work / "calls" / split / version, cooldown_s
        )
        star = f"{hits}/{total}"
        print(
            f"{split:<7} {version:<7} {s['calls']:>5} {s['interruptions_true']:>5} {s['interruptions_found']:>5} "
            f"{s['interruption_precision']:>6.3f} {s['interruption_recall']:>6.3f} {s['interruption_f1']:>6.3f} "
            f"{s['latches']:>7} {s['latches_flagged']:>7} {s['pause_recall']:>7.2f} {star:>9} "
            f"{s['pause_delay_median_s']:>7.2f}/{s['pause_delay_max_s']:.2f}"
        )
    print(
        f"R* = pause cues in time / agent interruptions outside the {cooldown_s:g} s cool-down of an earlier pause cue"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
