"""The CSV file: every update of the year, one line each, streamed.

UTF-8 with a byte-order mark (so Excel reads accents), CRLF lines, and text a spreadsheet would
run as a formula prefixed with a single quote (`tracker.services.csv_safety`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask_babel import force_locale

from tracker.reports import raw
from tracker.reports.raw import RowSource
from tracker.reports.snapshot import ReportSnapshot
from tracker.services.csv_safety import csv_lines

MEDIA_TYPE = "text/csv; charset=utf-8"


def render_csv(snapshot: ReportSnapshot, rows: RowSource) -> Iterator[bytes]:
    """The CSV file in chunks of bytes, one per line."""
    with force_locale(snapshot.language):
        for line in csv_lines(_lines(snapshot, rows)):
            yield line.encode("utf-8")


def _lines(snapshot: ReportSnapshot, rows: RowSource) -> Iterator[list[object]]:
    yield list(raw.headings())
    cells = raw.Cells(snapshot.language, snapshot.start_month)
    for row in rows():
        yield [_text(value) for value in cells(row)]


def _text(value: object) -> object:
    """Times as 'YYYY-MM-DD HH:MM' (UTC), missing values as empty cells."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value
