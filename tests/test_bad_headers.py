"""Generated bad inputs: WAV headers with every field forged (codec, channels, rates, sizes, bit
depths), byte flips and cuts of a good file. Each is analysed or rejected in one line naming the
file; nothing else ever happens (no traceback, no hang, no unbounded read)."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coolhead.config import Config
from coolhead.run.batch import CallOutputs, RunSettings, analyse_call
from coolhead.run.sources import CallSource
from tests.conftest import run_cli

EXAMPLES = int(os.environ.get("COOLHEAD_HYPOTHESIS_EXAMPLES", "200"))
RATES = st.one_of(st.sampled_from([0, 1, 7999, 8000, 16000, 44100, 2**31 - 1, 2**32 - 1]), st.integers(0, 2**32 - 1))
U16 = st.integers(0, 2**16 - 1)
U32 = st.integers(0, 2**32 - 1)


def wav_bytes(
    tag: int, channels: int, rate: int, byte_rate: int, align: int, bits: int, declared: int, data: bytes
) -> bytes:
    fmt = struct.pack("<HHIIHH", tag, channels, rate, byte_rate, align, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", declared) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


HEADERS = st.builds(
    wav_bytes,
    tag=st.one_of(st.sampled_from([1, 3, 6, 7, 0x11, 0x31, 0x55, 0xFFFE]), U16),
    channels=st.one_of(st.integers(0, 3), U16),
    rate=RATES,
    byte_rate=st.one_of(st.just(32000), U32),
    align=st.one_of(st.sampled_from([1, 2, 4]), U16),
    bits=st.one_of(st.sampled_from([0, 8, 16, 24, 32, 64]), U16),
    declared=st.one_of(st.sampled_from([0, 1, 3000, 2**31, 2**32 - 1]), U32),
    data=st.binary(max_size=6000),
)


def _good_wav() -> bytes:
    t = np.arange(16000 * 2) / 16000
    voice = 0.3 * np.sin(2 * np.pi * (140 + 30 * np.sin(2 * np.pi * 3 * t)) * t)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"coolhead-good-{os.getpid()}.wav"
    sf.write(path, np.stack([voice, voice[::-1]], axis=1), 16000, subtype="PCM_16")
    data = path.read_bytes()
    path.unlink()
    return data


GOOD = _good_wav()
MANGLED = st.one_of(
    st.integers(0, len(GOOD)).map(lambda n: GOOD[:n]),  # cut anywhere
    st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
        lambda flips: bytes(_flipped(GOOD, flips))
    ),
)


def _flipped(data: bytes, flips: list[tuple[int, int]]) -> bytearray:
    out = bytearray(data)
    for at, value in flips:
        out[at] = value
    return out


def _check(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "generated.wav"
    path.write_bytes(content)
    config = Config()
    config.stt.enabled = False
    result = analyse_call(
        CallSource(str(path), Path("generated")), CallOutputs(tmp_path / "g.jsonl"), RunSettings(config)
    )
    assert result.status in ("done", "failed")
    if result.status == "failed":
        assert "\n" not in result.error and result.error.startswith(f"{path}: "), result.error
        assert ": internal error: " not in result.error, result.error  # a coolhead bug, not a bad file


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(HEADERS)
def test_forged_headers_are_analysed_or_one_line(tmp_path: Path, content: bytes) -> None:
    _check(tmp_path, content)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MANGLED)
def test_cut_and_flipped_files_are_analysed_or_one_line(tmp_path: Path, content: bytes) -> None:
    _check(tmp_path, content)


def test_a_folder_of_generated_bad_files_through_the_cli(tmp_path: Path) -> None:
    """The same kind of files, 40 at once, through the real command: one line each, the batch goes on."""
    folder = tmp_path / "calls"
    folder.mkdir()
    rng = np.random.default_rng(3)
    for i in range(40):
        content = bytearray(GOOD[: int(rng.integers(0, len(GOOD)))] if i % 2 else GOOD)
        for at in rng.integers(0, min(len(content), 64), size=int(rng.integers(1, 6))):
            content[at] = int(rng.integers(0, 256))
        (folder / f"g{i:02d}.wav").write_bytes(bytes(content))
    result = run_cli("analyze", str(folder), "--out", str(tmp_path / "out"), "--no-stt", "--quiet", timeout=300)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("coolhead: error: ")]
    assert all(": internal error: " not in e for e in errors), errors
    assert f"{40 - len(errors)} of 40 calls analysed, {len(errors)} failed" in result.stdout
