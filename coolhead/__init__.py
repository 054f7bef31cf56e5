"""coolhead: an offline voice pipeline that hears rising anger and interruptions on a call
and tells the agent, live, what to do (pause, lower your voice, restate, transfer).

Data flow: ``audio`` (files, live capture) -> ``pipeline`` (per-role and cross-role stages,
cue policy) -> ``sinks`` (JSONL, console, window).
"""

__version__ = "0.1.0"
