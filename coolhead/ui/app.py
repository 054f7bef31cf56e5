"""Qt side of ``coolhead listen``: the application, the cue window, and the sink that carries
events from the listener's thread into the GUI thread (Qt queued signals)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from coolhead.config import Config
from coolhead.events import Event
from coolhead.i18n import CueTexts
from coolhead.pipeline.cues import CallState
from coolhead.run.live import LiveListener
from coolhead.run.live_call import FinishedCall
from coolhead.ui.latency import LatencyLog
from coolhead.ui.window import CueWindow

METER_INTERVAL_S = 0.1
"""Meters are refreshed at most this often (audio time), not once per 20 ms chunk."""
POLL_MS = 100


class QtSink(QObject):
    """A ``LiveSink``: called on the listener thread, handled on the GUI thread."""

    _event = Signal(object, object)
    _note = Signal(object)
    _meters = Signal(float, float)

    def __init__(self, window: CueWindow, latency: LatencyLog, snapshot_dir: Path | None = None) -> None:
        super().__init__()
        self.window = window
        self.latency = latency
        self.snapshot_dir = snapshot_dir
        self._n_snapshots = 0
        self.interruptions: dict[str, int] = {}
        self._told_talkovers_t: list[float] = []
        """Times of pause cues whose talk-over was counted when the cue came."""
        self._last_meter_t_s = -METER_INTERVAL_S
        self._event.connect(self._show_event)
        self._meters.connect(self.window.set_meters)
        self._note.connect(self.window.show_note)

    def on_event(self, event: Event, arrived_s: float | None) -> None:
        self._event.emit(event, arrived_s)

    def on_state(self, t_s: float, state: CallState) -> None:
        if t_s - self._last_meter_t_s >= METER_INTERVAL_S or t_s < self._last_meter_t_s:
            self._last_meter_t_s = t_s
            self._meters.emit(state.customer_anger_level, state.agent_loudness_vs_baseline_db)

    def _count(self, by: str) -> None:
        self.interruptions[by] = self.interruptions.get(by, 0) + 1
        self._show_count()

    def _show_count(self) -> None:
        self.window.set_interruptions(sum(self.interruptions.values()), self.interruptions.get("agent", 0))

    def _already_counted(self, event: Event) -> bool:
        """An agent's talk-over the pause cue already counted (the cue comes while it lasts)."""
        if event["by"] != "agent":
            return False
        for t_s in self._told_talkovers_t:
            if event["t"] <= t_s <= event["t"] + event["overlap_s"] + 0.5:
                self._told_talkovers_t.remove(t_s)
                return True
        return False

    def on_call_end(self, call: FinishedCall) -> None:
        self._note.emit(call.note)

    def _show_event(self, event: Event, arrived_s: float | None) -> None:
        kind = event["type"]
        if kind == "call":
            self.interruptions, self._told_talkovers_t = {}, []
            self._show_count()
            self.window.clear_note()
        elif kind == "interruption" and not self._already_counted(event):
            self._count(event["by"])
        elif kind == "cue":
            if event.get("reason_key") == "talking_over":  # counted now, not when the overlap ends
                self._told_talkovers_t.append(event["t"])
                self._count("agent")
            self.window.show_cue(event["cue"], self.window.texts.reason(event))
            self.window.repaint()  # painted now, not at the next idle moment: this is "shown"
        elif kind != "interruption":
            return
        if arrived_s is not None:
            self.latency.record(kind, arrived_s, time.perf_counter())
        if kind == "cue" and self.snapshot_dir is not None:
            self._n_snapshots += 1
            self.snapshot_dir.mkdir(parents=True, exist_ok=True)
            self.window.grab().save(str(self.snapshot_dir / f"cue-{self._n_snapshots:03d}-{event['cue']}.png"))


class CueApp:
    """The Qt application with one cue window; ``run`` blocks until ``should_stop()``."""

    def __init__(self, texts: CueTexts, config: Config, latency: LatencyLog, snapshot_dir: Path | None = None) -> None:
        self.qapp = QApplication.instance() or QApplication(["coolhead"])
        self.window = CueWindow(texts, config.ui.cue_visible_s)
        self.sink = QtSink(self.window, latency, snapshot_dir)

    def run(self, listener: LiveListener, should_stop: Callable[[], bool]) -> None:
        self.window.call_toggled.connect(lambda start: listener.start_call() if start else listener.end_call())

        def poll() -> None:
            self.window.set_call_state(listener.wants_call, listener.in_call)
            if should_stop():
                self.qapp.quit()

        timer = QTimer(interval=POLL_MS)
        timer.timeout.connect(poll)
        timer.start()
        self.window.show()
        self.qapp.exec()
        timer.stop()
        self.window.close()
