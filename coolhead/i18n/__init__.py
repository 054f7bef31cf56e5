"""Texts the agent reads (cue titles, reasons, window labels) from per-language TOML files here.

A cue event says *what* (``cue`` kind) and *why* (English ``reason``; ``reason_key`` plus
``reason_args`` for acoustic cues, ``rule`` for phrase cues). The window shows the kind's
title in the agent's language and the reason by its key; an event without a known key gets
the English sentence in English and the kind's general reason in other languages.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coolhead.cue_kinds import CueKind

I18N_DIR = Path(__file__).resolve().parent
LANGUAGES = tuple(sorted(p.stem for p in I18N_DIR.glob("*.toml")))
DEFAULT_LANGUAGE = "en"


class LanguageError(ValueError):
    """An unknown language; the message lists the available ones."""


@dataclass(frozen=True)
class CueTexts:
    language: str
    right_to_left: bool
    cues: dict[str, dict[str, str]]
    """Cue kind -> {"title", "reason"}."""
    reasons: dict[str, str]
    ui: dict[str, str]

    def title(self, kind: str) -> str:
        """Big text of a cue kind (an unknown kind is shown as its name, upper-cased)."""
        return self.cues.get(kind, {}).get("title") or kind.replace("_", " ").upper()

    def reason(self, cue: dict[str, Any]) -> str:
        """The cue event's reason in this language."""
        key = cue.get("reason_key") or cue.get("rule")
        if key in self.reasons:
            try:
                return self.reasons[key].format(**cue.get("reason_args", {}))
            except (KeyError, IndexError, ValueError):
                pass  # arguments missing: fall back to the general reason below
        if self.language == "en":
            return str(cue.get("reason", ""))
        return self.cues.get(cue.get("cue", ""), {}).get("reason") or str(cue.get("reason", ""))

    def label(self, key: str) -> str:
        return self.ui[key]


def load_texts(language: str) -> CueTexts:
    if language not in LANGUAGES:
        raise LanguageError(f"no cue texts for language '{language}'; available: {', '.join(LANGUAGES)}")
    path = I18N_DIR / f"{language}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if set(data["cues"]) != set(CueKind):
        raise LanguageError(
            f"{path}: [cues.KIND] tables must be exactly the cue kinds "
            f"({', '.join(CueKind)}); found {', '.join(sorted(data['cues']))}"
        )
    return CueTexts(language, data["direction"] == "rtl", data["cues"], data["reasons"], data["ui"])


def pick_language(configured: str = "", environ: dict[str, str] | None = None) -> str:
    """``configured`` if set, else the first supported language in the POSIX locale variables
    (``LANGUAGE`` list, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English."""
    if configured:
        return configured
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for entry in env.get(var, "").split(":"):
            code = entry.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE
