#!/usr/bin/env python3
"""Build labelled two-party calls of real speech for measuring interruption detection.

Sources (../shared/data, never RAVDESS), in two disjoint splits (devkit/corpora.py):

- ``tune``: AMI training meetings trn01-trn09, LibriSpeech speaker 1089, LJ001-0001..0016.
  Tune settings on this split only.
- ``report``: AMI dev00, dev01, tst00, tst01, LibriSpeech speakers 251 and 3536,
  LJ001-0017..0032. Report figures on this split.

No clip and no speaker is in both splits, except LJ Speech's single reader (other sentences).
Each split is written twice, as the same calls:

    OUT/SPLIT/clean/NAME.wav   16 kHz stereo PCM16 (ch0 agent, ch1 customer)
    OUT/SPLIT/phone/NAME.wav   8 kHz G.711 mu-law, 300-3400 Hz, light line noise, each channel
                               level-normalised
    .../NAME.json              ground truth (docs/events.md)

Calls are added (seeded, deterministic) until a split holds >= 20 interruptions by each role
and >= 24 latches.

    .venv/bin/python scripts/build_eval_calls.py OUT_DIR [--data ../shared/data] [--splits tune report]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devkit.callbuilder import write_call  # noqa: E402
from devkit.corpora import SPLITS  # noqa: E402
from devkit.speechcalls import split_calls  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path, help="output directory")
    p.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="shared real-speech data (default: ../shared/data)",
    )
    p.add_argument("--splits", nargs="+", choices=SPLITS, default=list(SPLITS))
    args = p.parse_args()
    if not args.data.is_dir():
        print(f"build_eval_calls: no data directory {args.data}", file=sys.stderr)
        return 2
    for split in args.splits:
        n_calls = seconds = n_latches = 0
        by_role = {"agent": 0, "customer": 0}
        for i, (name, call) in enumerate(split_calls(args.data, split)):
            write_call(args.out / split / "clean", name, call)
            write_call(args.out / split / "phone", name, call, phone=True, seed=i)
            n_calls += 1
            seconds += call.truth["duration"]
            n_latches += len(call.truth["short_overlaps"])
            for x in call.truth["interruptions"]:
                by_role[x["by"]] += 1
        print(
            f"{split}: {n_calls} calls, {seconds / 60:.1f} min, interruptions by agent "
            f"{by_role['agent']} / by customer {by_role['customer']}, latches {n_latches} "
            f"-> {args.out / split}/{{clean,phone}}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
