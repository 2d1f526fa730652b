"""The PDF's charts, drawn as vector graphics: the roadmap, status counts and area progress.

Every chart is followed in the document by a table holding the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from tracker.fiscal import FiscalQuarter
from tracker.reports.pdf_style import ACCENT, INK, MUTED, RULE, STATUS_COLOURS, fit
from tracker.reports.snapshot import ActionRow, AreaRow, ReportSnapshot

ROW = 13.5  # height of one roadmap row, in points
AXIS = 26.0  # height of the roadmap's year and quarter header
ROWS_PER_CHART = 30
LABEL_WIDTH = 230.0
YEAR_BAND = colors.HexColor("#fff4d6")
BASELINE = colors.HexColor("#8a949e")


def _text(x: float, y: float, value: str, size: float = 7.5, **kw: object) -> String:
    return String(x, y, value, fontName="Helvetica", fontSize=size, fillColor=INK, **kw)


def status_chart(
    counts: Sequence[tuple[str | None, int]], labels: Sequence[str], width: float
) -> Drawing:
    """Horizontal bars: how many actions ended the year in each status."""
    row, label_width = 17.0, 150.0
    drawing = Drawing(width, row * len(counts) + 4)
    top = max((count for _, count in counts), default=0) or 1
    span = width - label_width - 40
    for n, ((status, count), label) in enumerate(zip(counts, labels, strict=True)):
        y = drawing.height - (n + 1) * row
        drawing.add(_text(label_width - 6, y + 5, fit(label, label_width - 8), 8, textAnchor="end"))
        bar = span * count / top
        colour = STATUS_COLOURS.get(status, MUTED)
        drawing.add(Rect(label_width, y + 2, bar, row - 5, fillColor=colour, strokeColor=None))
        drawing.add(_text(label_width + bar + 4, y + 5, str(count), 8))
    return drawing


def area_chart(areas: Sequence[AreaRow], lang: str, width: float, legend: Sequence[str]) -> Drawing:
    """Per area, mean reported percent (solid) beside mean expected percent (grey)."""
    row, label_width = 26.0, min(200.0, width * 0.36)
    height = row * len(areas) + 30
    drawing = Drawing(width, height)
    span = width - label_width - 50
    for tick in (0, 25, 50, 75, 100):
        x = label_width + span * tick / 100
        drawing.add(Line(x, 18, x, height, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(_text(x, 8, f"{tick}%", 7, textAnchor="middle"))
    for n, area in enumerate(areas):
        y = height - (n + 1) * row
        name = fit(f"{area.code} {area.name(lang)}", label_width - 8, size=8)
        drawing.add(_text(label_width - 6, y + 9, name, 8, textAnchor="end"))
        for k, (value, colour) in enumerate(
            ((area.mean_percent, ACCENT), (area.mean_expected, BASELINE))
        ):
            bar = span * (value or 0) / 100
            top = y + 13 - k * 9
            drawing.add(Rect(label_width, top, bar, 8, fillColor=colour, strokeColor=None))
            shown = "\u2014" if value is None else f"{value:.0f}%"
            drawing.add(_text(label_width + bar + 3, top + 1.5, shown, 7))
    for k, (label, colour) in enumerate(zip(legend, (ACCENT, BASELINE), strict=True)):
        x = label_width + k * span / 2
        drawing.add(Rect(x, 0, 8, 6, fillColor=colour, strokeColor=None))
        drawing.add(_text(x + 11, 0, fit(label, span / 2 - 14, size=7), 7))
    return drawing


def legend(items: Sequence[tuple[str, colors.Color]], width: float) -> Drawing:
    """Colour swatches with their labels, wrapped over as many lines as needed."""
    cell = 118.0
    per_line = max(int(width // cell), 1)
    lines = (len(items) + per_line - 1) // per_line
    drawing = Drawing(width, 12 * lines)
    for n, (label, colour) in enumerate(items):
        x, y = (n % per_line) * cell, drawing.height - 12 * (n // per_line + 1) + 2
        drawing.add(Rect(x, y, 9, 7, fillColor=colour, strokeColor=None))
        drawing.add(_text(x + 12, y + 0.5, fit(label, cell - 16, size=7.5)))
    return drawing


def roadmap_rows(snapshot: ReportSnapshot) -> list[AreaRow | ActionRow]:
    """The roadmap's rows: each area's header row followed by its actions."""
    rows: list[AreaRow | ActionRow] = []
    for area in snapshot.areas:
        rows.append(area)
        rows.extend(area.actions)
    return rows


def roadmap_charts(snapshot: ReportSnapshot, width: float) -> list[Drawing]:
    """The roadmap in pieces of at most ROWS_PER_CHART rows (each fits on a page)."""
    rows = roadmap_rows(snapshot)
    return [
        _roadmap(snapshot, rows[n : n + ROWS_PER_CHART], width)
        for n in range(0, len(rows), ROWS_PER_CHART)
    ]


class _Axis:
    """Maps plan quarters to x positions."""

    def __init__(self, quarters: Sequence[FiscalQuarter], left: float, width: float) -> None:
        self.first, self.last = quarters[0], quarters[-1]
        self.left, self.step = left, width / len(quarters)

    def x(self, quarter: FiscalQuarter) -> float:
        """Left edge of `quarter`, clamped to the plan's span."""
        quarter = min(max(quarter, self.first), self.last + 1)
        return self.left + (quarter - self.first) * self.step

    def bar(self, start: FiscalQuarter, end: FiscalQuarter) -> tuple[float, float]:
        """(x, width) of a bar from the start of `start` to the end of `end`."""
        x = self.x(start)
        return x, max(self.x(end + 1) - x, 1.0)


def _roadmap(
    snapshot: ReportSnapshot, rows: Sequence[AreaRow | ActionRow], width: float
) -> Drawing:
    quarters = snapshot.plan_quarters
    height = AXIS + ROW * len(rows)
    drawing = Drawing(width, height)
    axis = _Axis(quarters, LABEL_WIDTH, width - LABEL_WIDTH)
    band_x, band_w = axis.bar(snapshot.quarters[0], snapshot.quarters[-1])
    drawing.add(Rect(band_x, 0, band_w, height, fillColor=YEAR_BAND, strokeColor=None))
    _axis(drawing, snapshot, axis, height)
    lang = snapshot.language
    for n, item in enumerate(rows):
        y = height - AXIS - (n + 1) * ROW
        if isinstance(item, AreaRow):
            label = fit(f"{item.code} {item.name(lang)}", LABEL_WIDTH - 6, "Helvetica-Bold", 8)
            drawing.add(
                String(2, y + 4, label, fontName="Helvetica-Bold", fontSize=8, fillColor=ACCENT)
            )
            drawing.add(Line(0, y, width, y, strokeColor=RULE, strokeWidth=0.4))
            continue
        drawing.add(_text(8, y + 4, fit(f"{item.code}  {item.title(lang)}", LABEL_WIDTH - 12)))
        x, w = axis.bar(item.start_quarter, item.baseline_target)
        drawing.add(Rect(x, y + 9.5, w, 2.5, fillColor=BASELINE, strokeColor=None))
        x, w = axis.bar(item.start_quarter, item.current_target)
        colour = STATUS_COLOURS.get(item.status, MUTED)
        drawing.add(Rect(x, y + 2, w, 6.5, fillColor=colour, strokeColor=None))
    return drawing


def _axis(drawing: Drawing, snapshot: ReportSnapshot, axis: _Axis, height: float) -> None:
    """Year labels, quarter numbers and grid lines."""
    top = height - 11
    prefix = "T" if snapshot.language == "fr" else "Q"
    for n, quarter in enumerate(snapshot.plan_quarters):
        x = axis.left + n * axis.step
        strong = quarter.quarter == 1
        drawing.add(
            Line(
                x,
                0,
                x,
                height - (0 if strong else 12),
                strokeColor=RULE,
                strokeWidth=0.8 if strong else 0.3,
            )
        )
        drawing.add(
            _text(x + axis.step / 2, top - 12, f"{prefix}{quarter.quarter}", 6, textAnchor="middle")
        )
        if strong:
            label = fit(snapshot.year_label_of(quarter.year), axis.step * 4 - 4, size=7.5)
            drawing.add(_text(x + axis.step * 2, top, label, 7.5, textAnchor="middle"))
    right = axis.left + len(snapshot.plan_quarters) * axis.step
    drawing.add(Line(right, 0, right, height, strokeColor=RULE, strokeWidth=0.8))
