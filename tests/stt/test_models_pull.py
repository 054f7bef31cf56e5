"""``coolhead models pull`` against a local HTTP server on 127.0.0.1: good, corrupt, truncated,
unreachable. Nothing here reaches the internet."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from coolhead.models.errors import ModelError
from coolhead.models.pull import load_catalog, pull
from coolhead.models.resolve import resolve_model
from tests.conftest import run_cli

NAME = "vosk-model-small-xx-0.1"
MODEL_FILES = {
    "am/final.mdl": b"m" * 5000,
    "conf/model.conf": b"--beam=10\n",
    "conf/mfcc.conf": b"--use-energy=false\n",
    "graph/HCLr.fst": b"h" * 3000,
    "graph/Gr.fst": b"g" * 3000,
    "README": b"tiny test model\n",
}


def _zip(path: Path, files: dict[str, bytes], top: str = NAME) -> bytes:
    with zipfile.ZipFile(path, "w") as zf:
        for rel, data in files.items():
            zf.writestr(f"{top}/{rel}", data)
    return path.read_bytes()


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[bytes, int]] = {}
    """path -> (body, bytes actually sent before hanging up)."""

    def do_GET(self) -> None:
        if self.path not in self.routes:
            self.send_error(404)
            return
        body, send = self.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:send])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _catalog(tmp_path: Path, url: str, body: bytes, sha256: str | None = None) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(
        json.dumps(
            {NAME: {"lang": "xx", "url": url, "size": len(body), "sha256": sha256 or hashlib.sha256(body).hexdigest()}}
        )
    )
    return path


def _leftovers(cache: Path) -> list[str]:
    return sorted(os.listdir(cache)) if cache.exists() else []


def test_pull_verifies_unpacks_and_the_resolver_finds_it(tmp_path: Path, server: str, no_user_models: Path) -> None:
    body = _zip(tmp_path / "m.zip", MODEL_FILES)
    _Handler.routes = {"/m.zip": (body, len(body))}
    result = run_cli("models", "pull", NAME, "--catalog", str(_catalog(tmp_path, f"{server}/m.zip", body)))
    assert result.returncode == 0, result.stderr
    assert _leftovers(no_user_models) == [NAME]
    assert (no_user_models / NAME / "am" / "final.mdl").read_bytes() == MODEL_FILES["am/final.mdl"]
    found = resolve_model("xx", 16000)
    assert found is not None and found.path == no_user_models / NAME and found.source == "cache"
    again = run_cli("models", "pull", NAME, "--catalog", str(_catalog(tmp_path, f"{server}/gone.zip", body)))
    assert again.returncode == 0 and "ready" in again.stdout  # already there: no download


def test_corrupt_download_is_rejected_and_leaves_nothing(tmp_path: Path, server: str, no_user_models: Path) -> None:
    body = _zip(tmp_path / "m.zip", MODEL_FILES)
    corrupt = body[:100] + bytes([body[100] ^ 0xFF]) + body[101:]
    _Handler.routes = {"/m.zip": (corrupt, len(corrupt))}
    catalog = _catalog(tmp_path, f"{server}/m.zip", body)
    result = run_cli("models", "pull", NAME, "--catalog", str(catalog))
    assert result.returncode == 1
    assert result.stderr.startswith(f"coolhead: error: {server}/m.zip: checksum mismatch")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert _leftovers(no_user_models) == []


def test_truncated_download(tmp_path: Path, server: str, no_user_models: Path) -> None:
    body = _zip(tmp_path / "m.zip", MODEL_FILES)
    _Handler.routes = {"/m.zip": (body, len(body) // 2)}
    with pytest.raises(ModelError, match=rf"cut off after {len(body) // 2} of {len(body)} bytes"):
        pull(NAME, no_user_models, load_catalog(_catalog(tmp_path, f"{server}/m.zip", body)))
    assert _leftovers(no_user_models) == []


def test_archive_that_is_not_a_model(tmp_path: Path, server: str, no_user_models: Path) -> None:
    """Right checksum (the catalog is wrong or the mirror serves something else), wrong content."""
    body = _zip(tmp_path / "m.zip", {"README": b"no model here"})
    _Handler.routes = {"/m.zip": (body, len(body))}
    with pytest.raises(ModelError, match="not a complete vosk model: missing am/final.mdl"):
        pull(NAME, no_user_models, load_catalog(_catalog(tmp_path, f"{server}/m.zip", body)))
    assert _leftovers(no_user_models) == []


def test_zip_entries_escaping_the_directory_are_refused(tmp_path: Path, server: str, no_user_models: Path) -> None:
    body = _zip(tmp_path / "m.zip", {"../../escape.txt": b"x", **MODEL_FILES})
    _Handler.routes = {"/m.zip": (body, len(body))}
    with pytest.raises(ModelError, match="points outside the model directory"):
        pull(NAME, no_user_models, load_catalog(_catalog(tmp_path, f"{server}/m.zip", body)))
    assert not (tmp_path / "escape.txt").exists()


def test_offline_is_a_clear_message(tmp_path: Path, server: str, no_user_models: Path) -> None:
    body = b"x" * 10
    _Handler.routes = {}
    not_found = run_cli("models", "pull", NAME, "--catalog", str(_catalog(tmp_path, f"{server}/m.zip", body)))
    assert "server answered HTTP 404" in not_found.stderr
    closed_port = "http://127.0.0.1:9/m.zip"  # discard port: nothing listens
    offline = run_cli("models", "pull", NAME, "--catalog", str(_catalog(tmp_path, closed_port, body)))
    assert offline.returncode == 1
    line = offline.stderr.strip()
    assert "\n" not in line and "cannot download" in line and "offline?" in line and str(no_user_models) in line


def test_unknown_name_and_bad_catalog(tmp_path: Path) -> None:
    result = run_cli("models", "pull", "vosk-model-nonesuch")
    assert result.returncode == 1
    assert "unknown model 'vosk-model-nonesuch'; known: vosk-model-small-" in result.stderr
    bad = tmp_path / "catalog.json"
    bad.write_text("{not json")
    result = run_cli("models", "pull", NAME, "--catalog", str(bad))
    assert result.returncode == 1 and "cannot read model catalog" in result.stderr


def test_shipped_catalog_names_official_urls_with_checksums() -> None:
    for entry in load_catalog().values():
        assert entry.url.startswith("https://alphacephei.com/vosk/models/") and entry.url.endswith(f"{entry.name}.zip")
        assert entry.size > 10_000_000 and len(entry.sha256) == 64
