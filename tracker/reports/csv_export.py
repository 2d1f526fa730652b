"""The CSV files: every update of the year, one line each, streamed in chunks; and the
milestones due in the year, one line each, as the PDF and the workbook report them.

UTF-8 with a byte-order mark (so Excel reads accents), CRLF lines, headers in the report's
language, and text a spreadsheet would run as a formula prefixed with a single quote (as
`services.spreadsheets.csv_safety.safe_cell` does). Numbers are plain numbers, never text such
as "41%", so a spreadsheet reads them in its reader's locale; dates are ISO 8601. Lines are
written a batch at a time: one `writerows` per batch.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.reports import raw, text
from tracker.reports.raw import RowSource
from tracker.reports.snapshot import ReportSnapshot
from tracker.services.spreadsheets.csv_safety import BOM, FORMULA_PREFIXES, safe_cell

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
            batch.append(_line(cells(row)))
            if len(batch) == BATCH:
                yield _flush(buffer, writer, batch)
        yield _flush(buffer, writer, batch)


def milestone_headings() -> list[str]:
    """Column headings of the milestones CSV, in the current language."""
    return [
        _("Area"),
        _("Action"),
        _("Action title"),
        _("Lead department"),
        _("Milestone"),
        _("Milestone title"),
        _("Baseline due"),
        _("Completed"),
        _("Forecast"),
        _("Outcome"),
        _("Slippage (days)"),
    ]


def render_milestones_csv(snapshot: ReportSnapshot) -> Iterator[bytes]:
    """The milestones due in the year (the PDF's and workbook's milestone table) in one chunk,
    with the area, title and lead department of each milestone's action."""
    lang = snapshot.language
    with force_locale(lang):
        actions = {a.code: (area.code, a) for area in snapshot.areas for a in area.actions}
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write(BOM)
        writer.writerow([safe_cell(h) for h in milestone_headings()])
        batch: list[list[object]] = []
        for m in snapshot.milestones:
            area, action = actions.get(m.action_code, ("", None))
            cells: list[object] = [
                area,
                m.action_code,
                action.title(lang) if action is not None else None,
                action.lead if action is not None else None,
                m.code,
                m.title(lang),
                m.baseline_due,
                m.completed_on,
                m.forecast_on,
                text.outcome_text(m.outcome),
                m.slippage_days,
            ]
            batch.append(_line(cells))
        yield _flush(buffer, writer, batch)


def _flush(buffer: io.StringIO, writer: Writer, batch: list[list[object]]) -> bytes:
    """Write the batch, return everything buffered as UTF-8 and empty the buffer."""
    writer.writerows(batch)
    batch.clear()
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def _line(cells: Sequence[object]) -> list[object]:
    """A row's cells as CSV text: formula-like text quoted, times as 'YYYY-MM-DD HH:MM' (UTC),
    dates ISO, missing values empty, numbers as they are."""
    line: list[object] = []
    for value in cells:
        if value is None:
            line.append("")
        elif isinstance(value, str):
            line.append("'" + value if value.startswith(FORMULA_PREFIXES) else value)
        elif isinstance(value, datetime):
            line.append(value.isoformat(" ", "minutes"))
        elif isinstance(value, date):
            line.append(value.isoformat())
        else:
            line.append(value)
    return line
