#!/usr/bin/env python
"""Live listening benchmark: latency from audio reaching the capture callback to the cue being
shown, and CPU use while listening, on real capture devices.

A private PulseAudio daemon gets two null sinks (``agent``, ``call``); a call of real speech
(LibriSpeech, the live tests' call repeated to ``--minutes``) is played into them with paplay
while ``coolhead listen --no-stt`` captures their monitors, once with the cue window (Qt
offscreen platform) and once in console mode. The listener measures, per shown event, the wall
time from the arrival of the audio block that completed the deciding frame to the window's
signal handler having repainted the cue (console: the line printed). Figures are printed and
appended to ``--record`` as one JSON line.

    .venv/bin/python scripts/bench_live.py [--minutes 3] [--record bench/live.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live.calls import build_call  # noqa: E402
from tests.live.pulse import PrivatePulse  # noqa: E402


def long_call(librispeech: Path, out_dir: Path, minutes: float) -> tuple[Path, Path, float]:
    """The live tests' 30 s call repeated to ``minutes``: (agent WAV, customer WAV, duration s)."""
    call, _, _ = build_call(librispeech, out_dir / "one")
    audio, rate_hz = sf.read(call, dtype="int16")
    repeats = max(1, round(minutes * 60 / (len(audio) / rate_hz)))
    audio = np.tile(audio, (repeats, 1))
    agent, customer = out_dir / "agent.wav", out_dir / "customer.wav"
    sf.write(agent, audio[:, 0], rate_hz, subtype="PCM_16")
    sf.write(customer, audio[:, 1], rate_hz, subtype="PCM_16")
    return agent, customer, len(audio) / rate_hz


def listen_once(pulse: PrivatePulse, agent: Path, customer: Path, work: Path, window: bool) -> dict:
    """One ``coolhead listen`` session over the whole call; its --stats plus decision delays."""
    mode = "window" if window else "console"
    events, stats, stderr = work / f"{mode}.jsonl", work / f"{mode}-stats.json", work / f"{mode}.stderr"
    cmd = [
        sys.executable,
        "-m",
        "coolhead.cli.main",
        "listen",
        "--agent-device",
        pulse.device("agent"),
        "--customer-device",
        pulse.device("call"),
        "--no-stt",
        "--events",
        str(events),
        "--stats",
        str(stats),
    ]
    env = {**pulse.env, "QT_QPA_PLATFORM": "offscreen"}
    if not window:
        cmd.append("--no-window")
    with open(stderr, "w") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 30
        while "audio is flowing" not in stderr.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"listen did not start:\n{stderr.read_text()}")
            time.sleep(0.05)
        players = [pulse.play("agent", agent), pulse.play("call", customer)]
        for player in players:
            player.wait()
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        if proc.wait(timeout=60) != 0:
            raise SystemExit(f"listen failed:\n{stderr.read_text()}")
    result = json.loads(stats.read_text())
    result["decision_delay_s"] = pause_decision_delays(events)
    return result


def pause_decision_delays(events_path: Path) -> dict | None:
    """Audio time from the start of each agent talk-over to its pause cue (the pipeline's own
    wait for 0.5 s of overlap; not part of the wall-clock latency above)."""
    events = [json.loads(line) for line in events_path.read_text().splitlines()]
    starts = sorted(e["t"] for e in events if e["type"] == "interruption" and e["by"] == "agent")
    delays = []
    for cue in (e for e in events if e["type"] == "cue" and e["cue"] == "pause"):
        before = [t for t in starts if t <= cue["t"]]
        if before:
            delays.append(cue["t"] - before[-1])
    if not delays:
        return None
    return {"n": len(delays), "median": round(float(np.median(delays)), 3), "max": round(max(delays), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the played call (default 3)")
    parser.add_argument("--librispeech", type=Path, default=ROOT.parent / "shared" / "data" / "librispeech")
    parser.add_argument(
        "--record", type=Path, default=ROOT / "bench" / "live.jsonl", help="append the figures here as one JSON line"
    )
    args = parser.parse_args()
    if not args.librispeech.is_dir():
        print(f"bench_live: no LibriSpeech clips at {args.librispeech}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="coolhead-bench-live-") as tmp:
        work = Path(tmp)
        agent, customer, duration_s = long_call(args.librispeech, work, args.minutes)
        with PrivatePulse(work / "pulse", {"agent": 1, "call": 1}) as pulse:
            runs = {
                mode: listen_once(pulse, agent, customer, work, window=mode == "window")
                for mode in ("window", "console")
            }
    record = {
        "bench": "live",
        "utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "call_s": round(duration_s, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpu",
        "python": platform.python_version(),
        "runs": runs,
    }
    print(f"call of {duration_s:.0f} s of real speech played into two PulseAudio null sinks, captured live (no STT)")
    for mode, r in runs.items():
        for kind in ("cue", "all"):
            p = r["latency_ms"][kind]
            if p:
                print(
                    f"{mode:8} {kind:4} latency audio-in -> shown: p50 {p['p50']:6.1f}  p95 {p['p95']:6.1f}  "
                    f"p99 {p['p99']:6.1f}  max {p['max']:6.1f} ms  (n={p['n']})"
                )
        print(
            f"{mode:8} CPU {r['cpu_percent_of_one_core']:.1f}% of one core over {r['wall_s']:.0f} s; "
            f"queue backlog max {r['max_backlog_s']:.2f} s; dropped {r['dropped_s']}; "
            f"device -> callback buffering (PortAudio's figure, not in the latency) {r['input_latency_ms']:.0f} ms"
        )
    delay = runs["window"]["decision_delay_s"]
    if delay:
        print(
            f"pause cue decided {delay['median']:.2f} s (median, max {delay['max']:.2f}) of audio after the "
            "agent's talk-over started (the 0.5 s overlap rule; not included above)"
        )
    args.record.parent.mkdir(parents=True, exist_ok=True)
    with open(args.record, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    print(f"recorded in {args.record}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
