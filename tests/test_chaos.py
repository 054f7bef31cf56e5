"""Chaos: an archive of 50 calls with bad files among the good, a run killed half-way, then two
runs at once on the same output folder. Every good call ends with exactly the events of a clean
run; every bad one is one line; nothing is torn, mixed or left half-written."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import ROOT, run_cli


def _archive(folder: Path, talkover_call: Path) -> tuple[list[str], list[str]]:
    """Writes the calls; returns the output names of the good and of the bad ones."""
    audio, rate_hz = sf.read(talkover_call, dtype="float32")
    good, bad = [], []
    for i in range(30):
        call = np.tile(audio, (1 + i % 2, 1))[:, :: 1 if i % 3 else -1]  # lengths and channel orders vary
        sf.write(folder / f"pcm{i:02d}.wav", call * (0.5 + 0.02 * i), rate_hz, subtype="PCM_16")
        good.append(f"pcm{i:02d}")
    for i in range(5):
        sf.write(folder / f"ulaw{i}.wav", audio[::2] * 0.8, rate_hz // 2, subtype="ULAW")
        good.append(f"ulaw{i}")
    for i in range(3):
        sf.write(folder / f"gsm{i}.wav", audio[::2, i % 2], 8000, subtype="GSM610")
        good.append(f"gsm{i}")
    for i in range(2):
        os.link(folder / "pcm00.wav", os.fsencode(folder) + f"/caf{i}".encode() + b"\xe9.wav")
        good.append(f"caf{i}\udce9")
    rng = np.random.default_rng(7)
    for i in range(3):
        (folder / f"corrupt{i}.wav").write_bytes(b"RIFF" + rng.bytes(5000))
        bad.append(f"corrupt{i}")
    for i in range(2):
        (folder / f"empty{i}.wav").write_bytes(b"")
        bad.append(f"empty{i}")
    for i in range(2):
        whole = (folder / "pcm00.wav").read_bytes()
        huge = whole[:40] + struct.pack("<I", 3 * 1024**3) + whole[44:]  # data chunk claims 3 GB
        (folder / f"hugeheader{i}.wav").write_bytes(huge)
        bad.append(f"hugeheader{i}")
    for i in range(2):
        with_nan = audio.copy()
        with_nan[rate_hz * (3 + i), 0] = np.nan
        sf.write(folder / f"nan{i}.wav", with_nan, rate_hz, subtype="FLOAT")
        bad.append(f"nan{i}")
    (folder / "notes.wav").write_text("not audio\n" * 100)
    bad.append("notes")
    return good, bad


def _popen(folder: Path, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "coolhead", "analyze", str(folder), "--out", str(out), "--no-stt", "--jobs", "2"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _no_process_left_writing(out: Path, timeout_s: float = 10.0) -> None:
    """The killed run's worker processes ended with it (none waits forever as an orphan)."""
    deadline = time.monotonic() + timeout_s
    while True:
        left = [p for p in Path("/proc").glob("[0-9]*") if str(out).encode() in _cmdline(p)]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not left, f"worker processes outlived the killed run: {left}"


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.slow
def test_kill_and_two_runs_at_once_end_with_every_good_call_as_a_clean_run_gives_it(
    tmp_path: Path, talkover_call: Path
) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    good, bad = _archive(folder, talkover_call)
    assert len(good) + len(bad) == 50
    clean = tmp_path / "clean"
    result = run_cli("analyze", str(folder), "--out", str(clean), "--no-stt", "--jobs", "2", timeout=600)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{len(good)} of 50 calls analysed, {len(bad)} failed" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("coolhead: error: ")]
    assert len(errors) == len(bad) and all(any(f"/{b}.wav: " in e for e in errors) for b in bad), errors

    out = tmp_path / "out"
    first = _popen(folder, out)
    deadline = time.monotonic() + 300
    while len(list(out.rglob("*.jsonl"))) < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    _no_process_left_writing(out)
    assert 10 <= len(list(out.rglob("*.jsonl"))) < len(good), "killed half-way"
    runs = [_popen(folder, out), _popen(folder, out)]
    outputs = [run.communicate(timeout=600) for run in runs]
    reported = set()
    for run, (_, stderr) in zip(runs, outputs):
        assert run.returncode == 1 and "Traceback" not in stderr, stderr
        errors = [line for line in stderr.splitlines() if line.startswith("coolhead: error: ")]
        reported |= {b for b in bad for e in errors if f"/{b}.wav: " in e}
        assert len(errors) <= len(bad)  # a bad call the other run was reading is left to it
    assert reported == set(bad)
    for name in good:
        for suffix in (".jsonl", ".rttm", ".html"):
            done, reference = out / (name + suffix), clean / (name + suffix)
            assert done.read_bytes() == reference.read_bytes(), f"{name}{suffix} differs from a clean run"
        assert not (out / (name + ".jsonl.partial")).exists()
    for name in bad:
        assert not (out / (name + ".jsonl")).exists()
    assert (out / "summary.csv").read_text().count("\n") == 51
