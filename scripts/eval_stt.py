"""Word error rate of coolhead's transcripts through the whole pipeline (VAD, segmenter, STT),
per corpus, channel condition and Whisper model; also the real-time factor of pipeline + STT.

    python scripts/eval_stt.py [DATA_DIR] [--models whisper-tiny.en whisper-base] [--record FILE]

Corpora (../shared/data): read English (LibriSpeech 8 + LJ Speech 8 utterances), acted English
(RAVDESS: 4 clips of each of the 24 actors, neutral, angry, calm), acted Polish (nEMO: 12 clips
of each of the 9 speakers, neutral and angry). Conditions: clean 16 kHz, and phone (level set to
-20 dBFS as a network's gain control does, 8 kHz, 300-3400 Hz, G.711 u-law, -45 dBFS line
noise, then back to the pipeline's 16 kHz as `analyze` does with an 8 kHz file). One thread.
Nothing is tuned on these clips. Results are appended to bench/stt_eval.jsonl.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # devkit/ (not installed) beside coolhead/

import soxr  # noqa: E402

from coolhead.audio.chunk import float_to_int16  # noqa: E402
from coolhead.audio.telephone import PHONE_RATE_HZ, telephone_call  # noqa: E402
from coolhead.config import Config  # noqa: E402
from coolhead.models.resolve import resolve_model  # noqa: E402
from coolhead.pipeline.phrases import PhraseBook  # noqa: E402
from coolhead.pipeline.stt import SpeechToText  # noqa: E402
from coolhead.pipeline.stt_setup import load_backend  # noqa: E402
from coolhead.records import append_record  # noqa: E402
from devkit.corpora import RATE_HZ, load_mono_16k  # noqa: E402
from devkit.stt_runs import transcribe  # noqa: E402
from devkit.wer import Transcribed, english_transcribed, nemo_transcribed, ravdess_transcribed, wer  # noqa: E402

CORPORA = {
    "read-en": ("en", english_transcribed),
    "ravdess": ("en", ravdess_transcribed),
    "nemo": ("pl", nemo_transcribed),
}


def phone(x):
    return soxr.resample(telephone_call(x, RATE_HZ), PHONE_RATE_HZ, RATE_HZ)


def score(stt: SpeechToText, items: list[Transcribed], condition: str) -> dict:
    config = Config()
    pairs, audio_s, wall_s, empty = [], 0.0, 0.0, 0
    for item in items:
        x = load_mono_16k(item.path)
        audio = float_to_int16(phone(x) if condition == "phone" else x)
        t0 = time.perf_counter()
        text = transcribe(config, audio, stt)
        wall_s += time.perf_counter() - t0
        audio_s += len(audio) / RATE_HZ
        pairs.append((item.text, text))
        empty += not text.strip()
    return {
        "utterances": len(items),
        "words": sum(len(r.split()) for r, _ in pairs),
        "wer": round(wer(pairs), 4),
        "empty": empty,
        "audio_s": round(audio_s, 1),
        "x_realtime": round(audio_s / wall_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--models", nargs="+", default=["whisper-tiny.en", "whisper-base"])
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--record", type=Path, default=ROOT / "bench" / "stt_eval.jsonl")
    args = parser.parse_args()
    rows = []
    print(f"{'model':<16} {'corpus':<8} {'condition':<9} {'utts':>5} {'words':>6} {'WER':>6} {'empty':>5} {'x RT':>6}")
    for name in args.models:
        for corpus in args.corpora:
            language, items_of = CORPORA[corpus]
            config = Config()
            config.stt.language = language
            model = resolve_model(language, RATE_HZ, name)
            if model is None or not model.speaks(language):
                continue
            stt = SpeechToText(load_backend(model, config), PhraseBook.load(language))
            items = items_of(args.data_dir)
            for condition in ("clean", "phone"):
                row = {
                    "model": name,
                    "corpus": corpus,
                    "language": language,
                    "condition": condition,
                    **score(stt, items, condition),
                }
                rows.append(row)
                print(
                    f"{name:<16} {corpus:<8} {condition:<9} {row['utterances']:>5} {row['words']:>6} "
                    f"{row['wer']:>6.3f} {row['empty']:>5} {row['x_realtime']:>6.1f}",
                    flush=True,
                )
    append_record(args.record, "stt_eval", rows=rows)


if __name__ == "__main__":
    main()
