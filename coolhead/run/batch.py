"""Replay many calls: on every local core or on a Dask cluster, with resume.

``analyse_call`` is all the work for one call wherever it runs (this process, a local worker
process, a Dask worker): replay it, write its event stream, transcript, RTTM and report, and
return its row of the batch table. ``run_calls`` hands calls to an executor and yields their
results as they finish. A call whose outputs exist and were made from the same input (size and
modification time) with the same settings and coolhead version is not redone (``force``
redoes it): the JSONL header records what it was made from (``made_from``), and it is the last
output put in place, so a killed batch leaves no call that looks finished and is not.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coolhead import __version__
from coolhead.audio.chunk import MIX_ROLE
from coolhead.audio.reader import AudioError, probe_call
from coolhead.config import Config
from coolhead.events import Event, printable
from coolhead.pipeline.stt import SpeechToText
from coolhead.pipeline.stt_setup import model_for_run, speech_to_text
from coolhead.report.summary import CallSummary, SummaryBuilder, summarise_call, table_row
from coolhead.run.replay import replay_call
from coolhead.run.sources import CallSource, input_stamp, local_copy
from coolhead.sinks.jsonl import PartialJsonlWriter, iter_events
from coolhead.sinks.partial import OutputBusy, PartialFile
from coolhead.sinks.rttm import write_rttm
from coolhead.sinks.vtt import VttWriter

PR_SET_PDEATHSIG = 1
UP_TO_DATE = "up to date"
BUSY = "busy"
"""Another run is analysing the call into the same outputs now: left to it."""


@dataclass(frozen=True)
class CallOutputs:
    """Files one call writes (None: not written)."""

    events: Path | None = None
    vtt: Path | None = None
    rttm: Path | None = None
    report: Path | None = None

    @classmethod
    def in_folder(cls, out_dir: Path, name: Path, with_words: bool) -> CallOutputs:
        base = out_dir / name

        def named(suffix: str) -> Path:
            return base.with_name(base.name + suffix)

        return cls(named(".jsonl"), named(".vtt") if with_words else None, named(".rttm"), named(".html"))

    def absolute(self) -> CallOutputs:
        return CallOutputs(*(p.absolute() if p else None for p in (self.events, self.vtt, self.rttm, self.report)))

    def paths(self) -> list[Path]:
        return [p for p in (self.events, self.vtt, self.rttm, self.report) if p is not None]


@dataclass(frozen=True)
class RunSettings:
    """What decides a call's events: the same settings on the same input give the same outputs."""

    config: Config
    agent_channel: int = 0
    model: str | None = None
    """``--model`` (None: the fastest installed model for the call language)."""

    def fingerprint(self) -> str:
        text = json.dumps(
            [dataclasses.asdict(self.config), self.agent_channel, self.model], sort_keys=True, default=str
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class CallResult:
    source: CallSource
    status: str
    """``done``, ``up to date`` (resumed: outputs already made), ``busy`` (another run is making
    them) or ``failed``."""
    error: str = ""
    notes: list[str] = field(default_factory=list)
    audio_s: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)
    """Where the time went: ``replay``, ``report`` (s of this process's time)."""
    row: dict[str, object] = field(default_factory=dict)
    """The call's row of the batch table (``report.summary.table_row``)."""


_STT: dict[str, SpeechToText | None] = {}


def _speech_to_text(settings: RunSettings) -> SpeechToText | None:
    """The run's STT, loaded once per process (worker processes keep it across calls)."""
    key = settings.fingerprint()
    if key not in _STT:
        model, _ = model_for_run(settings.config, settings.model)
        _STT[key] = None if model is None else speech_to_text(settings.config, model)
    return _STT[key]


def analyse_call(
    source: CallSource,
    outputs: CallOutputs,
    settings: RunSettings,
    force: bool = False,
    on_event: Callable[[Event], None] | None = None,
    speed: float | None = None,
) -> CallResult:
    """Replay one call and write its outputs; errors become the result's one-line ``error``.
    ``on_event`` sees each event as it is decided (this process only); ``speed`` paces the replay."""
    stamp: dict[str, object] | None
    try:
        stamp = {**input_stamp(source.location), "settings": settings.fingerprint(), "version": __version__}
    except OSError:
        stamp = None  # the input is missing or unreadable: probe_call says so in one line
    if stamp and not force and _up_to_date(outputs, stamp):
        return _resumed(source, outputs, settings)
    try:
        return _replay(source, outputs, settings, stamp, on_event, speed)
    except BrokenPipeError:
        raise  # stdout closed (`| head`): not a problem of this call
    except OutputBusy as exc:
        return CallResult(source, BUSY, str(exc), row=table_row(source.display_name, None, BUSY, str(exc)))
    except AudioError as exc:
        error = str(exc)
    except OSError as exc:
        error = f"{printable(str(exc.filename or source.location))}: {exc.strerror or exc}"
    except Exception as exc:  # a bug: report it for this call, go on with the batch
        error = f"{printable(source.location)}: internal error: {type(exc).__name__}: {exc}"
    return CallResult(source, "failed", error, row=table_row(source.display_name, None, "failed", error))


def mono_note(separation: dict[str, object]) -> str | None:
    """What a person should know about a mono recording left mixed (from its call header); None
    when its speakers were separated (the header and report say how)."""
    if separation.get("speakers") == "separated":
        return None
    why = f" ({separation['why']})" if separation.get("why") else ""
    return (
        f"mono recording: one mixed stream{why}; without speaker separation "
        "no interruptions by side, no anger level and no cues"
    )


def _replay(
    source: CallSource,
    outputs: CallOutputs,
    settings: RunSettings,
    stamp: dict[str, object] | None,
    on_event: Callable[[Event], None] | None,
    speed: float | None,
) -> CallResult:
    config = settings.config
    result = CallResult(source, "done")
    collected = SummaryBuilder.for_config(config)
    started = time.process_time()
    with local_copy(source.location) as path:
        info = probe_call(path, settings.agent_channel)
        jsonl = PartialJsonlWriter(outputs.events) if outputs.events else None
        vtt = VttWriter(outputs.vtt) if outputs.vtt else None
        extra: list[PartialFile] = []

        def handle(event: Event) -> None:
            if event["type"] == "call":
                event = {**event, "source": printable(source.location)} | ({"made_from": stamp} if stamp else {})
                if event["roles"] == {"0": MIX_ROLE} and (note := mono_note(event.get("separation", {}))):
                    result.notes.append(f"{printable(source.location)}: {note}")
            collected.add(event)
            if jsonl is not None:
                jsonl.write(event)
            if vtt is not None:
                vtt.write(event)
            if on_event is not None:
                on_event(event)

        try:
            replay_call(info, config, handle, speed, _speech_to_text(settings))
            result.seconds["replay"] = time.process_time() - started
            summary = collected.summary()
            if outputs.rttm:
                extra.append(write_rttm(outputs.rttm, source.display_name, summary.speech))
            if outputs.report:
                extra.append(_write_report(outputs.report, source, summary, stamp))
            result.seconds["report"] = time.process_time() - started - result.seconds["replay"]
        except BaseException:
            for writer in (jsonl, vtt):
                if writer is not None:
                    writer.close(False)
            for out in extra:
                out.abandon()
            raise
        for out in extra:
            out.commit()
        for writer in (vtt, jsonl):  # the event stream last: it marks the call as finished
            if writer is not None:
                writer.close(True)
    result.audio_s = info.duration_s
    result.row = table_row(source.display_name, summary)
    return result


def _write_report(path: Path, source: CallSource, summary: CallSummary, stamp: dict[str, object] | None) -> PartialFile:
    from coolhead.report.html import call_report_html
    from coolhead.report.note import post_call_note

    mtime_ns = stamp.get("mtime_ns") if stamp else None
    when = datetime.fromtimestamp(mtime_ns / 1e9, UTC) if isinstance(mtime_ns, int) and mtime_ns > 0 else None
    out = PartialFile(path)
    out.write(call_report_html(source.display_name, summary, post_call_note(summary, when)))
    return out


def _up_to_date(outputs: CallOutputs, stamp: dict[str, object]) -> bool:
    if outputs.events is None or not all(p.is_file() for p in outputs.paths()):
        return False
    try:
        with open(outputs.events, encoding="utf-8") as f:
            header = json.loads(f.readline())
    except (OSError, ValueError):
        return False
    return isinstance(header, dict) and header.get("made_from") == stamp


def _resumed(source: CallSource, outputs: CallOutputs, settings: RunSettings) -> CallResult:
    assert outputs.events is not None
    summary = summarise_call(iter_events(outputs.events), settings.config)
    return CallResult(source, UP_TO_DATE, row=table_row(source.display_name, summary))


def run_calls(
    calls: list[tuple[CallSource, CallOutputs]],
    settings: RunSettings,
    jobs: int = 1,
    scheduler: str | None = None,
    force: bool = False,
) -> Iterator[CallResult]:
    """Analyse ``calls`` and yield each result as it finishes: on the Dask cluster at
    ``scheduler``, else on ``jobs`` local processes (1: in this process, in order)."""
    if scheduler:
        from distributed import Client

        calls = [(s.absolute(), o.absolute()) for s, o in calls]  # workers have their own working folder
        with Client(scheduler) as client:
            yield from _on_executor(client.get_executor(pure=False), calls, settings, force)
    elif jobs > 1 and len(calls) > 1:
        with ProcessPoolExecutor(min(jobs, len(calls)), initializer=_end_with_parent, initargs=(os.getpid(),)) as pool:
            yield from _on_executor(pool, calls, settings, force)
    else:
        for source, outputs in calls:
            yield analyse_call(source, outputs, settings, force)


def _end_with_parent(parent_pid: int) -> None:
    """A local worker process ends when the batch's process is killed (SIGKILL leaves no orphans
    waiting forever; Linux's parent-death signal, elsewhere a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # it died before the signal was set up
        os._exit(1)


def _on_executor(
    executor: Executor, calls: list[tuple[CallSource, CallOutputs]], settings: RunSettings, force: bool
) -> Iterator[CallResult]:
    futures: list[Future[CallResult]] = [executor.submit(analyse_call, s, o, settings, force) for s, o in calls]
    try:
        for future in as_completed(futures):
            yield future.result()
    finally:
        for future in futures:
            future.cancel()
