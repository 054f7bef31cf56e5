"""``coolhead analyze``: replay recorded calls, print a timeline, write event streams."""

from __future__ import annotations

import argparse
from pathlib import Path

from coolhead.audio.reader import MIX_ROLE, AudioError, probe_call
from coolhead.cli.common import add_config_option, error, expand_audio_paths, load_config, note
from coolhead.cli.stt_options import add_stt_options, speech_to_text
from coolhead.config import Config
from coolhead.events import Event, printable
from coolhead.pipeline.stt import SpeechToText
from coolhead.run.replay import replay_call
from coolhead.sinks.jsonl import PartialJsonlWriter
from coolhead.sinks.timeline import describe
from coolhead.sinks.vtt import VttWriter

HELP = """\
Replay recorded calls (WAV or FLAC; PCM, float, G.711 u-law/A-law; any sample rate) through the
pipeline and report speech, interruptions and cues.

Roles: a stereo call has one party per channel. By default channel 0 is the agent and channel 1
the customer; --agent-channel 1 swaps them (vendors differ). A mono call is one mixed stream:
speech and level cues still work, but interruptions cannot be attributed to a party.

Outputs: a timeline on stdout (time, who, what) for each call; with --events FILE.jsonl (one
call) or --out DIR (one FILE.jsonl per call) the full event stream as JSON Lines, written and
flushed as events happen (contract: docs/events.md). With speech-to-text on (default when a
model is found; docs/stt.md) the stream has `words` events and phrase cues; --vtt FILE.vtt (one call)
or --out DIR (also one CALL.vtt per call) writes a WebVTT transcript with the cues in place. Exit
status 1 if any call failed; the others are still processed."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "analyze",
        help="replay recorded calls and report events",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="CALL_OR_DIR", help="audio files or directories of them")
    p.add_argument("--events", metavar="FILE.jsonl", help="write the event stream of a single call here")
    p.add_argument("--out", metavar="DIR", help="write one CALL.jsonl per call into DIR")
    p.add_argument(
        "--agent-channel",
        type=int,
        choices=(0, 1),
        default=0,
        help="channel holding the agent in stereo calls (default 0; the other is the customer)",
    )
    p.add_argument(
        "--speed",
        type=float,
        metavar="X",
        help="replay at X times real time (e.g. 1 for a live-like demo); default: full speed",
    )
    p.add_argument("--vtt", metavar="FILE.vtt", help="write a WebVTT transcript of a single call here")
    add_stt_options(p)
    p.add_argument("--quiet", action="store_true", help="no timeline, only errors and a summary")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args)
    calls = expand_audio_paths(args.paths)
    if args.out and (args.events or args.vtt):
        error("--out DIR writes NAME.jsonl (and NAME.vtt) per call; it cannot be combined with --events or --vtt")
        return 2
    if (args.events or args.vtt) and len(calls) != 1:
        error(f"--events and --vtt take one call, got {len(calls)}; use --out DIR for many")
        return 2
    if not calls:
        error("no audio files found in " + " ".join(args.paths))
        return 2
    stt = speech_to_text(args, config)
    outputs = [_outputs(args, name, stt is not None) for _, name in calls]
    problem = _output_problem([path for path, _ in calls], outputs)
    if problem:
        error(problem)
        return 2
    failed = 0
    for (path, _), (events_path, vtt_path) in zip(calls, outputs):
        show = not args.quiet
        if show and len(calls) > 1:
            print(f"== {printable(str(path))}")
        try:
            _analyze_one(path, events_path, config, args.agent_channel, show, args.speed, stt, vtt_path)
        except BrokenPipeError:
            raise  # stdout closed (`| head`): not a problem of this call
        except AudioError as exc:
            error(str(exc))
            failed += 1
        except OSError as exc:
            error(f"{exc.filename or path}: {exc.strerror or exc}")
            failed += 1
        except Exception as exc:  # a bug: report it for this call, go on with the batch
            error(f"{path}: internal error: {type(exc).__name__}: {exc}")
            failed += 1
    if len(calls) > 1:
        print(f"{len(calls) - failed} of {len(calls)} calls analysed, {failed} failed")
    return 1 if failed else 0


def _outputs(args: argparse.Namespace, name: Path, with_words: bool) -> tuple[Path | None, Path | None]:
    """Where a call's event stream and transcript go (None: not written)."""
    if args.out:
        base = Path(args.out) / name
        return base.with_name(base.name + ".jsonl"), base.with_name(base.name + ".vtt") if with_words else None
    return (Path(args.events) if args.events else None), (Path(args.vtt) if args.vtt else None)


def _output_problem(inputs: list[Path], outputs: list[tuple[Path | None, Path | None]]) -> str:
    """Why these outputs cannot be written (an input would be overwritten, two calls would share
    a file), or ""."""
    given = {p.resolve() for p in inputs}
    seen: dict[Path, Path] = {}
    for call, pair in zip(inputs, outputs):
        for out in (o for o in pair if o is not None):
            target = out.resolve()
            if target in given:
                return f"{out}: is an input call; refusing to overwrite it"
            if target in seen:
                return f"{seen[target]} and {call} would both write {out}; give their folder, or run them separately"
            seen[target] = call
    return ""


def _analyze_one(
    path: Path,
    events_path: Path | None,
    config: Config,
    agent_channel: int,
    show: bool,
    speed: float | None,
    stt: SpeechToText | None = None,
    vtt_path: Path | None = None,
) -> None:
    info = probe_call(path, agent_channel)
    writer = PartialJsonlWriter(events_path) if events_path else None
    vtt = VttWriter(vtt_path) if vtt_path else None

    def on_event(event: Event) -> None:
        if writer is not None:
            writer.write(event)
        if vtt is not None:
            vtt.write(event)
        if event["type"] == "call" and event["roles"] == {"0": MIX_ROLE}:
            note(
                f"{path}: mono recording: one mixed stream; interruptions can't be attributed "
                "to agent or customer without speaker separation"
            )
        line = describe(event) if show else None
        if line:
            print(line, flush=True)

    complete = False
    try:
        replay_call(info, config, on_event, speed, stt)
        complete = True
    finally:
        if writer is not None:
            writer.close(complete)
        if vtt is not None:
            vtt.close(complete)
