"""Whisper models from PyPI packages: which model each language gets, and joining a model
published in parts (the real whisper-base, and small fake parts for the failure cases)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from coolhead.models.errors import ModelError
from coolhead.models.resolve import resolve_model
from coolhead.models.whisper_dir import whisper_language
from coolhead.models.whisper_packages import WHISPER_PACKAGES, PackageFile, WhisperPackage
from tests.conftest import run_cli

BASE = next(p for p in WHISPER_PACKAGES if p.name == "whisper-base")


@pytest.mark.parametrize(
    "language, name",
    [
        ("en", "whisper-tiny.en"),
        ("en-US", "whisper-tiny.en"),
        ("fa", "whisper-base"),
        ("ro", "whisper-base"),
        ("sv", "whisper-base"),
        ("pl", "whisper-base"),
    ],
)
def test_each_language_gets_the_fastest_model_that_speaks_it(no_user_models: Path, language: str, name: str) -> None:
    model = resolve_model(language, 16000)
    assert model is not None and model.kind == "whisper" and model.name == name


def test_whisper_base_is_joined_once_and_matches_the_published_model(no_user_models: Path) -> None:
    model = resolve_model("sv", 16000)
    assert model.path == no_user_models / ".assembled" / "whisper-base"
    joined = model.path / "model.bin"
    assert joined.stat().st_size == BASE.model_size
    assert sorted(p.name for p in model.path.iterdir()) == [
        "config.json",
        "model.bin",
        "tokenizer.json",
        "vocabulary.json",
    ]
    assert whisper_language(model.path) == "multi"
    mtime = joined.stat().st_mtime_ns
    assert resolve_model("ro", 16000).path == model.path and joined.stat().st_mtime_ns == mtime  # not joined again
    assert list((no_user_models / ".assembled").iterdir()) == [model.path]  # no temporary left


def test_model_by_name_on_the_command_line(no_user_models: Path, tmp_path: Path) -> None:
    assert resolve_model("en", 16000, "whisper-base").name == "whisper-base"
    result = run_cli("analyze", str(tmp_path / "missing.wav"), "--model", "whisper-nope")
    assert result.returncode == 2 and "whisper-nope: model directory does not exist" in result.stderr


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[WhisperPackage, Path]:
    """Two importable packages holding a 3-part model.bin and its other files."""
    site = tmp_path / "site"
    for module, files in {
        "fake_whisper_1": {"p1": b"abc" * 1000, "p2": b"def" * 500},
        "fake_whisper_2": {"p3": b"ghi", "config.json": b"{}", "tokenizer.json": b"{}", "vocabulary.json": b"[]"},
    }.items():
        (site / module).mkdir(parents=True)
        (site / module / "__init__.py").write_text("")
        for name, data in files.items():
            (site / module / name).write_bytes(data)
    monkeypatch.syspath_prepend(str(site))
    joined = b"abc" * 1000 + b"def" * 500 + b"ghi"
    package = WhisperPackage(
        "fake-whisper",
        ("fake-whisper-1", "fake-whisper-2"),
        (PackageFile("fake_whisper_1", "p1"), PackageFile("fake_whisper_1", "p2"), PackageFile("fake_whisper_2", "p3")),
        tuple(PackageFile("fake_whisper_2", n) for n in ("config.json", "tokenizer.json", "vocabulary.json")),
        hashlib.sha256(joined).hexdigest(),
        len(joined),
    )
    yield package, site
    for module in ("fake_whisper_1", "fake_whisper_2"):
        sys.modules.pop(module, None)


def test_parts_are_joined_in_order(fake_parts: tuple[WhisperPackage, Path], tmp_path: Path) -> None:
    package, _ = fake_parts
    target = package.assemble(tmp_path / "cache")
    assert (target / "model.bin").read_bytes() == b"abc" * 1000 + b"def" * 500 + b"ghi"
    assert package.size_bytes() == 3000 + 1500 + 3 + 2 + 2 + 2


def test_a_corrupt_part_is_one_line_and_leaves_nothing(fake_parts: tuple[WhisperPackage, Path], tmp_path: Path) -> None:
    package, site = fake_parts
    (site / "fake_whisper_1" / "p2").write_bytes(b"dEf" * 500)
    with pytest.raises(ModelError) as err:
        package.assemble(tmp_path / "cache")
    message = str(err.value)
    assert message.startswith("fake-whisper: the joined model.bin does not match the published model")
    assert "reinstall fake-whisper-1 and fake-whisper-2" in message and "\n" not in message
    assert list((tmp_path / "cache" / ".assembled").iterdir()) == []


def test_a_missing_part_or_an_unwritable_cache_is_one_line(
    fake_parts: tuple[WhisperPackage, Path], tmp_path: Path
) -> None:
    package, site = fake_parts
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    with pytest.raises(ModelError, match=r"^.*blocked/.assembled/fake-whisper: cannot assemble fake-whisper there: "):
        package.assemble(blocked)
    (site / "fake_whisper_2" / "p3").unlink()
    assert not package.installed()
    with pytest.raises(ModelError, match=r"not all of its packages are installed \(fake-whisper-1, fake-whisper-2\)"):
        package.assemble(tmp_path / "cache")
