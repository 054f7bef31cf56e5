"""A call's figures from its event stream: talk time, overtalk, interruptions, anger, cues.

``summarise`` reads the events of one call (a replay's or a live call's, in any order) and
returns a ``CallSummary``; the batch table, the report and the post-call note all start here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from coolhead.config import Config
from coolhead.cue_kinds import CueKind
from coolhead.events import ROLES, Event

END_WINDOW_S = 10.0
"""How the call ended: the customer's anger over its last this many seconds of anger readings."""


@dataclass(frozen=True)
class AngerCourse:
    """One speaker's anger level over the call (``anger`` events: 0..1 against their own baseline)."""

    t_s: np.ndarray
    level: np.ndarray
    loudness_db: np.ndarray
    """Loudness against the speaker's own baseline (dB; ``departures.loudness_db``)."""

    @property
    def peak(self) -> float | None:
        return float(self.level.max()) if len(self.level) else None

    @property
    def mean(self) -> float | None:
        return float(self.level.mean()) if len(self.level) else None

    def peak_t_s(self) -> float | None:
        return float(self.t_s[int(np.argmax(self.level))]) if len(self.level) else None

    def at_end(self) -> float | None:
        """Mean level over the last ``END_WINDOW_S`` of readings."""
        if not len(self.level):
            return None
        return float(self.level[self.t_s >= self.t_s[-1] - END_WINDOW_S].mean())

    def onset_s(self, heated_level: float) -> float | None:
        """First time the level reached ``heated_level``."""
        hot = np.flatnonzero(self.level >= heated_level)
        return float(self.t_s[hot[0]]) if len(hot) else None

    def calm_from_s(self, heated_level: float, calm_level: float) -> float | None:
        """After the call got heated, the time from which the level stayed below ``calm_level``
        to the end (None: it never got heated, or it never calmed down)."""
        hot = np.flatnonzero(self.level >= heated_level)
        if not len(hot):
            return None
        not_calm = np.flatnonzero(self.level >= calm_level)
        after = not_calm[-1] + 1
        return float(self.t_s[after]) if after < len(self.level) else None


@dataclass(frozen=True)
class CallSummary:
    """One call's figures. Times in seconds of call time."""

    source: str
    duration_s: float
    roles: tuple[str, ...]
    """``agent``, ``customer`` (stereo, or a mono recording split into its speakers) or ``mix``
    (a mono recording left mixed)."""
    talk_s: dict[str, float]
    overtalk_s: float
    """Time both parties spoke at once."""
    interruptions_by: dict[str, int]
    cues: Counter[str]
    anger: dict[str, AngerCourse]
    heated_level: float
    calm_level: float
    started_utc: str | None = None
    """ISO time a live call started (replays: None)."""
    speech: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    """Speech segments (start_s, end_s) per role."""
    interruptions: list[Event] = field(default_factory=list)
    cue_events: list[Event] = field(default_factory=list)
    words: list[Event] = field(default_factory=list)
    mono_agent_is: str | None = None
    """A mono recording split into its speakers: the agent is the one heard ``first`` or ``second``."""

    @property
    def customer(self) -> AngerCourse:
        """The customer's anger; none for a mono call: a mixed stream's level follows who is
        speaking, not how they feel, so it never stands in for the customer's."""
        return self.anger.get("customer", AngerCourse(np.zeros(0), np.zeros(0), np.zeros(0)))

    @property
    def mono(self) -> bool:
        return self.roles == ("mix",)

    @property
    def anger_onset_s(self) -> float | None:
        return self.customer.onset_s(self.heated_level)

    @property
    def deescalated_s(self) -> float | None:
        """Seconds from the customer's first anger onset until they stayed calm (None: no onset,
        or still heated at the end)."""
        onset, calm = self.anger_onset_s, self.customer.calm_from_s(self.heated_level, self.calm_level)
        return None if onset is None or calm is None else calm - onset

    @property
    def heated(self) -> bool:
        return self.anger_onset_s is not None

    @property
    def ending(self) -> str:
        """``calm``, ``de-escalated`` or ``still heated``: how the call ended for the customer."""
        if not self.heated:
            return "calm"
        return "de-escalated" if self.deescalated_s is not None else "still heated"

    def talk_share(self, role: str) -> float | None:
        total = sum(self.talk_s.values())
        return self.talk_s.get(role, 0.0) / total if total > 0 else None


def _merged(segments: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for start, end in sorted(segments):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def overlaps(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretches (start_s, end_s) inside both sets of segments, in time order."""
    out: list[tuple[float, float]] = []
    i, j = 0, 0
    a, b = _merged(a), _merged(b)
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def overlap_s(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    """Total time inside both sets of segments."""
    return sum(end - start for start, end in overlaps(a, b))


class SummaryBuilder:
    """Collects what a ``CallSummary`` needs from a call's events as they come (a few numbers per
    event, not the events: memory stays small on a long call)."""

    def __init__(self, heated_level: float, calm_level: float) -> None:
        """``heated_level``: a customer anger level at or above it is an anger onset (the cue
        policy's ``restate_level``); ``calm_level``: below it they are calm again
        (``anger.aroused_level``)."""
        self.heated_level, self.calm_level = heated_level, calm_level
        self.header: Event = {}
        self.speech: dict[str, list[tuple[float, float]]] = {}
        self.anger: dict[str, list[tuple[float, float, float]]] = {}
        self.interruptions: list[Event] = []
        self.cues: list[Event] = []
        self.words: list[Event] = []
        self.end_s = 0.0

    @classmethod
    def for_config(cls, config: Config) -> SummaryBuilder:
        """Heated at the cue policy's ``restate_level``, calm again below ``anger.aroused_level``."""
        return cls(config.cues.restate_level, config.anger.aroused_level)

    def add(self, e: Event) -> None:
        kind = e["type"]
        self.end_s = max(self.end_s, e["t"], e.get("end") or 0.0)
        if kind == "call":
            self.header = e
        elif kind == "speech":
            self.speech.setdefault(e["speaker"], []).append((e["t"], e["end"]))
        elif kind == "anger":
            loudness_db = (e.get("departures") or {}).get("loudness_db", 0.0)
            self.anger.setdefault(e["speaker"], []).append((e["t"], e["level"], loudness_db))
        elif kind == "interruption":
            self.interruptions.append(e)
        elif kind == "cue":
            self.cues.append(e)
        elif kind == "words":
            self.words.append(e)

    def summary(self) -> CallSummary:
        header = self.header
        separation = header.get("separation") or {}
        split = separation.get("speakers") == "separated"
        roles = ROLES if split else tuple(dict.fromkeys(header.get("roles", {}).values()))
        roles = roles or ROLES
        speech = {r: sorted(self.speech.get(r, [])) for r in dict.fromkeys(roles + tuple(self.speech))}
        anger = {r: self.anger.get(r, []) for r in dict.fromkeys(roles + tuple(self.anger))}
        courses = {r: AngerCourse(*np.array(sorted(pts), float).reshape(-1, 3).T) for r, pts in anger.items()}
        return CallSummary(
            source=header.get("source", ""),
            duration_s=float(header.get("duration") or self.end_s),
            roles=roles,
            talk_s={r: round(sum(e - s for s, e in segs), 3) for r, segs in speech.items()},
            overtalk_s=round(overlap_s(speech.get("agent", []), speech.get("customer", [])), 3),
            interruptions_by=dict(Counter(e["by"] for e in self.interruptions)),
            cues=Counter(e["cue"] for e in self.cues),
            anger=courses,
            heated_level=self.heated_level,
            calm_level=self.calm_level,
            started_utc=header.get("started_utc"),
            speech=speech,
            interruptions=sorted(self.interruptions, key=lambda e: e["t"]),
            cue_events=sorted(self.cues, key=lambda e: e["t"]),
            words=sorted(self.words, key=lambda e: e["t"]),
            mono_agent_is=separation.get("agent_is") if split else None,
        )


def summarise(events: Iterable[Event], heated_level: float, calm_level: float) -> CallSummary:
    """The figures of one call's events (``SummaryBuilder``)."""
    return _built(SummaryBuilder(heated_level, calm_level), events)


def summarise_call(events: Iterable[Event], config: Config) -> CallSummary:
    """The figures of one call's events with the run's levels (``SummaryBuilder.for_config``)."""
    return _built(SummaryBuilder.for_config(config), events)


def _built(builder: SummaryBuilder, events: Iterable[Event]) -> CallSummary:
    for event in events:
        builder.add(event)
    return builder.summary()


TABLE_COLUMNS = (
    "call status error source duration_s agent_talk_s customer_talk_s mix_talk_s overtalk_s "
    "interruptions_by_agent interruptions_by_customer customer_anger_peak customer_anger_mean "
    "customer_anger_end anger_onset_s deescalation_s ending".split()
    + [f"cues_{kind}" for kind in CueKind]
)
"""Columns of the batch table (``summary.csv``), one row per call."""


def table_row(call: str, summary: CallSummary | None, status: str = "ok", error: str = "") -> dict[str, object]:
    """One row of the batch table: the call's figures, or (a failed call) its status and error."""
    row: dict[str, object] = dict.fromkeys(TABLE_COLUMNS) | {"call": call, "status": status, "error": error}
    if summary is None:
        return row
    customer = summary.customer
    row |= {
        "source": summary.source,
        "duration_s": round(summary.duration_s, 2),
        "agent_talk_s": summary.talk_s.get("agent", 0.0),
        "customer_talk_s": summary.talk_s.get("customer", 0.0),
        "mix_talk_s": summary.talk_s.get("mix", 0.0),
        "overtalk_s": summary.overtalk_s,
        "interruptions_by_agent": summary.interruptions_by.get("agent", 0),
        "interruptions_by_customer": summary.interruptions_by.get("customer", 0),
        "customer_anger_peak": _rounded(customer.peak),
        "customer_anger_mean": _rounded(customer.mean),
        "customer_anger_end": _rounded(customer.at_end()),
        "anger_onset_s": summary.anger_onset_s,
        "deescalation_s": _rounded(summary.deescalated_s),
        "ending": summary.ending,
        **{f"cues_{kind}": summary.cues.get(str(kind), 0) for kind in CueKind},
    }
    return row


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 3)
