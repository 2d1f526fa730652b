"""The Excel file (XlsxWriter): summary with native charts, the roadmap, a sheet per area (named
after the area in the report's language), milestones, compliance, needs attention, changes to
the plan and every update of the year. Figures are numbers with number and percent formats.

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
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from tracker.reports import raw, text
from tracker.reports.raw import RowSource
from tracker.reports.snapshot import AreaRow, RateFigure, ReportSnapshot
from tracker.reports.xlsx_raw import RawRows
from tracker.reports.xlsx_roadmap import roadmap_sheet
from tracker.reports.xlsx_sheets import (
    Formats,
    area_sheet,
    attention_sheet,
    changes_sheet,
    compliance_sheet,
    fraction,
    milestones_sheet,
    write_row,
)

OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# Excel refuses these in a sheet name, and an apostrophe at either end; 31 characters at most.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_SHEET_NAME = 31
RESERVED_SHEET_NAMES = ("History",)  # Excel keeps this name for itself


def render_xlsx(snapshot: ReportSnapshot, version: int, rows: RowSource) -> bytes:
    """The workbook's bytes."""
    with force_locale(snapshot.language):
        data = RawRows(len(raw.WIDTHS))
        cells = raw.Cells(snapshot.language, snapshot.start_month)
        data.write(cells(row) for row in rows())
    return render_workbook(snapshot, version, data)


def render_workbook(snapshot: ReportSnapshot, version: int, data: RawRows) -> bytes:
    """The workbook's bytes, its raw-data sheet's rows already written to `data`."""
    output = io.BytesIO()
    with force_locale(snapshot.language):
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
        formats = Formats(workbook, snapshot.language)
        fixed = [
            _("Summary"),
            _("Roadmap"),
            _("Milestones"),
            _("Compliance"),
            _("Needs attention"),
            _("Raw data"),
            _("Changes to the plan"),
        ]
        fixed = [clean_sheet_name(name) for name in fixed]
        areas = sheet_names(snapshot.areas, fixed, snapshot.language)
        _summary(workbook.add_worksheet(fixed[0]), workbook, formats, snapshot, version)
        roadmap_sheet(workbook.add_worksheet(fixed[1]), workbook, formats, snapshot)
        for area, name in zip(snapshot.areas, areas, strict=True):
            area_sheet(workbook.add_worksheet(name), formats, snapshot, area)
        milestones_sheet(workbook.add_worksheet(fixed[2]), formats, snapshot)
        compliance_sheet(workbook.add_worksheet(fixed[3]), formats, snapshot)
        attention_sheet(workbook.add_worksheet(fixed[4]), formats, snapshot)
        changes_sheet(workbook.add_worksheet(fixed[6]), formats, snapshot)
        _raw_sheet(workbook.add_worksheet(fixed[5]), formats, data.count)
        workbook.close()
    return data.splice(output.getvalue(), len(workbook.worksheets()))


def clean_sheet_name(name: str, limit: int = MAX_SHEET_NAME) -> str:
    """`name` as Excel accepts it: no forbidden character, no apostrophe at either end, no
    doubled spaces, at most `limit` characters."""
    name = " ".join(_BAD_SHEET_CHARS.sub(" ", name).split())
    return name[:limit].strip().strip("'").strip()


def sheet_names(areas: Sequence[AreaRow], reserved: Sequence[str], lang: str = "en") -> list[str]:
    """A valid, unique sheet name per area: its name in `lang` (else its code), made valid."""
    taken = {name.lower() for name in (*reserved, *RESERVED_SHEET_NAMES)}
    names = []
    for n, area in enumerate(areas, start=1):
        base = clean_sheet_name(area.name(lang)) or clean_sheet_name(area.code)
        base = base or f"{n}"
        name, k = base, 2
        while name.lower() in taken:
            name, k = f"{base[:27].rstrip()}~{k}", k + 1
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
    for label, value, kind in text.headline_values(snapshot):
        sheet.write_string(row, 0, label)
        if isinstance(value, RateFigure):  # the rate, then "185 of 200" beside it
            _number(sheet, row, 1, fraction(value.percent), f.percent1)
            sheet.write_string(
                row, 2, _("%(on_time)s of %(due)s", on_time=value.on_time, due=value.due)
            )
        elif kind == text.PERCENT:
            _number(sheet, row, 1, fraction(value), f.percent1)
        else:
            _number(sheet, row, 1, value, None)
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
        means = [fraction(_round(area.mean_percent)), fraction(_round(area.mean_expected))]
        percents = {1: f.percent1, 2: f.percent1}
        write_row(sheet, area_first + 2 + n, [area.name(lang), *means], f, column_formats=percents)
    area_last = area_first + 1 + len(snapshot.areas)
    _status_chart(workbook, sheet, status_first + 2, status_last)
    if snapshot.areas:
        _area_chart(workbook, sheet, area_first + 2, area_last)


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _number(
    sheet: Worksheet, row: int, column: int, value: float | None, fmt: Format | None
) -> None:
    """A number in its format, or an empty cell when there is none (e.g. nothing was due)."""
    if value is None:
        sheet.write_blank(row, column, None)
    else:
        sheet.write_number(row, column, value, fmt)


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
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
    sheet.insert_chart(first - 2, 4, chart, {"x_scale": 1.3, "y_scale": 1.1})


def _raw_sheet(sheet: Worksheet, f: Formats, count: int) -> None:
    """Every update of the year: the header here, the `count` data rows from `RawRows`."""
    for column, width in enumerate(raw.WIDTHS):
        sheet.set_column(column, column, width)
    write_row(sheet, 0, raw.headings(), f, f.header)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(raw.WIDTHS) - 1)
