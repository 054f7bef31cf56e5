"""Phrase rules: what the words of an utterance reveal (a manager request, a threat, an agent's
blocking phrase), matched on normalised text and tolerant of STT errors.

Rules live in data files per language (coolhead/phrases/LANG.toml); users add their own with
``stt.phrase_file``. A rule fires at most once per ``cooldown_s`` for the same speaker.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from coolhead import events
from coolhead.cue_kinds import PHRASE_CUES
from coolhead.events import Event
from coolhead.small_files import NotASmallFile, read_small

PHRASES_DIR = Path(__file__).resolve().parent.parent / "phrases"
_CHAR_MAP = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "ş": "ș", "ţ": "ț", "\u200c": "", "'": "", "’": "", "`": ""})
"""Spelling variants folded together: Arabic/Persian letters, Romanian cedilla/comma, ZWNJ,
apostrophes (``won't`` = ``wont``)."""
_SHORT_TOKEN = 4
"""Tokens this short (in Latin-letter equivalents, ``_weight``) must match exactly, and only they
may be missing from the utterance: function words, not content words."""
_MIN_SIMILARITY = 0.8


class PhraseError(ValueError):
    """A phrase file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class PhraseRule:
    name: str
    cue: str
    """``transfer`` or ``avoid_phrase``."""
    speaker: str
    """``customer``, ``agent`` or ``any``."""
    reason: str
    phrases: tuple[tuple[str, ...], ...]
    """Normalised token sequences."""


@dataclass(frozen=True)
class PhraseBook:
    """The rules of one language (shipped list plus the user's file)."""

    rules: tuple[PhraseRule, ...]
    cooldown_s: float
    negations: frozenset[str] = frozenset()
    """Short words that must never be skipped: "won't let me" must not match "let me"."""

    @classmethod
    def load(cls, language: str, extra_file: str = "", cooldown_s: float = 20.0) -> PhraseBook:
        shipped = PHRASES_DIR / f"{language.split('-')[0].lower()}.toml"
        rules, negations = read_rules(shipped) if shipped.is_file() else ([], set())
        if extra_file:
            extra_rules, extra_negations = read_rules(Path(extra_file))
            rules, negations = rules + extra_rules, negations | extra_negations
        return cls(tuple(rules), cooldown_s, frozenset(negations))


MAX_PHRASE_FILE_BYTES = 1 << 20
"""A phrase file is a list of rules a person wrote: 1 MB is thousands of them."""


def read_rules(path: Path) -> tuple[list[PhraseRule], set[str]]:
    """The rules of a phrase file and its ``negations`` list."""
    try:
        data = tomllib.loads(read_small(path, MAX_PHRASE_FILE_BYTES).decode("utf-8"))
    except NotASmallFile as exc:
        raise PhraseError(f"{path}: phrase file is {exc}") from None
    except UnicodeDecodeError as exc:
        raise PhraseError(f"{path}: phrase file is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise PhraseError(f"{path}: cannot read phrase file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PhraseError(f"{path}: phrase file is not valid TOML: {exc}") from None
    rules = []
    for i, rule in enumerate(data.get("rule", [])):
        try:
            phrases = tuple(t for t in (tuple(normalise(p).split()) for p in rule["phrases"]) if t)
            rules.append(
                PhraseRule(
                    str(rule["name"]), str(rule["cue"]), str(rule.get("speaker", "any")), str(rule["reason"]), phrases
                )
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise PhraseError(
                f"{path}: rule {i + 1} needs name, cue, reason and a list of phrases (problem: {exc!r})"
            ) from None
        if rules[-1].cue not in PHRASE_CUES:
            raise PhraseError(
                f"{path}: rule {i + 1} ({rules[-1].name}): cue '{rules[-1].cue}' is not one a phrase "
                f"rule can raise ({', '.join(PHRASE_CUES)})"
            )
    return rules, {normalise(w) for w in data.get("negations", [])}


def normalise(text: str) -> str:
    """Case-folded, compatibility-normalised, punctuation as spaces, spelling variants folded."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_CHAR_MAP)
    return " ".join("".join(c if not unicodedata.category(c).startswith(("P", "S")) else " " for c in text).split())


def _weight(token: str) -> int:
    """Length in Latin-letter equivalents: a Hangul or CJK character carries about three letters."""
    return sum(3 if ord(c) >= 0x1100 else 1 for c in token)


def similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(_weight(a), _weight(b)) <= _SHORT_TOKEN:
        return False
    return SequenceMatcher(None, a, b).ratio() >= _MIN_SIMILARITY


def phrase_cost(phrase: tuple[str, ...], tokens: list[str], keep: frozenset[str] = frozenset()) -> int:
    """Fewest edits that make ``phrase`` occur in ``tokens``: a near-miss spelling is free, an
    extra word inside the phrase or a missing short word costs 1, a missing or wrong content word
    or a missing word of ``keep`` (negations) is not allowed (a large cost)."""
    never = 1000
    n = len(phrase)
    prev = [0] * (len(tokens) + 1)  # row i-1 of the table; row 0: the phrase may start anywhere
    for i in range(1, n + 1):
        skip = 1 if _weight(phrase[i - 1]) <= _SHORT_TOKEN and phrase[i - 1] not in keep else never
        row = [prev[0] + skip] + [never] * len(tokens)
        for j in range(1, len(tokens) + 1):
            match = prev[j - 1] if similar(phrase[i - 1], tokens[j - 1]) else never
            extra = row[j - 1] + 1 if i < n else never  # an extra word after phrase token i
            row[j] = min(match, prev[j] + skip, extra)
        prev = row
    return min(prev)


def allowed_cost(n_tokens: int) -> int:
    return 0 if n_tokens <= 2 else 1 if n_tokens <= 5 else 2


@dataclass
class PhraseMatch:
    rule: PhraseRule
    phrase: str


@dataclass
class PhraseSpotter:
    """Matches words events against a phrase book; one per call (it remembers what fired)."""

    book: PhraseBook
    _last_s: dict[tuple[str, str], float] = field(default_factory=dict)

    def spot(self, words: Event) -> list[PhraseMatch]:
        tokens = normalise(words["text"]).split()
        out = []
        for rule in self.book.rules:
            if rule.speaker not in ("any", words["speaker"]):
                continue
            hit = next(
                (p for p in rule.phrases if phrase_cost(p, tokens, self.book.negations) <= allowed_cost(len(p))), None
            )
            key = (rule.name, words["speaker"])
            last = self._last_s.get(key)
            if hit is not None and (last is None or words["end"] - last >= self.book.cooldown_s):
                self._last_s[key] = words["end"]
                out.append(PhraseMatch(rule, " ".join(hit)))
        return out


class PhraseCues:
    """Cues from ``words`` events (manager request, threat, blocking phrase), at the words' end.

    They depend on the words alone, never on the acoustic state, so the same words give the same
    cues whether recognition ran inline or in a worker thread.
    """

    def __init__(self, book: PhraseBook) -> None:
        self._spotter = PhraseSpotter(book)

    def on_words(self, words: Event) -> list[Event]:
        return [
            events.cue(
                words["end"], m.rule.cue, m.rule.reason, rule=m.rule.name, phrase=m.phrase, speaker=words["speaker"]
            )
            for m in self._spotter.spot(words)
        ]
