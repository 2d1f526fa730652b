"""The Excel file's table sheets: one per area, milestones, compliance and needs attention.

Each table has a frozen header row, an autofilter and set column widths. `write_row` writes
every cell with the writer for its type: text always with `write_string`. Numbers are stored
as numbers: percentages as fractions with a percent format (Excel shows 0.41 as "41%", or
"41 %" in French), variances in points with a signed number format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from tracker.reports import text
from tracker.reports.snapshot import AreaRow, ReportSnapshot

MAX_CELL_CHARS = 32767  # Excel's limit for one cell


class Formats:
    """The workbook's cell formats; percent formats follow the report's language."""

    def __init__(self, workbook: Workbook, lang: str = "en") -> None:
        # A literal (non-breaking) space before % in French; the decimal separator is the
        # reader's, as Excel shows every number in its own locale.
        sign = '"\u00a0"%' if lang == "fr" else "%"
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.heading = workbook.add_format({"bold": True, "font_size": 12})
        self.bold = workbook.add_format({"bold": True})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#dfe6ee", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.time = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
        self.number = workbook.add_format({"num_format": "0.0", "valign": "top"})
        self.percent = workbook.add_format({"num_format": f"0{sign}", "valign": "top"})
        self.percent1 = workbook.add_format({"num_format": f"0.0{sign}", "valign": "top"})
        self.points = workbook.add_format({"num_format": "+0.0;-0.0;0.0", "valign": "top"})


Cell = str | int | float | date | datetime | None


def fraction(percent: float | None) -> float | None:
    """A percent (0-100) as the fraction a percent-formatted cell holds (0-1)."""
    return percent / 100.0 if percent is not None else None


def write_row(
    sheet: Worksheet,
    row: int,
    values: Sequence[Cell],
    f: Formats,
    fmt: Format | None = None,
    column_formats: Mapping[int, Format] | None = None,
) -> None:
    """Write one row, each value with its type's writer (text is never a formula); a number in
    a column of `column_formats` gets that column's format."""
    for column, value in enumerate(values):
        if column_formats and column in column_formats and not isinstance(value, str):
            if value is None:
                sheet.write_blank(row, column, None, fmt)
            else:
                sheet.write_number(row, column, value, column_formats[column])
        elif value is None:
            sheet.write_blank(row, column, None, fmt)
        elif isinstance(value, str):
            sheet.write_string(row, column, value[:MAX_CELL_CHARS], fmt)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, column, value, fmt or f.time)
        elif isinstance(value, date):
            sheet.write_datetime(row, column, value, fmt or f.date)
        elif isinstance(value, float):
            sheet.write_number(row, column, value, fmt or f.number)
        else:
            sheet.write_number(row, column, value, fmt)


def table(
    sheet: Worksheet,
    f: Formats,
    first: int,
    headings: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[Cell]],
    freeze_columns: int = 0,
    column_formats: Mapping[int, Format] | None = None,
) -> None:
    """A table whose header is row `first`: frozen above its data, filtered, sized."""
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    write_row(sheet, first, headings, f, f.header)
    sheet.freeze_panes(first + 1, freeze_columns)
    for n, values in enumerate(rows, start=first + 1):
        write_row(sheet, n, values, f, column_formats=column_formats)
    sheet.autofilter(first, 0, first + max(len(rows), 1), len(headings) - 1)


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def area_sheet(sheet: Worksheet, f: Formats, snapshot: ReportSnapshot, area: AreaRow) -> None:
    """One strategic area: its name and goal above a table of its actions."""
    lang = snapshot.language
    sheet.write_string(0, 0, f"{area.code} \u2014 {area.name(lang)}", f.heading)
    sheet.write_string(1, 0, area.goal(lang))
    quarters = [snapshot.quarter_label(q) for q in snapshot.quarters]
    headings = [
        _("Code"),
        _("Action"),
        _("Lead"),
        _("Status at year end"),
        _("Status quarter"),
        _("Percent complete"),
        _("Expected percent"),
        _("Variance (points)"),
        _("Flag"),
        _("Start quarter"),
        _("Baseline target"),
        _("Current target"),
        _("Slippage (quarters)"),
        *quarters,
        _("Milestones due"),
        _("Met on time"),
        _("Completed late"),
        _("Not completed"),
        _("Accomplishments"),
        _("Risks and issues"),
    ]
    widths = [8, 45, 9, 16, 14, 10, 10, 10, 24, 12, 12, 12, 10, 13, 13, 13, 13, 10, 10, 10, 10]
    widths += [60, 60]
    label = snapshot.quarter_label
    rows = [
        [
            a.code,
            a.title(lang),
            a.lead,
            text.status_text(a.status),
            label(a.status_quarter) if a.status_quarter else None,
            fraction(a.percent),
            fraction(a.expected),
            _round(a.variance),
            text.flag_text(a.flag),
            label(a.start_quarter),
            label(a.baseline_target),
            label(a.current_target),
            a.slippage,
            *[text.status_text(s) if s else None for s in a.quarterly],
            a.milestones_due,
            a.milestones_met,
            a.milestones_late,
            a.milestones_missed,
            a.highlight.accomplishments if a.highlight else None,
            a.highlight.risks if a.highlight else None,
        ]
        for a in area.actions
    ]
    formats = {5: f.percent, 6: f.percent1, 7: f.points}
    table(sheet, f, 3, headings, widths, rows, freeze_columns=2, column_formats=formats)


def milestones_sheet(sheet: Worksheet, f: Formats, snapshot: ReportSnapshot) -> None:
    """Milestones due in the year and how each ended."""
    lang = snapshot.language
    headings = [
        _("Action"),
        _("Milestone"),
        _("Title"),
        _("Baseline due"),
        _("Completed"),
        _("Forecast"),
        _("Outcome"),
        _("Slippage (days)"),
    ]
    rows = [
        [
            m.action_code,
            m.code,
            m.title(lang),
            m.baseline_due,
            m.completed_on,
            m.forecast_on,
            text.outcome_text(m.outcome),
            m.slippage_days,
        ]
        for m in snapshot.milestones
    ]
    table(sheet, f, 0, headings, [9, 10, 60, 13, 13, 13, 16, 12], rows)


def compliance_sheet(sheet: Worksheet, f: Formats, snapshot: ReportSnapshot) -> None:
    """Each department's submissions by quarter, with counts and its on-time rate."""
    c = snapshot.compliance
    lang = snapshot.language
    headings = [
        _("Department"),
        _("Name"),
        *[snapshot.quarter_label(q) for q in c.quarters],
        _("Updates owed"),
        _("On time"),
        _("Late"),
        _("Missing"),
        _("Pending"),
        _("On-time rate"),
    ]
    rows: list[list[Cell]] = []
    for r in c.rows:
        totals = [sum(getattr(cell, k) for cell in r.cells) for k in _COUNTS]
        states = [text.compliance_text(cell.state) for cell in r.cells]
        rows.append([r.acronym, r.name(lang), *states, *totals, fraction(r.rate.percent)])
    widths = [12, 45, *[14] * len(c.quarters), 10, 10, 10, 10, 10, 12]
    formats = {len(headings) - 1: f.percent1}
    table(sheet, f, 0, headings, widths, rows, freeze_columns=1, column_formats=formats)


_COUNTS = ("owed", "on_time", "late", "missing", "pending")


def attention_sheet(sheet: Worksheet, f: Formats, snapshot: ReportSnapshot) -> None:
    """The needs-attention lists, one small table after another."""
    lang = snapshot.language
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 4, 18)
    a = snapshot.attention
    row = 0
    sections: list[tuple[str, list[str], list[list[Cell]], dict[int, Format]]] = [
        (
            _("Off track or at risk at the end of the year"),
            [_("Action"), _("Title"), _("Status"), _("Percent complete")],
            [
                [x.code, x.title(lang), text.status_text(x.status), fraction(x.percent)]
                for x in snapshot.attention_actions
            ],
            {3: f.percent},
        ),
        (
            _("Reported on track but behind schedule"),
            [_("Action"), _("Title"), _("Flag"), _("Variance (points)")],
            [
                [x.code, x.title(lang), text.flag_text(x.flag), _round(x.variance)]
                for x in snapshot.flagged_actions
            ],
            {3: f.points},
        ),
        (
            _("Overdue milestones at the end of the year"),
            [_("Action"), _("Milestone"), _("Baseline due"), _("Forecast")],
            [
                [m.action_code, f"{m.code} {m.title(lang)}", m.baseline_due, m.forecast_on]
                for m in a.overdue_milestones
            ],
            {},
        ),
        (
            _("Missing updates by department"),
            [_("Department"), _("Name"), _("Missing updates"), _("Quarters")],
            [
                [
                    m.acronym,
                    m.name_fr if lang == "fr" else m.name_en,
                    m.count,
                    ", ".join(snapshot.quarter_label(q) for q in m.quarters),
                ]
                for m in a.missing
            ],
            {},
        ),
        (
            _("Silent actions (no update in the last two quarters)"),
            [_("Action"), _("Title"), _("Last reported")],
            [
                [
                    s.action_code,
                    s.title(lang),
                    snapshot.quarter_label(s.last_reported) if s.last_reported else None,
                ]
                for s in a.silent
            ],
            {},
        ),
    ]
    for title, headings, rows, formats in sections:
        sheet.write_string(row, 0, title, f.heading)
        write_row(sheet, row + 1, headings, f, f.header)
        if not rows:
            sheet.write_string(row + 2, 0, _("None"))
        for n, values in enumerate(rows, start=row + 2):
            write_row(sheet, n, values, f, column_formats=formats)
        row += 3 + max(len(rows), 1)


def changes_sheet(sheet: Worksheet, f: Formats, snapshot: ReportSnapshot) -> None:
    """Changes to the plan made in the year (its change log), oldest first."""
    for column, width in enumerate((20, 28, 26, 12, 16, 16, 70)):
        sheet.set_column(column, column, width)
    sheet.write_string(0, 0, _("Changes to the plan this year"), f.heading)
    write_row(sheet, 1, [str(h) for h in text.CHANGE_HEADINGS], f, f.header)
    if not snapshot.changes:
        sheet.write_string(2, 0, _("None"))
    for n, change in enumerate(snapshot.changes, start=2):
        write_row(sheet, n, list(text.change_cells(snapshot, change)), f)
