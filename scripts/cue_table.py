#!/usr/bin/env python3
"""Print the figures of ``scripts/eval_cues.sh`` runs as one markdown table, a row per corpus,
split and condition.

    .venv/bin/python scripts/cue_table.py /tmp/coolhead-calls/ravdess/test /tmp/coolhead-calls/nemo/test

Each SET_DIR is a folder eval_cues.sh wrote (``build.json``, ``CONDITION/`` calls and truth,
``events-CONDITION/`` event streams, ``CONDITION.json`` from ``coolhead eval --json``). Most
columns come from ``CONDITION.json``; the split by overlap length (short talk-overs against long
interruptions) is counted here from the truth and event files, with the same matching rules.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coolhead.evaluation.metrics import pause_delays_s, score_interruptions  # noqa: E402
from devkit.callbuilder import MIN_INTERRUPTION_OVERLAP_S  # noqa: E402
from scripts.build_emotion_calls import replayed_calls, replayed_conditions  # noqa: E402


def by_overlap(set_dir: Path, condition: str, short_s: float) -> dict[str, Counter]:
    """Per overlap bucket (``short``: truth ``overlap_s`` < ``short_s``, ``long``: the rest), the
    labelled interruptions (``true``) and those found (``found``); the labelled agent
    interruptions (``agent``) and those with a pause cue in time (``paused``)."""
    counts = {"short": Counter(), "long": Counter()}
    for events, truth in replayed_calls(set_dir, condition):
        for bucket, c in counts.items():
            part = {
                **truth,
                "interruptions": [
                    x for x in truth["interruptions"] if (x["overlap_s"] < short_s) == (bucket == "short")
                ],
            }
            scored = score_interruptions(events, part)
            delays = pause_delays_s(events, part)
            c.update(
                found=scored["interruption_tp"],
                true=scored["interruption_tp"] + scored["interruption_fn"],
                paused=sum(d is not None for d in delays),
                agent=len(delays),
            )
    return counts


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _share(hits: int, total: int) -> str:
    return _recall(hits / total if total else None, total)


def _recall(value: float | None, total: int) -> str:
    return f"{_num(value)} ({total})"


def row(set_dir: Path, condition: str, short_s: float) -> list[str]:
    s = json.loads((set_dir / f"{condition}.json").read_text(encoding="utf-8"))
    build_path = set_dir / "build.json"
    build = json.loads(build_path.read_text(encoding="utf-8")) if build_path.is_file() else {}
    buckets = by_overlap(set_dir, condition, short_s)
    latches = s["latches"]
    return [
        build.get("corpus", set_dir.parent.name),
        build.get("split", set_dir.name),
        condition,
        str(s["calls"]),
        _num(s["anger_auc_customer"], 3),
        _recall(s["escalation_recall"], s["escalation_onsets"]),
        _num(s["escalation_delay_median_s"], 1),
        _recall(s["pause_recall"], s["agent_interruptions"]),
        _num(s["pause_delay_median_s"]),
        _share(buckets["short"]["paused"], buckets["short"]["agent"]),
        _share(buckets["long"]["paused"], buckets["long"]["agent"]),
        _recall(s["interruption_recall"], s["interruptions_true"]),
        _num(s["interruption_precision"]),
        _share(buckets["short"]["found"], buckets["short"]["true"]),
        _share(buckets["long"]["found"], buckets["long"]["true"]),
        f"{100 * s['latches_flagged'] / latches:.0f} ({latches})" if latches else "– (0)",
        _recall(s["lower_voice_recall"], s["lower_voice_onsets"]),
        _num(s["lower_voice_delay_median_s"], 1),
        _num(s["calm_false_cues_per_min"], 3),
        _num(s.get("calm_anger_below_half_share"), 3),
    ]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("set_dirs", nargs="+", type=Path, metavar="SET_DIR", help="WORK_DIR/SPLIT of eval_cues.sh")
    p.add_argument(
        "--short-overlap-s",
        type=float,
        default=MIN_INTERRUPTION_OVERLAP_S,
        help="labelled overlaps shorter than this count as short talk-overs "
        f"(default {MIN_INTERRUPTION_OVERLAP_S}: all scripted talk-overs, no long interruption)",
    )
    args = p.parse_args()
    short, long = f"< {args.short_overlap_s:g} s", f"≥ {args.short_overlap_s:g} s"
    header = [
        "corpus",
        "split",
        "condition",
        "calls",
        "anger AUC (customer)",
        "escalation R",
        "esc. delay med s",
        "pause R",
        "pause delay med s",
        f"pause R {short}",
        f"pause R {long}",
        "interruption R",
        "interruption P",
        f"interr. R {short}",
        f"interr. R {long}",
        "latches flagged /100",
        "lower_voice R",
        "lower_voice delay med s",
        "false cues /min calm",
        "calm: anger < 0.5 share",
    ]
    rows = [
        row(set_dir, condition, args.short_overlap_s)
        for set_dir in args.set_dirs
        for condition in replayed_conditions(set_dir)
        if (set_dir / f"{condition}.json").is_file()
    ]
    if not rows:
        print("cue_table: no CONDITION.json under the given folders (run scripts/eval_cues.sh first)", file=sys.stderr)
        return 2
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if k < 3 else "--:" for k in range(len(header))) + "|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    print(
        f"\nR: recall; P: precision; (n): labelled cases. Pause R: agent interruptions with a pause cue "
        f"within 1 s; split by the labelled overlap, {short} (short talk-overs) and {long}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
