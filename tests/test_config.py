"""Settings: validated on load (one line per problem, never a traceback), every value the schema
accepts runs, and docs/config.md is generated from the schema."""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coolhead.config import Config, ConfigError
from coolhead.pipeline import Pipeline
from coolhead.run.feed import run_chunks
from scripts.config_docs import render
from tests.conftest import LIBRISPEECH, ROOT, run_cli

KEYS = [(s.name, f.name) for s in dataclasses.fields(Config) for f in dataclasses.fields(getattr(Config(), s.name))]


def test_docs_config_md_is_generated_from_the_schema() -> None:
    assert (ROOT / "docs" / "config.md").read_text(encoding="utf-8") == render(), (
        "docs/config.md is stale: python scripts/config_docs.py > docs/config.md"
    )


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[vad]\naggresiveness = 3\n", "[vad] unknown key 'aggresiveness' (did you mean 'aggressiveness'?)"),
        ("[cuess]\nx = 1\n", "unknown config section [cuess] (did you mean 'cues'?)"),
        ("[vad]\nstart_window_frames = 2.0\n", "[vad] start_window_frames: Input should be a valid integer"),
        ("[vad]\nhangover_s = nan\n", "[vad] hangover_s: Input should be a finite number"),
        ("[anger]\nsmoothing_s = inf\n", "[anger] smoothing_s: Input should be a finite number"),
        ("[cues]\nrestate_level = 1.5\n", "[cues] restate_level: Input should be less than or equal to 1"),
        ("[stt]\nbeam_size = 0\n", "[stt] beam_size: Input should be greater than or equal to 1"),
        ("[stt]\nlanguage = '../../etc'\n", "[stt] language: String should match pattern"),
        ("[ui]\nlanguage = 'xx'\n", "[ui] language: Input should be '', 'en', 'fa', 'ro' or 'sv'"),
        ("[pipeline]\nsample_rate = 44100\n", "[pipeline] sample_rate: Input should be 8000 or 16000"),
        ("[vad]\nnonspeech = 1\n", "[vad] nonspeech: Input should be a valid boolean"),
        ("[vad]\nstart_voiced_frames = 9\n", "[vad] start_voiced_frames cannot be more than start_window_frames"),
        ("[prosody]\nf0_min_hz = 500.0\n", "[prosody] f0_min_hz must be below f0_max_hz"),
        ("[vad]\nhangover_s = 0.01\n", "[vad] hangover_s: 0.01 s is shorter than one frame (0.03 s)"),
        ("vad = 3\n", "unknown config section [vad]"),
        ("[vad\n", "cannot read config"),
    ],
)
def test_each_bad_setting_is_one_line_naming_file_and_key(tmp_path: Path, toml: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        Config.load(path)
    [line] = str(caught.value).splitlines()
    assert line.startswith(f"{path}: ") and expected in line, line


def test_the_cli_lists_every_problem_and_runs_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[vad]\naggressiveness = 7\nhangover_s = -1.0\n[stt]\nthreads = 2.5\n")
    result = run_cli("analyze", str(ROOT / "samples" / "call3_smooth_turns.wav"), "--config", str(path))
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert len(lines) == 3 and all(line.startswith(f"coolhead: error: {path}: [") for line in lines), lines
    for path_like, words in (("/dev/zero", "not a regular file"), (str(tmp_path), "not a regular file")):
        result = run_cli("analyze", str(ROOT / "samples" / "call3_smooth_turns.wav"), "--config", path_like)
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


VALUES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 0.0, -1, 1, 1e-9, 1e9, 8000, 16000, 30, True, False, "", "en", "x" * 50]),
    st.text(max_size=12),
)


def _speech_call() -> np.ndarray:
    """4 s of two real talkers (LibriSpeech), the second starting over the first at 1.5 s."""
    clips = [sf.read(p, dtype="float32")[0] for p in sorted(LIBRISPEECH.rglob("*.flac"))[:2]]
    call = np.zeros((64000, 2), np.float32)
    call[:, 0] = clips[0][:64000]
    call[24000:, 1] = clips[1][:40000]
    return call


CALL = _speech_call()


@settings(
    max_examples=int(os.environ.get("COOLHEAD_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(KEYS), VALUES), min_size=1, max_size=4))
def test_any_settings_either_load_and_run_or_give_one_line_per_problem(tmp_path: Path, changes: list) -> None:
    """Generated settings files (random keys, numbers incl. NaN, inf, 0, negative, huge, strings):
    a settings file either loads, and then the pipeline runs on a call with it, or fails with
    ConfigError lines that name the file; no other exception, ever."""
    by_section: dict[str, dict[str, object]] = {}
    for (section, key), value in changes:
        by_section.setdefault(section, {})[key] = value
    text = "".join(
        f"[{section}]\n" + "".join(f"{key} = {_toml_value(v)}\n" for key, v in values.items())
        for section, values in by_section.items()
    )
    path = tmp_path / "generated.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        config = Config.load(path)
    except ConfigError as exc:
        assert all(line.startswith(f"{path}: ") for line in str(exc).splitlines()), str(exc)
        return
    config.stt.enabled = False
    rate_hz = config.pipeline.sample_rate
    audio = (soxr.resample(CALL, 16000, rate_hz) * 32767).astype(np.int16)
    run_chunks(Pipeline(config, ("agent", "customer")), _chunks(audio, rate_hz), lambda e: None)


def _chunks(audio: np.ndarray, rate_hz: int):  # type: ignore[no-untyped-def]
    from coolhead.audio.chunk import Chunk

    n = int(0.48 * rate_hz)
    for start in range(0, len(audio), n):
        block = audio[start : start + n]
        yield Chunk(start / rate_hz, {"agent": block[:, 0], "customer": block[:, 1]})


def _in_range(section: str, key: str) -> st.SearchStrategy:
    """Values the schema allows for one key, bounds included (strings are left out)."""
    import typing

    info = type(getattr(Config(), section)).__pydantic_fields__[key]  # type: ignore[attr-defined]
    if typing.get_origin(info.annotation) is typing.Literal:
        return st.sampled_from(typing.get_args(info.annotation))
    if info.annotation is bool:
        return st.booleans()
    bounds = {name: getattr(rule, name) for rule in info.metadata for name in ("ge", "gt", "le") if hasattr(rule, name)}
    low, high = bounds.get("ge", bounds.get("gt")), bounds["le"]
    if info.annotation is int:
        return st.integers(low, high)
    return st.one_of(
        st.floats(low, high, exclude_min="gt" in bounds),
        st.sampled_from([v for v in (low, high) if not ("gt" in bounds and v == low)]),
    )


NUMERIC_KEYS = [(s, k) for s, k in KEYS if k not in ("language", "model", "phrase_file")]


@settings(
    max_examples=int(os.environ.get("COOLHEAD_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.sampled_from(NUMERIC_KEYS), min_size=1, max_size=6, unique=True).flatmap(
        lambda keys: st.tuples(*(st.tuples(st.just(k), _in_range(*k)) for k in keys))
    )
)
def test_every_value_in_range_runs_the_pipeline(tmp_path: Path, changes: tuple) -> None:
    """Zero, the bounds and anything between, for any few keys at once: the pipeline runs."""
    test_any_settings_either_load_and_run_or_give_one_line_per_problem.hypothesis.inner_test(  # type: ignore[attr-defined]
        tmp_path, list(changes)
    )
