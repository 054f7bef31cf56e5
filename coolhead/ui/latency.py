"""Wall-clock latency from audio arriving at the capture callback to its event being shown."""

from __future__ import annotations

import threading
import time

import numpy as np


class LatencyLog:
    """Collects ``shown - arrived`` per event type; safe to record from any thread."""

    def __init__(self) -> None:
        self._ms: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def record(self, event_type: str, arrived_s: float, shown_s: float | None = None) -> None:
        shown_s = time.perf_counter() if shown_s is None else shown_s
        with self._lock:
            self._ms.setdefault(event_type, []).append((shown_s - arrived_s) * 1000.0)

    def samples_ms(self, event_type: str | None = None) -> list[float]:
        """Latencies of one event type, or of all of them."""
        with self._lock:
            if event_type is not None:
                return list(self._ms.get(event_type, []))
            return [ms for values in self._ms.values() for ms in values]

    def percentiles_ms(self, event_type: str | None = None) -> dict[str, float] | None:
        """``{"n", "p50", "p95", "p99", "max"}`` in ms, or None without samples."""
        values = self.samples_ms(event_type)
        if not values:
            return None
        p50, p95, p99 = np.percentile(values, [50, 95, 99])
        return {
            "n": len(values),
            "p50": round(float(p50), 1),
            "p95": round(float(p95), 1),
            "p99": round(float(p99), 1),
            "max": round(max(values), 1),
        }

    def summary(self) -> str:
        """One line for the end-of-listening report."""
        parts = []
        for label, kind in (("cues", "cue"), ("all events", None)):
            p = self.percentiles_ms(kind)
            if p:
                parts.append(f"{label} p50 {p['p50']:.0f} / p95 {p['p95']:.0f} / p99 {p['p99']:.0f} ms (n={p['n']})")
        return "latency audio-in -> shown: " + ("; ".join(parts) if parts else "no events")
