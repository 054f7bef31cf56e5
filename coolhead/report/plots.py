"""The report's plots as inline SVG (matplotlib's object API, no pyplot; imported only when drawn).

``call_figure_svg``: one call on a shared time axis, three panels (who spoke, anger, loudness)
with every cue as a vertical line in its window colour. ``batch_figures_svg``: the batch's
distributions. The call figure's plot area sits at fixed inches (``time_x_px``), so the x of a
time in the rendered page is known.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import numpy as np

from coolhead.cue_kinds import CUES, CueKind
from coolhead.report.summary import CallSummary, overlaps

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import Locator

PX_PER_IN = 96
"""CSS pixels per inch: browsers draw the SVG's points (72 per inch) at 96/72 px."""
FIGURE_WIDTH_IN = 12.5
LEFT_IN, RIGHT_IN = 1.0, 0.3
LEGEND_IN, BOTTOM_IN, GAP_IN = 0.55, 0.45, 0.25
PANEL_HEIGHTS_IN = {"timeline": 1.1, "anger": 1.5, "loudness": 1.2}
"""The call figure's panels, top to bottom."""
FIGURE_HEIGHT_IN = LEGEND_IN + sum(PANEL_HEIGHTS_IN.values()) + GAP_IN * (len(PANEL_HEIGHTS_IN) - 1) + BOTTOM_IN
PLOT_WIDTH_PX = (FIGURE_WIDTH_IN - LEFT_IN - RIGHT_IN) * PX_PER_IN

ROLE_COLOURS = {"agent": "#0c8599", "customer": "#495057", "mix": "#495057"}
OVERTALK_COLOUR = "#ffd8a8"
UNKNOWN_CUE_COLOUR = "#adb5bd"
HEATED_COLOUR = "#868e96"
ENDING_COLOURS = {"calm": "#b2f2bb", "de-escalated": "#ffe066", "still heated": "#ffa8a8"}
"""How a call ended (``CallSummary.ending``): the batch plot's bars, the pages' badges."""
MAX_POINTS = 1000
"""Anger and loudness series longer than this are drawn as the maximum per time bin."""
GAP_S = 2.0
"""A speaker's anger and loudness lines break where they have no reading for this long (silence)."""


def time_x_px(t_s: float, duration_s: float) -> float:
    """Where time ``t_s`` lands in the call figure, in CSS px from its left edge."""
    return LEFT_IN * PX_PER_IN + PLOT_WIDTH_PX * t_s / max(duration_s, 1e-3)


def cue_colour(kind: str) -> str:
    """The cue window's colour of ``kind`` (grey for a kind this version does not know)."""
    try:
        return CUES[CueKind(kind)].colour
    except ValueError:
        return UNKNOWN_CUE_COLOUR


def clock(t_s: float) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour on)."""
    hours, rest = divmod(round(t_s), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def call_figure_svg(summary: CallSummary) -> str:
    """The call's figure: speech of each role with overtalk and interruptions, anger (0..1) with
    the heated line, loudness against each speaker's baseline; cues as vertical lines across all."""
    from matplotlib.figure import Figure

    with _style():
        fig = Figure(figsize=(FIGURE_WIDTH_IN, FIGURE_HEIGHT_IN))
        _draw_call(fig, summary)
        return _svg(fig)


def _draw_call(fig: Figure, summary: CallSummary) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    duration_s = max(summary.duration_s, 1e-3)
    axes = _stacked_axes(fig)
    timeline, anger, loudness = axes["timeline"], axes["anger"], axes["loudness"]
    timeline.set_xlim(0.0, duration_s)
    roles = list(dict.fromkeys([*summary.roles, *summary.speech]))
    pixel_s = duration_s / PLOT_WIDTH_PX
    _draw_timeline(timeline, summary, roles, pixel_s)
    for role, course in summary.anger.items():
        colour = ROLE_COLOURS.get(role, HEATED_COLOUR)
        width = 1.6 if role != "agent" else 1.1
        if role != "mix":  # a mix's level follows who speaks, not how they feel: not drawn as anger
            anger.plot(*_series(course.t_s, course.level, duration_s), color=colour, lw=width)
        loudness.plot(*_series(course.t_s, course.loudness_db, duration_s), color=colour, lw=width)
    anger.axhline(summary.heated_level, color=HEATED_COLOUR, lw=1.0, ls="--")
    anger.set_ylim(0.0, 1.0)
    anger.set_yticks([0.0, 0.5, 1.0])
    anger.set_ylabel("anger 0..1")
    if summary.mono:
        anger.text(0.5, 0.5, "mono recording: no anger level per speaker", transform=anger.transAxes, ha="center")
    loudness.axhline(0.0, color="#ced4da", lw=1.0)
    low_db, high_db = loudness.get_ylim()
    loudness.set_ylim(min(low_db, -6.0), max(high_db, 6.0))
    loudness.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 3, 5, 10]))
    loudness.set_ylabel("loudness vs\nown baseline (dB)")
    loudness.xaxis.set_major_locator(_time_locator(duration_s))
    loudness.xaxis.set_major_formatter(lambda t_s, _pos: clock(t_s))
    kinds = _draw_cues(axes.values(), summary)
    handles: list[Artist] = [Patch(color=ROLE_COLOURS.get(r, HEATED_COLOUR), label=r) for r in roles]
    handles += [
        Patch(color=OVERTALK_COLOUR, label="overtalk"),
        Line2D([], [], ls="", marker="v", color="#212529", label="interruption (row: who cut in)"),
        Line2D([], [], color=HEATED_COLOUR, ls="--", label=f"heated ({summary.heated_level:.2f})"),
    ]
    handles += [Line2D([], [], color=cue_colour(k), lw=2.0, label=f"cue: {k}") for k in kinds]
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(LEFT_IN / FIGURE_WIDTH_IN, 1.0 - (LEGEND_IN - 0.02) / FIGURE_HEIGHT_IN),
        ncol=len(handles) if len(handles) <= 7 else -(-len(handles) // 2),
        frameon=False,
        borderaxespad=0.0,
        handlelength=1.6,
        columnspacing=1.2,
    )


def _stacked_axes(fig: Figure) -> dict[str, Axes]:
    """The panels at fixed inches (``fig.add_axes``), sharing the time axis."""
    axes: dict[str, Axes] = {}
    top_in = LEGEND_IN
    for name, height_in in PANEL_HEIGHTS_IN.items():
        rect = (
            LEFT_IN / FIGURE_WIDTH_IN,
            1.0 - (top_in + height_in) / FIGURE_HEIGHT_IN,
            PLOT_WIDTH_PX / PX_PER_IN / FIGURE_WIDTH_IN,
            height_in / FIGURE_HEIGHT_IN,
        )
        first = next(iter(axes.values()), None)
        ax = fig.add_axes(rect, sharex=first)
        ax.margins(x=0.0)
        ax.grid(axis="x", color="#e9ecef", lw=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if name != list(PANEL_HEIGHTS_IN)[-1]:
            ax.tick_params(axis="x", labelbottom=False)
        axes[name] = ax
        top_in += height_in + GAP_IN
    return axes


def _draw_timeline(ax: Axes, summary: CallSummary, roles: list[str], pixel_s: float) -> None:
    """One row of speech bars per role (top to bottom in ``roles`` order), overtalk shaded behind,
    a marker above the row of whoever cut in."""
    rows = {role: len(roles) - 1 - i for i, role in enumerate(roles)}
    for start_s, end_s in _joined(
        overlaps(summary.speech.get("agent", []), summary.speech.get("customer", [])), pixel_s
    ):
        ax.axvspan(start_s, end_s, color=OVERTALK_COLOUR, lw=0, zorder=0.5)
    for role, row in rows.items():
        bars = [(s, e - s) for s, e in _joined(summary.speech.get(role, []), pixel_s)]
        ax.broken_barh(bars, (row + 0.15, 0.7), color=ROLE_COLOURS.get(role, HEATED_COLOUR), lw=0, zorder=2)
    cut_ins = [(e["t"], rows[e["by"]]) for e in summary.interruptions if e.get("by") in rows]
    if cut_ins:
        t_s, row = np.array(cut_ins, float).T
        ax.plot(t_s, row + 0.92, ls="", marker="v", ms=6, color="#212529", zorder=4, clip_on=False)
    ax.set_ylim(0.0, len(roles))
    ax.set_yticks([rows[r] + 0.5 for r in roles], roles)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def _draw_cues(axes: Iterable[Axes], summary: CallSummary) -> list[str]:
    """Every cue as a vertical line in its colour through every panel; returns the kinds drawn."""
    by_kind: dict[str, list[float]] = {}
    for e in summary.cue_events:
        by_kind.setdefault(str(e["cue"]), []).append(e["t"])
    for ax in axes:
        for kind, t_s in by_kind.items():
            ax.vlines(t_s, 0.0, 1.0, transform=ax.get_xaxis_transform(), colors=cue_colour(kind), lw=1.6, zorder=5)
    return list(by_kind)


def _joined(segments: Sequence[tuple[float, float]], gap_s: float) -> list[tuple[float, float]]:
    """``segments`` with gaps shorter than ``gap_s`` closed (no bar finer than a pixel)."""
    out: list[tuple[float, float]] = []
    for start_s, end_s in sorted(segments):
        if out and start_s - out[-1][1] < gap_s:
            out[-1] = (out[-1][0], max(out[-1][1], end_s))
        else:
            out.append((start_s, end_s))
    return out


def _series(t_s: np.ndarray, values: np.ndarray, duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """A speaker's readings to draw: at most ``MAX_POINTS`` (the maximum of each time bin: peaks are
    what QA looks for), the line broken where the speaker was silent (no readings for ``GAP_S``)."""
    bin_s = duration_s / MAX_POINTS
    if len(t_s) > MAX_POINTS:
        bins = np.minimum((t_s / bin_s).astype(int), MAX_POINTS - 1)
        starts = np.flatnonzero(np.r_[True, np.diff(bins) != 0])
        t_s, values = (bins[starts] + 0.5) * bin_s, np.maximum.reduceat(values, starts)
    breaks = np.flatnonzero(np.diff(t_s) > max(GAP_S, 2.5 * bin_s)) + 1
    return np.insert(t_s, breaks, np.nan), np.insert(values.astype(float), breaks, np.nan)


def _time_locator(duration_s: float) -> Locator:
    from matplotlib.ticker import MultipleLocator

    steps_s = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
    return MultipleLocator(next((s for s in steps_s if duration_s / s <= 8), steps_s[-1]))


def batch_figures_svg(rows: Sequence[dict[str, object]]) -> str:
    """The batch at a glance (calls whose status is ``ok``): customer anger peaks, how calls ended,
    interruptions per call by who cut in, cues per kind."""
    from matplotlib.figure import Figure

    with _style():
        fig = Figure(figsize=(FIGURE_WIDTH_IN, 2.6))
        _draw_batch(fig, [r for r in rows if r.get("status") == "ok"])
        return _svg(fig)


def _draw_batch(fig: Figure, ok: Sequence[dict[str, object]]) -> None:
    peaks, endings, cut_ins, cues = fig.subplots(
        1, 4, gridspec_kw={"wspace": 0.45, "left": 0.05, "right": 0.99, "bottom": 0.16, "top": 0.88}
    )
    peaks.hist(_numbers(ok, "customer_anger_peak"), bins=np.linspace(0.0, 1.0, 11), color=ROLE_COLOURS["customer"])
    peaks.set_xlim(0.0, 1.0)
    _style_counts(peaks, "customer anger peak", "calls")
    ending_names = ["still heated", "de-escalated", "calm"]
    ending_counts = [sum(r.get("ending") == e for r in ok) for e in ending_names]
    endings.barh(ending_names, ending_counts, color=[ENDING_COLOURS[e] for e in ending_names])
    _style_counts(endings, "how calls ended", "calls", horizontal=True)
    by_agent, by_customer = _numbers(ok, "interruptions_by_agent"), _numbers(ok, "interruptions_by_customer")
    edges = np.arange(int(max([*by_agent, *by_customer, 0])) + 2) - 0.5
    colours = [ROLE_COLOURS["agent"], ROLE_COLOURS["customer"]]
    cut_ins.hist([by_agent, by_customer], bins=edges, color=colours, label=["by agent", "by customer"])
    cut_ins.legend(frameon=False)
    _style_counts(cut_ins, "interruptions per call", "calls")
    kinds = [str(k) for k in CueKind][::-1]
    cues.barh(kinds, [sum(_numbers(ok, f"cues_{k}")) for k in kinds], color=[cue_colour(k) for k in kinds])
    _style_counts(cues, "cues per kind (all calls)", "cues", horizontal=True)


def _numbers(rows: Iterable[dict[str, object]], column: str) -> list[float]:
    return [float(v) for r in rows if isinstance(v := r.get(column), int | float)]


def _style_counts(ax: Axes, title: str, unit: str, horizontal: bool = False) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(title, loc="left", fontsize=10)
    (ax.set_xlabel if horizontal else ax.set_ylabel)(unit)
    (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _style() -> AbstractContextManager[None]:
    """Text stays text in the SVG (small files, searchable); ids are stable from run to run."""
    from matplotlib import rc_context

    return rc_context({"svg.fonttype": "none", "svg.hashsalt": "coolhead", "font.size": 9.0})


def _svg(fig: Figure) -> str:
    """``fig`` as an ``<svg>`` element (no XML prologue) for inlining in HTML."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]
