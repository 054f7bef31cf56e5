"""Reading recorded calls (WAV/FLAC: PCM 8-32 bit, float, G.711 u-law/A-law) as role chunks."""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from coolhead.audio.chunk import MIX_ROLE, Chunk, float_to_int16
from coolhead.audio.resample import StreamResampler

READ_BLOCK_S = 10.0
MAX_BLOCK_FRAMES = 1 << 19
"""Frames read at once, whatever rate the header claims (a forged rate must not size the reads)."""


class AudioError(Exception):
    """A call that cannot be analysed; ``str()`` is one line naming the file and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


@dataclass(frozen=True)
class CallInfo:
    path: str
    sample_rate_hz: int
    channels: int
    duration_s: float
    subtype: str
    roles: dict[int, str]
    """Channel index -> role (``agent``, ``customer`` or ``mix``)."""
    truncated_from_s: float | None = None
    """Duration the file's header promises when the file holds less (a cut-off recording)."""


def channel_roles(channels: int, agent_channel: int = 0) -> dict[int, str]:
    """Map channels to roles: stereo -> agent/customer (``agent_channel`` says which), mono -> mix."""
    if channels == 1:
        return {0: MIX_ROLE}
    return {agent_channel: "agent", 1 - agent_channel: "customer"}


def probe_call(path: str | Path, agent_channel: int = 0) -> CallInfo:
    """Check that ``path`` is a readable mono or stereo recording with audio in it."""
    path = Path(path)
    if path.is_dir():
        raise AudioError(path, "is a directory, not an audio file")
    try:
        if path.stat().st_size == 0:
            raise AudioError(path, "empty file (0 bytes)")
        info = sf.info(os.fsencode(path))  # bytes: file names need not be valid UTF-8
    except AudioError:
        raise
    except FileNotFoundError:
        raise AudioError(path, "no such file") from None
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise AudioError(path, _open_problem(path, exc)) from None
    if info.frames <= 0:
        raise AudioError(path, "contains no audio samples (0-length)")
    if info.channels > 2:
        raise AudioError(path, f"has {info.channels} channels; coolhead reads mono or stereo (agent/customer) calls")
    if agent_channel not in (0, 1) or (info.channels == 1 and agent_channel != 0):
        raise AudioError(path, f"agent channel {agent_channel} does not exist in a {info.channels}-channel file")
    duration_s = info.frames / info.samplerate
    declared = _DATA_SIZE_MISMATCH.search(info.extra_info)
    truncated_from_s = None
    if declared and int(declared["declared"]) > int(declared["present"]):
        truncated_from_s = duration_s * int(declared["declared"]) / max(int(declared["present"]), 1)
    return CallInfo(
        str(path),
        int(info.samplerate),
        int(info.channels),
        duration_s,
        info.subtype,
        channel_roles(info.channels, agent_channel),
        truncated_from_s,
    )


def read_chunks(info: CallInfo, rate_hz: int, chunk_s: float) -> Iterator[Chunk]:
    """Stream the call as role chunks of ``chunk_s`` at ``rate_hz`` (resampled once, on the way in).

    Raises ``AudioError`` mid-stream if the file turns out unreadable or holds NaN/inf samples;
    every sample before the problem has been yielded by then (a NaN stops the call at that
    sample, and the error says when).
    """
    resamplers = {ch: StreamResampler(info.sample_rate_hz, rate_hz) for ch in info.roles}
    chunk_len = max(1, int(round(chunk_s * rate_hz)))
    pending = {role: np.zeros(0, np.int16) for role in info.roles.values()}
    t_s = 0.0
    frames_read = 0
    problem: AudioError | None = None
    block_frames = int(min(READ_BLOCK_S * info.sample_rate_hz, MAX_BLOCK_FRAMES))
    as_stored = info.subtype == "PCM_16" and info.sample_rate_hz == rate_hz
    """16-bit PCM at the pipeline rate is read as it is stored (the same samples as through float)."""
    try:
        with sf.SoundFile(os.fsencode(info.path)) as f:
            # Some codecs (GSM 6.10) cannot seek: then the reads need the length from the header.
            frames = -1 if f.seekable() else f.frames
            dtype = "int16" if as_stored else "float32"
            blocks = f.blocks(blocksize=block_frames, frames=frames, dtype=dtype, always_2d=True)
            block = next(blocks, None)
            while block is not None:
                following = next(blocks, None)
                bad_rows = np.zeros(0, int) if as_stored else np.flatnonzero(~np.isfinite(block).all(axis=1))
                if len(bad_rows):
                    bad_s = (frames_read + bad_rows[0]) / info.sample_rate_hz
                    problem = AudioError(
                        info.path, f"has NaN or infinite samples at {bad_s:.3f} s (analysed up to there)"
                    )
                    block, following = block[: bad_rows[0]], None
                frames_read += len(block)
                last = following is None
                for ch, role in info.roles.items():
                    samples = block[:, ch] if as_stored else float_to_int16(resamplers[ch](block[:, ch], last=last))
                    pending[role] = np.concatenate([pending[role], samples])
                n_ready = min(len(p) for p in pending.values())
                n_out = n_ready if last else n_ready - n_ready % chunk_len
                for start in range(0, n_out, chunk_len):
                    stop = min(start + chunk_len, n_out)
                    yield Chunk(t_s, {role: p[start:stop] for role, p in pending.items()})
                    t_s += (stop - start) / rate_hz
                pending = {role: p[n_out:] for role, p in pending.items()}
                block = following
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise AudioError(info.path, f"read failed after {t_s:.1f} s ({_libsndfile_reason(exc)})") from None
    if problem is not None:
        raise problem


_DATA_SIZE_MISMATCH = re.compile(r"^data\s*:\s*(?P<declared>\d+)\s*\(should be (?P<present>\d+)\)", re.M)


_LIBSNDFILE_WAV_TAGS = {0x0001, 0x0002, 0x0003, 0x0006, 0x0007, 0x0011, 0x0031, 0xFFFE}
"""WAV codecs libsndfile decodes: PCM, MS ADPCM, float, A-law, u-law, IMA ADPCM, GSM 6.10, extensible."""


def _open_problem(path: Path, exc: Exception) -> str:
    """Why libsndfile could not open ``path``, in words a user can act on."""
    reason = str(exc).split(": ", 1)[-1].strip() if "Error opening" in str(exc) else str(exc).strip()
    tag = _wav_format_tag(path)
    if tag is not None and tag not in _LIBSNDFILE_WAV_TAGS:
        return f"unsupported WAV codec (format tag 0x{tag:04x}); use PCM, float, u-law or A-law"
    return f"not a readable WAV/FLAC recording ({reason or 'unknown format'})"


def _wav_format_tag(path: Path) -> int | None:
    """The codec tag of a RIFF/WAVE file's fmt chunk, or None if it is not one."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    at = head.find(b"fmt ")
    if not head.startswith(b"RIFF") or at < 0 or len(head) < at + 10:
        return None
    return struct.unpack_from("<H", head, at + 8)[0]


def _libsndfile_reason(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__
