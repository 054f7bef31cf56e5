"""The summary a person reads at the end of ``coolhead analyze``: one line per call."""

from __future__ import annotations

from coolhead.cue_kinds import CueKind
from coolhead.events import printable


def _talk_share(row: dict[str, object]) -> str:
    agent, customer = float(row["agent_talk_s"] or 0), float(row["customer_talk_s"] or 0)  # type: ignore[arg-type]
    total = agent + customer
    return f"{100 * agent / total:3.0f}/{100 * customer / total:<3.0f}" if total else "   -   "


def summary_lines(rows: list[dict[str, object]]) -> list[str]:
    """Per call: length, talk share (agent/customer %), interruptions by agent/customer, cues by
    kind, the customer's anger peak and how the call ended; failed calls with their error."""
    width = max([len(printable(str(r["call"]))) for r in rows] + [4])
    lines = [
        f"{'call':<{width}}  {'min':>5}  talk a/c %  interrupts a/c  anger peak  ending        cues",
    ]
    for row in rows:
        name = printable(str(row["call"]))
        if row["status"] != "ok":
            lines.append(f"{name:<{width}}  {row['status']}: {row['error']}")
            continue
        cues = ", ".join(f"{row[f'cues_{kind}']} {kind}" for kind in CueKind if row[f"cues_{kind}"]) or "-"
        peak = row["customer_anger_peak"]
        lines.append(
            f"{name:<{width}}  {float(row['duration_s'] or 0) / 60:5.1f}  {_talk_share(row):>10}  "  # type: ignore[arg-type]
            f"{row['interruptions_by_agent']:>6}/{row['interruptions_by_customer']:<7}  "
            f"{'-' if peak is None else f'{peak:.2f}':>10}  {str(row['ending']):<12}  {cues}"
        )
    return lines
