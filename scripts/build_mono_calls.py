"""Mono two-party calls with who-spoke-when labels (devkit/mono_calls.py), written as
NAME.flac + NAME.rttm + NAME.uem and a LIST file: the training set of the mono segmentation
model, or held-out sets to measure it on.

    .venv/bin/python scripts/build_mono_calls.py --split tune --calls 600 --out /tmp/coolhead-mono/train
    .venv/bin/python scripts/build_mono_calls.py --split report --calls 60 --out /tmp/coolhead-mono/report --seed 2
    .venv/bin/python scripts/build_mono_calls.py --mixdown /tmp/coolhead-calls/ravdess/test/phone \
        --out /tmp/coolhead-mono/ravdess-phone

``--split``: voices of ``devkit/corpora.py`` (tune: the only ones trained on; report: held out).
``--mixdown DIR``: every stereo call in DIR (e.g. the emotional-speech evaluation calls, which
must stay out of the repository) mixed down instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devkit.mono_calls import mixdown_of, random_mono_calls, write_mono_call  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--split", choices=("tune", "report"))
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mixdown", type=Path, help="folder of stereo calls to mix down instead")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    if (args.split is None) == (args.mixdown is None):
        parser.error("give exactly one of --split and --mixdown")
    if args.mixdown is not None:
        rng = np.random.default_rng(args.seed)
        condition = "phone" if "phone" in args.mixdown.name else args.mixdown.name
        calls = (mixdown_of(p, condition, rng) for p in sorted(args.mixdown.glob("*.wav")))
    else:
        calls = random_mono_calls(args.data, args.split, args.calls, args.seed)
    names = []
    for call in calls:
        write_mono_call(args.out, call)
        names.append(call.name)
    (args.out / "LIST").write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
    print(f"{len(names)} calls in {args.out}")


if __name__ == "__main__":
    main()
