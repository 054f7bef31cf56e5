"""Pipeline settings, read from a TOML file over documented defaults (docs/config.md, generated
from this module by ``scripts/config_docs.py``).

Each section is a dataclass, validated by pydantic: a TOML table of the same name overrides its
fields::

    [vad]
    aggressiveness = 3

Types are strict (no float in an integer field, no string for a number), numbers finite and in
range, related settings consistent; unknown sections or keys are errors with a did-you-mean, so a
typo never silently falls back to a default. Every problem is one line naming the file and key.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from dataclasses import field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from coolhead.small_files import NotASmallFile, read_small

MAX_CONFIG_BYTES = 1 << 20
"""A settings file is a page a person edits, never more than this."""

SECTION = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
"""Every section: unknown keys refused, types strict, numbers finite."""


def _between(low: float, high: float, *, above: bool = False) -> Any:
    """A number in [low, high] (``above``: low excluded)."""
    return Field(gt=low, le=high) if above else Field(ge=low, le=high)


Seconds = Annotated[float, _between(0.0, 3600.0)]
PositiveSeconds = Annotated[float, _between(0.0, 3600.0, above=True)]
Share = Annotated[float, _between(0.0, 1.0)]
Decibels = Annotated[float, _between(0.0, 60.0)]
Dbfs = Annotated[float, _between(-120.0, 0.0)]
Weight = Annotated[float, _between(-1000.0, 1000.0)]


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the problem (one line
    per problem)."""


@dataclass(config=SECTION)
class PipelineConfig:
    sample_rate: Literal[8000, 16000] = 16000
    """Rate (Hz) every stream is resampled to once on the way in: 8000 or 16000."""
    frame_ms: Literal[10, 20, 30] = 30
    """Analysis frame (ms): webrtcvad accepts 10, 20 or 30."""


@dataclass(config=SECTION)
class VadConfig:
    aggressiveness: Literal[0, 1, 2, 3] = 2
    """webrtcvad mode 0 (least) .. 3 (most aggressive at rejecting non-speech)."""
    start_window_frames: Annotated[int, _between(1, 100)] = 5
    """Speech starts when ``start_voiced_frames`` of the last ``start_window_frames`` are voiced..."""
    start_voiced_frames: Annotated[int, _between(1, 100)] = 3
    """...so a single click never opens a segment."""
    hangover_s: Annotated[float, _between(0.0, 10.0, above=True)] = 0.45
    """Speech ends after this much unvoiced audio, so a breath does not split a turn."""
    min_level_dbfs: Dbfs = -65.0
    """Frames quieter than this are never speech..."""
    above_floor_db: Decibels = 8.0
    """...nor frames less than this over the line's noise floor (the quietest frame of the last
    ``floor_window_s``)..."""
    floor_window_s: Annotated[float, _between(0.0, 60.0, above=True)] = 3.0
    """...how far back the noise floor looks."""
    max_gate_dbfs: Dbfs = -55.0
    """...while a frame this loud always passes the level gate (webrtcvad still decides): on a
    quiet line a quiet talker is heard, on a noisy one nothing changes."""
    startup_s: Annotated[float, _between(0.0, 10.0)] = 0.09
    """A stream's first frames are never speech: webrtcvad judges them against its initial noise
    model, not the line, and calls any sound over about -60 dBFS speech for 90 ms."""
    nonspeech: bool = True
    """Frames of tones, DTMF, music or noise bursts are never speech (pipeline/nonspeech.py)."""
    tone_min_peak_share: Annotated[float, _between(0.0, 1.0, above=True)] = 0.99
    """A tone holds at least this share of the 300-3400 Hz power in its one or two peaks..."""
    tone_max_drift_hz: Annotated[float, _between(0.0, 1000.0, above=True)] = 3.0
    """...whose frequencies move less than this in 30 ms (a voice's harmonics move more)."""
    music_min_similarity: Annotated[float, _between(0.0, 1.0, above=True)] = 0.95
    """Steady music: spectra 30 ms apart at least this alike (cosine, 0..1), partials within 0.7 Hz."""
    noise_above_floor_db: Decibels = 10.0
    """A noise burst is at least this much louder than the line's noise floor."""
    nonspeech_hold_s: Annotated[float, _between(0.0, 60.0)] = 1.0
    """After non-speech sound, frames back at the noise floor stay non-speech this long (webrtcvad
    takes a while to settle after a loud tone), unless speech over the floor comes first."""

    @model_validator(mode="after")
    def _start_rule(self) -> VadConfig:
        if self.start_voiced_frames > self.start_window_frames:
            raise ValueError("start_voiced_frames cannot be more than start_window_frames")
        return self


@dataclass(config=SECTION)
class TurnsConfig:
    min_overlap_s: Annotated[float, _between(0.0, 10.0, above=True)] = 0.33
    """Both voices sounding together this long make a talk-over an interruption: the other party
    was still mid-utterance, not finishing (a latch overlaps the end of a turn by < 0.25 s). One
    frame over the 0.3 s of the definition: webrtcvad hears the end of a phone-band turn ~0.1 s
    long, which made latches on phone lines reach 0.3 s."""
    bridge_s: Annotated[float, _between(0.0, 5.0)] = 0.2
    """Gaps between syllables shorter than this still count as speaking for overlap."""
    resume_s: Annotated[float, _between(0.0, 30.0)] = 0.8
    """A speaker who starts again within this long of their own last speech is resuming their
    turn: whoever started speaking in that pause is the one who talked over them."""


@dataclass(config=SECTION)
class ProsodyConfig:
    f0_min_hz: Annotated[float, _between(30.0, 1000.0)] = 60.0
    """Lowest F0 searched (Hz); two periods must fit the 60 ms F0 window."""
    f0_max_hz: Annotated[float, _between(40.0, 1500.0)] = 400.0
    """Highest F0 searched (Hz)."""
    f0_threshold: Annotated[float, _between(0.0, 1.0, above=True)] = 0.25
    """A speech frame is voiced when YIN's normalised difference dips below this (0..1)."""
    nucleus_rise_db: Annotated[float, _between(0.0, 40.0, above=True)] = 3.0
    """A syllable nucleus is a voice-band level peak this far above the valley before it..."""
    nucleus_fall_db: Annotated[float, _between(0.0, 40.0, above=True)] = 2.0
    """...confirmed when the level falls this far below the peak."""
    interval_s: Annotated[float, _between(0.0, 60.0, above=True)] = 0.5
    """One ``prosody`` and one ``anger`` event per this much of a speaker's speech."""
    window_s: Annotated[float, _between(0.0, 60.0, above=True)] = 2.0
    """Each event summarises at most this much of the speaker's latest speech, in the current turn."""
    first_after_s: Annotated[float, _between(0.0, 60.0)] = 1.0
    """The first window of a turn waits for this much of it (sentence onsets are not typical)."""
    min_voiced_frames: Annotated[int, _between(1, 1000)] = 5
    """Fewer voiced frames than this in a window: no F0 (``f0_hz`` null)."""

    @model_validator(mode="after")
    def _ranges(self) -> ProsodyConfig:
        if self.f0_min_hz >= self.f0_max_hz:
            raise ValueError("f0_min_hz must be below f0_max_hz")
        if self.first_after_s > self.window_s:
            raise ValueError("first_after_s cannot be longer than window_s")
        return self


@dataclass(config=SECTION)
class LogisticWeights:
    """Bias and weights of a logistic score of the departures from a speaker's baseline (the
    anger level's defaults; ``RaisedVoiceConfig`` has its own)."""

    bias: Weight = -1.617
    """Logistic bias: the score with no departure from the baseline is 1/(1+e^-bias)."""
    w_loudness: Weight = 0.0677
    """Weight per dB of loudness above baseline."""
    w_f0: Weight = 0.3123
    """Weight per semitone of median F0 above baseline."""
    w_f0_range: Weight = 0.0
    """Weight per semitone of F0 range (10th-90th percentile) above baseline."""
    w_tilt: Weight = 0.3144
    """Weight per dB of spectral tilt above baseline (flatter spectrum = more vocal effort)."""
    w_rate: Weight = 0.2181
    """Weight per syllable/s of speaking rate above baseline."""
    w_flux: Weight = 10.95
    """Weight per unit of spectral flux (0..2, frame to frame) above baseline."""


@dataclass(config=SECTION)
class AngerConfig(LogisticWeights):
    """Speaker-adaptive anger level: logistic score of departures from the speaker's baseline.

    The weights were fitted on the tuning speakers of two corpora and languages (RAVDESS English,
    nEMO Polish), every condition weighing the same: clean, telephone + AGC, level-normalised,
    +6 dB effort (scripts/fit_anger.py, docs/anger.md); departures are clipped to +-``*_cap``
    first. Loudness weighs little: after a phone network's gain control it says little.
    """

    baseline_percentile: Annotated[float, _between(0.0, 100.0)] = 50.0
    """Baseline = this percentile of the speaker's past (mostly calm) windows."""
    baseline_windows: Annotated[int, _between(1, 100_000)] = 240
    """Past windows kept for the baseline (2 minutes of speech at 0.5 s per window)."""
    aroused_level: Share = 0.7
    """At or above this level a speaker counts as aroused (feeds ``restate``)..."""
    aroused_admit_every: Annotated[int, _between(1, 1000)] = 4
    """...and only every n-th aroused window may enter the baseline, so anger never becomes it."""
    tilt_prior_db: Annotated[float, _between(-60.0, 60.0)] = -10.0
    """Spectral tilt of calm speech across speakers, 300-3400 Hz (median of the tuning speakers'
    calm windows: RAVDESS -11.0 clean / -9.7 phone, nEMO -11.3 / -10.4)..."""
    tilt_prior_windows: Annotated[float, _between(0.0, 10_000.0)] = 6.0
    """...which weighs as much as this many of the speaker's own windows in their tilt baseline."""
    smoothing_s: Annotated[float, _between(0.0, 600.0)] = 2.0
    """Time constant (seconds of the speaker's speech) over which window scores are smoothed."""
    rise_level: Share = 0.7
    """A window has *risen* when its level is at least this..."""
    rise_spreads: Annotated[float, _between(0.0, 100.0, above=True)] = 2.5
    """...and its (smoothed) log-odds stand this many spreads above the median of the speaker's
    earlier windows in the call (spread: 1.4826 x their median absolute deviation): anger judged
    against the speaker's own usual level, so a speaker whose anger scores lower than another's
    is still heard, and a lively one is not taken for angry..."""
    rise_min_spread: Annotated[float, _between(0.0, 100.0, above=True)] = 0.5
    """...with a spread of at least this (log-odds)..."""
    rise_min_windows: Annotated[int, _between(1, 100_000)] = 6
    """...once the speaker has this many earlier windows."""
    loudness_cap_db: Annotated[float, _between(0.0, 100.0, above=True)] = 15.0
    f0_cap_st: Annotated[float, _between(0.0, 100.0, above=True)] = 10.0
    f0_range_cap_st: Annotated[float, _between(0.0, 100.0, above=True)] = 10.0
    tilt_cap_db: Annotated[float, _between(0.0, 100.0, above=True)] = 10.0
    rate_cap_sps: Annotated[float, _between(0.0, 100.0, above=True)] = 4.0
    flux_cap: Annotated[float, _between(0.0, 2.0, above=True)] = 0.15


@dataclass(config=SECTION)
class RaisedVoiceConfig(LogisticWeights):
    """How clearly a speaker's voice is raised above their own baseline: a second logistic score
    of the same (clipped) departures, which ``lower_voice`` listens to for the agent.

    Fitted on the agents' windows of the same tuning calls as the anger level (scripts/fit_anger.py
    --role agent, docs/anger.md): pitch, vocal effort (tilt, spectral flux) and rate carry it,
    loudness little, so a raised voice is heard after a phone line's gain control too.
    """

    raised_level: Share = 0.95
    """At or above this score the voice counts as raised..."""
    rise_level: Share = 0.5
    """...and so it does at or above this score when the score's log-odds also stand
    ``rise_spreads`` spreads above the median of the speaker's earlier windows (as
    ``anger.rise_spreads``): a voice raised well above the agent's own usual..."""
    rise_spreads: Annotated[float, _between(0.0, 100.0, above=True)] = 4.0
    rise_min_spread: Annotated[float, _between(0.0, 100.0, above=True)] = 1.0
    """...with a spread of at least this (log-odds)..."""
    rise_min_windows: Annotated[int, _between(1, 100_000)] = 20
    """...once the speaker has this many earlier windows (10 s of speech)."""
    smoothing_s: Annotated[float, _between(0.0, 600.0)] = 1.5
    """Time constant (seconds of the speaker's speech) over which window scores are smoothed
    (shorter than the anger level's: a raised voice is told while it is still raised)."""
    bias: Weight = -2.265
    w_loudness: Weight = 0.0715
    w_f0: Weight = 0.3652
    w_f0_range: Weight = 0.0
    w_tilt: Weight = 0.3024
    w_rate: Weight = 0.2328
    w_flux: Weight = 15.88


@dataclass(config=SECTION)
class SttConfig:
    enabled: bool = True
    """Transcribe speech (``--no-stt`` turns it off); off anyway, with a one-line note, when no model
    is found."""
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"
    """Language of the calls (``--lang``): picks the model (English: Whisper tiny.en; other Whisper
    languages: Whisper base) and the phrase list (``en``, ``fa``, ``ro``, ``sv``, ``ko``); a code
    no model can transcribe is refused."""
    model: Annotated[str, Field(max_length=4096)] = ""
    """A vosk model or Whisper CTranslate2 directory, or an installed model's name (``whisper-base``);
    after ``--model`` and ``COOLHEAD_STT_MODEL``, before installed packages and the cache; empty:
    the fastest installed model for ``language`` (docs/stt.md)."""
    beam_size: Annotated[int, _between(1, 20)] = 5
    """Whisper's beam width (1: greedy; 5 is 1-4 WER points better, about 1.3x slower)."""
    threads: Annotated[int, _between(1, 64)] = 1
    """CPU threads per Whisper model (one per core is the batch default: calls run in parallel)."""
    feed_s: Annotated[float, _between(0.0, 10.0, above=True)] = 0.3
    """Speech is handed to the streaming recognizer in blocks of this length."""
    phrase_file: Annotated[str, Field(max_length=4096)] = ""
    """Extra phrase rules (TOML, format as coolhead/phrases/en.toml) added to the shipped list."""
    phrase_cooldown_s: Seconds = 20.0
    """The same phrase rule raises its cue at most once per this many seconds."""


@dataclass(config=SECTION)
class CuesConfig:
    pause_cooldown_s: Seconds = 2.0
    """At most one ``pause`` cue per this many seconds (one per talk-over in any case): each new
    talk-over is told, unless it follows the last cue so closely that the agent is still reading it."""
    lower_voice_min_s: PositiveSeconds = 0.5
    """``lower_voice`` when the agent's voice has stayed raised (``raised_voice.raised_level``)
    this long (s of speech)..."""
    lower_voice_min_s_customer_upset: PositiveSeconds = 0.5
    """...or this long while the customer is aroused too (the agent is answering anger with anger)..."""
    lower_voice_cooldown_s: Seconds = 30.0
    """...at most once per raised stretch and once per this many seconds."""
    restate_level: Share = 0.9
    """A customer turn is heated when its anger level reaches at least this..."""
    restate_min_speech_s: Seconds = 1.0
    """...and it held at least this much speech at or above ``anger.aroused_level``; or when it
    held this much speech that has *risen* above the customer's own usual level
    (``anger.rise_spreads``). ``restate`` as soon as the first turn of a heated run is heated
    (not waiting for it to end)..."""
    restate_cooldown_s: Seconds = 10.0
    """...at most once per this many seconds."""
    transfer_heated_turns: Annotated[int, _between(1, 1000)] = 3
    """``transfer`` after this many more heated customer turns in a row after a ``restate``..."""
    transfer_min_s: Seconds = 30.0
    """...at least this long after the first ``restate``..."""
    transfer_cooldown_s: Seconds = 120.0
    """...and at most once per this many seconds."""

    @model_validator(mode="after")
    def _upset_sooner(self) -> CuesConfig:
        if self.lower_voice_min_s_customer_upset > self.lower_voice_min_s:
            raise ValueError("lower_voice_min_s_customer_upset cannot be longer than lower_voice_min_s")
        return self


@dataclass(config=SECTION)
class UiConfig:
    language: Literal["", "en", "fa", "ro", "sv"] = ""
    """Language of the cue window (``coolhead listen``): ``en``, ``fa``, ``ro``, ``sv``; empty: the
    system locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English.
    ``--ui-language`` overrides it."""
    cue_visible_s: Annotated[float, _between(0.0, 600.0, above=True)] = 4.0
    """A cue stays on screen this long, then fades out."""


@dataclass(config=SECTION)
class MonoConfig:
    separate: bool = True
    """Split a mono recording into its two speakers (coolhead's speaker-segmentation model, the
    ``mono`` extra) and analyse them like a stereo call. Off, or without the extra: one mixed
    stream, with no interruptions by side, no anger level and no cues."""
    agent_is: Literal["first", "second"] = "first"
    """Which speaker of a mono call is the agent: ``first`` heard (an agent answering with a
    greeting) or ``second`` (calls the agent places). ``--agent-is`` overrides it."""
    hop_s: Annotated[float, _between(0.1, 2.0)] = 0.5
    """The model scores the last window of audio every this much of new audio."""
    lookahead_s: Annotated[float, _between(0.1, 3.0)] = 1.45
    """How far past a moment the model hears before deciding who spoke then; a sample waits at
    most ``hop_s`` + ``lookahead_s`` (plus one model frame) to be decided."""
    model: str = ""
    """Path of another segmentation model (``.onnx`` with its ``.json``); empty: the shipped one."""


@dataclass(config=SECTION)
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
    mono: MonoConfig = field(default_factory=MonoConfig)

    @classmethod
    def load(cls, path: str | Path | None) -> Config:
        """Defaults, overridden by the TOML file at ``path`` when one is given; ``ConfigError``
        with every problem found, one line each."""
        if path is None:
            return cls()
        path = Path(path)
        try:
            data = tomllib.loads(read_small(path, MAX_CONFIG_BYTES).decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, NotASmallFile) as exc:
            raise ConfigError(f"{path}: cannot read config: {getattr(exc, 'strerror', None) or exc}") from None
        defaults = cls()
        sections, problems = {}, []
        for name, values in data.items():
            if not dataclasses.is_dataclass(getattr(defaults, name, None)) or not isinstance(values, dict):
                problems.append(f"{path}: unknown config section [{name}]{_did_you_mean(name, _names(defaults))}")
                continue
            section_type = type(getattr(defaults, name))
            try:
                sections[name] = section_type(**values)
            except ValidationError as exc:
                problems += [_problem(path, name, section_type, error) for error in exc.errors()]
        if not problems:
            config = cls(**sections)
            problems = [f"{path}: {problem}" for problem in config.problems()]
        if problems:
            raise ConfigError("\n".join(problems))
        return config

    def problems(self) -> list[str]:
        """Rules across sections that the settings break."""
        out = []
        frame_s = self.pipeline.frame_ms / 1000
        if self.vad.hangover_s < frame_s:
            out.append(f"[vad] hangover_s: {self.vad.hangover_s} s is shorter than one frame ({frame_s} s)")
        return out

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _names(instance: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(instance)]


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"


def _problem(path: Path, section: str, section_type: type, error: Any) -> str:
    """One line for one pydantic error: file, section, key, what is wrong, what was given."""
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "unexpected_keyword_argument":
        return f"{path}: [{section}] unknown key '{key}'{_did_you_mean(key, _names(section_type))}"
    message = error["msg"].removeprefix("Value error, ")
    where = f"{key}: " if key else ""
    given = f" (got {error['input']!r})" if key else ""
    return f"{path}: [{section}] {where}{message}{given}"
