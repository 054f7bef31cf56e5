"""docs/benchmarks.md's figures from the latest full bench record: the table (markdown, printed)
and the scaling plot (docs/img/bench-scaling.svg).

    .venv/bin/coolhead bench --all --record bench/results.jsonl
    .venv/bin/python scripts/bench_docs.py bench/results.jsonl > /tmp/table.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def latest(record_path: Path) -> dict:
    """The latest full run (``--all``: it has the scaling figures)."""
    lines = [json.loads(line) for line in record_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return next(r for r in reversed(lines) if r.get("bench") == "bench" and "rows" in r and "scaling" in r)


def table(record: dict) -> str:
    out = ["| input | layer | median s | × real time (min–max) | of the reference |", "|---|---|---|---|---|"]
    for row in record["rows"]:
        if "x_realtime" not in row:
            out.append(f"| {row['input']} | {row['stage']} | {row['seconds']:.2f} | | |")
            continue
        low, high = row["x_realtime_min_max"]
        ratio = f"{row['vs_reference']:.2f}" if "vs_reference" in row else ""
        speed = f"{row['x_realtime']:,.0f} ({low:,.0f}–{high:,.0f})"
        stage = f"{row['stage']}, peak RSS {row['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in row else row["stage"]
        out.append(f"| {row['input']} | {stage} | {row['seconds']:.3f} | {speed} | {ratio} |")
    return "\n".join(out)


def scaling_svg(record: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    rows = record["scaling"]
    minutes = [r["minutes"] for r in rows]
    fig = Figure(figsize=(8, 3))
    wall, rss = fig.subplots(1, 2)
    wall.plot(minutes, [r["wall_s"] for r in rows], "o-", color="#1c7ed6")
    wall.set(xlabel="call length (min)", ylabel="analyze, start to exit (s)", title="time grows linearly")
    rss.plot(minutes, [r["peak_rss_mb"] for r in rows], "o-", color="#e8590c")
    rss.set(xlabel="call length (min)", ylabel="peak RSS (MB)", title="memory stays flat", ylim=(0, None))
    fig.tight_layout()
    fig.savefig(path, format="svg")


if __name__ == "__main__":
    record = latest(Path(sys.argv[1]))
    if "scaling" in record:
        scaling_svg(record, ROOT / "docs" / "img" / "bench-scaling.svg")
    print(table(record))
