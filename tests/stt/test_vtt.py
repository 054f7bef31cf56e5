"""WebVTT transcript sink."""

from __future__ import annotations

from pathlib import Path

from coolhead import events
from coolhead.sinks.vtt import VttWriter, vtt_time


def test_voices_cues_times_and_escaping(tmp_path: Path) -> None:
    path = tmp_path / "call.vtt"
    writer = VttWriter(path)
    writer.write(events.speech("agent", 0.5, 2.0))  # not a subtitle
    writer.write(events.words("agent", [("Hello", 0.52, 0.9, 0.9), ("<there>", 0.95, 1.4, 0.8)]))
    writer.write(events.words("customer", [("manager", 3661.25, 3661.9, 0.7)]))
    partial = tmp_path / "call.vtt.partial"
    assert partial.exists() and not path.exists()  # in place only when complete, sorted by start then
    writer.write(events.cue(3662.0, "transfer", "The customer asks for a manager: offer to transfer."))
    writer.close()
    assert path.read_text(encoding="utf-8") == (
        "WEBVTT\n\n"
        "00:00:00.520 --> 00:00:01.400\n<v Agent>Hello &lt;there&gt;\n\n"
        "01:01:01.250 --> 01:01:01.900\n<v Customer>manager\n\n"
        "01:01:02.000 --> 01:01:05.000\n<v Coolhead>[TRANSFER] The customer asks for a manager: offer to transfer.\n\n"
    )
    assert vtt_time(59.9995) == "00:01:00.000"
