"""The PDF's charts as SVG, drawn on the server: the roadmap, status counts, area progress.

Each is placed in the document as an image with a text alternative and followed by a table of
the same figures. Text is escaped here; labels come in already translated.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from tracker.reports.roadmap import (
    AXIS_HEIGHT,
    ROW,
    WIDTH,
    ActionLine,
    AreaLine,
    Roadmap,
    Row,
)
from tracker.reports.snapshot import LATE, MET, MISSED, ReportSnapshot

FONT = "Report Sans, Report Symbols, Report CJK, sans-serif"
INK, MUTED, RULE, BAND = "#1b1f24", "#5b6570", "#c5ccd3", "#fff4d6"
BASELINE, TODAY = "#8a949e", "#b3261e"
MILESTONE_FILL = {MET: "#1b1f24", LATE: "#c77700", MISSED: "#ffffff"}
STATUS_COLOURS = {
    "not_started": "#9aa5b1",
    "on_track": "#2e7d32",
    "at_risk": "#c77700",
    "off_track": "#b3261e",
    "completed": "#1f4e79",
    "on_hold": "#6d4c9f",
    "cancelled": "#4a4a4a",
    None: "#d5dbe1",
}


def data_uri(svg: str) -> str:
    """The SVG as a data: URI for an <img>."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _svg(width: float, height: float, body: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}" font-family={quoteattr(FONT)}>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, value: str, size: float = 9, **attrs: str) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{escape(value)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"/>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 0.5) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{stroke}" stroke-width="{width}"/>'
    )


def _cut(value: str, chars: int) -> str:
    """`value` cut to about `chars` characters (the table beside the chart has it whole)."""
    return value if len(value) <= chars else value[: chars - 1].rstrip() + "\u2026"


def roadmap_svg(snapshot: ReportSnapshot, roadmap: Roadmap, rows: Sequence[Row]) -> str:
    """One page of the roadmap: axis with fiscal-year and quarter ticks, bars, milestones and
    the report-date line."""
    axis, lang = roadmap.axis, snapshot.language
    height = AXIS_HEIGHT + ROW * len(rows) + 4
    body = [_rect(roadmap.year_band.x, 0, roadmap.year_band.width, height, BAND)]
    prefix = "T" if lang == "fr" else "Q"
    for quarter in axis.quarters:
        x = axis.start(quarter)
        strong = quarter.quarter == 1
        body.append(_line(x, 0 if strong else 16, x, height, RULE, 0.9 if strong else 0.3))
        body.append(
            _text(
                x + axis.step / 2,
                28,
                f"{prefix}{quarter.quarter}",
                7.5,
                text_anchor="middle",
                fill=MUTED,
            )
        )  # noqa: E501
        if strong:
            label = snapshot.year_label_of(quarter.year)
            body.append(_text(x + axis.step * 2, 12, label, 9, text_anchor="middle"))
    body.append(_line(axis.right, 0, axis.right, height, RULE, 0.9))
    body.append(_line(0, AXIS_HEIGHT - 1, WIDTH, AXIS_HEIGHT - 1, INK, 0.6))
    for n, row in enumerate(rows):
        body += _row(snapshot, row, AXIS_HEIGHT + n * ROW)
    body.append(_line(roadmap.report_x, 0, roadmap.report_x, height, TODAY, 1.6))
    return _svg(WIDTH, height, body)


def _row(snapshot: ReportSnapshot, row: Row, y: float) -> list[str]:
    lang = snapshot.language
    if isinstance(row, AreaLine):
        return [
            _line(0, y, WIDTH, y, RULE, 0.5),
            _rect(2, y + 4, 8, 8, row.area.colour),
            _text(14, y + 12, _cut(row.area.name(lang), 60), 9.5, font_weight="bold"),
        ]
    assert isinstance(row, ActionLine)
    a = row.action
    out = [
        _text(14, y + 11.5, a.code, 8.5, font_weight="bold"),
        _text(62, y + 11.5, _cut(a.title(lang), 52), 8.5),
        _rect(row.baseline.x, y + 2.5, row.baseline.width, 3, BASELINE),
        _rect(row.current.x, y + 6.5, row.current.width, 7, row.colour),
    ]
    for x, milestone in row.milestones:
        fill = MILESTONE_FILL.get(milestone.outcome, INK)
        out.append(
            f'<path d="M{x:.1f} {y + 4:.1f} l4.5 5.5 l-4.5 5.5 l-4.5 -5.5 z" fill="{fill}" '
            f'stroke="{INK}" stroke-width="0.8"/>'
        )
    return out


def roadmap_legend_svg(
    snapshot: ReportSnapshot, labels: dict[str, str], milestone_labels: dict[str, str]
) -> str:
    """The legend: each area's colour with its name, the two bars, milestones, report date."""
    lang = snapshot.language
    items: list[tuple[str, str]] = [
        (f'<rect x="0" y="-8" width="14" height="8" fill="{a.colour}"/>', a.name(lang))
        for a in snapshot.areas
    ]
    items += [
        (_rect(0, -7, 14, 3, BASELINE), labels["baseline"]),
        (_rect(0, -8, 14, 7, MUTED), labels["current"]),
        (_line(7, -11, 7, 2, TODAY, 1.6), labels["report_date"]),
    ]
    items += [
        (
            f'<path d="M7 -10 l4.5 5.5 l-4.5 5.5 l-4.5 -5.5 z" fill="{MILESTONE_FILL[k]}" '
            f'stroke="{INK}" stroke-width="0.8"/>',
            milestone_labels[k],
        )
        for k in (MET, LATE, MISSED)
    ]
    per_line, cell = 4, WIDTH / 4
    lines = (len(items) + per_line - 1) // per_line
    body = []
    for n, (mark, label) in enumerate(items):
        x, y = (n % per_line) * cell, 14 + 16 * (n // per_line)
        body.append(f'<g transform="translate({x:.1f} {y:.1f})">{mark}</g>')
        body.append(_text(x + 20, y, _cut(label, 48), 9))
    return _svg(WIDTH, 16 * lines + 4, body)


def bars_svg(rows: Sequence[tuple[str, float | None, str, str]], top: float) -> str:
    """Horizontal bars: (label, value, colour, value as written) per row."""
    width, label_width, row = 560.0, 210.0, 20.0
    span = width - label_width - 60
    body = []
    for n, (label, value, colour, shown) in enumerate(rows):
        y = n * row
        body.append(_text(label_width - 6, y + 14, _cut(label, 34), 9.5, text_anchor="end"))
        bar = span * (value or 0) / (top or 1)
        body.append(_rect(label_width, y + 4, max(bar, 0.5), row - 7, colour))
        body.append(_text(label_width + bar + 4, y + 14, shown, 9, fill=INK))
    return _svg(width, row * len(rows) + 4, body)
