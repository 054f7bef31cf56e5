"""From config and command line to a loaded STT backend (or a one-line reason there is none)."""

from __future__ import annotations

from coolhead.config import Config
from coolhead.models.resolve import ModelInfo, no_model_message, resolve_model
from coolhead.pipeline.stt import SttBackend


def load_backend(model: ModelInfo, config: Config) -> SttBackend:
    """Load the resolved model (seconds: do it once per run, not per call)."""
    if model.kind == "whisper":
        from coolhead.pipeline.stt_whisper import WhisperBackend

        return WhisperBackend(model.path, config.stt.language, config.stt.beam_size, config.stt.threads)
    from coolhead.pipeline.stt_vosk import VoskBackend

    return VoskBackend(model.path, config.pipeline.sample_rate)


def backend_for_run(config: Config, model_path: str | None = None) -> tuple[SttBackend | None, str]:
    """The run's backend and a note for the user; ``ModelError`` if a named model is unusable."""
    if not config.stt.enabled:
        return None, ""
    model = resolve_model(config.stt.language, config.pipeline.sample_rate, model_path, config.stt.model)
    if model is None:
        return None, no_model_message(config.stt.language)
    backend = load_backend(model, config)
    return (
        backend,
        f"speech-to-text: {model.kind} model '{model.name or model.path.name}' ({model.lang}, {model.source})",
    )
