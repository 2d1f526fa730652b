"""The workbook's roadmap sheet: one row per action with its dates, status and percent, and a
bar across the plan's quarters drawn with cell fills.

The quarters run from the plan's first quarter to the latest target of any action (a target
later than the plan's last year is drawn, not clipped). A bar fills the quarters from the
action's start to its baseline target in the area's colour, and the quarters from there to a
later current target with a hatched fill of the same colour, so a slip reads without colour.
The report year's quarters have a ruled header. Written row by row (constant-memory mode).
"""

from __future__ import annotations

from flask_babel import gettext as _
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from tracker.fiscal import FiscalQuarter
from tracker.reports import text
from tracker.reports.snapshot import ActionRow, AreaRow, ReportSnapshot
from tracker.reports.xlsx_sheets import Formats, fraction, write_row

FIXED_WIDTHS = (24, 8, 45, 12, 13, 13, 13, 16, 10)
QUARTER_WIDTH = 3.2
HEADER_ROW = 3  # title, legend, fiscal years, then the header row


def roadmap_quarters(snapshot: ReportSnapshot) -> tuple[FiscalQuarter, ...]:
    """The roadmap's axis: the plan's first quarter to its last or the latest target, if later."""
    quarters = snapshot.plan_quarters
    last = max((a.current_target for a in snapshot.actions), default=quarters[-1])
    last = max(last, *(a.baseline_target for a in snapshot.actions), quarters[-1])
    first = quarters[0]
    return tuple(first + n for n in range(last - first + 1))


class _Bars:
    """The fills of the bars: per area colour, solid (planned) and hatched (slipped)."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.found: dict[tuple[str, bool], Format] = {}

    def __call__(self, colour: str, slipped: bool) -> Format:
        key = (colour, slipped)
        if key not in self.found:
            spec: dict[str, object] = {"border": 1, "border_color": "#ffffff"}
            if slipped:
                spec |= {"pattern": 8, "fg_color": colour, "bg_color": "#ffffff"}  # dark up
            else:
                spec |= {"pattern": 1, "bg_color": colour}
            self.found[key] = self.workbook.add_format(spec)
        return self.found[key]


def roadmap_sheet(
    sheet: Worksheet, workbook: Workbook, f: Formats, snapshot: ReportSnapshot
) -> None:
    """The roadmap: legend, two header rows (fiscal years, quarters) and one row per action."""
    lang = snapshot.language
    quarters = roadmap_quarters(snapshot)
    first_q = len(FIXED_WIDTHS)
    for column, width in enumerate(FIXED_WIDTHS):
        sheet.set_column(column, column, width)
    sheet.set_column(first_q, first_q + len(quarters) - 1, QUARTER_WIDTH)
    bars = _Bars(workbook)
    colour = snapshot.areas[0].colour if snapshot.areas else "#1f6fb2"
    sheet.write_string(0, 0, _("Roadmap"), f.heading)
    sheet.write_string(0, 2, text.report_title(snapshot))
    sheet.write_blank(1, 0, None, bars(colour, False))
    sheet.write_string(1, 1, _("From the start to the baseline target"))
    sheet.write_blank(1, 3, None, bars(colour, True))
    sheet.write_string(1, 4, _("After the baseline target, to the current target"))
    _year_row(sheet, workbook, f, snapshot, quarters, first_q)
    headings = [
        _("Area"),
        _("Code"),
        _("Action"),
        _("Lead department"),
        _("Start quarter"),
        _("Baseline target"),
        _("Current target"),
        _("Status at year end"),
        _("Percent complete"),
    ]
    write_row(sheet, HEADER_ROW, headings, f, f.header)
    in_year = set(snapshot.quarters)
    ruled = workbook.add_format({**_HEADER, "bg_color": "#b9c9db", "bold": True})
    for n, quarter in enumerate(quarters):
        fmt = ruled if quarter in in_year else f.header
        sheet.write_string(HEADER_ROW, first_q + n, f"T{quarter.quarter}" if lang == "fr"
                           else f"Q{quarter.quarter}", fmt)  # fmt: skip
    sheet.freeze_panes(HEADER_ROW + 1, 3)
    row = HEADER_ROW + 1
    for area in snapshot.areas:
        for action in area.actions:
            _action_row(sheet, f, bars, snapshot, area, action, quarters, row)
            row += 1
    sheet.autofilter(HEADER_ROW, 0, max(row - 1, HEADER_ROW + 1), first_q - 1)


_HEADER = {"bottom": 1, "valign": "top", "align": "center"}


def _year_row(
    sheet: Worksheet,
    workbook: Workbook,
    f: Formats,
    snapshot: ReportSnapshot,
    quarters: tuple[FiscalQuarter, ...],
    first_q: int,
) -> None:
    """Row 2: each fiscal year's label across its quarters."""
    fmt = workbook.add_format({**_HEADER, "bold": True, "bg_color": "#dfe6ee", "left": 1})
    row = HEADER_ROW - 1
    n = 0
    while n < len(quarters):
        year = quarters[n].year
        span = sum(1 for q in quarters[n:] if q.year == year)
        label = snapshot.year_label_of(year)
        if span > 1:
            sheet.merge_range(row, first_q + n, row, first_q + n + span - 1, label, fmt)
        else:
            sheet.write_string(row, first_q + n, label, fmt)
        n += span


def _action_row(
    sheet: Worksheet,
    f: Formats,
    bars: _Bars,
    snapshot: ReportSnapshot,
    area: AreaRow,
    action: ActionRow,
    quarters: tuple[FiscalQuarter, ...],
    row: int,
) -> None:
    lang = snapshot.language
    label = snapshot.quarter_label
    write_row(
        sheet,
        row,
        [
            area.name(lang),
            action.code,
            action.title(lang),
            action.lead,
            label(action.start_quarter),
            label(action.baseline_target),
            label(action.current_target),
            text.status_text(action.status),
            fraction(action.percent),
        ],
        f,
        column_formats={8: f.percent},
    )
    first_q = len(FIXED_WIDTHS)
    for n, quarter in enumerate(quarters):
        if action.start_quarter <= quarter <= action.current_target:
            slipped = quarter > action.baseline_target
            sheet.write_blank(row, first_q + n, None, bars(area.colour, slipped))
