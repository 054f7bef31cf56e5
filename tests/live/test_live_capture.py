"""``coolhead listen`` on real capture devices (PulseAudio null sinks) gives the events that
``coolhead analyze`` gives on the same audio."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from coolhead.sinks.jsonl import read_events
from tests.conftest import ROOT, run_cli
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
    return sorted(
        ((e["type"], e.get("by") or e.get("cue"), e["t"]) for e in events if e["type"] in KEY_TYPES), key=lambda k: k[2]
    )


def _check_against_source(
    live_events: list[dict],
    recording: Path,
    call: Path,
    tmp_path: Path,
    max_role_skew_s: float,
    max_dt_s: float = 2 * FRAME_S,
) -> None:
    """The recording is the played call (delayed by the capture start); analysing the call,
    delayed the same way, gives the live interruptions and cues within ``max_dt_s``."""
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
        assert abs(t_live - t_ref) <= max_dt_s + 1e-6, (live_key, ref_key)


def test_two_devices_live_events_match_analyze(two_sinks: PrivatePulse, played_call, tmp_path: Path) -> None:
    call, agent_wav, customer_wav = played_call
    events_path = tmp_path / "live.jsonl"
    live = start_listen(
        two_sinks,
        tmp_path,
        "--agent-device",
        two_sinks.device("agent"),
        "--customer-device",
        two_sinks.device("call"),
        "--no-window",
        "--no-stt",
        "--events",
        str(events_path),
        "--record",
    )
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


def test_one_stereo_device_at_another_rate_is_resampled(stereo_sink: PrivatePulse, played_call, tmp_path: Path) -> None:
    """Both parties on the two channels of one device, captured at 48 kHz (the sound server
    resamples up, coolhead resamples back down to 16 kHz): same events."""
    call, _, _ = played_call
    events_path = tmp_path / "live.jsonl"
    live = start_listen(
        stereo_sink,
        tmp_path,
        "--device",
        stereo_sink.device("line"),
        "--capture-rate",
        "48000",
        "--no-window",
        "--no-stt",
        "--events",
        str(events_path),
        "--record",
    )
    live.wait_for("audio is flowing")
    assert "capturing at 48000 Hz, resampled to 16000 Hz" in live.stderr()
    status = _play_and_stop(live, [stereo_sink.play("line", call)])
    assert status == 0, live.stderr()
    live_events = read_events(events_path)
    assert live_events[0]["sample_rate"] == 48000 and live_events[0]["pipeline_rate"] == 16000
    assert sf.info(tmp_path / "live.wav").samplerate == 16000
    replayed = _analyze(tmp_path / "live.wav", tmp_path / "replayed.jsonl")
    assert live_events[1:] == replayed[1:]
    # Through two resamplers (the sound server's up, ours down) at an arbitrary sub-sample phase,
    # the waveform is no longer the source's (correlation ~0.99), and webrtcvad may flip on the
    # soft first frames of a turn: onsets agree within half a second here, not within frames.
    _check_against_source(live_events, tmp_path / "live.wav", call, tmp_path, max_role_skew_s=1 / 16000, max_dt_s=0.5)


def test_a_mono_device_is_split_into_agent_and_customer(mono_sink: PrivatePulse, played_call, tmp_path: Path) -> None:
    """Both parties mixed on one mono device: the shipped speaker-segmentation model splits them
    live, the agent's talk-over is found with the right side, and `analyze` of the recording gives
    the same events. The customer speaks first in this call: ``agent_is = "second"``."""
    call, _, _ = played_call
    audio, rate_hz = sf.read(call, dtype="float32")
    mix = tmp_path / "mix.wav"
    sf.write(mix, np.clip(audio.sum(axis=1), -1, 1), rate_hz, subtype="PCM_16")
    settings = tmp_path / "coolhead.toml"
    settings.write_text('[mono]\nagent_is = "second"\n')
    events_path = tmp_path / "live.jsonl"
    live = start_listen(
        mono_sink, tmp_path, "--mono-device", mono_sink.device("mix"), "--no-window", "--no-stt",
        "--events", str(events_path), "--record", "--config", str(settings),
    )  # fmt: skip
    live.wait_for("audio is flowing")
    assert _play_and_stop(live, [mono_sink.play("mix", mix)]) == 0, live.stderr()
    live_events = read_events(events_path)
    assert live_events[0]["separation"]["speakers"] == "separated"
    assert sf.info(tmp_path / "live.wav").channels == 1
    replayed = run_cli(
        "analyze", str(tmp_path / "live.wav"), "--events", str(tmp_path / "replayed.jsonl"), "--quiet", "--no-stt",
        "--config", str(settings),
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    assert live_events[1:] == read_events(tmp_path / "replayed.jsonl")[1:]
    kinds = [k[:2] for k in _key(live_events)]
    assert ("interruption", "agent") in kinds and ("cue", "pause") in kinds, kinds


def test_window_mode_shows_each_cue_as_it_happens(two_sinks: PrivatePulse, played_call, tmp_path: Path) -> None:
    """The real cue window (Qt offscreen platform) fed by live capture: a snapshot per cue,
    showing that cue's colour, and a latency measured for each."""
    from coolhead.cue_kinds import CUES

    call, agent_wav, customer_wav = played_call
    events_path, snapshots = tmp_path / "live.jsonl", tmp_path / "snapshots"
    live = start_listen(
        two_sinks,
        tmp_path,
        "--agent-device",
        "agent_mon",
        "--customer-device",
        "call_mon",
        "--no-stt",
        "--events",
        str(events_path),
        "--snapshots",
        str(snapshots),
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    live.wait_for("audio is flowing")
    assert _play_and_stop(live, [two_sinks.play("agent", agent_wav), two_sinks.play("call", customer_wav)]) == 0, (
        live.stderr()
    )
    cues = [e["cue"] for e in read_events(events_path) if e["type"] == "cue"]
    shots = sorted(snapshots.glob("cue-*.png"))
    assert cues[:2] == ["pause", "pause"] and [p.stem.split("-", 2)[2] for p in shots] == cues
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(shots[0]))
    assert QColor(image.pixel(15, 15)).name() == CUES["pause"].colour
    assert live.stats()["latency_ms"]["cue"]["n"] == len(cues)


def test_calls_split_on_silence_and_end_on_sigusr1(two_sinks: PrivatePulse, played_call, tmp_path: Path) -> None:
    """Two calls 5 s apart: the first ends after 3 s of silence, the second starts when someone
    speaks and ends on SIGUSR1 (a desktop hotkey); one event file per call."""
    _, agent_wav, customer_wav = played_call
    twice = {}
    for role, wav in (("agent", agent_wav), ("customer", customer_wav)):
        audio, rate_hz = sf.read(wav, dtype="int16")
        twice[role] = tmp_path / f"{role}-twice.wav"
        sf.write(twice[role], np.concatenate([audio, np.zeros(5 * rate_hz, np.int16), audio]), rate_hz)
    calls_dir = tmp_path / "calls"
    live = start_listen(
        two_sinks,
        tmp_path,
        "--agent-device",
        "agent_mon",
        "--customer-device",
        "call_mon",
        "--no-window",
        "--no-stt",
        "--out",
        str(calls_dir),
        "--split-silence",
        "3",
    )
    live.wait_for("audio is flowing")
    players = [two_sinks.play("agent", twice["agent"]), two_sinks.play("call", twice["customer"])]
    for player in players:
        assert player.wait(timeout=120) == 0
    live.proc.send_signal(signal.SIGUSR1)
    time.sleep(1.0)
    assert live.stop() == 0, live.stderr()
    calls = live.stats()["calls"]
    assert [c["end_reason"] for c in calls] == ["3 s of silence", "ended by the agent"]
    files = sorted(calls_dir.glob("call-*.jsonl"))
    assert [str(f) for f in files] == [c["events"] for c in calls]
    for path in files:
        events = read_events(path)
        assert events[0]["type"] == "call"
        assert [e["cue"] for e in events if e["type"] == "cue"][:2] == ["pause", "pause"]
        first_speech = min(e["t"] for e in events if e["type"] == "speech")
        assert first_speech < 2.0, "a call starts when someone speaks"
        assert "You talked over the customer" in path.with_suffix(".note.txt").read_text()


def test_devices_lists_the_capture_devices_with_their_indices(two_sinks: PrivatePulse) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coolhead.cli.main", "devices"],
        cwd=ROOT,
        env=two_sinks.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split()[1]: line.split()[0] for line in result.stdout.splitlines()[1:]}
    assert {"agent_mon", "call_mon"} <= set(rows)
    assert all(index.isdigit() for index in rows.values())
