"""The batch's own files in ``--out``: ``summary.csv`` (one row per call, ``TABLE_COLUMNS``) and
``index.html`` (every report, sortable). Another run writing them at the same time goes first."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from coolhead.report.html import index_html
from coolhead.report.summary import TABLE_COLUMNS
from coolhead.sinks.partial import PartialFile


def write_batch_files(out_dir: Path, rows: list[dict[str, object]], report_hrefs: dict[str, str]) -> None:
    """``report_hrefs``: call name -> its report's path relative to ``out_dir``."""
    table = io.StringIO()
    writer = csv.DictWriter(table, TABLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    for name, text in (("summary.csv", table.getvalue()), ("index.html", index_html(rows, report_hrefs))):
        out = PartialFile(out_dir / name, wait=True)
        out.write(text)
        out.commit()
