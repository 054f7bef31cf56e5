"""WebVTT transcript: what each party said (``<v Agent>``/``<v Customer>``) with the cues in place.

Put in place when the call is complete, like the JSONL stream (``sinks/partial.py``). Cues in
time order, as WebVTT requires: words arrive after their utterance ends, so later than cues
decided meanwhile; the entries are sorted by start when the file is closed.
Cues appear as their own subtitle (voice ``Coolhead``) for ``CUE_SHOW_S`` from their time.
"""

from __future__ import annotations

from pathlib import Path

from coolhead.events import Event
from coolhead.sinks.partial import PartialFile

CUE_SHOW_S = 3.0


def vtt_time(t_s: float) -> str:
    ms = int(round(max(t_s, 0.0) * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "--&gt;")


class VttWriter:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._out = PartialFile(self.path)
        self._entries: list[tuple[float, int, str]] = []

    def write(self, event: Event) -> None:
        if event["type"] == "words":
            start, end = event["t"], max(event["end"], event["t"] + 0.001)
            text = f"<v {event['speaker'].capitalize()}>{_escape(event['text'])}"
        elif event["type"] == "cue":
            start, end = event["t"], event["t"] + CUE_SHOW_S
            text = f"<v Coolhead>[{event['cue'].upper()}] {_escape(event['reason'])}"
        else:
            return
        self._entries.append((start, len(self._entries), f"{vtt_time(start)} --> {vtt_time(end)}\n{text}\n\n"))

    def close(self, complete: bool = True) -> None:
        self._out.write("WEBVTT\n\n" + "".join(entry for *_, entry in sorted(self._entries)))
        self._out.commit() if complete else self._out.abandon()
