"""The Excel file (XlsxWriter): summary with native charts, a sheet per area, milestones,
compliance, needs attention and every update of the year.

Written in constant-memory mode (rows go to temporary files as they are written); the raw-data
rows are written by `xlsx_raw` and spliced in. User text is always written with `write_string`
(or as an inline string), and the workbook never turns strings into formulas or links, so text
starting with `=`, `+`, `-`, `@`, tab or carriage return stays text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import xlsxwriter
from flask_babel import force_locale
from flask_babel import gettext as _
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from tracker.reports import raw, text
from tracker.reports.raw import RowSource
from tracker.reports.snapshot import AreaRow, ReportSnapshot
from tracker.reports.xlsx_raw import RawRows
from tracker.reports.xlsx_sheets import (
    Formats,
    area_sheet,
    attention_sheet,
    changes_sheet,
    compliance_sheet,
    milestones_sheet,
    write_row,
)

OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")


def render_xlsx(snapshot: ReportSnapshot, version: int, rows: RowSource) -> bytes:
    """The workbook's bytes."""
    output = io.BytesIO()
    with force_locale(snapshot.language):
        data = RawRows(len(raw.WIDTHS))
        cells = raw.Cells(snapshot.language, snapshot.start_month)
        data.write(cells(row) for row in rows())
        workbook = xlsxwriter.Workbook(output, OPTIONS)
        workbook.set_properties(
            {
                "title": f"{snapshot.plan.title(snapshot.language)} \u2014 "
                f"{text.report_title(snapshot)}",
                "subject": text.version_stamp(snapshot, version),
                "author": _("Roadmap Tracker"),
                "created": snapshot.generated_at.replace(tzinfo=None),
            }
        )
        formats = Formats(workbook)
        fixed = [
            _("Summary"),
            _("Milestones"),
            _("Compliance"),
            _("Needs attention"),
            _("Raw data"),
            _("Changes to the plan"),
        ]
        fixed = [name[:31] for name in fixed]
        _summary(workbook.add_worksheet(fixed[0]), workbook, formats, snapshot, version)
        for area, name in zip(snapshot.areas, sheet_names(snapshot.areas, fixed), strict=True):
            area_sheet(workbook.add_worksheet(name), formats, snapshot, area)
        milestones_sheet(workbook.add_worksheet(fixed[1]), formats, snapshot)
        compliance_sheet(workbook.add_worksheet(fixed[2]), formats, snapshot)
        attention_sheet(workbook.add_worksheet(fixed[3]), formats, snapshot)
        changes_sheet(workbook.add_worksheet(fixed[5]), formats, snapshot)
        _raw_sheet(workbook.add_worksheet(fixed[4]), formats, data.count)
        workbook.close()
    return data.splice(output.getvalue(), len(workbook.worksheets()))


def sheet_names(areas: Sequence[AreaRow], reserved: Sequence[str]) -> list[str]:
    """A valid, unique sheet name per area: its code without forbidden characters."""
    taken = {name.lower() for name in reserved}
    names = []
    for n, area in enumerate(areas, start=1):
        base = _BAD_SHEET_CHARS.sub("", area.code).strip()[:28] or f"Area {n}"
        name, k = base, 2
        while name.lower() in taken:
            name, k = f"{base[:27]}~{k}", k + 1
        taken.add(name.lower())
        names.append(name)
    return names


def _summary(
    sheet: Worksheet, workbook: Workbook, f: Formats, snapshot: ReportSnapshot, version: int
) -> None:
    """Title, headline figures, status counts and area means, each table with its chart."""
    lang = snapshot.language
    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 2, 18)
    sheet.write_string(0, 0, snapshot.plan.title(lang), f.title)
    sheet.write_string(1, 0, text.report_title(snapshot), f.bold)
    sheet.write_string(2, 0, text.version_stamp(snapshot, version))
    sheet.write_string(3, 0, text.pending_note(snapshot))
    sheet.write_string(5, 0, _("Headline figures"), f.heading)
    row = 6
    for label, value in text.headline_figures(snapshot):
        write_row(sheet, row, [label, int(value) if value.isdigit() else value], f)
        row += 1
    status_first = row + 1
    sheet.write_string(status_first, 0, _("Actions by status at the end of the year"), f.heading)
    write_row(sheet, status_first + 1, [_("Status"), _("Actions")], f, f.header)
    counts = snapshot.status_counts
    for n, (status, count) in enumerate(counts):
        write_row(sheet, status_first + 2 + n, [text.status_text(status), count], f)
    status_last = status_first + 1 + len(counts)
    area_first = status_last + 2
    sheet.write_string(area_first, 0, _("Percent complete by area"), f.heading)
    write_row(sheet, area_first + 1, [_("Area"), _("Reported"), _("Expected")], f, f.header)
    for n, area in enumerate(snapshot.areas):
        means = [area.mean_percent, area.mean_expected]
        label = f"{area.code} {area.name(lang)}"
        write_row(sheet, area_first + 2 + n, [label, *[_round(m) for m in means]], f)
    area_last = area_first + 1 + len(snapshot.areas)
    _status_chart(workbook, sheet, status_first + 2, status_last)
    if snapshot.areas:
        _area_chart(workbook, sheet, area_first + 2, area_last)


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _status_chart(workbook: Workbook, sheet: Worksheet, first: int, last: int) -> None:
    chart = workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": _("Actions"),
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, 1, last, 1],
            "data_labels": {"value": True},
            "fill": {"color": "#1f6fb2"},
        }
    )
    chart.set_title({"name": _("Actions by status at the end of the year")})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    sheet.insert_chart(first - 2, 4, chart, {"x_scale": 1.3, "y_scale": 1.1})


def _area_chart(workbook: Workbook, sheet: Worksheet, first: int, last: int) -> None:
    chart = workbook.add_chart({"type": "column"})
    for column, colour in ((1, "#1f6fb2"), (2, "#9aa5b1")):
        chart.add_series(
            {
                "name": [sheet.name, first - 1, column],
                "categories": [sheet.name, first, 0, last, 0],
                "values": [sheet.name, first, column, last, column],
                "fill": {"color": colour},
            }
        )
    chart.set_title({"name": _("Percent complete by area: reported and expected")})
    chart.set_y_axis({"min": 0, "max": 100, "name": "%"})
    sheet.insert_chart(first - 2, 4, chart, {"x_scale": 1.3, "y_scale": 1.1})


def _raw_sheet(sheet: Worksheet, f: Formats, count: int) -> None:
    """Every update of the year: the header here, the `count` data rows from `RawRows`."""
    for column, width in enumerate(raw.WIDTHS):
        sheet.set_column(column, column, width)
    write_row(sheet, 0, raw.headings(), f, f.header)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(raw.WIDTHS) - 1)
