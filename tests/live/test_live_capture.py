"""``coolhead listen`` on real capture devices (PulseAudio null sinks) gives the events that
``coolhead analyze`` gives on the same audio."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import soundfile as sf

from coolhead.sinks.jsonl import read_events
from tests.conftest import run_cli
from tests.live.calls import capture_lag, delayed
from tests.live.conftest import Listening, start_listen
from tests.live.pulse import PrivatePulse

FRAME_S = 0.03
KEY_TYPES = ("interruption", "cue")


def _play_and_stop(live: Listening, players: list) -> int:
    for player in players:
        assert player.wait(timeout=90) == 0
    time.sleep(1.0)  # let the last speech segment's hangover pass
    return live.stop()


def _analyze(wav: Path, events: Path) -> list[dict]:
    result = run_cli("analyze", str(wav), "--events", str(events), "--quiet", "--no-stt")
    assert result.returncode == 0, result.stderr
    return read_events(events)


def _key(events: list[dict]) -> list[tuple[str, str, float]]:
    """Interruptions and cues, in time order: (type, who/kind, t)."""
    return sorted(((e["type"], e.get("by") or e.get("cue"), e["t"]) for e in events if e["type"] in KEY_TYPES),
                  key=lambda k: k[2])


def _check_against_source(live_events: list[dict], recording: Path, call: Path, tmp_path: Path,
                          max_role_skew_s: float) -> None:
    """The recording is the played call (delayed by the capture start); analysing the call,
    delayed the same way, gives the live interruptions and cues within two frames."""
    recorded, rate_hz = sf.read(recording, dtype="float32", always_2d=True)
    source, _ = sf.read(call, dtype="float32", always_2d=True)
    lags_corrs = [capture_lag(recorded[:, ch], source[:, ch]) for ch in (0, 1)]
    for lag, corr in lags_corrs:
        assert lag > 0 and corr > 0.98, lags_corrs
    lags = (lags_corrs[0][0], lags_corrs[1][0])
    assert abs(lags[0] - lags[1]) / rate_hz <= max_role_skew_s, lags
    reference = _analyze(delayed(call, lags, tmp_path / "delayed.wav"), tmp_path / "delayed.jsonl")
    live_key, ref_key = _key(live_events), _key(reference)
    assert [k[:2] for k in live_key] == [k[:2] for k in ref_key]
    assert ("cue", "pause") in [k[:2] for k in live_key] and ("interruption", "agent") in [k[:2] for k in live_key]
    for (_, _, t_live), (_, _, t_ref) in zip(live_key, ref_key):
        assert abs(t_live - t_ref) <= 2 * FRAME_S + 1e-6, (live_key, ref_key)


def test_two_devices_live_events_match_analyze(two_sinks: PrivatePulse, played_call, tmp_path: Path) -> None:
    call, agent_wav, customer_wav = played_call
    events_path = tmp_path / "live.jsonl"
    live = start_listen(two_sinks, tmp_path, "--agent-device", two_sinks.device("agent"),
                        "--customer-device", two_sinks.device("call"), "--no-window", "--no-stt",
                        "--events", str(events_path), "--record")
    live.wait_for("audio is flowing")
    status = _play_and_stop(live, [two_sinks.play("agent", agent_wav), two_sinks.play("call", customer_wav)])
    assert status == 0, live.stderr()
    assert "Traceback" not in live.stderr()
    live_events = read_events(events_path)
    assert live_events[0]["type"] == "call" and live_events[0]["live"] is True

    # What the pipeline heard, replayed by `analyze`, gives exactly the live events.
    replayed = _analyze(tmp_path / "live.wav", tmp_path / "replayed.jsonl")
    assert live_events[1:] == replayed[1:]

    # Two paplay processes start a few ms apart: allow that much skew between the roles.
    _check_against_source(live_events, tmp_path / "live.wav", call, tmp_path, max_role_skew_s=FRAME_S)
    stats = live.stats()
    assert stats["dropped_s"] == {"agent": 0.0, "customer": 0.0}
    assert stats["latency_ms"]["cue"]["n"] >= 2


def test_one_stereo_device_at_another_rate_is_resampled(stereo_sink: PrivatePulse, played_call,
                                                        tmp_path: Path) -> None:
    """Both parties on the two channels of one device, captured at 48 kHz (the sound server
    resamples up, coolhead resamples back down to 16 kHz): same events."""
    call, _, _ = played_call
    events_path = tmp_path / "live.jsonl"
    live = start_listen(stereo_sink, tmp_path, "--device", stereo_sink.device("line"), "--capture-rate", "48000",
                        "--no-window", "--no-stt", "--events", str(events_path), "--record")
    live.wait_for("audio is flowing")
    assert "capturing at 48000 Hz, resampled to 16000 Hz" in live.stderr()
    status = _play_and_stop(live, [stereo_sink.play("line", call)])
    assert status == 0, live.stderr()
    live_events = read_events(events_path)
    assert live_events[0]["sample_rate"] == 48000 and live_events[0]["pipeline_rate"] == 16000
    assert sf.info(tmp_path / "live.wav").samplerate == 16000
    replayed = _analyze(tmp_path / "live.wav", tmp_path / "replayed.jsonl")
    assert live_events[1:] == replayed[1:]
    _check_against_source(live_events, tmp_path / "live.wav", call, tmp_path, max_role_skew_s=1 / 16000)
