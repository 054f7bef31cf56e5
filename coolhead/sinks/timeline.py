"""A readable timeline line per event: time, who, what."""

from __future__ import annotations

from coolhead.events import Event


def format_time(t_s: float) -> str:
    minutes, seconds = divmod(t_s, 60.0)
    return f"{int(minutes):02d}:{seconds:06.3f}"


def describe(event: Event) -> str | None:
    """One line for the timeline, or None for events too frequent to print (prosody, anger)."""
    kind = event["type"]
    who = event.get("speaker") or event.get("by") or ""
    if kind == "speech":
        what = f"speaks until {format_time(event['end'])} ({event['end'] - event['t']:.1f} s)"
    elif kind == "interruption":
        other = "customer" if who == "agent" else "agent"
        what = f"INTERRUPTS the {other} (overlap {event['overlap_s']:.1f} s)"
    elif kind == "cue":
        who = "cue"
        what = f"{event['cue'].upper()}: {event['reason']}"
    elif kind == "words":
        what = f'"{event["text"]}"'
    else:
        return None
    return f"{format_time(event['t'])}  {who:<9} {what}"
