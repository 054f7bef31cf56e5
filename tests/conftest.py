"""Shared fixtures: paths to real speech and a small two-party call built from it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
LIBRISPEECH = ROOT / "tests" / "data" / "librispeech"
"""Eight LibriSpeech utterances shipped with the tests (CC BY 4.0, tests/data/README.md)."""


def need_shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"real speech not present at {SHARED_DATA}: CI must have ../shared/data")
        pytest.skip(f"real speech not present at {SHARED_DATA} (CI always has it, and fails without it)")
    return SHARED_DATA


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the ``coolhead`` command in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "coolhead.cli.main", *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


LIVE_TESTS = ROOT / "tests" / "live"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marker ``live`` (pyproject.toml) for everything in tests/live (real devices, real time)."""
    for item in items:
        if LIVE_TESTS in item.path.parents:
            item.add_marker(pytest.mark.live)


@pytest.fixture(scope="session")
def two_voices_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live tests' 30 s stereo call of real speech between two different voices
    (tests/live/calls.py): the agent talks over the customer at 6.0 s and 19.5 s, the customer
    cuts in at 25.2 s."""
    from tests.live.calls import build_call

    return build_call(LIBRISPEECH, tmp_path_factory.mktemp("two_voices"))[0]


@pytest.fixture(scope="session")
def talkover_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 16 kHz stereo call of real speech: the customer talks, the agent cuts in for real
    (> 1 s of overlap), later the customer latches on briefly with a word."""
    clips = sorted(LIBRISPEECH.rglob("1089-*.flac"))
    customer, rate_hz = sf.read(clips[0], dtype="float32")  # 10.4 s of continuous reading
    agent, _ = sf.read(clips[1], dtype="float32")
    n = int(30 * rate_hz)
    call = np.zeros((n, 2), np.float32)
    call[int(0.5 * rate_hz) : int(0.5 * rate_hz) + len(customer), 1] = customer
    agent_at = int(6.0 * rate_hz)
    call[agent_at : agent_at + len(agent), 0] = agent[: n - agent_at]
    path = tmp_path_factory.mktemp("calls") / "talkover.wav"
    sf.write(path, call, rate_hz, subtype="PCM_16")
    return path


# Generated inputs (hypothesis): the same examples on every CI run, new ones on developers' runs.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
