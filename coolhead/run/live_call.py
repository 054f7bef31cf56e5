"""One live call on disk: where its files go, its pipeline, its JSON Lines event log and
(optionally) a WAV recording of exactly what the pipeline heard (channel 0 agent, channel 1
customer; a mono source as one channel), so ``coolhead analyze`` on it reproduces the events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

from coolhead.audio.chunk import Chunk
from coolhead.config import Config
from coolhead.events import ROLES, Event
from coolhead.mono.split import MonoSplit
from coolhead.pipeline import Pipeline
from coolhead.pipeline.stt import SpeechToText
from coolhead.report.note import post_call_note
from coolhead.report.summary import summarise_call
from coolhead.sinks.jsonl import JsonlWriter, iter_events


@dataclass
class CallFiles:
    """Where each call's files go: ``events_path`` for the first call (later ones get -2, -3),
    else ``out_dir/call-<UTC time>.jsonl``; with ``record`` a ``.wav`` of the same stem."""

    out_dir: Path
    events_path: Path | None = None
    record: bool = False
    _n_calls: int = 0

    def next_stem(self) -> Path:
        self._n_calls += 1
        if self.events_path is not None:
            base = self.events_path.with_suffix("")
            return base if self._n_calls == 1 else base.with_name(f"{base.name}-{self._n_calls}")
        return self.out_dir / datetime.now(UTC).strftime("call-%Y%m%dT%H%M%S%fZ")


@dataclass
class FinishedCall:
    events_path: Path
    wav_path: Path | None
    duration_s: float
    n_events: int
    n_cues: int
    end_reason: str
    note: list[str]
    """The post-call note (``report/note.py``), also written to ``NAME.note.txt``."""
    note_path: Path


class LiveCall:
    """One call in progress: its pipeline, event file and optional recording.

    ``roles``: the roles of the audio fed (agent and customer, or the mix of a mono source);
    ``split`` turns a mono source's mix into agent and customer before the pipeline."""

    def __init__(
        self,
        config: Config,
        stt: SpeechToText | None,
        stem: Path,
        record: bool,
        header: Event,
        roles: tuple[str, ...] = ROLES,
        split: MonoSplit | None = None,
    ) -> None:
        self.config = config
        self.started = datetime.fromisoformat(header["started_utc"]) if "started_utc" in header else None
        self.roles = roles
        self.split = split
        self.pipeline = Pipeline(config, ROLES if split else roles, stt)
        self.rate_hz = config.pipeline.sample_rate
        self.events_path = stem.with_suffix(".jsonl")
        self.writer = JsonlWriter(self.events_path)
        self.wav_path = stem.with_suffix(".wav") if record else None
        self.wav = (
            sf.SoundFile(str(self.wav_path), "w", samplerate=self.rate_hz, channels=len(roles), subtype="PCM_16")
            if self.wav_path
            else None
        )
        self.n_samples = 0
        self.n_events = 0
        self.n_cues = 0
        self.writer.write(header)

    @property
    def t_s(self) -> float:
        return self.n_samples / self.rate_hz

    def feed(self, samples: dict[str, np.ndarray]) -> list[Event]:
        heard = Chunk(self.t_s, samples)
        self.n_samples += heard.n_samples
        if self.wav is not None:
            self.wav.write(np.stack([samples[r] for r in self.roles], axis=1))
        chunk = self.split.feed(heard) if self.split is not None else heard
        return self.pipeline.feed(chunk) if chunk is not None else []

    def flush(self) -> list[Event]:
        """The end of the call: what the splitter still holds, then the pipeline's last events."""
        rest = self.split.flush() if self.split is not None else None
        return (self.pipeline.feed(rest) if rest is not None else []) + self.pipeline.flush()

    def log(self, event: Event) -> None:
        self.writer.write(event)
        self.n_events += 1
        self.n_cues += event["type"] == "cue"

    def close(self, end_reason: str) -> FinishedCall:
        """Files closed; the post-call note made from the call's events and written beside them."""
        if self.wav is not None:
            self.wav.close()
        self.writer.close()
        summary = summarise_call(iter_events(self.events_path), self.config)
        note = post_call_note(summary, self.started)
        note_path = self.events_path.with_suffix(".note.txt")
        note_path.write_text("\n".join(note) + "\n", encoding="utf-8")
        return FinishedCall(
            self.events_path, self.wav_path, self.t_s, self.n_events, self.n_cues, end_reason, note, note_path
        )
