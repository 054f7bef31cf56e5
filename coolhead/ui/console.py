"""Console cue printer for ``coolhead listen --no-window``: the replay timeline, live."""

from __future__ import annotations

from coolhead.events import Event
from coolhead.pipeline.cues import CallState
from coolhead.run.live_call import FinishedCall
from coolhead.sinks.timeline import describe
from coolhead.ui.latency import LatencyLog


class ConsoleCues:
    """Prints each event's timeline line as it is decided; ``quiet`` prints only cues."""

    def __init__(self, latency: LatencyLog, quiet: bool = False) -> None:
        self.latency = latency
        self.quiet = quiet

    def on_event(self, event: Event, arrived_s: float | None) -> None:
        if event["type"] == "call":
            print(f"-- call started ({event['started_utc']})", flush=True)
            return
        if self.quiet and event["type"] != "cue":
            return
        line = describe(event)
        if line:
            print(line, flush=True)
            if arrived_s is not None:
                self.latency.record(event["type"], arrived_s)

    def on_state(self, t_s: float, state: CallState) -> None:
        pass

    def on_call_end(self, call: FinishedCall) -> None:
        print("-- call ended; note:\n" + "\n".join(f"   {line}" for line in call.note), flush=True)
