"""Phrase rules: normalisation, tolerance of STT errors, no cues on calm read speech, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from coolhead.pipeline.phrases import PhraseBook, PhraseError, PhraseSpotter, normalise
from devkit.wer import english_transcribed
from tests.conftest import need_shared_data, run_cli


def _spot(book: PhraseBook, speaker: str, text: str) -> list[str]:
    event = {"type": "words", "speaker": speaker, "text": text, "t": 0.0, "end": 1.0}
    return [m.rule.name for m in PhraseSpotter(book).spot(event)]


@pytest.mark.parametrize(
    "text",
    [
        "I want to speak to your manager.",
        "Can I talk to a supervisor please",
        "let me speak to your manger",
        "I'd like to speak with a manager right now",
        "get me your manager",
        "I want to speak to your managers",
    ],
)
def test_manager_requests_are_found_despite_stt_errors(text: str) -> None:
    assert _spot(PhraseBook.load("en"), "customer", text) == ["manager_request"]


@pytest.mark.parametrize(
    "text",
    [
        "the manager said it was fine",
        "I can speak to that",
        "speak to your dog",
        "my manager is on holiday",
        "I can do that for you",
        "the system allows it",
        "the system will let me",
        "the policy covers that",
    ],
)
def test_near_misses_are_not_matched(text: str) -> None:
    assert _spot(PhraseBook.load("en"), "customer", text) == []
    assert _spot(PhraseBook.load("en"), "agent", text) == []


def test_agent_blocking_phrases_and_speaker_filter() -> None:
    book = PhraseBook.load("en")
    assert _spot(book, "agent", "Sorry, the system won't let me do that") == ["blocking_phrase"]
    assert _spot(book, "agent", "there's really nothing I can do") == ["blocking_phrase"]
    assert _spot(book, "customer", "the system won't let me log in") == []  # customers may say it
    assert _spot(book, "customer", "I'll sue you") == ["threat_or_abuse"]


def test_other_languages_fold_spelling_variants() -> None:
    assert normalise("ﻣﯽ‌خواهم") == normalise("میخواهم")
    assert _spot(PhraseBook.load("fa"), "customer", "ميخواهم با مدير صحبت كنم") == ["manager_request"]  # Arabic letters
    assert _spot(PhraseBook.load("ro"), "customer", "Vreau să vorbesc cu şeful!") == ["manager_request"]  # cedilla
    assert _spot(PhraseBook.load("sv"), "agent", "Tyvärr, det är vår policy.") == ["blocking_phrase"]
    assert _spot(PhraseBook.load("ko"), "customer", "매니저 바꿔 주세요") == ["manager_request"]
    assert _spot(PhraseBook.load("ko"), "customer", "바꿔 주세요") == []  # the content word is missing


def test_cooldown_per_rule_and_speaker() -> None:
    spotter = PhraseSpotter(PhraseBook.load("en", cooldown_s=20.0))
    ask = {"type": "words", "speaker": "customer", "text": "speak to your manager"}
    assert len(spotter.spot({**ask, "t": 1.0, "end": 2.0})) == 1
    assert spotter.spot({**ask, "t": 10.0, "end": 11.0}) == []
    assert len(spotter.spot({**ask, "t": 30.0, "end": 31.0})) == 1


@pytest.mark.shared_data
def test_calm_read_speech_raises_nothing() -> None:
    """The transcripts of the English recordings (calm read speech) match no rule, either role."""
    book = PhraseBook.load("en")
    texts = [t.text for t in english_transcribed(need_shared_data())]
    assert len(texts) == 16
    assert [t for t in texts for role in ("agent", "customer") if _spot(book, role, t)] == []


def test_user_phrase_file_extends_the_list(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[rule]]\nname = "cancel"\ncue = "transfer"\nspeaker = "customer"\n'
        'reason = "Retention: transfer to the retention team."\nphrases = ["cancel my contract"]\n'
    )
    book = PhraseBook.load("en", str(extra))
    assert _spot(book, "customer", "I want to cancel my contract today") == ["cancel"]


def test_bad_phrase_files_are_one_line_errors(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[[rule]]\nname = "x"\ncue = "transfer"\nreason = "r"\nphrases = ["på kö"]\n'.encode("latin-1"))
    with pytest.raises(PhraseError, match=r"latin1.toml: phrase file is not UTF-8 text \(byte \d+\)"):
        PhraseBook.load("sv", str(latin1))
    incomplete = tmp_path / "incomplete.toml"
    incomplete.write_text('[[rule]]\nname = "x"\nphrases = ["a b"]\n')
    with pytest.raises(PhraseError, match="rule 1 needs name, cue, reason and a list of phrases"):
        PhraseBook.load("en", str(incomplete))
    typo = tmp_path / "typo.toml"
    typo.write_text('[[rule]]\nname = "boss"\ncue = "tranfser"\nreason = "r"\nphrases = ["a b"]\n')
    with pytest.raises(
        PhraseError,
        match=r"typo.toml: rule 1 \(boss\): cue 'tranfser' is not one a phrase rule "
        r"can raise \(transfer, avoid_phrase\)$",
    ):
        PhraseBook.load("en", str(typo))
    config = tmp_path / "config.toml"
    config.write_text(f'[stt]\nphrase_file = "{latin1}"\n')
    result = run_cli("analyze", "missing.wav", "--config", str(config), "--no-stt")
    assert result.returncode == 2
    byte = latin1.read_bytes().index("å".encode("latin-1"))
    assert result.stderr == f"coolhead: error: {latin1}: phrase file is not UTF-8 text (byte {byte})\n"
