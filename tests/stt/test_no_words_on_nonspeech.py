"""Ten minutes of call-progress tones, DTMF, hold music and noise bursts per channel give no
words, with the English default (tiny.en) and the multilingual model (base, Swedish): the
non-speech detector keeps them from the recognizer, and Whisper's non-speech output is dropped
where anything gets through."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from coolhead.audio.telephone import telephone_band
from tests.conftest import run_cli
from tests.sounds import HOLD_MUSIC, MUSIC_LEVELS_DBFS, NOISE_BURSTS, RATE_HZ, SOUNDS, quiet

pytestmark = pytest.mark.slow

CALL_S = 600.0


def _sounds_for(seconds: float, offset: int) -> np.ndarray:
    """Every generated sound at every level, each after a stretch of quiet line, cycled (starting
    at ``offset``) until ``seconds`` are filled."""
    makers = [(f, db) for f in SOUNDS.values() for db in (-12.0, -24.0, -36.0)]
    makers += [(f, db) for f in HOLD_MUSIC.values() for db in MUSIC_LEVELS_DBFS]
    makers += [(f, db) for f in NOISE_BURSTS.values() for db in (-12.0, -24.0, -36.0)]
    parts, n, i = [], 0, offset
    while n < seconds * RATE_HZ:
        make, level_dbfs = makers[i % len(makers)]
        part = np.concatenate([quiet(0.4 + 0.1 * (i % 7), seed=i), make(level_dbfs)])
        parts.append(part)
        n += len(part)
        i += 1
    return np.concatenate(parts)[: int(seconds * RATE_HZ)]


@pytest.fixture(scope="module")
def nonspeech_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Agent channel clean, customer channel through the phone line (8 kHz u-law, noise), 16 kHz file."""
    agent = _sounds_for(CALL_S, 0)
    customer = telephone_band(_sounds_for(CALL_S, 17).astype(np.float32), RATE_HZ)
    customer = soxr.resample(customer, 8000, RATE_HZ)[: len(agent)]
    path = tmp_path_factory.mktemp("nonspeech") / "tones_music_noise.wav"
    sf.write(path, np.clip(np.stack([agent, customer], axis=1), -1, 1), RATE_HZ, subtype="PCM_16")
    return path


@pytest.mark.parametrize("language", ["en", "sv"])
def test_ten_minutes_of_tones_music_and_noise_give_no_words(
    nonspeech_call: Path, tmp_path: Path, language: str
) -> None:
    events_path = tmp_path / "events.jsonl"
    result = run_cli("analyze", str(nonspeech_call), "--lang", language, "--events", str(events_path), timeout=600)
    assert result.returncode == 0, result.stderr
    assert "speech-to-text: whisper model" in result.stderr
    events = [json.loads(line) for line in events_path.read_text().splitlines()]
    assert events[0]["type"] == "call" and events[0]["duration"] == CALL_S
    assert [e for e in events if e["type"] == "words"] == []
