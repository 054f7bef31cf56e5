"""Print and record the STT figures (docs/stt.md): python scripts/bench_stt.py [DATA_DIR] [--json FILE].

Single process, one recognizer thread; takes about a minute on one core.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from coolhead.evaluation.stt_bench import run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--json", default=str(ROOT / "bench-out" / "stt.json"))
    args = parser.parse_args()
    results = run(Path(args.data_dir))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
