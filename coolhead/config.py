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
    min_level_dbfs: float = -65.0
    """Frames quieter than this are never speech..."""
    above_floor_db: float = 8.0
    """...nor frames less than this over the line's noise floor (the quietest frame of the last
    ``floor_window_s``)..."""
    floor_window_s: float = 3.0
    max_gate_dbfs: float = -55.0
    """...while a frame this loud always passes the level gate (webrtcvad still decides): on a
    quiet line a quiet talker is heard, on a noisy one nothing changes."""
    startup_s: float = 0.09
    """A stream's first frames are never speech: webrtcvad judges them against its initial noise
    model, not the line, and calls any sound over about -60 dBFS speech for 90 ms."""
    nonspeech: bool = True
    """Frames of tones, DTMF, music or noise bursts are never speech (pipeline/nonspeech.py)."""
    tone_min_peak_share: float = 0.99
    """A tone holds at least this share of the 300-3400 Hz power in its one or two peaks..."""
    tone_max_drift_hz: float = 3.0
    """...whose frequencies move less than this in 30 ms (a voice's harmonics move more)."""
    music_min_similarity: float = 0.95
    """Steady music: spectra 30 ms apart at least this alike (cosine, 0..1), partials within 0.7 Hz."""
    noise_above_floor_db: float = 10.0
    """A noise burst is at least this much louder than the line's noise floor."""
    nonspeech_hold_s: float = 1.0
    """After non-speech sound, frames back at the noise floor stay non-speech this long (webrtcvad
    takes a while to settle after a loud tone), unless speech over the floor comes first."""


@dataclass
class TurnsConfig:
    min_overlap_s: float = 0.33
    """Both voices sounding together this long make a talk-over an interruption: the other party
    was still mid-utterance, not finishing (a latch overlaps the end of a turn by < 0.25 s). One
    frame over the 0.3 s of the definition: webrtcvad hears the end of a phone-band turn ~0.1 s
    long, which made latches on phone lines reach 0.3 s."""
    bridge_s: float = 0.2
    """Gaps between syllables shorter than this still count as speaking for overlap."""
    resume_s: float = 0.8
    """A speaker who starts again within this long of their own last speech is resuming their
    turn: whoever started speaking in that pause is the one who talked over them."""


@dataclass
class ProsodyConfig:
    f0_min_hz: float = 60.0
    """Lowest F0 searched (Hz)."""
    f0_max_hz: float = 400.0
    """Highest F0 searched (Hz)."""
    f0_threshold: float = 0.25
    """A speech frame is voiced when YIN's normalised difference dips below this (0..1)."""
    nucleus_rise_db: float = 3.0
    """A syllable nucleus is a voice-band level peak this far above the valley before it..."""
    nucleus_fall_db: float = 2.0
    """...confirmed when the level falls this far below the peak."""
    interval_s: float = 0.5
    """One ``prosody`` and one ``anger`` event per this much of a speaker's speech."""
    window_s: float = 2.0
    """Each event summarises at most this much of the speaker's latest speech, in the current turn."""
    first_after_s: float = 1.0
    """The first window of a turn waits for this much of it (sentence onsets are not typical)."""
    min_voiced_frames: int = 5
    """Fewer voiced frames than this in a window: no F0 (``f0_hz`` null)."""


@dataclass
class LogisticWeights:
    """Bias and weights of a logistic score of the departures from a speaker's baseline (the
    anger level's defaults; ``RaisedVoiceConfig`` has its own)."""

    bias: float = -1.617
    """Logistic bias: the score with no departure from the baseline is 1/(1+e^-bias)."""
    w_loudness: float = 0.0677
    """Weight per dB of loudness above baseline."""
    w_f0: float = 0.3123
    """Weight per semitone of median F0 above baseline."""
    w_f0_range: float = 0.0
    """Weight per semitone of F0 range (10th-90th percentile) above baseline."""
    w_tilt: float = 0.3144
    """Weight per dB of spectral tilt above baseline (flatter spectrum = more vocal effort)."""
    w_rate: float = 0.2181
    """Weight per syllable/s of speaking rate above baseline."""
    w_flux: float = 10.95
    """Weight per unit of spectral flux (0..2, frame to frame) above baseline."""


@dataclass
class AngerConfig(LogisticWeights):
    """Speaker-adaptive anger level: logistic score of departures from the speaker's baseline.

    The weights were fitted on the tuning speakers of two corpora and languages (RAVDESS English,
    nEMO Polish), every condition weighing the same: clean, telephone + AGC, level-normalised,
    +6 dB effort (scripts/fit_anger.py, docs/anger.md); departures are clipped to +-``*_cap``
    first. Loudness weighs little: after a phone network's gain control it says little.
    """

    baseline_percentile: float = 50.0
    """Baseline = this percentile of the speaker's past (mostly calm) windows."""
    baseline_windows: int = 240
    """Past windows kept for the baseline (2 minutes of speech at 0.5 s per window)."""
    aroused_level: float = 0.7
    """At or above this level a speaker counts as aroused (feeds ``restate``)..."""
    aroused_admit_every: int = 4
    """...and only every n-th aroused window may enter the baseline, so anger never becomes it."""
    tilt_prior_db: float = -10.0
    """Spectral tilt of calm speech across speakers, 300-3400 Hz (median of the tuning speakers'
    calm windows: RAVDESS -11.0 clean / -9.7 phone, nEMO -11.3 / -10.4)..."""
    tilt_prior_windows: float = 6.0
    """...which weighs as much as this many of the speaker's own windows in their tilt baseline."""
    smoothing_s: float = 2.0
    """Time constant (seconds of the speaker's speech) over which window scores are smoothed."""
    loudness_cap_db: float = 15.0
    f0_cap_st: float = 10.0
    f0_range_cap_st: float = 10.0
    tilt_cap_db: float = 10.0
    rate_cap_sps: float = 4.0
    flux_cap: float = 0.15


@dataclass
class RaisedVoiceConfig(LogisticWeights):
    """How clearly a speaker's voice is raised above their own baseline: a second logistic score
    of the same (clipped) departures, which ``lower_voice`` listens to for the agent.

    Fitted on the agents' windows of the same tuning calls as the anger level (scripts/fit_anger.py
    --role agent, docs/anger.md): pitch, vocal effort (tilt, spectral flux) and rate carry it,
    loudness little, so a raised voice is heard after a phone line's gain control too.
    """

    raised_level: float = 0.95
    """At or above this score the voice counts as raised."""
    smoothing_s: float = 1.5
    """Time constant (seconds of the speaker's speech) over which window scores are smoothed
    (shorter than the anger level's: a raised voice is told while it is still raised)."""
    bias: float = -2.265
    w_loudness: float = 0.0715
    w_f0: float = 0.3652
    w_f0_range: float = 0.0
    w_tilt: float = 0.3024
    w_rate: float = 0.2328
    w_flux: float = 15.88


@dataclass
class SttConfig:
    enabled: bool = True
    """Transcribe speech (``--no-stt`` turns it off); off anyway when no model is found."""
    language: str = "en"
    """Language of the calls: picks the model and the phrase list (``en``, ``ko``, ``fa``, ...)."""
    model: str = ""
    """A model's path or installed name (``whisper-base``); empty: the fastest installed model for
    ``language`` (docs/stt.md)."""
    beam_size: int = 5
    """Whisper's beam width (1: greedy; 5 is 1-4 WER points better, about 1.3x slower)."""
    threads: int = 1
    """CPU threads per Whisper model (one per core is the batch default: calls run in parallel)."""
    feed_s: float = 0.3
    """Speech is handed to the streaming recognizer in blocks of this length."""
    phrase_file: str = ""
    """Extra phrase rules (TOML, format as coolhead/phrases/en.toml) added to the shipped list."""
    phrase_cooldown_s: float = 20.0
    """The same phrase rule raises its cue at most once per this many seconds."""


@dataclass
class CuesConfig:
    pause_cooldown_s: float = 2.0
    """At most one ``pause`` cue per this many seconds (one per talk-over in any case): each new
    talk-over is told, unless it follows the last cue so closely that the agent is still reading it."""
    lower_voice_min_s: float = 1.0
    """``lower_voice`` when the agent's voice has stayed raised (``raised_voice.raised_level``)
    this long (s of speech)..."""
    lower_voice_min_s_customer_upset: float = 0.5
    """...or this long while the customer is aroused too (the agent is answering anger with anger)..."""
    lower_voice_cooldown_s: float = 30.0
    """...at most once per raised stretch and once per this many seconds."""
    restate_level: float = 0.9
    """A customer turn is heated when its anger level reaches at least this..."""
    restate_min_speech_s: float = 1.0
    """...and it held at least this much speech at or above ``anger.aroused_level``; ``restate``
    as soon as the first turn of a heated run is heated (not waiting for it to end)..."""
    restate_cooldown_s: float = 10.0
    """...at most once per this many seconds."""
    transfer_heated_turns: int = 3
    """``transfer`` after this many more heated customer turns in a row after a ``restate``..."""
    transfer_min_s: float = 30.0
    """...at least this long after the first ``restate``..."""
    transfer_cooldown_s: float = 120.0
    """...and at most once per this many seconds."""


@dataclass
class UiConfig:
    language: str = ""
    """Language of the cue window: ``en``, ``fa``, ``ro``, ``sv``; empty: the system locale, else English."""
    cue_visible_s: float = 4.0
    """A cue stays on screen this long, then fades out."""


@dataclass
class Config:
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    vad: VadConfig = field(default_factory=VadConfig)
    turns: TurnsConfig = field(default_factory=TurnsConfig)
    cues: CuesConfig = field(default_factory=CuesConfig)
    stt: SttConfig = field(default_factory=SttConfig)
    prosody: ProsodyConfig = field(default_factory=ProsodyConfig)
    anger: AngerConfig = field(default_factory=AngerConfig)
    raised_voice: RaisedVoiceConfig = field(default_factory=RaisedVoiceConfig)
    ui: UiConfig = field(default_factory=UiConfig)

    @classmethod
    def load(cls, path: str | Path | None) -> Config:
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
        if (
            isinstance(default, bool) != isinstance(value, bool)
            or (isinstance(default, (int, float)) and not isinstance(value, (int, float)))
            or (isinstance(default, str) and not isinstance(value, str))
        ):
            raise ConfigError(f"{where} '{key}' must be {type(default).__name__}, got {value!r}")
        setattr(section, key, type(default)(value) if isinstance(default, float) else value)
