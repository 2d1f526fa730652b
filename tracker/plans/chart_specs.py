"""What a chart shows, once: the page draws it (JSON for Chart.js) and tables it from one spec.

A `ChartSpec` carries the labels, the series, a title and a one-sentence summary. The template
macro `plans/_chart.html` renders the heading, the summary, the canvas (role="img") with its
JSON, and a data table of the very same numbers, so chart and table cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.i18n import current_language, date_text, number_text, percent_text

Value = float | int | None


def round1(value: float | None) -> float | None:
    """A percent for charts and tables alike: one decimal."""
    return None if value is None else round(value, 1)


def whole(value: float | None) -> str:
    """A percent in a sentence: no decimals."""
    return percent_text(value)


def points_text(value: float | None) -> str:
    """A difference in percentage points, signed and rounded ("-5 points")."""
    if value is None:
        return str(_("n/a"))
    rounded = round(value)
    signed = f"{rounded:+d}" if rounded else "0"
    text = ngettext("%(signed)s point", "%(signed)s points", abs(rounded), signed=signed)
    return str(text)


def epoch_ms(day: date) -> int:
    """Milliseconds since 1970-01-01 UTC at the start of `day` (what the charts' axes use)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def day_of(ms: int) -> date:
    """The inverse of `epoch_ms`."""
    return datetime.fromtimestamp(ms / 1000, UTC).date()


@dataclass(frozen=True)
class Series:
    """One dataset: `key` picks its colour and pattern in static/js/charts.js."""

    key: str
    label: str
    values: tuple[Any, ...]  # numbers or None; [start, end] bars and {x, y} points on the roadmap
    marks: tuple[bool, ...] = ()  # values the table marks with the spec's `mark` word


@dataclass(frozen=True)
class Column:
    """A table-only column (context the chart does not draw), already formatted."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class ChartSpec:
    id: str
    kind: str  # "stacked-bar", "bar", "line", "gantt", "trend"
    title: str
    summary: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "count"  # "count", "percent" or "date" (values are epoch milliseconds)
    row_header: str = ""
    caption: str = ""
    footer: tuple[str, tuple[Value, ...]] | None = None  # a totals row: label, one per series
    extra: tuple[Column, ...] = ()
    mark: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """The JSON handed to static/js/charts.js."""
        return {
            "kind": self.kind,
            "locale": current_language(),
            "none": str(_("n/a")),
            "unit": self.unit,
            "labels": list(self.labels),
            "datasets": [
                {"key": s.key, "label": s.label, "data": list(s.values), "marks": list(s.marks)}
                for s in self.series
            ],
            **self.options,
        }

    def cell(self, value: Value) -> str:
        """A value as the table shows it."""
        if value is None:
            return str(_("n/a"))
        if self.unit == "percent":
            return percent_text(value, 1)
        if self.unit == "date":
            return date_text(day_of(int(value)), "medium")
        return number_text(value)

    def rows(self) -> list[tuple[str, list[str]]]:
        """Table rows: the label, then one cell per series, then the table-only columns."""
        return [
            (
                label,
                [self._marked(s, n) for s in self.series] + [c.cells[n] for c in self.extra],
            )
            for n, label in enumerate(self.labels)
        ]

    def _marked(self, series: Series, n: int) -> str:
        text = self.cell(series.values[n])
        if series.marks and series.marks[n] and self.mark:
            return f"{text} ({self.mark})"
        return text

    def footer_cells(self) -> list[str]:
        """The totals row's cells (empty for the table-only columns)."""
        if self.footer is None:
            return []
        return [self.cell(v) for v in self.footer[1]] + ["" for _c in self.extra]


def largest(pairs: Sequence[tuple[str, float | int | None]]) -> tuple[str, float | int] | None:
    """The label with the largest value (first on ties), None when no value is known."""
    known = [(label, v) for label, v in pairs if v is not None]
    if not known:
        return None
    return max(known, key=lambda pair: pair[1])
