"""The post-call note the guidance asks for after a hard call: when, what happened, how it ended.

A few plain sentences from a ``CallSummary``, written to the agent ("you"): they go into the
call's report, the batch summary, and the live window and a ``.note.txt`` at the end of each
live call.
"""

from __future__ import annotations

from datetime import datetime

from coolhead.report.plots import clock
from coolhead.report.summary import CallSummary

TAKE_A_MOMENT = (
    "That was a hard call: take a moment before the next one, and note what happened and how it was resolved."
)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def post_call_note(summary: CallSummary, when: datetime | None) -> list[str]:
    """The note's sentences. ``when``: the call's start (a live call's clock, a recording's file time)."""
    minutes, seconds = divmod(round(summary.duration_s), 60)
    lines = [
        f"Call of {when:%Y-%m-%d %H:%M} UTC, {minutes} min {seconds:02d} s."
        if when
        else f"Call of {minutes} min {seconds:02d} s."
    ]
    customer = summary.customer
    if summary.mono_agent_is:
        lines.append(
            "Mono recording: coolhead's speaker-segmentation model told the two voices apart (the agent "
            f"is the one heard {summary.mono_agent_is}); read interruptions and anger as indications."
        )
    if summary.mono:
        lines.append("Mono recording: both sides in one stream, so no anger level per speaker and no interruptions.")
    elif customer.peak is None:
        lines.append("No customer speech was measured.")
    elif summary.heated:
        lines.append(
            f"The customer's anger peaked at {customer.peak:.2f} at {clock(customer.peak_t_s() or 0.0)} "
            f"(heated from {clock(summary.anger_onset_s or 0.0)})."
        )
    else:
        lines.append(f"The customer stayed calm (anger peak {customer.peak:.2f}).")
    by_agent, by_customer = summary.interruptions_by.get("agent", 0), summary.interruptions_by.get("customer", 0)
    lines.append(
        f"You talked over the customer {_count(by_agent, 'time')}; the customer cut in {_count(by_customer, 'time')}; "
        f"{summary.overtalk_s:.1f} s of overtalk."
    )
    given = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.cues.items()))
    lines.append(f"Cues given: {given}." if given else "No cues were needed.")
    state = summary.ending
    end_level = customer.at_end()
    if state == "de-escalated":
        lines.append(
            f"It ended de-escalated: the customer was calm again {summary.deescalated_s:.0f} s after the onset "
            f"(anger at the end {end_level:.2f} against the peak {customer.peak:.2f})."
        )
    elif state == "still heated":
        lines.append(
            f"It ended still heated (anger at the end {end_level:.2f} against the peak {customer.peak:.2f}): "
            "consider a follow-up."
        )
    if summary.heated:
        lines.append(TAKE_A_MOMENT)
    return lines
