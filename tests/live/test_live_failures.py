"""``coolhead listen`` when things go wrong: a missing device, a device lost mid-call, and
analysis starved of CPU (queue overrun: counted, reported, caught up)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import soundfile as sf

from coolhead.sinks.jsonl import read_events
from tests.live.conftest import start_listen
from tests.live.pulse import PrivatePulse


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("coolhead: error:")]


def test_missing_device_is_one_line_listing_the_devices(two_sinks: PrivatePulse, tmp_path: Path) -> None:
    live = start_listen(
        two_sinks, tmp_path, "--agent-device", "headset", "--customer-device", "call_mon", "--no-window", "--no-stt"
    )
    assert live.proc.wait(timeout=30) == 2
    stderr = live.stderr()
    assert "Traceback" not in stderr
    [line] = _error_lines(stderr)
    assert "input device 'headset' not found" in line
    assert "'agent_mon'" in line and "'call_mon'" in line


def test_device_gone_from_the_sound_server_at_start(two_sinks: PrivatePulse, tmp_path: Path) -> None:
    """The ALSA name still exists but its PulseAudio source does not: clear error, no traceback."""
    two_sinks.unload_sink("call")
    live = start_listen(
        two_sinks, tmp_path, "--agent-device", "agent_mon", "--customer-device", "call_mon", "--no-window", "--no-stt"
    )
    assert live.proc.wait(timeout=30) == 2
    stderr = live.stderr()
    assert "Traceback" not in stderr
    [line] = _error_lines(stderr)
    assert "cannot open input device" in line and "'call_mon'" in line and "input devices:" in line


def test_device_lost_mid_call_keeps_events_and_stops(stereo_sink: PrivatePulse, played_call, tmp_path: Path) -> None:
    call, _, _ = played_call
    events_path = tmp_path / "live.jsonl"
    live = start_listen(
        stereo_sink,
        tmp_path,
        "--device",
        "line_mon",
        "--no-window",
        "--no-stt",
        "--events",
        str(events_path),
        "--record",
    )
    live.wait_for("audio is flowing")
    player = stereo_sink.play("line", call)
    deadline = time.monotonic() + 30
    while '"pause"' not in (events_path.read_text() if events_path.exists() else ""):
        assert time.monotonic() < deadline, "no pause cue before the device was pulled"
        time.sleep(0.05)
    time.sleep(0.5)
    stereo_sink.unload_sink("line")  # the device disappears under the running stream
    status = live.proc.wait(timeout=15)
    player.wait(timeout=10)
    stderr = live.stderr()
    assert status == 1, stderr
    assert "Traceback" not in stderr
    [line] = _error_lines(stderr)
    assert "input device" in line and "'line_mon' lost" in line and "events so far are kept" in line
    events = read_events(events_path)
    assert events[0]["type"] == "call"
    assert [e["cue"] for e in events if e["type"] == "cue"] == ["pause"]
    assert any(e["type"] == "speech" and e["speaker"] == "customer" for e in events), "flushed at the stop"
    recorded = sf.info(tmp_path / "live.wav")
    assert 6.5 < recorded.duration < 15.0  # the agent talks over from 6.28 s; cue 0.3 s later
    assert live.stats()["calls"][0]["end_reason"] == "lost"


def test_queue_overrun_under_cpu_hog_is_counted_reported_and_caught_up(
    two_sinks: PrivatePulse, played_call, tmp_path: Path
) -> None:
    """Listener at nice 19 pinned to one core with busy processes beside it: analysis falls
    behind, the 0.2 s queue overflows, the drop is counted and reported, and once the hog is
    gone the pipeline catches up (nothing left queued) with audio time still in step."""
    call, agent_wav, customer_wav = played_call
    events_path = tmp_path / "live.jsonl"
    live = start_listen(
        two_sinks,
        tmp_path,
        "--agent-device",
        "agent_mon",
        "--customer-device",
        "call_mon",
        "--no-window",
        "--no-stt",
        "--events",
        str(events_path),
        "--record",
        "--queue-s",
        "0.2",
        prefix=("taskset", "-c", "0", "nice", "-n", "19"),
    )
    live.wait_for("audio is flowing")
    players = [two_sinks.play("agent", agent_wav), two_sinks.play("call", customer_wav)]
    time.sleep(1.0)
    # Two busy processes: the listener drains its whole queue each time it runs, so beside one
    # it keeps up (at nice 19 it then runs about every 0.2 s); beside two it waits longer.
    hog = [
        "taskset",
        "-c",
        "0",
        sys.executable,
        "-c",
        "import time\nend = time.monotonic() + 4\nwhile time.monotonic() < end: pass",
    ]
    hogs = [subprocess.Popen(hog) for _ in range(2)]
    assert all(h.wait(timeout=30) == 0 for h in hogs)
    for player in players:
        assert player.wait(timeout=90) == 0
    time.sleep(1.0)
    assert live.stop() == 0, live.stderr()
    stats = live.stats()
    assert stats["dropped_s"]["agent"] > 0.1 and stats["dropped_s"]["customer"] > 0.1, stats
    assert stats["max_backlog_s"] >= 0.15, stats
    assert stats["backlog_at_stop_s"] < 0.1, stats
    overrun = [line for line in live.stderr().splitlines() if "OVERRUN" in line]
    assert len(overrun) == 1 and "customer" in overrun[0] and "agent" in overrun[0]
    # Dropped audio was replaced by silence of the same length: later events stay in step with
    # the played call (the second agent talk-over starts 19.5 s into the call, ~0.1 s capture offset).
    interruptions = [e for e in read_events(events_path) if e["type"] == "interruption"]
    assert any(e["by"] == "agent" and 19.4 < e["t"] < 20.4 for e in interruptions), interruptions
    assert any(e["by"] == "customer" and 25.2 < e["t"] < 26.2 for e in interruptions), interruptions
