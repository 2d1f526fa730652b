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
from datetime import date
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.reports import raw, text
from tracker.reports.raw import RowSource
from tracker.reports.snapshot import ReportSnapshot
from tracker.services.spreadsheets.csv_safety import BOM, FORMULA_PREFIXES, safe_cell

BATCH = 1000
Writer = Any  # csv.writer objects have no public type


class UpdatesCsv:
    """The updates CSV written incrementally: the header at once, then rows as they come
    (turned into cells by `raw.Cells`: text, numbers and None) into one buffer of bytes."""

    def __init__(self) -> None:
        self.text = io.StringIO()
        self.writer = csv.writer(self.text)
        self.output = io.BytesIO()
        self.batch: list[list[object]] = []
        self.text.write(BOM)
        self.writer.writerow([safe_cell(h) for h in raw.headings()])

    def add(self, cells: Sequence[object]) -> None:
        """Append one update's line."""
        self.batch.append(_line(cells))
        if len(self.batch) == BATCH:
            self.output.write(_flush(self.text, self.writer, self.batch))

    def finish(self) -> bytes:
        """The whole file."""
        self.output.write(_flush(self.text, self.writer, self.batch))
        return self.output.getvalue()


def render_csv(snapshot: ReportSnapshot, rows: RowSource) -> Iterator[bytes]:
    """The CSV file (in one chunk of bytes)."""
    with force_locale(snapshot.language):
        out = UpdatesCsv()
        cells = raw.Cells(snapshot.language, snapshot.start_month)
        for row in rows():
            out.add(cells(row))
        yield out.finish()


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
                _day(m.baseline_due),
                _day(m.completed_on),
                _day(m.forecast_on),
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
    """A row's cells as CSV text: formula-like text quoted, missing values empty, numbers as
    they are (times and dates come as text already)."""
    return [
        ""
        if value is None
        else ("'" + value if type(value) is str and value.startswith(FORMULA_PREFIXES) else value)
        for value in cells
    ]


def _day(value: date | None) -> str | None:
    """A date as ISO 8601 (YYYY-MM-DD)."""
    return value.isoformat() if value is not None else None
