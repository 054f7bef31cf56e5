"""Files and timelines for people are in time order (WebVTT requires it); the JSONL stays in
decision order (docs/events.md)."""

from __future__ import annotations

from pathlib import Path

from coolhead.sinks.vtt import VttWriter
from tests.conftest import ROOT, run_cli


def test_the_printed_timeline_is_in_time_order() -> None:
    result = run_cli("analyze", str(ROOT / "samples" / "call1_agent_talks_over.wav"), "--no-stt")
    assert result.returncode == 0, result.stderr
    times = [line.split()[0] for line in result.stdout.splitlines() if line[:2].isdigit() and line[2] == ":"]
    assert len(times) > 10 and times == sorted(times)
    assert any("PAUSE" in line for line in result.stdout.splitlines())


def test_webvtt_cues_are_written_in_start_order(tmp_path: Path) -> None:
    """Words come after their utterance ends, later than a cue decided meanwhile."""
    vtt = VttWriter(tmp_path / "c.vtt")
    vtt.write({"t": 7.05, "type": "cue", "cue": "pause", "reason": "You are talking over the customer."})
    vtt.write({"t": 2.61, "type": "words", "speaker": "customer", "end": 7.7, "text": "my order never came"})
    vtt.write({"t": 6.3, "type": "words", "speaker": "agent", "end": 9.0, "text": "let me check"})
    vtt.close()
    text = (tmp_path / "c.vtt").read_text()
    starts = [line.split(" --> ")[0] for line in text.splitlines() if " --> " in line]
    assert text.startswith("WEBVTT\n\n") and starts == ["00:00:02.610", "00:00:06.300", "00:00:07.050"]
