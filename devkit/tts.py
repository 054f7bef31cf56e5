"""Speech synthesised with espeak-ng (apt package ``espeak-ng``), for tests in languages that
../shared/data has no recordings of (Korean for the vosk-ko model)."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import soundfile as sf
import soxr


def espeak(text: str, voice: str, rate_hz: int = 16000, level: float = 0.5) -> np.ndarray:
    """``text`` spoken by espeak-ng's ``voice`` as int16 at ``rate_hz``, peak at ``level`` of full scale."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True).stdout
    x, synth_hz = sf.read(io.BytesIO(wav), dtype="float32")
    x = soxr.resample(x, synth_hz, rate_hz) if synth_hz != rate_hz else x
    x = x * (level / max(float(np.max(np.abs(x))), 1e-9))
    return (x * 32767).astype(np.int16)
