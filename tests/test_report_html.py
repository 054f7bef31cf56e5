"""The per-call HTML report and the batch index: content, escaping, size, and (slow) how the report
looks in real headless Chromium: timeline bars drawn, every cue's colour where its time lands."""

from __future__ import annotations

import os
import re
import time
from html import escape
from pathlib import Path

import numpy as np
import pytest

from coolhead import events
from coolhead.audio.reader import probe_call
from coolhead.config import Config
from coolhead.cue_kinds import CUES, CueKind
from coolhead.report.html import INDEX_COLUMNS, PAGE_MARGIN_PX, SORT_SCRIPT, call_report_html, index_html
from coolhead.report.note import post_call_note
from coolhead.report.plots import (
    GAP_IN,
    PANEL_HEIGHTS_IN,
    PLOT_WIDTH_PX,
    PX_PER_IN,
    ROLE_COLOURS,
    UNKNOWN_CUE_COLOUR,
    call_figure_svg,
    time_x_px,
)
from coolhead.report.summary import TABLE_COLUMNS, CallSummary, summarise, table_row
from coolhead.run.replay import replay_call
from scripts.report_screenshots import dump_dom, screenshot, synthetic_call_events
from tests.conftest import ROOT

ARTIFACTS = Path(os.environ.get("COOLHEAD_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
SAMPLE = ROOT / "samples" / "call1_agent_talks_over.wav"
UNKNOWN_KIND = "breathe"
"""A cue kind this version does not know (a newer stream): drawn grey."""


def _summary(found: list[events.Event]) -> CallSummary:
    config = Config()
    return summarise(found, config.cues.restate_level, config.anger.aroused_level)


def sample_summary() -> CallSummary:
    found: list[events.Event] = []
    replay_call(probe_call(SAMPLE), Config(), found.append)
    return _summary(found)


def heated_summary(duration_s: float = 60.0) -> CallSummary:
    """A heated customer; pause, avoid_phrase, restate, lower_voice, transfer and an unknown cue."""
    found = synthetic_call_events(duration_s, seed=4)
    found.append(events.cue(0.75 * duration_s, UNKNOWN_KIND, "Take a breath."))
    return _summary(found)


def _colour(kind: str) -> str:
    """The colour a cue kind must be drawn in: the cue window's, grey for an unknown kind."""
    return CUES[CueKind(kind)].colour if kind in set(CueKind) else UNKNOWN_CUE_COLOUR


def _report(name: str, summary: CallSummary) -> str:
    return call_report_html(name, summary, post_call_note(summary, None))


def test_report_has_summary_note_figure_and_transcript_with_cues() -> None:
    summary = heated_summary()
    page = _report("heated.wav", summary)
    assert summary.heated and {"pause", "restate", "lower_voice", "transfer", "avoid_phrase"} <= set(summary.cues)
    assert all(escape(line) in page for line in post_call_note(summary, None))
    assert page.count("<svg") == 1 and f">{summary.ending}<" in page
    svg = call_figure_svg(summary)
    for kind in summary.cues:
        assert f"stroke: {_colour(kind)}" in svg, f"no {kind} cue drawn in {_colour(kind)}"
    transcript = page[page.index('<ol class="transcript">') :]
    assert transcript.count('class="cue"') == len(summary.cue_events)
    assert all(escape(e["text"]) in transcript for e in summary.words)
    assert not re.search(r"""(src|href)=["']?https?:|url\((?!#)|<link|@import""", page), "the page must open offline"


def test_sample_report_without_transcript_lists_its_cues() -> None:
    summary = sample_summary()
    page = _report(SAMPLE.name, summary)
    assert summary.cues["pause"] == 1 and not summary.words
    assert "analysed without speech-to-text" in page and "talking over the customer" in page
    assert ">agent<" in page and ">customer<" in page


def test_mono_call_has_one_row() -> None:
    found = synthetic_call_events(30.0, seed=1)
    found[0]["roles"] = {"0": "mix"}
    mono = [dict(e, speaker="mix") if e.get("speaker") else e for e in found if e["type"] != "interruption"]
    svg = call_figure_svg(_summary(mono))
    assert ">mix<" in svg and ">agent<" not in svg


def test_report_escapes_text() -> None:
    found = synthetic_call_events(30.0, seed=1)
    found.append(events.words("customer", [("<script>alert(1)</script>", 20.0, 21.0, 1.0)]))
    found.append(events.cue(22.0, "restate", "say <b>sorry</b> & mean it"))
    page = _report("<img src=x>.wav", _summary(found))
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "say &lt;b&gt;sorry&lt;/b&gt; &amp; mean it" in page


def test_report_of_a_60_minute_call_stays_under_1_mb() -> None:
    summary = heated_summary(3600.0)
    started = time.perf_counter()
    page = _report("long.wav", summary)
    elapsed_s = time.perf_counter() - started
    assert len(summary.words) > 500 and sum(summary.cues.values()) > 40
    assert len(page.encode()) < 1_000_000, f"{len(page.encode())} bytes"
    assert elapsed_s < 10.0


def test_index_links_every_report_sorts_and_shows_failed_calls() -> None:
    rows = [
        table_row("a b.wav", heated_summary()),
        table_row("sample.wav", sample_summary()),
        table_row("bad.wav", None, "failed", "bad.wav: not audio <script>x</script>"),
    ]
    page = index_html(rows, {"a b.wav": "reports/a b.html", "sample.wav": "reports/sample.html"})
    assert '<a href="reports/a%20b.html">a b.wav</a>' in page and '<a href="reports/sample.html">' in page
    assert "<script>x</script>" not in page and "not audio &lt;script&gt;x&lt;/script&gt;" in page
    failed = re.search(r"<tr class=failed>(.*?)</tr>", page)
    assert failed and "bad.wav" in failed.group(1) and "href" not in failed.group(1)
    assert (
        SORT_SCRIPT in page
        and len(re.findall("<th[ >]", page)) == len(INDEX_COLUMNS)
        and set(INDEX_COLUMNS) == set(TABLE_COLUMNS)
    )
    assert f'data-v="{rows[0]["customer_anger_peak"]}"' in page, "cells carry their sort values"
    assert page.count("<tr") == 1 + len(rows) and "<svg" in page


def _pixels_of(image: np.ndarray, colour: str, tolerance: float = 0.1) -> np.ndarray:
    """Where ``image`` (H×W×3, 0..1) shows ``colour`` (``#rrggbb``)."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.all(np.abs(image - rgb) <= tolerance, axis=-1)


def _check_screenshot(png: Path, summary: CallSummary) -> None:
    from matplotlib.image import imread

    image = imread(png)[..., :3]
    agent, customer = (_pixels_of(image, ROLE_COLOURS[r]) for r in ("agent", "customer"))
    assert agent.sum() > 300 and customer.sum() > 300, f"{png}: no timeline bars for agent and customer"
    per_row = agent.sum(axis=1)
    top_px = int(np.flatnonzero(per_row >= 0.5 * per_row.max())[0])  # the agent row of the timeline
    plot_height_px = (sum(PANEL_HEIGHTS_IN.values()) + GAP_IN * (len(PANEL_HEIGHTS_IN) - 1)) * PX_PER_IN
    rows = slice(top_px, top_px + int(0.85 * plot_height_px))
    left_px = PAGE_MARGIN_PX + time_x_px(0.0, summary.duration_s)
    columns = slice(int(left_px) + 2, int(left_px + PLOT_WIDTH_PX) - 2)

    first_agent_s = summary.speech["agent"][0][0]
    bar_row = agent[top_px + 3, columns]
    bar_left_px = columns.start + int(np.flatnonzero(bar_row)[0])
    expected_px = PAGE_MARGIN_PX + time_x_px(first_agent_s, summary.duration_s)
    assert abs(bar_left_px - expected_px) <= 3, f"first agent bar at x={bar_left_px}, its time at {expected_px:.1f}"

    kinds = {str(e["cue"]) for e in summary.cue_events}
    for kind in kinds:
        colour = _colour(kind)
        expected = [
            PAGE_MARGIN_PX + time_x_px(e["t"], summary.duration_s) for e in summary.cue_events if e["cue"] == kind
        ]
        hits = _pixels_of(image[rows, columns], colour).sum(axis=0)
        lines_px = columns.start + np.flatnonzero(hits >= 0.5 * (rows.stop - rows.start))
        for x in expected:
            near = np.abs(lines_px - x)
            assert len(near) and near.min() <= 3, f"{kind} cue ({colour}) expected at x={x:.1f}, lines at {lines_px}"
        strays = [int(px) for px in lines_px if min(abs(px - x) for x in expected) > 3]
        assert not strays, f"{kind} cue colour {colour} drawn at x={strays}, no {kind} cue there ({expected})"


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample", "heated"])
def test_report_in_headless_chromium_shows_timeline_and_cues_where_they_fired(which: str, tmp_path: Path) -> None:
    summary = sample_summary() if which == "sample" else heated_summary()
    page = tmp_path / f"{which}.html"
    page.write_text(_report(f"{which}.wav", summary), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = ARTIFACTS / f"report-{which}.png"
    try:
        screenshot(page, png, 1600)
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
    _check_screenshot(png, summary)


@pytest.mark.slow
def test_index_sorts_when_a_header_is_clicked_in_headless_chromium(tmp_path: Path) -> None:
    rows = [
        table_row("a.wav", heated_summary()),
        table_row("failed.wav", None, "failed", "bad"),
        table_row("sample.wav", sample_summary()),
    ]
    header = "document.querySelector('th[title=customer_anger_peak]')"
    click_twice = f"<script>const th = {header}; th.click(); th.click();</script>"
    page = tmp_path / "index.html"
    page.write_text(index_html(rows, {}).replace("</body>", click_twice + "</body>"), encoding="utf-8")
    try:
        dom = dump_dom(page)
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
    order = re.findall(r'<tr[^>]*><td class="text" data-v="([^"]+)"', dom)
    assert order == ["a.wav", "sample.wav", "failed.wav"], "descending by anger peak, the failed call (empty) last"
    assert 'aria-sort="descending"' in dom
