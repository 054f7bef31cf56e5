"""A short two-party call of real speech (LibriSpeech, CC BY 4.0) for the live tests.

The agent (speakers of the LibriSpeech sample clips) cuts into the customer (speaker 1089)
twice more than 10 s apart (two pause cues), and the customer later cuts into the agent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

RATE_HZ = 16000

# (role, clip relative to the LibriSpeech folder, start in the call, s)
PLAN = [
    ("customer", "1089/134686/1089-134686-0000.flac", 0.5),  # 10.4 s
    ("agent", "another_door.flac", 6.0),  # talks over the customer
    ("agent", "another_engineer.flac", 12.0),
    ("customer", "1089/134691/1089-134691-0001.flac", 17.0),  # 5.4 s
    ("agent", "i_tell_you.flac", 19.5),  # talks over again, > 10 s later
    ("agent", "testing_routine.flac", 23.6),
    ("customer", "1089/134686/1089-134686-0001.flac", 25.2),  # customer cuts in
]
DURATION_S = 30.0


def build_call(librispeech: Path, out_dir: Path, gain: float = 1.0) -> tuple[Path, Path, Path]:
    """Write ``call.wav`` (stereo: agent, customer) and one mono WAV per role; return the three."""
    out_dir.mkdir(parents=True, exist_ok=True)
    call = np.zeros((int(DURATION_S * RATE_HZ), 2), np.float32)
    for role, clip, start_s in PLAN:
        audio, rate_hz = sf.read(librispeech / clip, dtype="float32")
        assert rate_hz == RATE_HZ, clip
        at = int(start_s * RATE_HZ)
        channel = 0 if role == "agent" else 1
        call[at : at + len(audio), channel] += audio[: len(call) - at] * gain
    paths = out_dir / "call.wav", out_dir / "agent.wav", out_dir / "customer.wav"
    sf.write(paths[0], call, RATE_HZ, subtype="PCM_16")
    sf.write(paths[1], call[:, 0], RATE_HZ, subtype="PCM_16")
    sf.write(paths[2], call[:, 1], RATE_HZ, subtype="PCM_16")
    return paths


def capture_lag(recorded: np.ndarray, source: np.ndarray) -> tuple[int, float]:
    """(samples by which ``recorded`` lags ``source``, correlation of the aligned signals)."""
    n = 1 << int(np.ceil(np.log2(len(recorded) + len(source))))
    xcorr = np.fft.irfft(np.fft.rfft(recorded, n) * np.conj(np.fft.rfft(source, n)), n)
    lag = int(np.argmax(xcorr))
    lag = lag if lag < n // 2 else lag - n
    aligned = recorded[max(lag, 0) : max(lag, 0) + len(source)]
    m = min(len(aligned), len(source))
    return lag, float(np.corrcoef(aligned[:m], source[:m])[0, 1])


def delayed(call: Path, lags: tuple[int, int], out: Path) -> Path:
    """``call`` with each channel delayed by its capture lag: the same audio, framed as live saw it."""
    audio, rate_hz = sf.read(call, dtype="int16", always_2d=True)
    shifted = np.zeros((len(audio) + max(lags), 2), np.int16)
    for ch, lag in enumerate(lags):
        shifted[lag : lag + len(audio), ch] = audio[:, ch]
    sf.write(out, shifted, rate_hz, subtype="PCM_16")
    return out
