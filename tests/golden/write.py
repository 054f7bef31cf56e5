"""Rewrite the golden event streams: python -m tests.golden.write [DATA_DIR]."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.golden import ROOT, SETS, golden_file, save, streams


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    for name in SETS:
        data = streams(name, data_dir)
        save(name, data)
        print(f"{golden_file(name)}: {len(data)} calls, {sum(map(len, data.values()))} events")


if __name__ == "__main__":
    main()
