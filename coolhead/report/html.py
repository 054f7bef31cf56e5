"""Self-contained HTML pages for QA: one call's report, and the batch index linking them.

Pages open offline: CSS, SVG figures and the index's sort script are inline, nothing is fetched.
Every text from a call (names, transcripts, cue reasons, errors) is escaped.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from coolhead.events import Event
from coolhead.report.plots import ENDING_COLOURS, batch_figures_svg, call_figure_svg, clock, cue_colour
from coolhead.report.summary import TABLE_COLUMNS, CallSummary

PAGE_MARGIN_PX = 24
"""Left margin of the page's content: the call figure's left edge in the rendered page."""
FIRST_COLUMNS = (
    "call status error ending customer_anger_peak customer_anger_end anger_onset_s deescalation_s "
    "interruptions_by_agent interruptions_by_customer overtalk_s".split()
)
INDEX_COLUMNS = tuple(
    dict.fromkeys([*FIRST_COLUMNS, *(c for c in TABLE_COLUMNS if c.startswith("cues_")), *TABLE_COLUMNS])
)
"""The index table's columns: every batch table column, what QA scans first on the left."""
TEXT_COLUMNS = ("call", "error", "source")

STYLE = f"""
body {{ margin: 0; font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; color: #212529; background: #fff; }}
main {{ padding: 16px {PAGE_MARGIN_PX}px 40px; }}
h1 {{ font-size: 20px; margin: 0 0 4px; word-break: break-all; }}
h2 {{ font-size: 16px; margin: 20px 0 8px; }}
.sub {{ color: #868e96; margin: 0 0 12px; word-break: break-all; }}
.facts {{ display: flex; flex-wrap: wrap; gap: 8px; margin: 0; }}
.facts div {{ border: 1px solid #dee2e6; border-radius: 6px; padding: 6px 12px; }}
.facts dt {{ font-size: 12px; color: #868e96; }}
.facts dd {{ margin: 0; font-weight: 600; }}
.badge {{ padding: 0 6px; border-radius: 4px; }}
.chip {{ display: inline-block; padding: 0 6px; margin-right: 4px; border-radius: 4px; color: #fff; }}
.note {{ margin: 12px 0; padding-left: 20px; max-width: 1150px; }}
.figure svg {{ display: block; max-width: 100%; height: auto; }}
.transcript {{ list-style: none; padding: 0; margin: 0; max-width: 1150px; }}
.transcript li {{ padding: 2px 8px; border-left: 4px solid transparent; }}
.transcript .t {{ color: #868e96; font-variant-numeric: tabular-nums; display: inline-block; width: 4.5em; }}
.transcript .who {{ display: inline-block; width: 6em; font-weight: 600; }}
.transcript .agent .who {{ color: #0c8599; }}
.transcript .cue {{ background: #f8f9fa; }}
.transcript .kind {{ font-weight: 700; text-transform: uppercase; }}
table {{ border-collapse: collapse; font-size: 13px; }}
th, td {{ border-bottom: 1px solid #e9ecef; padding: 3px 8px; text-align: right; white-space: nowrap; }}
th {{ position: sticky; top: 0; background: #f1f3f5; cursor: pointer; user-select: none;
      white-space: normal; vertical-align: bottom; min-width: 4em; max-width: 7em; }}
th[aria-sort=ascending]::after {{ content: " \\25B2"; }}
th[aria-sort=descending]::after {{ content: " \\25BC"; }}
th.text {{ text-align: left; }}
td.text {{ text-align: left; max-width: 28em; overflow: hidden; text-overflow: ellipsis; }}
tr.failed td {{ background: #fff5f5; color: #c92a2a; }}
.scroll {{ overflow-x: auto; }}
"""

SORT_SCRIPT = """
document.querySelectorAll("table.sortable th").forEach((th, col) => th.addEventListener("click", () => {
  const table = th.closest("table"), body = table.tBodies[0];
  const dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
  table.querySelectorAll("th").forEach(h => h.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
  const rows = [...body.rows].sort((a, b) => {
    const x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
    if (x === "" || y === "") return (x === "") - (y === "");
    const nx = Number(x), ny = Number(y);
    return dir * (isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny);
  });
  body.append(...rows);
}));
"""
"""Click a column header: sort by it (again: reverse); numbers as numbers, empty cells last."""


def _page(title: str, body: str, script: str = "") -> str:
    tail = f"<script>{script}</script>" if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n"
        f"<body><main>\n{body}\n</main>{tail}</body></html>\n"
    )


def _fact(label: str, value_html: str) -> str:
    return f"<div><dt>{escape(label)}</dt><dd>{value_html}</dd></div>"


def _chip(kind: str, n: int) -> str:
    return f'<span class="chip" style="background:{cue_colour(kind)}">{escape(kind)} {n}</span>'


def _badge(ending: str) -> str:
    return f'<span class="badge" style="background:{ENDING_COLOURS.get(ending, "#fff")}">{escape(ending)}</span>'


def _facts(summary: CallSummary) -> str:
    """The summary box: what a QA analyst checks first."""
    shares = [
        f"{escape(role)} {share:.0%} ({summary.talk_s.get(role, 0.0):.0f} s)"
        for role in summary.roles
        if (share := summary.talk_share(role)) is not None
    ]
    cut_ins = ", ".join(f"by {escape(who)} {n}" for who, n in sorted(summary.interruptions_by.items())) or "none"
    customer = summary.customer
    if customer.peak is None:
        anger = "not measured"
    else:
        anger = f"peak {customer.peak:.2f} at {clock(customer.peak_t_s() or 0.0)}"
        if summary.anger_onset_s is not None:
            anger += f", heated from {clock(summary.anger_onset_s)}"
    ending = summary.ending
    cues = "".join(_chip(kind, n) for kind, n in sorted(summary.cues.items())) or "none"
    facts = [
        _fact("duration", clock(summary.duration_s)),
        _fact("talk share", " · ".join(shares) or "no speech"),
        _fact("overtalk", f"{summary.overtalk_s:.1f} s"),
        _fact("interruptions", cut_ins),
        _fact("customer anger", anger),
        _fact("ending", _badge(ending)),
        _fact("cues", cues),
    ]
    return f'<dl class="facts">{"".join(facts)}</dl>'


def _transcript_item(event: Event) -> str:
    when = f'<span class="t">{clock(event["t"])}</span>'
    if event["type"] == "cue":
        kind, reason = str(event["cue"]), escape(str(event.get("reason", "")))
        colour = cue_colour(kind)
        kind_html = f'<span class="kind" style="color:{colour}">{escape(kind)}</span>'
        return f'<li class="cue" style="border-left-color:{colour}">{when}{kind_html} {reason}</li>'
    who, text = escape(str(event.get("speaker", ""))), escape(str(event.get("text", "")))
    return f'<li class="{who}">{when}<span class="who">{who}</span>{text}</li>'


def _transcript(summary: CallSummary) -> str:
    """Words and cues in time order (a cue after the words that end at its time); cues alone
    when the call was analysed without speech-to-text."""
    items = sorted([*summary.words, *summary.cue_events], key=lambda e: (e["t"], e["type"] == "cue"))
    heading = "Transcript and cues" if summary.words else "Cues (no transcript: analysed without speech-to-text)"
    if not items:
        return "<h2>Cues</h2><p>No cues.</p>"
    return f'<h2>{heading}</h2><ol class="transcript">{"".join(map(_transcript_item, items))}</ol>'


def call_report_html(name: str, summary: CallSummary, note_lines: list[str]) -> str:
    """One call's report: summary box, post-call note, figure, transcript with the cues in place."""
    when = f" · started {summary.started_utc} UTC" if summary.started_utc else ""
    note = "".join(f"<li>{escape(line)}</li>" for line in note_lines)
    body = (
        f"<h1>{escape(name)}</h1>"
        f'<p class="sub">{escape(summary.source)}{escape(when)}</p>'
        f"{_facts(summary)}"
        f'<ul class="note">{note}</ul>'
        f'<div class="figure">{call_figure_svg(summary)}</div>'
        f"{_transcript(summary)}"
    )
    return _page(f"{name}: call report", body)


def _cell(column: str, value: object, href: str | None) -> str:
    sort_key = "" if value is None else str(value)
    shown = escape(sort_key)
    if column == "call" and href is not None:
        shown = f'<a href="{escape(quote(href, safe="/", errors="surrogateescape"))}">{shown}</a>'
    elif column == "ending" and isinstance(value, str):
        shown = _badge(value)
    text = ' class="text"' if column in TEXT_COLUMNS else ""
    title = f' title="{escape(sort_key)}"' if column in ("error", "source") else ""
    return f'<td{text}{title} data-v="{escape(sort_key)}">{shown}</td>'


def index_html(rows: list[dict[str, object]], report_hrefs: dict[str, str]) -> str:
    """The batch index: the batch's plots, then the table (``INDEX_COLUMNS``), one row per call
    linking its report (``report_hrefs``: call → relative path), failed calls with their error."""
    failed = sum(r.get("status") != "ok" for r in rows)
    heated = sum(r.get("ending") == "still heated" for r in rows)
    head = "".join(
        f'<th{" class=text" if c in TEXT_COLUMNS else ""} title="{escape(c)}">{escape(c.replace("_", " "))}</th>'
        for c in INDEX_COLUMNS
    )
    body_rows = "".join(
        f"<tr{' class=failed' if r.get('status') != 'ok' else ''}>"
        + "".join(_cell(c, r.get(c), report_hrefs.get(str(r.get("call")))) for c in INDEX_COLUMNS)
        + "</tr>\n"
        for r in rows
    )
    body = (
        f"<h1>Batch: {len(rows)} calls</h1>"
        f'<p class="sub">{failed} failed · {heated} ended still heated · click a column header to sort</p>'
        f'<div class="figure">{batch_figures_svg(rows)}</div>'
        f'<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>\n{body_rows}</tbody></table></div>"
    )
    return _page(f"Batch of {len(rows)} calls", body, SORT_SCRIPT)
