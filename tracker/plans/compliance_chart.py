"""The compliance page's chart: departments by submission outcome, quarter by quarter."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.i18n import quarter_label
from tracker.plans.chart_specs import ChartSpec, Column, Series, whole
from tracker.services.figures.compliance import (
    CELL_LABELS,
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    Compliance,
)

STATES = (ON_TIME, LATE, MISSING, PENDING)


def _summary(c: Compliance) -> str:
    past = [(p, r) for p, r in zip(c.periods, c.quarter_rates, strict=True) if r.due]
    if not past:
        return str(_("No period of these fiscal years is past its due date yet."))
    summary = _(
        "Over %(count)s past-due quarters, %(on_time)s of %(due)s owed updates were submitted "
        "on time (%(rate)s).",
        count=len(past),
        on_time=c.rate.on_time,
        due=c.rate.due,
        rate=whole(c.rate.percent),
    )
    worst = min(past, key=lambda pair: pair[1].percent or 0.0)
    if (worst[1].percent or 0.0) < (c.rate.percent or 0.0):
        summary += " " + _(
            "The lowest on-time rate was in %(quarter)s (%(rate)s).",
            quarter=quarter_label(worst[0].quarter),
            rate=whole(worst[1].percent),
        )
    return str(summary)


def compliance_chart(c: Compliance) -> ChartSpec:
    """For each quarter, how many departments were on time, late, missing or pending."""
    counts = {
        state: tuple(
            sum(1 for row in c.rows if row.cells[n].state == state) for n in range(len(c.periods))
        )
        for state in STATES
    }
    return ChartSpec(
        id="chart-compliance",
        kind="stacked-bar",
        title=_("Departments by outcome, quarter by quarter"),
        summary=_summary(c),
        labels=tuple(quarter_label(p.quarter) for p in c.periods),
        series=tuple(
            Series(f"compliance-{state}", str(CELL_LABELS[state]), counts[state])
            for state in STATES
        ),
        row_header=_("Quarter"),
        caption=_("Departments by submission outcome and quarter"),
        extra=(Column(_("On-time rate"), tuple(whole(r.percent) for r in c.quarter_rates)),),
    )
