"""``coolhead eval``: score event streams against ground-truth labels."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from coolhead.cli.common import error
from coolhead.evaluation.runner import evaluate, find_pairs

HELP = """\
Score event streams (JSONL from `coolhead analyze --out DIR`) against ground-truth files (JSON,
format in docs/events.md), paired by file name: calls/c001.jsonl with truth/c001.json.

Reports interruption precision/recall/F1 (same interrupter, start within 0.5 s), brief latches
wrongly flagged as interruptions, and pause-cue recall (within 1 s) and delay.

Anger: level AUC per role (anger events inside angry vs other utterances of that speaker) next
to a per-speaker z-score of loudness + F0 as a reference; escalation recall and delay (first
restate/transfer cue within 20 s of each anger onset) and the share of those cues raised before
the onset; false lower_voice/restate/transfer cues per minute on calm calls (no angry
utterance, no onset); lower_voice recall and delay (within 10 s of each agent_loud_onset).

First one line per call (what was found of its truth, and when), then the totals; --json FILE
writes both (``per_call``)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "eval",
        help="score event streams against ground truth",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("events", nargs="+", metavar="EVENTS", help="JSONL files or directories of them")
    p.add_argument(
        "--truth", nargs="+", required=True, metavar="TRUTH", help="ground-truth JSON files or directories of them"
    )
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON here")
    p.set_defaults(func=run)


def _expand(paths: list[str], suffix: str) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.rglob(f"*{suffix}")) if p.is_dir() else [p])
    return out


def _print_per_call(rows: list[dict[str, object]]) -> None:
    """One line per call (its figures), columns as wide as their widest value."""
    columns = list(rows[0])
    cells = [[str("-" if row[c] is None else row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    for line in [columns, *cells]:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())


def run(args: argparse.Namespace) -> int:
    pairs, problems = find_pairs(_expand(args.events, ".jsonl"), _expand(args.truth, ".json"))
    result, read_problems = evaluate(pairs)
    for problem in problems + read_problems:
        error(problem)
    if not result.calls:
        error("no call could be scored")
        return 2
    _print_per_call(result.per_call)
    print()
    summary = result.summary()
    width = max(map(len, summary))
    for key, value in summary.items():
        print(f"{key:<{width}}  {'-' if value is None else value}")
    if args.json:
        figures = {**summary, "per_call": result.per_call}
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if problems or read_problems else 0
