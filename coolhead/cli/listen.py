"""``coolhead listen``: live capture of agent and customer, cues in a window or on the console."""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
import time
from pathlib import Path

from coolhead.audio.capture import Capture, CaptureError, StreamSpec, find_device, list_input_devices, pick_rate_hz
from coolhead.audio.chunk import MIX_ROLE
from coolhead.cli.common import add_agent_is_option, add_config_option, error, load_config, note
from coolhead.cli.stt_options import add_stt_options, speech_to_text
from coolhead.i18n import LanguageError, load_texts, pick_language
from coolhead.run.live import LiveListener, LiveReport
from coolhead.run.live_call import CallFiles
from coolhead.ui.console import ConsoleCues
from coolhead.ui.latency import LatencyLog

HELP = """\
Listen to a call live and cue the agent. Two sources: the agent's microphone and the call audio
(the customer), either two input devices (--agent-device and --customer-device) or the two
channels of one device (--device, with --agent-channel saying which one is the agent). A mono
source (--mono-device: both parties mixed, as on a recorder's tap) is split into agent and
customer by the speaker-segmentation model, about 2 s behind the audio; the agent is the
speaker heard first unless --agent-is second (docs/mono.md).
Devices are given by index or name as `coolhead devices` lists them.

The audio runs through the same pipeline as `coolhead analyze`. Each call's events are written
as JSON Lines while they happen (--events FILE.jsonl, else DIR/call-<UTC time>.jsonl in --out);
--record also writes the call as a WAV (channel 0 agent, channel 1 customer; a mono source as
captured) that `coolhead analyze` turns into the same events. Stops after --duration seconds, on ctrl-C or
SIGTERM, or when a device is lost (events so far are kept).

The cue window stays on top and never takes keyboard focus. Its button ends the call (and
starts taking the next); SIGUSR1 does the same, for a desktop hotkey such as
`pkill -USR1 -f "coolhead listen"`. --split-silence ends calls by itself."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "listen",
        help="live capture with the cue window (or console cues)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    src = p.add_argument_group("sources")
    src.add_argument("--agent-device", metavar="DEV", help="input device of the agent's microphone")
    src.add_argument("--customer-device", metavar="DEV", help="input device carrying the call (customer)")
    src.add_argument("--device", metavar="DEV", help="one two-channel device carrying both parties")
    src.add_argument(
        "--mono-device",
        metavar="DEV",
        help="one device carrying both parties mixed (its first channel): the speaker-segmentation "
        "model tells them apart ([mono] settings; needs coolhead[mono])",
    )
    src.add_argument(
        "--agent-channel",
        type=int,
        choices=(0, 1),
        default=0,
        help="with --device: the agent's channel (default 0; the other is the customer)",
    )
    add_agent_is_option(src)
    src.add_argument(
        "--capture-rate",
        type=int,
        metavar="HZ",
        help="capture at this rate (default: the pipeline rate if the devices take it, "
        "else their default rate) and resample to the pipeline rate",
    )
    out = p.add_argument_group("outputs")
    out.add_argument("--events", type=Path, metavar="FILE.jsonl", help="event file of the (first) call")
    out.add_argument(
        "--out",
        type=Path,
        default=Path("calls"),
        metavar="DIR",
        help="directory for per-call files when --events is not given (default ./calls)",
    )
    out.add_argument("--record", action="store_true", help="also record each call as a WAV (as captured)")
    out.add_argument(
        "--stats",
        type=Path,
        metavar="FILE.json",
        help="write the session's figures (latency, CPU, drops) here as JSON at the end",
    )
    out.add_argument("--no-window", action="store_true", help="print cues on the console instead of the window")
    out.add_argument(
        "--snapshots",
        type=Path,
        metavar="DIR",
        help="save a PNG of the cue window each time it shows a cue (what the agent saw)",
    )
    out.add_argument(
        "--ui-language",
        metavar="LANG",
        help="cue window language: en, fa, ro, sv (default: [ui] language, else the system locale)",
    )
    run_ = p.add_argument_group("running")
    run_.add_argument("--duration", type=float, metavar="S", help="stop after this many seconds")
    run_.add_argument(
        "--split-silence",
        type=float,
        metavar="S",
        help="end the call after S seconds of silence on both sides; the next starts with speech",
    )
    run_.add_argument(
        "--queue-s",
        type=float,
        default=5.0,
        metavar="S",
        help="audio the capture queue holds before blocks are dropped (default 5)",
    )
    add_stt_options(p)
    add_config_option(p)
    p.set_defaults(func=run)


def _stream_specs(args: argparse.Namespace) -> list[StreamSpec]:
    given = [bool(args.device), bool(args.mono_device), bool(args.agent_device or args.customer_device)]
    if sum(given) > 1:
        raise CaptureError("give one of --device, --mono-device or --agent-device/--customer-device")
    if not (args.device or args.mono_device) and not (args.agent_device and args.customer_device):
        raise CaptureError(
            "give --agent-device and --customer-device, --device for one two-channel device, or "
            "--mono-device for one device with both parties mixed (`coolhead devices` lists them)"
        )
    devices = list_input_devices()
    if args.mono_device:
        return [StreamSpec(find_device(args.mono_device, devices), {MIX_ROLE: 0})]
    if args.device:
        device = find_device(args.device, devices)
        if device.channels < 2:
            raise CaptureError(
                f"input device {device.index} '{device.name}' has {device.channels} channel; "
                "--device needs two (agent and customer)"
            )
        return [StreamSpec(device, {"agent": args.agent_channel, "customer": 1 - args.agent_channel})]
    agent, customer = find_device(args.agent_device, devices), find_device(args.customer_device, devices)
    if agent.index == customer.index:
        raise CaptureError(
            f"agent and customer are the same device '{agent.name}'; use --device for one two-channel device"
        )
    return [StreamSpec(agent, {"agent": 0}), StreamSpec(customer, {"customer": 0})]


class WindowUnavailable(Exception):
    """The cue window cannot be shown here; ``str()`` says why and what to do."""


def _cue_app(args: argparse.Namespace, config, latency: LatencyLog):
    """The Qt cue window, or ``WindowUnavailable`` (no PySide6, no display)."""
    texts = load_texts(pick_language(args.ui_language or config.ui.language))
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")):
        raise WindowUnavailable(
            "no display for the cue window (DISPLAY/WAYLAND_DISPLAY unset); use --no-window for console cues"
        )
    try:
        from coolhead.ui.app import CueApp
    except ImportError as exc:
        raise WindowUnavailable(
            f"the cue window needs PySide6 ({exc}); install PySide6-Essentials or use --no-window"
        ) from None
    return CueApp(texts, config, latency, snapshot_dir=args.snapshots)


def run(args: argparse.Namespace) -> int:
    config = load_config(args)
    stt = speech_to_text(args, config, threaded=True)
    if args.snapshots and args.no_window:
        error("--snapshots saves pictures of the cue window; it cannot be used with --no-window")
        return 2
    latency = LatencyLog()
    try:
        specs = _stream_specs(args)
        rate_hz = args.capture_rate or pick_rate_hz(specs, config.pipeline.sample_rate)
        capture = Capture(specs, rate_hz, queue_s=args.queue_s)
        source = "live:" + ",".join(
            f"{role}={s.device.name}#{ch}" for s in specs for role, ch in s.role_channels.items()
        )
        files = CallFiles(args.out, args.events, args.record)
        window = None if args.no_window else _cue_app(args, config, latency)
        sinks = [window.sink] if window is not None else [ConsoleCues(latency)]
        listener = LiveListener(capture, config, files, sinks, source, stt, split_silence_s=args.split_silence)
        listener.start()
    except (CaptureError, LanguageError, WindowUnavailable) as exc:
        error(str(exc))
        return 2
    if rate_hz != config.pipeline.sample_rate:
        note(f"capturing at {rate_hz} Hz, resampled to {config.pipeline.sample_rate} Hz")
    stop = _StopConditions(listener, args.duration)
    if window is not None:
        window.run(listener, stop.reached)
    else:
        while not stop.reached():
            time.sleep(0.05)
    report = listener.stop()
    if args.stats:
        _write_stats(args.stats, report, latency, rate_hz, capture.input_latency_s)
    return _report(report, latency)


def _write_stats(path: Path, report: LiveReport, latency: LatencyLog, rate_hz: int, capture_latency_s: float) -> None:
    stats = {
        "capture_rate_hz": rate_hz,
        "input_latency_ms": round(1000 * capture_latency_s, 1),
        "wall_s": round(report.wall_s, 3),
        "cpu_s": round(report.cpu_s, 3),
        "cpu_percent_of_one_core": round(report.cpu_percent, 2),
        "dropped_s": report.dropped_s,
        "driver_overflows": report.driver_overflows,
        "max_backlog_s": round(report.max_backlog_s, 3),
        "backlog_at_stop_s": round(report.backlog_at_stop_s, 3),
        "lost": report.lost_reason,
        "failure": report.failure,
        "latency_ms": {"cue": latency.percentiles_ms("cue"), "all": latency.percentiles_ms()},
        "calls": [
            {
                "events": str(c.events_path),
                "wav": str(c.wav_path) if c.wav_path else None,
                "duration_s": round(c.duration_s, 3),
                "n_events": c.n_events,
                "n_cues": c.n_cues,
                "end_reason": c.end_reason,
                "note": str(c.note_path),
            }
            for c in report.calls
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")


class _StopConditions:
    """Duration, SIGINT/SIGTERM, or the listener ending by itself (lost device)."""

    def __init__(self, listener: LiveListener, duration_s: float | None) -> None:
        self.listener = listener
        self.duration_s = duration_s
        self.started_s = time.monotonic()
        self.signalled = threading.Event()
        self._said_flowing = False
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.signalled.set())
        signal.signal(signal.SIGUSR1, lambda *_: self._toggle_call())
        note("listening (ctrl-C to stop)")

    def _toggle_call(self) -> None:
        """SIGUSR1 (e.g. from a desktop hotkey): end the current call, or start taking one."""
        if self.listener.wants_call:
            self.listener.end_call()
        else:
            self.listener.start_call()

    def reached(self) -> bool:
        if not self._said_flowing and self.listener.capture.first_block.is_set():
            self._said_flowing = True
            note("audio is flowing")
        return (
            self.signalled.is_set()
            or self.listener.done.is_set()
            or (self.duration_s is not None and time.monotonic() - self.started_s >= self.duration_s)
        )


def _report(report: LiveReport, latency: LatencyLog) -> int:
    for call in report.calls:
        wav = f" and {call.wav_path}" if call.wav_path else ""
        note(
            f"call of {call.duration_s:.1f} s ({call.end_reason}): {call.n_events} events, {call.n_cues} cues "
            f"in {call.events_path}{wav}; post-call note in {call.note_path}"
        )
    dropped = {role: s for role, s in report.dropped_s.items() if s > 0}
    if dropped or report.driver_overflows:
        lost = ", ".join(f"{role} {s:.2f} s" for role, s in dropped.items()) or "none"
        note(
            f"OVERRUN: analysis fell behind; audio dropped from the full queue (replaced by silence): {lost}; "
            f"driver overflows: {report.driver_overflows}"
        )
    note(
        f"queue backlog max {report.max_backlog_s:.2f} s; CPU {report.cpu_percent:.1f}% of one core "
        f"over {report.wall_s:.1f} s; {latency.summary()}"
    )
    if report.lost_reason or report.failure:
        error(f"{report.lost_reason or report.failure}; stopped, events so far are kept")
        return 1
    return 0
