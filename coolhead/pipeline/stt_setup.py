"""From config and command line to a resolved model (or a one-line reason there is none), and
from a resolved model to the ``SpeechToText`` a pipeline runs."""

from __future__ import annotations

from coolhead.config import Config
from coolhead.models.errors import ModelError
from coolhead.models.resolve import ModelInfo, no_model_message, resolve_model
from coolhead.pipeline.phrases import PhraseBook
from coolhead.pipeline.stt import SpeechToText, SttBackend


def load_backend(model: ModelInfo, config: Config) -> SttBackend:
    """Load the resolved model (seconds: do it once per run, not per call)."""
    if model.kind == "whisper":
        from coolhead.pipeline.stt_whisper import WhisperBackend

        return WhisperBackend(model.path, config.stt.language, config.stt.beam_size, config.stt.threads)
    from coolhead.pipeline.stt_vosk import VoskBackend

    return VoskBackend(model.path, config.pipeline.sample_rate)


def model_for_run(config: Config, model_arg: str | None = None) -> tuple[ModelInfo | None, str]:
    """The run's model (nothing loaded) and a note for the user; ``ModelError`` if a named
    model is unusable."""
    if not config.stt.enabled:
        return None, ""
    model = resolve_model(config.stt.language, config.pipeline.sample_rate, model_arg, config.stt.model)
    if model is None:
        return None, no_model_message(config.stt.language)
    language = config.stt.language
    if model.kind == "whisper" and model.lang == "en" and language.split("-")[0].lower() != "en":
        raise ModelError(f"{model.path}: an English-only Whisper model cannot transcribe '{language}'")
    return model, f"speech-to-text: {model.kind} model '{model.name or model.path.name}' ({model.lang}, {model.source})"


def speech_to_text(config: Config, model: ModelInfo, threaded: bool = False) -> SpeechToText:
    """The model loaded with the call language's phrase rules (``PhraseError`` if they are bad)."""
    phrases = PhraseBook.load(config.stt.language, config.stt.phrase_file, config.stt.phrase_cooldown_s)
    return SpeechToText(load_backend(model, config), phrases, config.stt.feed_s, threaded)
