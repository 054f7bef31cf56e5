"""Golden event streams: what the pipeline says, today, about a fixed set of calls.

``python -m tests.golden.write`` rewrites them (only when behaviour is meant to change: say why
in the commit); tests/test_golden_events.py checks that the pipeline still says exactly that.
The calls are the shipped samples (acoustic events) and evaluation calls built, seeded, from
real speech in ../shared/data: the LibriSpeech/LJ/AMI report split (interruptions) and held-out
RAVDESS actors (anger and cues), each clean and through the phone line. Only event streams are
stored, never the recordings.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

from coolhead.audio.reader import probe_call
from coolhead.config import Config
from coolhead.events import Event
from coolhead.run.replay import replay_call

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SETS = ("samples", "speech_report", "ravdess_test")


def events_of(path: Path) -> list[Event]:
    """The call's events as replay (without words) gives them, its file path left out."""
    events: list[Event] = []
    replay_call(probe_call(path), Config(), events.append)
    events[0] = {k: v for k, v in events[0].items() if k != "source"}
    return json.loads(json.dumps(events))


def calls(name: str, data_dir: Path, folder: Path) -> Iterator[tuple[str, Path]]:
    """(call name, audio file) of a golden set; evaluation calls are written into ``folder``."""
    if name == "samples":
        for path in sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".wav", ".flac")):
            yield path.name, path
    elif name == "speech_report":
        from devkit.callbuilder import write_call
        from devkit.speechcalls import split_calls

        for i, (call_name, call) in enumerate(split_calls(data_dir, "report", max_calls=4)):
            yield f"clean/{call_name}", write_call(folder / "clean", call_name, call)[0]
            yield f"phone/{call_name}", write_call(folder / "phone", call_name, call, phone=True, seed=i)[0]
    elif name == "ravdess_test":
        from devkit.emotion_corpora import CORPORA
        from scripts.build_emotion_calls import build_set

        build_set(
            CORPORA["ravdess"],
            "test",
            folder,
            conditions=("clean", "phone"),
            kinds={"esc": 1, "calm": 1},
            data_dir=data_dir,
            seed=3,
        )
        for path in sorted(folder.glob("*/*.wav")):
            yield f"{path.parent.name}/{path.name}", path
    else:
        raise ValueError(f"unknown golden set {name!r}")


def streams(name: str, data_dir: Path) -> dict[str, list[Event]]:
    with tempfile.TemporaryDirectory() as folder:
        return {call: events_of(path) for call, path in calls(name, data_dir, Path(folder))}


def golden_file(name: str) -> Path:
    return HERE / f"{name}.json.gz"


def load(name: str) -> dict[str, list[Event]]:
    with gzip.open(golden_file(name), "rt", encoding="utf-8") as f:
        return json.load(f)


def save(name: str, data: dict[str, list[Event]]) -> None:
    with gzip.GzipFile(golden_file(name), "wb", mtime=0) as f:
        f.write(json.dumps(data, sort_keys=True).encode("utf-8"))
