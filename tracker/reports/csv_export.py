"""The CSV file: every update of the year, one line each, streamed in chunks.

UTF-8 with a byte-order mark (so Excel reads accents), CRLF lines, and text a spreadsheet would
run as a formula prefixed with a single quote (`services.spreadsheets.csv_safety.safe_cell`).
Lines are written a batch at a time: one `writerows` per batch instead of one write per line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask_babel import force_locale

from tracker.reports import raw
from tracker.reports.raw import RowSource
from tracker.reports.snapshot import ReportSnapshot
from tracker.services.spreadsheets.csv_safety import BOM, safe_cell

BATCH = 1000
Writer = Any  # csv.writer objects have no public type


def render_csv(snapshot: ReportSnapshot, rows: RowSource) -> Iterator[bytes]:
    """The CSV file in chunks of bytes."""
    with force_locale(snapshot.language):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write(BOM)
        writer.writerow([safe_cell(h) for h in raw.headings()])
        cells = raw.Cells(snapshot.language, snapshot.start_month)
        batch: list[list[object]] = []
        for row in rows():
            batch.append([_text(value) for value in cells(row)])
            if len(batch) == BATCH:
                yield _flush(buffer, writer, batch)
        yield _flush(buffer, writer, batch)


def _flush(buffer: io.StringIO, writer: Writer, batch: list[list[object]]) -> bytes:
    """Write the batch, return everything buffered as UTF-8 and empty the buffer."""
    writer.writerows(batch)
    batch.clear()
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def _text(value: object) -> object:
    """Formula-like text quoted; times as 'YYYY-MM-DD HH:MM' (UTC); missing values empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return safe_cell(value)
