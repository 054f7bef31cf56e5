"""Speech-to-text options shared by the commands that run the pipeline (analyze, listen)."""

from __future__ import annotations

import argparse

from coolhead.cli.common import note
from coolhead.config import Config, ConfigError
from coolhead.models.resolve import ModelInfo, env_model, language_problem
from coolhead.pipeline import stt_setup
from coolhead.pipeline.phrases import PhraseBook
from coolhead.pipeline.stt import SpeechToText


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


def plan_stt(args: argparse.Namespace, config: Config) -> ModelInfo | None:
    """Apply the STT options to ``config`` and resolve the run's model without loading it (None:
    off, with a note where no model was found; ``config.stt.enabled`` is then false).
    ``ModelError`` or ``PhraseError`` (one-line messages, printed by ``main``) when a model or
    phrase file is unusable."""
    if args.lang:
        config.stt.language = args.lang
    if args.no_stt:
        config.stt.enabled = False
    explicit_model = args.model or env_model() or config.stt.model  # used whatever its language
    problem = language_problem(config.stt.language) if config.stt.enabled and not explicit_model else ""
    if problem:
        raise ConfigError(f"{'--lang' if args.lang else 'stt.language'}: {problem}")
    PhraseBook.load(config.stt.language, config.stt.phrase_file, config.stt.phrase_cooldown_s)
    model, message = stt_setup.model_for_run(config, args.model)
    if message:
        note(message)
    if model is None:
        config.stt.enabled = False
    return model


def speech_to_text(args: argparse.Namespace, config: Config, threaded: bool = False) -> SpeechToText | None:
    """The run's STT, loaded (None: off)."""
    model = plan_stt(args, config)
    return None if model is None else stt_setup.speech_to_text(config, model, threaded)
