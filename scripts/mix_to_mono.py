#!/usr/bin/env python3
"""Mix the stereo evaluation calls of one condition down to mono, truth kept, so the same
figures can be had on mono recordings (``MONO=1 scripts/eval_cues.sh``).

    .venv/bin/python scripts/mix_to_mono.py /tmp/coolhead-calls/ravdess/test clean phone

Writes ``SET_DIR/mono-CONDITION/NAME.{wav,json}``: the two channels summed at the call's rate and
in its format (a phone call stays 8 kHz G.711 u-law: the sum of the two decoded legs, encoded
again, as a recorder that mixes the legs writes it), and the truth file copied unchanged.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import numpy as np
import soundfile as sf


def mix_condition(set_dir: Path, condition: str) -> Path:
    """``SET_DIR/CONDITION`` mixed into ``SET_DIR/mono-CONDITION``; returns the new folder."""
    source, target = set_dir / condition, set_dir / f"mono-{condition}"
    target.mkdir(exist_ok=True)
    for wav in sorted(source.glob("*.wav")):
        info = sf.info(str(wav))
        audio, rate_hz = sf.read(str(wav), dtype="float32", always_2d=True)
        mono = np.clip(audio.sum(axis=1), -1.0, 1.0)
        sf.write(str(target / wav.name), mono, rate_hz, subtype=info.subtype, format=info.format)
        shutil.copyfile(wav.with_suffix(".json"), target / f"{wav.stem}.json")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dir", type=Path, help="a folder scripts/build_emotion_calls.py wrote")
    parser.add_argument("conditions", nargs="+")
    args = parser.parse_args()
    for condition in args.conditions:
        if not (args.set_dir / condition).is_dir():
            print(f"{args.set_dir / condition}: no such condition folder", file=sys.stderr)
            return 2
        print(mix_condition(args.set_dir, condition))
    return 0


if __name__ == "__main__":
    sys.exit(main())
