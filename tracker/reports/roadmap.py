"""The PDF roadmap's geometry: where every bar, milestone and line goes, as plain numbers.

The axis runs from the plan's first quarter (or an earlier start) to the end of the fiscal year
of the latest target or milestone, so no bar is ever cut at the plan's last year. Drawing
(`tracker.reports.charts`) only turns this layout into SVG; tests check the layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.fiscal import FiscalQuarter, quarter_of
from tracker.reports.snapshot import ActionRow, AreaRow, MilestoneRow, ReportSnapshot

WIDTH = 1000.0  # SVG user units; the image is scaled to the page width
LABEL_WIDTH = 300.0
AXIS_HEIGHT = 34.0
ROW = 16.0
ROWS_PER_CHART = 32  # rows of one image, so each fits on a landscape page


@dataclass(frozen=True)
class Axis:
    """Maps fiscal quarters and dates to x positions."""

    first: FiscalQuarter
    last: FiscalQuarter
    start_month: int
    left: float = LABEL_WIDTH
    right: float = WIDTH - 8

    @property
    def quarters(self) -> tuple[FiscalQuarter, ...]:
        """Every quarter on the axis, first to last."""
        return tuple(self.first + n for n in range(self.last - self.first + 1))

    @property
    def step(self) -> float:
        """Width of one quarter."""
        return (self.right - self.left) / len(self.quarters)

    def start(self, quarter: FiscalQuarter) -> float:
        """x of the first day of `quarter`."""
        return self.left + (quarter - self.first) * self.step

    def end(self, quarter: FiscalQuarter) -> float:
        """x of the last day of `quarter`."""
        return self.start(quarter) + self.step

    def day(self, value: date) -> float:
        """x of a date, within its quarter in proportion to its days."""
        quarter = quarter_of(value, self.start_month)
        first = quarter.start_date(self.start_month)
        days = (quarter.end_date(self.start_month) - first).days + 1
        return self.start(quarter) + self.step * ((value - first).days + 0.5) / days


@dataclass(frozen=True)
class Bar:
    x: float
    width: float


@dataclass(frozen=True)
class ActionLine:
    """One action's row: the baseline bar (as planned) and the current bar (as re-planned)."""

    action: ActionRow
    colour: str
    baseline: Bar
    current: Bar
    milestones: tuple[tuple[float, MilestoneRow], ...]


@dataclass(frozen=True)
class AreaLine:
    area: AreaRow


Row = ActionLine | AreaLine


@dataclass(frozen=True)
class Roadmap:
    axis: Axis
    rows: tuple[Row, ...]
    year_band: Bar  # the report's fiscal year
    report_x: float  # the report date: the last day of the fiscal year

    def pages(self) -> list[tuple[Row, ...]]:
        """The rows in pieces of at most ROWS_PER_CHART, never ending on an area header."""
        pieces: list[tuple[Row, ...]] = []
        rows = list(self.rows)
        while rows:
            cut = min(ROWS_PER_CHART, len(rows))
            if cut < len(rows) and isinstance(rows[cut - 1], AreaLine):
                cut -= 1
            pieces.append(tuple(rows[:cut]))
            rows = rows[cut:]
        return pieces


def axis_for(snapshot: ReportSnapshot) -> Axis:
    """The axis from the plan's first quarter (or earliest start) to the end of the fiscal year
    holding the latest target or milestone."""
    actions = snapshot.actions
    first = min([FiscalQuarter(snapshot.plan.first_year, 1), *(a.start_quarter for a in actions)])
    month = snapshot.start_month
    ends = [FiscalQuarter(snapshot.plan.last_year, 4), snapshot.quarters[-1]]
    ends += [max(a.baseline_target, a.current_target) for a in actions]
    ends += [quarter_of(m.baseline_due, month) for m in snapshot.milestones]
    last = max(ends)
    return Axis(FiscalQuarter(first.year, 1), FiscalQuarter(last.year, 4), month)


def _bar(axis: Axis, start: FiscalQuarter, end: FiscalQuarter) -> Bar:
    x = axis.start(start)
    return Bar(x, max(axis.end(end) - x, 1.0))


def layout(snapshot: ReportSnapshot) -> Roadmap:
    """Where everything goes."""
    axis = axis_for(snapshot)
    by_action: dict[str, list[MilestoneRow]] = {}
    for m in snapshot.milestones:
        by_action.setdefault(m.action_code, []).append(m)
    rows: list[Row] = []
    for area in snapshot.areas:
        rows.append(AreaLine(area))
        for a in area.actions:
            marks = tuple((axis.day(m.baseline_due), m) for m in by_action.get(a.code, ()))
            rows.append(
                ActionLine(
                    a,
                    area.colour,
                    _bar(axis, a.start_quarter, a.baseline_target),
                    _bar(axis, a.start_quarter, a.current_target),
                    marks,
                )
            )
    year = _bar(axis, snapshot.quarters[0], snapshot.quarters[-1])
    return Roadmap(axis, tuple(rows), year, axis.end(snapshot.quarters[-1]))


def action_lines(rows: Sequence[Row]) -> list[ActionLine]:
    """The action rows only."""
    return [r for r in rows if isinstance(r, ActionLine)]
