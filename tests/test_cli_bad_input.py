"""Bad input: one clear line per file, the rest of the batch still processed, no traceback."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.conftest import LIBRISPEECH, ROOT, run_cli

RATE_HZ = 16000


def _tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def _wav_with_codec(path: Path, tag: int) -> None:
    fmt = struct.pack("<HHIIHHH", tag, 1, 8000, 1000, 1, 16, 0)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 1000) + bytes(1000)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def _bad_files(folder: Path) -> dict[str, str]:
    """File name -> words its error line must contain."""
    stereo = np.stack([_tone(3), _tone(3)], axis=1)
    (folder / "empty.wav").write_bytes(b"")
    sf.write(folder / "full.wav", stereo, RATE_HZ, subtype="PCM_16")
    whole = (folder / "full.wav").read_bytes()
    (folder / "truncated.wav").write_bytes(whole[: len(whole) // 2])
    (folder / "full.wav").unlink()
    (folder / "notes.wav").write_text("this is a text file, not audio\n" * 20)
    sf.write(folder / "zero_length.wav", np.zeros((0, 2), np.float32), RATE_HZ)
    sf.write(folder / "three_channels.wav", np.stack([_tone(2)] * 3, axis=1), RATE_HZ)
    _wav_with_codec(folder / "mp3_in_wav.wav", 0x0055)
    with_nan = stereo.copy()
    with_nan[RATE_HZ, 1] = np.nan
    sf.write(folder / "nan.wav", with_nan, RATE_HZ, subtype="FLOAT")
    return {
        "empty.wav": "empty",
        "truncated.wav": "truncated",
        "notes.wav": "not a readable",
        "zero_length.wav": "no audio",
        "three_channels.wav": "3 channels",
        "mp3_in_wav.wav": "unsupported WAV codec",
        "nan.wav": "NaN",
    }


def test_each_bad_file_gets_one_line_and_good_files_are_still_processed(tmp_path: Path, talkover_call: Path) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    expected = _bad_files(calls)
    for name in ("a_good.wav", "z_good.wav"):
        (calls / name).write_bytes(talkover_call.read_bytes())
    out = tmp_path / "events"
    result = run_cli("analyze", str(calls), "--out", str(out), "--quiet")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(error_lines) == len(expected)
    for name, words in expected.items():
        [line] = [line for line in error_lines if f"/{name}:" in line]
        assert words in line, line
    assert "2 of 9 calls analysed, 7 failed" in result.stdout
    for name in ("a_good", "z_good"):
        events = [json.loads(line) for line in (out / f"{name}.jsonl").read_text().splitlines()]
        assert [e["by"] for e in events if e["type"] == "interruption"] == ["agent"]
    # Events decided before a mid-file problem are kept beside the (not written) target.
    assert not (out / "nan.jsonl").exists()
    assert (out / "nan.jsonl.partial").read_text().startswith('{"t": 0.0, "type": "call"')


def test_missing_file_and_bad_config_are_one_line_errors(tmp_path: Path) -> None:
    result = run_cli("analyze", str(tmp_path / "nope.wav"))
    assert result.returncode == 1 and "nope.wav: no such file" in result.stderr
    config = tmp_path / "bad.toml"
    config.write_text("[vad]\naggresiveness = 3\n")
    result = run_cli("analyze", str(tmp_path / "nope.wav"), "--config", str(config))
    assert result.returncode == 2 and "unknown key 'aggresiveness'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failed_rerun_leaves_the_previous_good_events(tmp_path: Path, talkover_call: Path) -> None:
    call = tmp_path / "call.wav"
    call.write_bytes(talkover_call.read_bytes())
    events = tmp_path / "call.jsonl"
    assert run_cli("analyze", str(call), "--events", str(events), "--quiet", "--no-stt").returncode == 0
    good = events.read_text()
    data = call.read_bytes()
    call.write_bytes(data[: len(data) // 2])  # truncated: the header still promises the whole call
    result = run_cli("analyze", str(call), "--events", str(events), "--quiet", "--no-stt")
    assert result.returncode == 1 and "truncated" in result.stderr
    assert events.read_text() == good
    assert (tmp_path / "call.jsonl.partial").read_text().startswith('{"t": 0.0, "type": "call"')


def test_outputs_keep_relative_paths_and_never_overwrite_an_input(tmp_path: Path, talkover_call: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "call.wav").write_bytes(talkover_call.read_bytes())
    audio, rate_hz = sf.read(talkover_call)
    sf.write(tmp_path / "b" / "other.ogg", audio, rate_hz, format="OGG", subtype="VORBIS")  # found in a folder too
    out = tmp_path / "out"
    result = run_cli("analyze", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out), "--quiet", "--no-stt")
    assert result.returncode == 2 and "would both write" in result.stderr  # two folders, same names
    result = run_cli("analyze", str(tmp_path), "--out", str(out), "--quiet", "--no-stt")
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jsonl"))
    assert written == ["a/call.jsonl", "b/call.jsonl", "b/other.jsonl"]
    call = tmp_path / "a" / "call.wav"
    before = call.read_bytes()
    result = run_cli("analyze", str(call), "--events", str(call), "--no-stt")
    assert result.returncode == 2 and result.stderr.strip().endswith("is an input call; refusing to overwrite it")
    assert call.read_bytes() == before
    result = run_cli("analyze", str(call), "--events", str(tmp_path / "e.jsonl"), "--out", str(out))
    assert result.returncode == 2 and "cannot be combined with --events" in result.stderr


def test_a_closed_stdout_is_not_an_error_of_the_call(talkover_call: Path) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m coolhead analyze {talkover_call} --no-stt | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.stdout.count("\n") == 1 and "error" not in proc.stderr, proc.stderr


def test_gsm_wav_and_a_file_name_that_is_not_utf8_are_analysed(tmp_path: Path, talkover_call: Path) -> None:
    """GSM 6.10 cannot seek (libsndfile needs the length to read it in blocks); a name with a
    byte that is not UTF-8 is shown escaped and kept in the output's name."""
    audio, rate_hz = sf.read(talkover_call)
    folder = tmp_path / "calls"
    folder.mkdir()
    sf.write(folder / "gsm.wav", audio[:, 1], 8000, subtype="GSM610")
    os.link(folder / "gsm.wav", os.fsencode(folder) + b"/caf\xe9.wav")
    out = tmp_path / "out"
    result = run_cli("analyze", str(folder), "--out", str(out), "--no-stt", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "2 of 2 calls analysed" in result.stdout and "Traceback" not in result.stderr
    header = json.loads((out / os.fsdecode(b"caf\xe9.jsonl")).read_text(encoding="utf-8").splitlines()[0])
    assert header["source"].endswith("caf\\xe9.wav")
    events = [json.loads(line) for line in (out / "gsm.jsonl").read_text().splitlines()]
    assert any(e["type"] == "speech" for e in events)


def test_a_nan_stretch_stops_the_call_at_its_first_sample_keeping_everything_before(tmp_path: Path) -> None:
    speech, rate_hz = sf.read(sorted(LIBRISPEECH.rglob("*.flac"))[0], dtype="float32")
    call = np.stack([speech[: 6 * rate_hz]] * 2, axis=1)
    call[int(4.25 * rate_hz) : int(4.5 * rate_hz), 1] = np.nan
    sf.write(tmp_path / "nan.wav", call, rate_hz, subtype="FLOAT")
    events_path = tmp_path / "nan.jsonl"
    result = run_cli("analyze", str(tmp_path / "nan.wav"), "--no-stt", "--events", str(events_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "has NaN or infinite samples at 4.250 s (analysed up to there)" in result.stderr
    events = [json.loads(line) for line in (tmp_path / "nan.jsonl.partial").read_text().splitlines()]
    speech_ends = [e["end"] for e in events if e["type"] == "speech"]
    assert speech_ends and 4.0 < max(speech_ends) <= 4.25  # the talk up to the bad sample, closed there
    assert not events_path.exists()


def test_conflicting_or_ignored_options_are_errors(tmp_path: Path, talkover_call: Path) -> None:
    call, out = str(talkover_call), str(tmp_path / "out")
    for args, words in (
        ((call, "--force"), "--force redoes calls"),
        ((call, "--out", out, "--jobs", "2", "--speed", "5"), "cannot be combined with --jobs"),
        ((call, "--out", out, "--scheduler", "tcp://127.0.0.1:1", "--jobs", "2"), "--speed and --jobs are for this"),
        ((call, "--scheduler", "tcp://127.0.0.1:1"), "--scheduler needs --out DIR"),
        ((call, "--vtt", str(tmp_path / "c.vtt"), "--no-stt"), "cannot be combined with --no-stt"),
        ((call, "--out", out, "--jobs", "0"), "--jobs must be at least 1"),
        ((), "no calls given"),
    ):
        result = run_cli("analyze", *args)
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr, (args, result)
    for bad in ("0", "-1", "nan", "inf", "fast"):
        result = run_cli("analyze", call, "--speed", bad)
        assert result.returncode == 2 and "argument --speed" in result.stderr
