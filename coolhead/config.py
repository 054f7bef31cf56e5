"""Pipeline settings, read from a TOML file over documented defaults (docs/config.md).

Each section is a dataclass; a TOML table of the same name overrides its fields::

    [vad]
    aggressiveness = 3

Unknown sections or keys are errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the problem."""


@dataclass
class PipelineConfig:
    sample_rate: int = 16000
    """Rate (Hz) every stream is resampled to once on the way in: 8000 or 16000."""
    frame_ms: int = 30
    """Analysis frame (ms): webrtcvad accepts 10, 20 or 30."""


@dataclass
class VadConfig:
    aggressiveness: int = 2
    """webrtcvad mode 0 (least) .. 3 (most aggressive at rejecting non-speech)."""
    start_window_frames: int = 5
    """Speech starts when ``start_voiced_frames`` of the last ``start_window_frames`` are voiced..."""
    start_voiced_frames: int = 3
    """...so a single click never opens a segment."""
    hangover_s: float = 0.45
    """Speech ends after this much unvoiced audio, so a breath does not split a turn."""
    min_level_dbfs: float = -55.0
    """Frames quieter than this are never speech (line noise, comfort noise)."""


@dataclass
class TurnsConfig:
    min_overlap_s: float = 0.5
    """Overlap needed for a talk-over to count as an interruption."""
    bridge_s: float = 0.2
    """Gaps between syllables shorter than this still count as speaking for overlap."""


@dataclass
class CuesConfig:
    pause_cooldown_s: float = 10.0
    """At most one ``pause`` cue per this many seconds."""


@dataclass
class Config:
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    vad: VadConfig = field(default_factory=VadConfig)
    turns: TurnsConfig = field(default_factory=TurnsConfig)
    cues: CuesConfig = field(default_factory=CuesConfig)

    @classmethod
    def load(cls, path: str | Path | None) -> "Config":
        """Defaults, overridden by the TOML file at ``path`` when one is given."""
        config = cls()
        if path is None:
            return config
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from None
        for section_name, values in data.items():
            section = getattr(config, section_name, None)
            if section is None or not isinstance(values, dict):
                raise ConfigError(f"{path}: unknown config section [{section_name}]")
            _apply(section, values, f"{path}: [{section_name}]")
        config.validate(path)
        return config

    def validate(self, source: str | Path = "config") -> None:
        if self.pipeline.sample_rate not in (8000, 16000):
            raise ConfigError(f"{source}: pipeline.sample_rate must be 8000 or 16000")
        if self.pipeline.frame_ms not in (10, 20, 30):
            raise ConfigError(f"{source}: pipeline.frame_ms must be 10, 20 or 30")
        if self.vad.aggressiveness not in (0, 1, 2, 3):
            raise ConfigError(f"{source}: vad.aggressiveness must be 0..3")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _apply(section: Any, values: dict[str, Any], where: str) -> None:
    known = {f.name: f for f in dataclasses.fields(section)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where} unknown key '{key}'")
        default = getattr(section, key)
        if isinstance(default, bool) != isinstance(value, bool) or (
            isinstance(default, (int, float)) and not isinstance(value, (int, float))
        ) or (isinstance(default, str) and not isinstance(value, str)):
            raise ConfigError(f"{where} '{key}' must be {type(default).__name__}, got {value!r}")
        setattr(section, key, type(default)(value) if isinstance(default, float) else value)
