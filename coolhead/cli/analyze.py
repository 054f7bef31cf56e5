"""``coolhead analyze``: replay recorded calls (one, or a whole archive on every core or a Dask
cluster), print a timeline or progress and a summary, write event streams and reports."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from coolhead.cli.common import add_agent_is_option, add_config_option, error, load_config, note, positive_number
from coolhead.cli.stt_options import add_stt_options, plan_stt
from coolhead.events import Event
from coolhead.report.console import summary_lines
from coolhead.run.batch import BUSY, UP_TO_DATE, CallOutputs, CallResult, RunSettings, analyse_call, run_calls
from coolhead.run.sources import CallSource, find_calls, read_list
from coolhead.sinks.timeline import describe
from coolhead.ui.progress import BatchProgress

HELP = """\
Replay recorded calls (WAV, FLAC, OGG and the other formats libsndfile reads; PCM, float, G.711
u-law/A-law, GSM; any sample rate) through the pipeline and report speech, interruptions and cues.

Roles: a stereo call has one party per channel. By default channel 0 is the agent and channel 1
the customer; --agent-channel 1 swaps them (vendors differ). A mono call is split into its two
speakers by the speaker-segmentation model (coolhead[mono]; docs/mono.md): the agent is the one
heard first, or second with --agent-is second (calls the agent places).

One call: a timeline on stdout (time, who, what) as events are decided; --events FILE.jsonl
writes the event stream (contract: docs/events.md), --vtt FILE.vtt a WebVTT transcript with the
cues in place (when speech-to-text runs; docs/stt.md).

Many calls (files, folders searched recursively, --list FILE, fsspec URLs): --out DIR writes per
call NAME.jsonl, NAME.rttm (who spoke when), NAME.html (a report with plots and the post-call
note) and NAME.vtt (with words), at the call's relative path, and per batch summary.csv and
index.html (docs/report.md). Calls run on --jobs local processes (default: every core) or on the
Dask cluster at --scheduler, with a progress bar on a terminal. A call whose outputs were made
from the same input with the same settings and version is not redone (--force redoes it), so a
killed or nightly batch continues where it stopped. Every run ends with one summary line per
call. Exit status 1 if any call failed; the others are still processed."""


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "analyze",
        help="replay recorded calls and report events",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="CALL_OR_DIR", help="audio files, folders of them, or fsspec URLs")
    p.add_argument("--list", metavar="FILE", help="also the calls named in FILE (one path or URL per line)")
    p.add_argument("--events", metavar="FILE.jsonl", help="write the event stream of a single call here")
    p.add_argument(
        "--out", metavar="DIR", help="write each call's events, RTTM and report, and the batch summary, here"
    )
    p.add_argument("--jobs", type=int, metavar="N", help=f"calls analysed at once (default: every core, {_cores()})")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the calls on this Dask cluster")
    p.add_argument("--force", action="store_true", help="redo calls whose outputs are up to date")
    p.add_argument(
        "--agent-channel",
        type=int,
        choices=(0, 1),
        default=0,
        help="channel holding the agent in stereo calls (default 0; the other is the customer)",
    )
    add_agent_is_option(p)
    p.add_argument(
        "--speed",
        type=positive_number,
        metavar="X",
        help="replay at X times real time, one call after another (e.g. 1 for a live-like demo); default: full speed",
    )
    p.add_argument("--vtt", metavar="FILE.vtt", help="write a WebVTT transcript of a single call here")
    add_stt_options(p)
    p.add_argument("--quiet", action="store_true", help="no timeline, only errors and a summary")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args)
    try:
        given = list(args.paths) + (read_list(args.list) if args.list else [])
    except OSError as exc:
        error(f"{args.list}: {exc.strerror or exc}")
        return 2
    problem = _option_problem(args, given)
    if problem:
        error(problem)
        return 2
    calls = find_calls(given)
    if (args.events or args.vtt) and len(calls) != 1:
        error(f"--events and --vtt take one call, got {len(calls)}; use --out DIR for many")
        return 2
    if not calls:
        error("no audio files found in " + " ".join(given))
        return 2
    plan_stt(args, config)
    outputs = [_outputs(args, call.name, config.stt.enabled) for call in calls]
    problem = _output_problem([Path(c.location) for c in calls], outputs)
    if problem:
        error(problem)
        return 2
    settings = RunSettings(config, args.agent_channel, args.model)
    if len(calls) == 1 and not args.scheduler:
        results = [_one_call(calls[0], outputs[0], settings, args)]
    else:
        results = _batch(calls, outputs, settings, args)
    rows = [r.row for r in sorted(results, key=lambda r: str(r.source.name))]
    for line in summary_lines(rows):
        print(line)
    failed = sum(r.status == "failed" for r in results)
    resumed = sum(r.status == UP_TO_DATE for r in results)
    busy = sum(r.status == BUSY for r in results)
    if len(calls) > 1:
        print(
            f"{len(calls) - failed - busy} of {len(calls)} calls analysed, {failed} failed"
            + (f" ({resumed} up to date, not redone; --force redoes them)" if resumed else "")
            + (f"; {busy} left to another run analysing them now" if busy else "")
        )
    if args.out:
        _write_batch_files(Path(args.out), rows, outputs, calls)
    return 1 if failed else 0


def _option_problem(args: argparse.Namespace, given: list[str]) -> str:
    if not given:
        return "no calls given: name files, folders or URLs, or --list FILE"
    if args.out and (args.events or args.vtt):
        return "--out DIR writes NAME.jsonl (and NAME.vtt) per call; it cannot be combined with --events or --vtt"
    if args.jobs is not None and args.jobs < 1:
        return f"--jobs must be at least 1, got {args.jobs}"
    if args.scheduler and (args.speed or args.jobs):
        return "--scheduler runs calls on the cluster's workers; --speed and --jobs are for this machine"
    if args.speed and args.jobs:
        return "--speed paces calls one after another in this process; it cannot be combined with --jobs"
    if args.scheduler and not args.out:
        return "--scheduler needs --out DIR (a folder every worker can write): workers write the outputs"
    if args.force and not args.out:
        return "--force redoes calls whose outputs in --out DIR are up to date; without --out every call is analysed"
    if args.vtt and args.no_stt:
        return "--vtt writes what was said; it cannot be combined with --no-stt"
    return ""


def _one_call(call: CallSource, outputs: CallOutputs, settings: RunSettings, args: argparse.Namespace) -> CallResult:
    """In this process, with the timeline: in time order once the call is analysed, or (paced
    with --speed, like a live call) each line as its event is decided."""
    lines: list[tuple[float, int, str]] = []

    def show(event: Event) -> None:
        line = describe(event)
        if line and args.speed:
            print(line, flush=True)
        elif line:
            lines.append((event["t"], len(lines), line))

    result = analyse_call(call, outputs, settings, args.force or not args.out, None if args.quiet else show, args.speed)
    for *_, line in sorted(lines):
        print(line)
    _report(result, note, error)
    return result


def _batch(
    calls: list[CallSource], outputs: list[CallOutputs], settings: RunSettings, args: argparse.Namespace
) -> list[CallResult]:
    progress = BatchProgress(len(calls), show=False if args.quiet else None)
    results: list[CallResult] = []
    try:
        found: Iterator[CallResult]
        if args.speed:
            found = (analyse_call(c, o, settings, args.force, speed=args.speed) for c, o in zip(calls, outputs))
        else:
            jobs = args.jobs or _cores()
            found = run_calls(list(zip(calls, outputs)), settings, jobs, args.scheduler, args.force)
        for result in found:
            results.append(result)
            progress.done(result.audio_s, result.status == "failed")
            _report(
                result,
                lambda m: progress.print(f"coolhead: note: {m}"),
                lambda m: progress.print(f"coolhead: error: {m}"),
            )
    finally:
        progress.close()
    return results


def _report(result: CallResult, say_note: Callable[[str], None], say_error: Callable[[str], None]) -> None:
    """The call's notes and error, one line each."""
    for message in result.notes + ([result.error] if result.status == BUSY else []):
        say_note(message)
    if result.status == "failed":
        say_error(result.error)


def _outputs(args: argparse.Namespace, name: Path, with_words: bool) -> CallOutputs:
    if args.out:
        return CallOutputs.in_folder(Path(args.out), name, with_words)
    return CallOutputs(events=Path(args.events) if args.events else None, vtt=Path(args.vtt) if args.vtt else None)


def _output_problem(inputs: list[Path], outputs: list[CallOutputs]) -> str:
    """Why these outputs cannot be written (an input would be overwritten, two calls would share
    a file), or ""."""
    given = {p.resolve() for p in inputs}
    seen: dict[Path, Path] = {}
    for call, planned in zip(inputs, outputs):
        for out in planned.paths():
            target = out.resolve()
            if target in given:
                return f"{out}: is an input call; refusing to overwrite it"
            if target in seen:
                return f"{seen[target]} and {call} would both write {out}; give their folder, or run them separately"
            seen[target] = call
    return ""


def _write_batch_files(
    out_dir: Path, rows: list[dict[str, object]], outputs: list[CallOutputs], calls: list[CallSource]
) -> None:
    """``summary.csv`` and ``index.html`` in ``out_dir``, linking the reports that exist."""
    from coolhead.report.batch_files import write_batch_files

    hrefs = {
        call.display_name: o.report.relative_to(out_dir).as_posix()
        for call, o in zip(calls, outputs)
        if o.report is not None and o.report.exists()
    }
    write_batch_files(out_dir, rows, hrefs)
