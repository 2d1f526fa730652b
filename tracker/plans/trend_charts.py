"""The trends page's charts: reported against expected per quarter, and the milestone trend."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.i18n import current_language, quarter_label
from tracker.plans.chart_specs import (
    ChartSpec,
    Column,
    Series,
    epoch_ms,
    points_text,
    round1,
    whole,
)
from tracker.services.calendar.periods import start_month
from tracker.services.figures.trends import MilestoneLine, MilestoneTrend, TrendPoint, TrendSeries


def _trend_summary(name: str, points: tuple[TrendPoint, ...]) -> str:
    known = [p for p in points if p.reported is not None]
    if not known:
        return str(_("No action of %(scope)s has reported yet.", scope=name))
    last = known[-1]
    summary = _(
        "In %(quarter)s, %(scope)s reported %(reported)s complete against %(expected)s "
        "expected (%(points)s).",
        quarter=quarter_label(last.quarter),
        scope=name,
        reported=whole(last.reported),
        expected=whole(last.expected),
        points=points_text(last.variance),
    )
    worst = min(known, key=lambda p: p.variance if p.variance is not None else 0.0)
    if worst.variance is not None and worst.variance < 0 and worst is not last:
        summary += " " + _(
            "The gap was widest in %(quarter)s (%(points)s).",
            quarter=quarter_label(worst.quarter),
            points=points_text(worst.variance),
        )
    return str(summary)


def trend_chart(series: TrendSeries, index: int) -> ChartSpec:
    """Reported and expected percent, quarter by quarter, for the plan or one area."""
    name = series.area.text("name", current_language()) if series.area else _("the whole plan")
    title = series.area.text("name", current_language()) if series.area else _("Whole plan")
    points = series.points
    return ChartSpec(
        id=f"chart-trend-{index}",
        kind="line",
        title=str(title),
        summary=_trend_summary(str(name), points),
        labels=tuple(quarter_label(p.quarter) for p in points),
        series=(
            Series("reported", _("Reported (average)"), tuple(round1(p.reported) for p in points)),
            Series("expected", _("Expected (average)"), tuple(round1(p.expected) for p in points)),
        ),
        unit="percent",
        row_header=_("Quarter"),
        caption=_("Percent complete by quarter, reported and expected: %(scope)s", scope=title),
        extra=(
            Column(_("Difference"), tuple(points_text(p.variance) for p in points)),
            Column(_("Actions averaged"), tuple(str(p.counted) for p in points)),
        ),
        options={"max": 100},
    )


def _line_label(line: MilestoneLine) -> str:
    return f"{line.code} {line.text('title', current_language())}"


def _trend_story(trend: MilestoneTrend) -> str:
    """One sentence: how many milestone dates slipped, held or moved earlier."""
    action = trend.action
    assert action is not None
    code = action.code
    if not trend.lines:
        return str(_("Action %(code)s has no milestones.", code=code))
    drifts = [line.drift_days for line in trend.lines if line.drift_days is not None]
    if not drifts:
        return str(_("No report on action %(code)s has named a milestone date yet.", code=code))
    slipped = [d for d in drifts if d > 0]
    summary = _(
        "Between the first and the latest report on action %(code)s, %(slipped)s of "
        "%(count)s milestones slipped, %(held)s held their date and %(earlier)s moved earlier.",
        code=code,
        slipped=len(slipped),
        count=len(trend.lines),
        held=sum(1 for d in drifts if d == 0),
        earlier=sum(1 for d in drifts if d < 0),
    )
    if slipped:
        summary += " " + ngettext(
            "The largest slip is %(num)s day.", "The largest slip is %(num)s days.", max(slipped)
        )
    return str(summary)


def milestone_trend_chart(trend: MilestoneTrend) -> ChartSpec | None:
    """Reporting quarter across, reported milestone date up, one line per milestone."""
    if trend.action is None:
        return None
    month = start_month()
    reporting = tuple(epoch_ms(q.end_date(month)) for q in trend.quarters)
    lines = tuple(
        Series(
            f"milestone-{n}",
            _line_label(line),
            tuple(epoch_ms(d) if d else None for d in line.dates),
            marks=line.done,
        )
        for n, line in enumerate(trend.lines)
    )
    return ChartSpec(
        id="chart-milestone-trend",
        kind="trend",
        title=_("Milestone dates reported for action %(code)s", code=trend.action.code),
        summary=_trend_story(trend),
        labels=tuple(quarter_label(q) for q in trend.quarters),
        series=(*lines, Series("reporting-date", _("End of the reporting quarter"), reporting)),
        unit="date",
        row_header=_("Reporting quarter"),
        caption=_(
            "Milestone dates reported each quarter for action %(code)s", code=trend.action.code
        ),
        footer=(
            _("Baseline date"),
            (*(epoch_ms(line.baseline_due) for line in trend.lines), None),
        ),
        mark=_("completed"),
    )


def trend_charts(series: list[TrendSeries]) -> list[ChartSpec]:
    """One reported-against-expected chart for the plan, then one per area."""
    return [trend_chart(s, n) for n, s in enumerate(series)]
