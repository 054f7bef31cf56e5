"""Fixtures for live tests: a private PulseAudio with null sinks, a real-speech call to play,
and ``coolhead listen`` run as a user would (a subprocess) against those devices."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import LIBRISPEECH, ROOT
from tests.live.calls import build_call
from tests.live.pulse import PrivatePulse, PulseUnavailable


@pytest.fixture(scope="session")
def played_call(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(stereo call, agent channel, customer channel) WAVs of real speech."""
    return build_call(LIBRISPEECH, tmp_path_factory.mktemp("live_call"))


def _pulse(tmp_path: Path, sinks: dict[str, int]) -> Iterator[PrivatePulse]:
    try:
        pulse = PrivatePulse(tmp_path / "pulse", sinks)
    except PulseUnavailable as exc:
        pytest.fail(f"{exc}: live tests need PulseAudio (.ci/run installs it)")
    with pulse:
        yield pulse


@pytest.fixture
def two_sinks(tmp_path: Path) -> Iterator[PrivatePulse]:
    """Null sinks ``agent`` and ``call`` (16 kHz mono): two capture devices."""
    yield from _pulse(tmp_path, {"agent": 1, "call": 1})


@pytest.fixture
def stereo_sink(tmp_path: Path) -> Iterator[PrivatePulse]:
    """One 16 kHz two-channel null sink ``line``: one capture device carrying both parties."""
    yield from _pulse(tmp_path, {"line": 2})


@pytest.fixture
def mono_sink(tmp_path: Path) -> Iterator[PrivatePulse]:
    """One 16 kHz mono null sink ``mix``: a device carrying both parties mixed (a recorder's tap)."""
    yield from _pulse(tmp_path, {"mix": 1})


@dataclass
class Listening:
    proc: subprocess.Popen
    stderr_path: Path
    stats_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout_s: float = 15.0) -> None:
        deadline = time.monotonic() + timeout_s
        while text not in self.stderr():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"listen never said {text!r}; stderr:\n{self.stderr()}")
            time.sleep(0.05)

    def stop(self, timeout_s: float = 30.0) -> int:
        """SIGINT, as ctrl-C would; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=timeout_s)
        finally:
            self.proc.kill()

    def stats(self) -> dict:
        return json.loads(self.stats_path.read_text(encoding="utf-8"))


def start_listen(
    pulse: PrivatePulse, tmp_path: Path, *args: str, env: dict | None = None, prefix: tuple[str, ...] = ()
) -> Listening:
    """``coolhead listen ARGS --stats ...`` in the background, on ``pulse``'s devices."""
    stderr_path, stats_path = tmp_path / "listen.stderr", tmp_path / "stats.json"
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-m", "coolhead.cli.main", "listen", *args, "--stats", str(stats_path)],
        cwd=ROOT,
        env={**pulse.env, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=open(stderr_path, "w", encoding="utf-8"),
    )
    return Listening(proc, stderr_path, stats_path)
