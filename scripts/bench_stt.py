"""Print the STT figures (docs/stt.md) and append them to bench/stt.jsonl.

    python scripts/bench_stt.py [DATA_DIR] [--record FILE]

Single process, one recognizer thread; takes about a minute on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # devkit/ (not installed) beside coolhead/

from coolhead.records import append_record  # noqa: E402
from devkit.stt_bench import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument(
        "--record",
        type=Path,
        default=ROOT / "bench" / "stt.jsonl",
        help="append the figures here as one JSON line (default bench/stt.jsonl)",
    )
    args = parser.parse_args()
    results = run(Path(args.data_dir))
    print(json.dumps(results, indent=2))
    append_record(args.record, "stt", results=results)


if __name__ == "__main__":
    main()
