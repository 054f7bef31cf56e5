"""Speech-to-text options shared by the commands that run the pipeline (analyze, listen)."""

from __future__ import annotations

import argparse

from coolhead.cli.common import note
from coolhead.config import Config
from coolhead.pipeline.phrases import PhraseBook
from coolhead.pipeline.stt import SpeechToText
from coolhead.pipeline.stt_setup import backend_for_run


def add_stt_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-stt", action="store_true", help="no speech-to-text (acoustic cues only)")
    parser.add_argument(
        "--model",
        metavar="PATH|NAME",
        help="a vosk or Whisper CTranslate2 model directory, or an installed model's name "
        "(whisper-base); default: the fastest installed model for --lang "
        "(`coolhead models list`)",
    )
    parser.add_argument("--lang", metavar="LANG", help="language of the calls (default: stt.language, en)")


def speech_to_text(args: argparse.Namespace, config: Config, threaded: bool = False) -> SpeechToText | None:
    """The run's STT (None: off, with a note where no model was found). ``ModelError`` or
    ``PhraseError`` (one-line messages, printed by ``main``) when a model or phrase file is unusable."""
    if args.lang:
        config.stt.language = args.lang
    if args.no_stt:
        config.stt.enabled = False
    phrases = PhraseBook.load(config.stt.language, config.stt.phrase_file, config.stt.phrase_cooldown_s)
    backend, message = backend_for_run(config, args.model)
    if message:
        note(message)
    if backend is None:
        return None
    return SpeechToText(backend, phrases, config.stt.feed_s, threaded)
