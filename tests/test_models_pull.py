"""``coolhead models pull`` and ``models list``: a plain pull that the resolver then finds, and
under stress: concurrent pulls, broken, truncated and escaping archives, unreachable, slow and
stalled servers, unknown names, bad and hostile catalogs, a blocked cache, SIGTERM/SIGKILL, and
environment variables naming huge or odd trees; the shipped catalog names official URLs. A local
HTTP server on 127.0.0.1 serves zips built here; nothing reaches the internet."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from coolhead.models import resolve
from coolhead.models.errors import ModelError
from coolhead.models.pull import Pulled, load_catalog, pull
from coolhead.models.resolve import ENV_VAR, LEGACY_ENV_VAR, ModelInfo, resolve_model
from tests.conftest import ROOT, run_cli

NAME = "vosk-model-small-xx-0.1"
OTHER = "vosk-model-small-yy-0.1"
MODEL_FILES = {
    "am/final.mdl": b"m" * 5000,
    "conf/model.conf": b"--beam=10\n",
    "conf/mfcc.conf": b"--use-energy=false\n",
    "graph/HCLr.fst": b"h" * 3000,
    "graph/Gr.fst": b"g" * 3000,
}
TRICKLE_GAP_S = 0.5


def _zip(files: dict[str, bytes], top: str = NAME) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for rel, data in files.items():
            zf.writestr(f"{top}/{rel}", data)
    return out.getvalue()


GOOD_ZIP = _zip(MODEL_FILES)


@dataclass(frozen=True)
class Route:
    body: bytes
    mode: str = "full"
    """full, slow (ten pieces over about half a second), trickle (a byte per ``TRICKLE_GAP_S``),
    cut (the first half, then hang up), stall (ten bytes, then nothing)."""


class ModelServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.closing = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up


class _Handler(http.server.BaseHTTPRequestHandler):
    server: ModelServer

    def do_GET(self) -> None:
        self.server.hits[self.path] += 1
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        self.close_connection = True
        if route.mode == "full":
            self.wfile.write(route.body)
        elif route.mode == "slow":
            self._pieces(route.body, len(route.body) // 10 + 1, 0.05)
        elif route.mode == "trickle":
            self._pieces(route.body, 1, TRICKLE_GAP_S)
        elif route.mode == "cut":
            self.wfile.write(route.body[: len(route.body) // 2])
        else:
            self._pieces(route.body[:10], 10, 0)
            self.server.closing.wait(60)

    def _pieces(self, body: bytes, size: int, gap_s: float) -> None:
        for at in range(0, len(body), size):
            self.wfile.write(body[at : at + size])
            self.wfile.flush()
            if self.server.closing.wait(gap_s):
                return

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ModelServer]:
    httpd = ModelServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.closing.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user cache's model directory (not created), with no model named in the environment."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv(LEGACY_ENV_VAR, raising=False)
    return tmp_path / "cache" / "coolhead" / "models"


def _catalog(tmp_path: Path, entries: dict[str, dict[str, object]]) -> str:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(entries))
    return str(path)


def _entry(url: str, body: bytes, size: int | None = None, sha256: str | None = None) -> dict[str, object]:
    return {
        "lang": "xx",
        "url": url,
        "size": len(body) if size is None else size,
        "sha256": sha256 or hashlib.sha256(body).hexdigest(),
    }


def _serve(server: ModelServer, tmp_path: Path, route: Route, **entry: object) -> str:
    """Serve ``route`` as ``NAME``'s zip; the catalog's path (``entry`` overrides size or sha256)."""
    server.routes["/m.zip"] = route
    return _catalog(tmp_path, {NAME: _entry(server.url("/m.zip"), route.body, **entry)})  # type: ignore[arg-type]


def _popen_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "coolhead.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _entries(cache: Path) -> list[str]:
    return sorted(os.listdir(cache)) if cache.is_dir() else []


def _one_line_error(result: subprocess.CompletedProcess, starts: str) -> str:
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"coolhead: error: {starts}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def _wait_for_temp(cache: Path, timeout_s: float = 20) -> None:
    end_s = time.monotonic() + timeout_s
    while not any(n.startswith(".pull-") for n in _entries(cache)):
        assert time.monotonic() < end_s, "the pull never started"
        time.sleep(0.05)


def test_pull_unpacks_and_the_resolver_finds_it(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    result = run_cli("models", "pull", NAME, "--catalog", _serve(server, tmp_path, Route(GOOD_ZIP)))
    assert result.returncode == 0, result.stderr
    assert _entries(cache) == [NAME]
    assert (cache / NAME / "am" / "final.mdl").read_bytes() == MODEL_FILES["am/final.mdl"]
    found = resolve_model("xx", 16000)
    assert found is not None and found.path == cache / NAME and found.source == "cache"
    gone = _catalog(tmp_path, {NAME: _entry(server.url("/gone.zip"), GOOD_ZIP)})
    again = run_cli("models", "pull", NAME, "--catalog", gone)
    assert again.returncode == 0 and "ready" in again.stdout  # already there: no download
    assert server.hits == Counter({"/m.zip": 1})


def test_two_pulls_at_once_download_once(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    catalog = _serve(server, tmp_path, Route(GOOD_ZIP, "slow"))
    first, second = (_popen_cli("models", "pull", NAME, "--catalog", catalog) for _ in range(2))
    outputs = [p.communicate(timeout=60) for p in (first, second)]
    assert first.returncode == second.returncode == 0, outputs
    assert server.hits["/m.zip"] == 1  # the second waited on the lock, then found the model
    said = sorted(out for out, _ in outputs)
    assert said == [
        f"{NAME}: ready in {cache / NAME}\n",
        f"{NAME}: ready in {cache / NAME} (already there, not downloaded)\n",
    ]
    assert _entries(cache) == [NAME]  # no lock file, no temporary directory
    assert (cache / NAME / "am" / "final.mdl").read_bytes() == MODEL_FILES["am/final.mdl"]


def test_pulls_in_threads_same_and_different_models(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    server.routes = {"/x.zip": Route(GOOD_ZIP, "slow"), "/y.zip": Route(_zip(MODEL_FILES, OTHER), "slow")}
    catalog = load_catalog(
        _catalog(
            tmp_path,
            {
                NAME: _entry(server.url("/x.zip"), server.routes["/x.zip"].body),
                OTHER: _entry(server.url("/y.zip"), server.routes["/y.zip"].body),
            },
        )
    )
    results: list[tuple[str, Pulled]] = []

    def run(name: str) -> None:
        results.append((name, pull(name, cache, catalog)))

    threads = [threading.Thread(target=run, args=(name,)) for name in (NAME, NAME, OTHER)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted((name, p.downloaded) for name, p in results) == [(NAME, False), (NAME, True), (OTHER, True)]
    assert server.hits == Counter({"/x.zip": 1, "/y.zip": 1})
    assert _entries(cache) == [NAME, OTHER]


def _corrupt(body: bytes) -> bytes:
    at = body.index(b"m" * 100) + 50
    return body[:at] + b"X" + body[at + 1 :]


@pytest.mark.parametrize(
    "body, entry, message",
    [
        (_zip({}), {}, "the archive is empty"),
        (b"<html>mirror says: gone</html>", {}, "not a readable zip archive (File is not a zip file)"),
        (_corrupt(GOOD_ZIP), {}, "not a readable zip archive (Bad CRC-32"),
        (GOOD_ZIP, {"sha256": "0" * 64}, "checksum mismatch"),
        (GOOD_ZIP, {"size": len(GOOD_ZIP) + 1}, f"download cut off after {len(GOOD_ZIP)} of {len(GOOD_ZIP) + 1}"),
        (GOOD_ZIP, {"size": 100}, "download is larger than the expected 100 bytes"),
        (
            _zip({"README": b"no model here"}),
            {},
            "the archive holds no usable model (not a complete vosk model: missing am/final.mdl",
        ),
    ],
    ids=["empty-zip", "not-a-zip", "corrupt-zip", "checksum", "short", "long", "not-a-model"],
)
def test_bad_downloads_are_one_line_and_leave_nothing(
    tmp_path: Path, server: ModelServer, cache: Path, body: bytes, entry: dict[str, object], message: str
) -> None:
    catalog = _serve(server, tmp_path, Route(body), **entry)
    result = run_cli("models", "pull", NAME, "--catalog", catalog)
    assert message in _one_line_error(result, f"{server.url('/m.zip')}: ")
    assert _entries(cache) == []


def test_truncated_download(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    """The server promises the whole zip (Content-Length) and hangs up halfway."""
    catalog = load_catalog(_serve(server, tmp_path, Route(GOOD_ZIP, "cut")))
    with pytest.raises(ModelError, match=rf"cut off after {len(GOOD_ZIP) // 2} of {len(GOOD_ZIP)} bytes"):
        pull(NAME, cache, catalog)
    assert _entries(cache) == []


@pytest.mark.parametrize("escape", ["../../escape.txt", "../../../../../../escape.txt"], ids=["temp", "tmp_path"])
def test_zip_entries_escaping_the_directory_are_refused(
    tmp_path: Path, server: ModelServer, cache: Path, escape: str
) -> None:
    catalog = load_catalog(_serve(server, tmp_path, Route(_zip({escape: b"x", **MODEL_FILES}))))
    with pytest.raises(ModelError, match="points outside the model directory"):
        pull(NAME, cache, catalog)
    assert not (tmp_path / "escape.txt").exists() and list(tmp_path.rglob("escape.txt")) == []
    assert _entries(cache) == []


def test_offline_is_a_clear_message(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    missing = _catalog(tmp_path, {NAME: _entry(server.url("/m.zip"), b"x" * 10)})
    not_found = run_cli("models", "pull", NAME, "--catalog", missing)
    _one_line_error(not_found, f"{server.url('/m.zip')}: server answered HTTP 404")
    closed_port = "http://127.0.0.1:9/m.zip"  # discard port: nothing listens
    offline = run_cli("models", "pull", NAME, "--catalog", _catalog(tmp_path, {NAME: _entry(closed_port, b"x" * 10)}))
    line = _one_line_error(offline, f"{closed_port}: cannot download (").strip()
    assert "offline?" in line and str(cache) in line
    assert _entries(cache) == []


def test_trickling_server_hits_the_deadline(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    catalog = _serve(server, tmp_path, Route(GOOD_ZIP, "trickle"))
    started_s = time.monotonic()
    result = run_cli("models", "pull", NAME, "--catalog", catalog, "--deadline-s", "2", "--stall-s", "5")
    elapsed_s = time.monotonic() - started_s
    assert "download not finished within 2 s (" in _one_line_error(result, server.url("/m.zip"))
    assert elapsed_s < 2 + TRICKLE_GAP_S + 2.5  # the deadline, one more byte, starting Python
    assert _entries(cache) == []


def test_stalled_server_is_given_up(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    catalog = _serve(server, tmp_path, Route(GOOD_ZIP, "stall"))
    started_s = time.monotonic()
    result = run_cli("models", "pull", NAME, "--catalog", catalog, "--stall-s", "1")
    elapsed_s = time.monotonic() - started_s
    assert f"no data for 1 s after 10 of {len(GOOD_ZIP)} bytes; the server stalled" in _one_line_error(
        result, server.url("/m.zip")
    )
    assert elapsed_s < 1 + 2.5
    assert _entries(cache) == []


@pytest.mark.parametrize("hostile", ["../../escaped", "ABSOLUTE", "..", "a/b", ".hidden", "x\ny"])
def test_hostile_catalog_names_are_refused(tmp_path: Path, server: ModelServer, cache: Path, hostile: str) -> None:
    hostile = hostile.replace("ABSOLUTE", str(tmp_path / "escaped"))
    server.routes["/m.zip"] = Route(GOOD_ZIP)
    catalog = _catalog(tmp_path, {hostile: _entry(server.url("/m.zip"), GOOD_ZIP)})
    result = run_cli("models", "pull", hostile, "--catalog", catalog)
    assert "is not a plain directory name" in _one_line_error(result, f"{catalog}: bad model catalog: model name ")
    assert server.hits["/m.zip"] == 0
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "cache" / "escaped").exists()
    assert _entries(cache) == []
    with pytest.raises(ModelError, match="not a plain directory name"):  # a catalog built in code, too
        pull(
            hostile,
            cache,
            {hostile: replace(load_catalog(_serve(server, tmp_path, Route(GOOD_ZIP)))[NAME], name=hostile)},
        )
    assert server.hits["/m.zip"] == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"lang": "xx", "url": "http://127.0.0.1:9/m.zip", "size": 10},
        {"lang": "xx", "url": "http://127.0.0.1:9/m.zip", "size": 10, "sha256": "abc"},
        {"lang": "xx", "url": "http://127.0.0.1:9/m.zip", "size": 0, "sha256": "a" * 64},
        "a string",
    ],
)
def test_unusable_catalogs(tmp_path: Path, fields: object) -> None:
    catalog = _catalog(tmp_path, {NAME: fields})  # type: ignore[dict-item]
    with pytest.raises(ModelError, match=rf"bad model catalog: entry '{NAME}' needs lang, url, size"):
        load_catalog(catalog)


def test_unreadable_catalogs(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read model catalog: not a JSON object"):
        load_catalog(_catalog(tmp_path, [1, 2]))  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="cannot read model catalog: .*Is a directory"):
        load_catalog(tmp_path)


def test_unknown_name_and_bad_catalog(tmp_path: Path, cache: Path) -> None:
    result = run_cli("models", "pull", "vosk-model-nonesuch")
    assert "unknown model 'vosk-model-nonesuch'; known: vosk-model-small-" in _one_line_error(result, "")
    bad = tmp_path / "catalog.json"
    bad.write_text("{not json")
    _one_line_error(run_cli("models", "pull", NAME, "--catalog", str(bad)), f"{bad}: cannot read model catalog")


def test_shipped_catalog_names_official_urls_with_checksums() -> None:
    for entry in load_catalog().values():
        assert entry.url.startswith("https://alphacephei.com/vosk/models/") and entry.url.endswith(f"{entry.name}.zip")
        assert entry.size > 10_000_000 and len(entry.sha256) == 64


@pytest.mark.parametrize("blocked", ["models", "coolhead"])
def test_cache_path_that_is_a_file(tmp_path: Path, server: ModelServer, cache: Path, blocked: str) -> None:
    catalog = _serve(server, tmp_path, Route(GOOD_ZIP))
    in_the_way = cache if blocked == "models" else cache.parent
    in_the_way.parent.mkdir(parents=True)
    in_the_way.write_text("not a directory")
    result = run_cli("models", "pull", NAME, "--catalog", catalog)
    assert f"{in_the_way} is a file, not a directory" in _one_line_error(
        result, f"{cache}: cannot create the model cache: "
    )
    assert server.hits["/m.zip"] == 0
    listed = run_cli("models", "list", "--catalog", catalog)
    assert listed.returncode == 0 and listed.stderr == ""


def test_sigterm_removes_the_partial_download(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    catalog = _serve(server, tmp_path, Route(GOOD_ZIP, "trickle"))
    puller = _popen_cli("models", "pull", NAME, "--catalog", catalog)
    _wait_for_temp(cache)
    puller.send_signal(signal.SIGTERM)
    _, stderr = puller.communicate(timeout=20)
    assert puller.returncode == 128 + signal.SIGTERM and "Traceback" not in stderr
    assert _entries(cache) == []


def test_leftovers_of_a_killed_pull_are_removed_next_time(tmp_path: Path, server: ModelServer, cache: Path) -> None:
    catalog = _serve(server, tmp_path, Route(GOOD_ZIP, "trickle"))
    puller = _popen_cli("models", "pull", NAME, "--catalog", catalog)
    _wait_for_temp(cache)
    puller.kill()
    puller.communicate(timeout=20)
    left = _entries(cache)
    assert len(left) == 2 and left[0] == f".lock-{NAME}" and left[1].startswith(f".pull-{puller.pid}@")
    assert run_cli("models", "list", "--catalog", catalog).returncode == 0
    assert _entries(cache) == []
    server.routes["/m.zip"] = Route(GOOD_ZIP)
    assert run_cli("models", "pull", NAME, "--catalog", catalog).returncode == 0
    assert _entries(cache) == [NAME]


@pytest.mark.parametrize(
    "var, given, reason",
    [
        (ENV_VAR, "/proc", "no vosk (am/final.mdl, conf/model.conf) or Whisper (model.bin, config.json) files in it"),
        (ENV_VAR, "/usr", "no vosk (am/final.mdl, conf/model.conf) or Whisper (model.bin, config.json) files in it"),
        (LEGACY_ENV_VAR, "MISSING", "model directory does not exist"),
        (LEGACY_ENV_VAR, "FILE", "not a directory (a vosk model is a directory; unzip the download first)"),
    ],
)
def test_models_list_with_an_env_path_that_is_no_model(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, var: str, given: str, reason: str
) -> None:
    given = {"MISSING": str(tmp_path / "nowhere"), "FILE": str(tmp_path / "model.zip")}.get(given, given)
    (tmp_path / "model.zip").write_bytes(b"PK")
    monkeypatch.setenv(var, given)
    started_s = time.monotonic()
    result = run_cli("models", "list", timeout=30)
    assert time.monotonic() - started_s < 10
    assert result.returncode == 0 and result.stderr == ""
    flagged = [row for row in result.stdout.splitlines() if "not a model" in row]
    assert len(flagged) == 1 and flagged[0].endswith(f"{var:<30} {given}: not a model: {reason}")


def test_models_list_shows_a_half_model_in_the_environment(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    half = tmp_path / "vosk-model-small-xx-0.1"
    (half / "am").mkdir(parents=True)
    (half / "am" / "final.mdl").write_bytes(b"m")
    monkeypatch.setenv(ENV_VAR, str(half))
    result = run_cli("models", "list")
    row = next(r for r in result.stdout.splitlines() if r.startswith(half.name))
    assert row.endswith(
        f"{half}: not a model: not a complete vosk model: missing conf/model.conf, conf/mfcc.conf, "
        "graph/HCLG.fst or graph/HCLr.fst+graph/Gr.fst"
    )


def test_model_size_stops_counting_in_a_huge_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(6):
        (tmp_path / f"f{i}").write_bytes(b"x" * 10)
    model = ModelInfo("vosk", "xx", tmp_path, "cache")
    assert model.size_bytes() == 60
    monkeypatch.setattr(resolve, "MAX_COUNTED_FILES", 5)
    assert model.size_bytes() is None
