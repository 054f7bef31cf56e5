"""Batch replay: every output per call, the batch table, resume after a kill, RTTM that
pyannote reads, and the same results on a real Dask cluster as on local processes."""

from __future__ import annotations

import csv
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from coolhead.report.summary import summarise
from coolhead.sinks.jsonl import read_events
from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, talkover_call: Path) -> Path:
    """Six calls in two folders; longer ones repeat the talk-over call."""
    audio, rate_hz = sf.read(talkover_call, dtype="float32")
    folder = tmp_path_factory.mktemp("archive")
    for i in range(6):
        sub = folder / ("monday" if i < 3 else "tuesday")
        sub.mkdir(exist_ok=True)
        sf.write(sub / f"call{i}.wav", np.tile(audio, (1 + i % 3, 1)), rate_hz, subtype="PCM_16")
    return folder


def _analyze(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    result = run_cli("analyze", *args, "--no-stt", timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_a_batch_writes_events_rttm_and_report_per_call_and_a_summary(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _analyze(str(archive), "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert "6 of 6 calls analysed, 0 failed" in result.stdout
    names = [f"{day}/call{i}" for i, day in enumerate(["monday"] * 3 + ["tuesday"] * 3)]
    for name in names:
        for suffix in (".jsonl", ".rttm", ".html"):
            assert (out / (name + suffix)).is_file(), name + suffix
        assert name in result.stdout  # the end-of-run summary has a line per call
    with open(out / "summary.csv", newline="") as f:
        rows = {row["call"]: row for row in csv.DictReader(f)}
    assert sorted(rows) == names
    for name, row in rows.items():
        repeats = 1 + int(name[-1]) % 3
        assert row["status"] == "ok" and int(row["interruptions_by_agent"]) == repeats
        assert float(row["duration_s"]) == pytest.approx(30.0 * repeats)
        assert int(row["cues_pause"]) >= 1
    index = (out / "index.html").read_text()
    assert all(f'href="{name}.html"' in index for name in names)


def test_rttm_is_read_by_pyannote_and_matches_the_events(archive: Path, tmp_path: Path) -> None:
    from pyannote.database.util import load_rttm

    out = tmp_path / "out"
    assert _analyze(str(archive / "monday" / "call1.wav"), "--out", str(out)).returncode == 0
    [(uri, annotation)] = load_rttm(out / "call1.rttm").items()
    assert uri == "call1"
    events = read_events(out / "call1.jsonl")
    summary = summarise(events, 0.9, 0.7)
    assert set(annotation.labels()) == {"agent", "customer"}
    for role in ("agent", "customer"):
        assert annotation.label_duration(role) == pytest.approx(summary.talk_s[role], abs=0.01)
    overlap_s = annotation.get_overlap().duration()
    assert overlap_s == pytest.approx(summary.overtalk_s, abs=0.01) and overlap_s > 1.0  # the talk-overs


def test_a_killed_batch_resumes_without_redoing_finished_calls(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "coolhead", "analyze", str(archive), "--out", str(out), "--no-stt", "--jobs", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(list(out.rglob("*.jsonl"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    finished = {p: p.stat().st_mtime_ns for p in out.rglob("*.jsonl")}
    assert 2 <= len(finished) < 6, "killed half-way"
    result = _analyze(str(archive), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert f"6 of 6 calls analysed, 0 failed ({len(finished)} up to date" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in finished} == finished, "finished calls were redone"
    assert len(list(out.rglob("*.jsonl"))) == 6 and not list(out.rglob("*.partial"))
    # A changed input is redone; --force redoes everything.
    changed = archive / "monday" / "call0.wav"
    changed.write_bytes(changed.read_bytes())
    result = _analyze(str(archive), "--out", str(out), "--jobs", "1")
    assert "(5 up to date" in result.stdout
    result = _analyze(str(archive), "--out", str(out), "--jobs", "1", "--force")
    assert "up to date" not in result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_results_as_local_processes(archive: Path, tmp_path: Path) -> None:
    dask = str(Path(sys.executable).parent / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = ["--host", "127.0.0.1", "--no-dashboard"]
    procs = [subprocess.Popen([dask, "scheduler", "--port", str(port), *common], stderr=subprocess.DEVNULL)]
    try:
        for i in range(2):
            worker = [dask, "worker", address, "--nthreads", "1", "--name", f"w{i}", *common]
            procs.append(subprocess.Popen(worker, cwd=tmp_path, stderr=subprocess.DEVNULL))
        _wait_for_workers(address, 2)
        on_dask, local = tmp_path / "dask", tmp_path / "local"
        result = _analyze(str(archive), "--out", str(on_dask), "--scheduler", address)
        assert result.returncode == 0, result.stderr
        assert _analyze(str(archive), "--out", str(local), "--jobs", "2").returncode == 0
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    files = sorted(p.relative_to(local) for p in local.rglob("*") if p.suffix in {".jsonl", ".rttm", ".csv"})
    assert len(files) == 13
    for rel in files:
        assert (on_dask / rel).read_bytes() == (local / rel).read_bytes(), rel


def _wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(n, timeout=60)


def test_calls_by_fsspec_url_and_from_a_list_file(archive: Path, tmp_path: Path) -> None:
    """Inputs named by URL are read through fsspec (here ``file://``; ``s3://`` etc. with their
    backends installed) and keep their relative names; a list file names calls one per line."""
    by_url, by_path = tmp_path / "url", tmp_path / "path"
    assert _analyze(f"file://{archive}/monday", "--out", str(by_url), "--jobs", "2").returncode == 0
    listed = tmp_path / "calls.txt"
    listed.write_text("# Monday's calls\n" + "".join(f"{archive}/monday/call{i}.wav\n" for i in range(3)))
    assert _analyze("--list", str(listed), "--out", str(by_path), "--jobs", "2").returncode == 0
    for i in range(3):
        url_events = read_events(by_url / f"call{i}.jsonl")
        path_events = read_events(by_path / f"call{i}.jsonl")
        assert url_events[0]["source"] == f"file://{archive}/monday/call{i}.wav"
        assert url_events[1:] == path_events[1:]
    result = _analyze("--list", str(tmp_path / "missing.txt"), "--out", str(by_path))
    assert result.returncode == 2 and "missing.txt: No such file" in result.stderr


def test_progress_is_shown_on_a_terminal_and_not_in_a_pipe(archive: Path, tmp_path: Path) -> None:
    import fcntl
    import os
    import pty
    import struct
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))  # a terminal's size
    cmd = [sys.executable, "-m", "coolhead", "analyze", str(archive / "monday"), "--out", str(tmp_path / "a")]
    proc = subprocess.run([*cmd, "--no-stt"], cwd=ROOT, stdout=subprocess.PIPE, stderr=secondary, timeout=120)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert proc.returncode == 0
    text = shown.decode(errors="replace")
    assert "3/3" in text and "h audio" in text and "x real time" in text and "0 failed" in text, text
    piped = _analyze(str(archive / "monday"), "--out", str(tmp_path / "b"))
    assert piped.stderr.strip() == "", piped.stderr
