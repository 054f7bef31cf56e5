"""Download a named vosk model, verify it, and unpack it atomically into the user cache.

The catalog (``catalog.json`` next to this module, or another file given by the user, e.g. a
company mirror) names each model's URL, size in bytes and sha256; a name must be a plain
directory name. One pull per model at a time: a lock file in the cache (``.lock-NAME``, flock)
makes a second pull of the same model wait, then find the model in place. The zip is streamed
into a temporary directory in the cache (``.pull-PID@HOST@NAME-*``) within a total deadline
and a stall timeout, checked, unpacked there, checked as a model, and only then renamed into
place: an interrupted or corrupt download never leaves a half model where the resolver would
find it. The temporary directory goes when the pull ends, also on SIGTERM when the caller turns
it into an exception; one left by a killed pull is removed by the next pull (or ``models list``)
once its process is gone or it is a day old.
"""

from __future__ import annotations

import fcntl
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from coolhead.models.errors import ModelError
from coolhead.models.vosk_dir import check_vosk_model

DEFAULT_CATALOG = Path(__file__).with_name("catalog.json")
STALL_S = 30.0
"""Default for giving up when no byte arrives for this long (also the connect timeout)."""
MIN_DEADLINE_S = 120.0
SLOW_RATE_BYTES_PER_S = 100_000
"""The default deadline lets a download run at this rate (but at least ``MIN_DEADLINE_S``)."""
STALE_TEMP_AGE_S = 24 * 3600.0
TEMP_PREFIX = ".pull-"
LOCK_PREFIX = ".lock-"
_BLOCK_BYTES = 1 << 20
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_TEMP_OWNER = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)@([^@]*)@")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
"""What a corrupt, truncated, encrypted or exotic zip raises while it is read."""


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    lang: str
    url: str
    size: int
    """Size of the zip in bytes."""
    sha256: str


@dataclass(frozen=True)
class Pulled:
    path: Path
    downloaded: bool
    """False when the model was already in place (pulled earlier, or by a pull that ran at the same time)."""


def load_catalog(path: str | Path = DEFAULT_CATALOG) -> dict[str, CatalogEntry]:
    """The catalog's entries by name (keys starting with ``_`` are comments); ``ModelError`` if it
    cannot be read or an entry is unusable."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read model catalog: {exc}") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: cannot read model catalog: not a JSON object of model name -> entry")
    try:
        return {name: _catalog_entry(name, fields) for name, fields in data.items() if not name.startswith("_")}
    except ModelError as exc:
        raise ModelError(f"{path}: bad model catalog: {exc}") from None


def _catalog_entry(name: str, fields: object) -> CatalogEntry:
    _check_model_name(name)
    needs = f"entry {name!r} needs lang, url, size (bytes, above 0) and sha256 (64 hex digits)"
    if not isinstance(fields, dict):
        raise ModelError(needs)
    try:
        entry = CatalogEntry(
            name, str(fields["lang"]), str(fields["url"]), int(fields["size"]), str(fields["sha256"]).lower()
        )
    except (KeyError, TypeError, ValueError):
        raise ModelError(needs) from None
    if entry.size <= 0 or not re.fullmatch(r"[0-9a-f]{64}", entry.sha256):
        raise ModelError(needs)
    return entry


def _check_model_name(name: str) -> str:
    """``name`` if it is a plain directory name (nothing that leads out of the cache)."""
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise ModelError(f"model name {name!r} is not a plain directory name (letters, digits, '.', '_', '-')")
    return name


def default_deadline_s(size_bytes: int) -> float:
    return max(MIN_DEADLINE_S, size_bytes / SLOW_RATE_BYTES_PER_S)


def pull(
    name: str,
    dest_dir: Path,
    catalog: dict[str, CatalogEntry],
    progress: Callable[[int, int], None] | None = None,
    *,
    deadline_s: float | None = None,
    stall_s: float = STALL_S,
    note: Callable[[str], None] | None = None,
) -> Pulled:
    """Fetch model ``name`` into ``dest_dir/name``. ``ModelError`` on any problem.

    ``deadline_s`` bounds the download (default: ``default_deadline_s`` of the zip's size),
    ``stall_s`` the wait for each block; ``note`` hears that the pull waits for another one.
    """
    entry = catalog.get(name)
    if entry is None:
        raise ModelError(f"unknown model {name!r}; known: {', '.join(sorted(catalog)) or 'none'}")
    target = dest_dir / _check_model_name(entry.name)
    _prepare_cache(dest_dir)
    remove_leftovers(dest_dir)
    with _model_lock(dest_dir, entry.name, note):
        if target.exists():
            return Pulled(_checked_in_place(target), downloaded=False)
        with tempfile.TemporaryDirectory(prefix=_temp_prefix(entry.name), dir=dest_dir) as tmp:
            archive = Path(tmp) / "download.zip"
            _download(entry, archive, progress, deadline_s or default_deadline_s(entry.size), stall_s)
            model_dir = _unpacked_model(archive, Path(tmp) / "unpacked", entry)
            _move_into_place(model_dir, target)
    return Pulled(target, downloaded=True)


def _prepare_cache(dest_dir: Path) -> None:
    """Create the cache directory; ``ModelError`` if a file is in the way or it cannot be written."""
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (dest_dir, *dest_dir.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise ModelError(
                f"{dest_dir}: cannot create the model cache: {blocker} is a file, not a directory "
                "(move it away or set XDG_CACHE_HOME)"
            ) from None
        raise ModelError(f"{dest_dir}: cannot create the model cache: {exc.strerror}") from None
    if not os.access(dest_dir, os.W_OK | os.X_OK):
        raise ModelError(f"{dest_dir}: the model cache is not writable (set XDG_CACHE_HOME to another directory)")


def remove_leftovers(dest_dir: Path) -> None:
    """Remove what pulls that were killed left: temporary directories whose process is gone or
    that are older than ``STALE_TEMP_AGE_S``, and lock files nobody holds. Best effort: what
    cannot be removed stays."""
    try:
        entries = list(os.scandir(dest_dir))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(TEMP_PREFIX) and _is_stale(entry):
            shutil.rmtree(entry.path, ignore_errors=True)
        elif entry.name.startswith(LOCK_PREFIX):
            _remove_unheld_lock(Path(entry.path))


def _is_stale(entry: os.DirEntry[str]) -> bool:
    try:
        age_s = time.time() - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    owner = _TEMP_OWNER.match(entry.name)
    dead = owner is not None and owner.group(2) == _host() and not _pid_alive(int(owner.group(1)))
    return dead or age_s > STALE_TEMP_AGE_S


def _remove_unheld_lock(path: Path) -> None:
    """Unlink ``path`` while holding its lock, as a finished pull does (a waiter then retries)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if _same_file(fd, path):
            path.unlink()
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_prefix(name: str) -> str:
    return f"{TEMP_PREFIX}{os.getpid()}@{_host()}@{name}-"


def _host() -> str:
    """This machine's name as temporary directories carry it (a cache may be shared over NFS)."""
    return re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@contextmanager
def _model_lock(dest_dir: Path, name: str, note: Callable[[str], None] | None) -> Iterator[None]:
    """Hold the model's lock file (flock), waiting for another pull that holds it; the file is
    removed again while still held, so no lock file stays behind."""
    path = dest_dir / f"{LOCK_PREFIX}{name}"
    fd = _locked_fd(path, name, note)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _locked_fd(path: Path, name: str, note: Callable[[str], None] | None) -> int:
    """An open, flock'ed descriptor of ``path``, retried when the holder removed the file meanwhile."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ModelError(f"{path}: cannot create the lock file: {exc.strerror}") from None
        try:
            _flock_waiting(fd, name, note)
            if _same_file(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _flock_waiting(fd: int, name: str, note: Callable[[str], None] | None) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if note is not None:
        holder = os.pread(fd, 20, 0).decode(errors="replace").strip() or "?"
        note(f"another pull of {name} is running (pid {holder}); waiting for it to finish")
    fcntl.flock(fd, fcntl.LOCK_EX)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _checked_in_place(target: Path) -> Path:
    try:
        return check_vosk_model(target)
    except ModelError as exc:
        raise ModelError(f"{exc}; remove it and pull again") from None


def _download(
    entry: CatalogEntry, out: Path, progress: Callable[[int, int], None] | None, deadline_s: float, stall_s: float
) -> None:
    """Stream ``entry``'s zip into ``out`` within ``deadline_s`` (no gap over ``stall_s``); check size and sha256."""
    started_s = time.monotonic()
    try:
        response = urllib.request.urlopen(entry.url, timeout=stall_s)
    except urllib.error.HTTPError as exc:
        raise ModelError(f"{entry.url}: server answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(
            f"{entry.url}: cannot download ({reason}); offline? Fetch the zip on a "
            f"connected machine and unzip it into {out.parent.parent}"
        ) from None
    digest = hashlib.sha256()
    got = 0
    with response, _open_for_writing(out) as f:
        while block := _read_block(response, entry, got, stall_s):
            got += len(block)
            if got > entry.size:
                raise ModelError(f"{entry.url}: download is larger than the expected {entry.size} bytes")
            digest.update(block)
            _write(f, block, out)
            if progress is not None:
                progress(got, entry.size)
            if time.monotonic() - started_s > deadline_s:
                raise ModelError(
                    f"{entry.url}: download not finished within {deadline_s:g} s ({got} of {entry.size} "
                    "bytes); slow link? Try again, or give more time with --deadline-s"
                )
    _check_download(entry, got, digest.hexdigest())


def _read_block(response: http.client.HTTPResponse, entry: CatalogEntry, got: int, stall_s: float) -> bytes:
    """The next bytes the server sent (at most one socket read, so a trickle cannot hold it)."""
    try:
        return response.read1(_BLOCK_BYTES)
    except TimeoutError:
        raise ModelError(
            f"{entry.url}: no data for {stall_s:g} s after {got} of {entry.size} bytes; the server stalled, try again"
        ) from None
    except http.client.IncompleteRead as exc:
        raise ModelError(
            f"{entry.url}: download cut off after {got + len(exc.partial)} of {entry.size} bytes; try again"
        ) from None
    except (http.client.HTTPException, OSError) as exc:
        raise ModelError(
            f"{entry.url}: download cut off after {got} of {entry.size} bytes ({exc}); try again"
        ) from None


def _open_for_writing(path: Path) -> BinaryIO:
    try:
        return open(path, "wb")
    except OSError as exc:
        raise ModelError(f"{path}: cannot write the download: {exc.strerror}") from None


def _write(f: BinaryIO, block: bytes, path: Path) -> None:
    try:
        f.write(block)
    except OSError as exc:
        raise ModelError(f"{path}: cannot write the download: {exc.strerror}") from None


def _check_download(entry: CatalogEntry, got: int, sha256: str) -> None:
    if got != entry.size:
        raise ModelError(f"{entry.url}: download cut off after {got} of {entry.size} bytes; try again")
    if sha256 != entry.sha256:
        raise ModelError(
            f"{entry.url}: checksum mismatch (sha256 {sha256}, expected "
            f"{entry.sha256}); the file is corrupt or not the published model"
        )


def _unpacked_model(archive: Path, dest: Path, entry: CatalogEntry) -> Path:
    """Unpack ``archive`` into ``dest``; the model directory inside, checked."""
    _unzip(archive, dest, entry.url)
    model_dir = _model_root(dest, entry.url)
    try:
        return check_vosk_model(model_dir)
    except ModelError as exc:
        reason = str(exc).removeprefix(f"{model_dir}: ")
        raise ModelError(f"{entry.url}: the archive holds no usable model ({reason})") from None


def _unzip(archive: Path, dest: Path, url: str) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.namelist()
            if not members:
                raise ModelError(f"{url}: the archive is empty")
            root = dest.resolve()
            for member in members:
                if not (dest / member).resolve().is_relative_to(root):
                    raise ModelError(f"{url}: archive entry {member!r} points outside the model directory")
            zf.extractall(dest)
    except _ZIP_ERRORS as exc:
        raise ModelError(f"{url}: not a readable zip archive ({exc}); the file is corrupt or not a model") from None
    except OSError as exc:
        raise ModelError(f"{url}: cannot unpack the archive into {dest.parent}: {exc.strerror or exc}") from None


def _model_root(unpacked: Path, url: str) -> Path:
    """Official zips hold one top directory named like the model; accept a bare layout too."""
    entries = [p for p in unpacked.iterdir() if not p.name.startswith("__MACOSX")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    if entries:
        return unpacked
    raise ModelError(f"{url}: the archive is empty")


def _move_into_place(model_dir: Path, target: Path) -> None:
    try:
        model_dir.rename(target)
    except OSError as exc:
        raise ModelError(f"{target}: cannot put the model in place: {exc.strerror}") from None
