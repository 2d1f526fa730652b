"""The roadmap's Gantt chart (floating bars, milestone points, today and fiscal-year lines)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from tracker.fiscal import FiscalQuarter, fiscal_year_label, quarters_between
from tracker.i18n import current_language, quarter_label
from tracker.plans.chart_specs import ChartSpec, Series, epoch_ms
from tracker.services.calendar.periods import start_month
from tracker.services.figures.roadmap import Roadmap
from tracker.vocab import MILESTONE_STATE_LABELS, MilestoneState

MILESTONE_STATES = (MilestoneState.DONE, MilestoneState.LATE, MilestoneState.UPCOMING)


def span(start: FiscalQuarter, end: FiscalQuarter) -> list[int]:
    """A floating bar: from the first day of `start` to the first day after `end`."""
    month = start_month()
    return [epoch_ms(start.start_date(month)), epoch_ms(end.next().start_date(month))]


def _summary(r: Roadmap) -> str:
    slipped = sum(1 for row in r.rows if row.slippage > 0)
    late = sum(1 for row in r.rows for m in row.milestones if m.state == MilestoneState.LATE)
    summary = _(
        "%(shown)s of %(total)s actions shown: %(slipped)s forecast past their baseline "
        "target, %(late)s milestones late",
        shown=len(r.rows),
        total=r.total,
        slipped=slipped,
        late=late,
    )
    if r.as_of is not None:
        summary += _(
            "; since %(since)s, %(later)s moved later and %(earlier)s earlier",
            since=quarter_label(r.as_of.quarter),
            later=r.moved_later,
            earlier=r.moved_earlier,
        )
    summary += "."
    return str(summary)


def _milestones(r: Roadmap) -> list[Series]:
    """One scatter dataset per milestone state: {x: date, y: action code, title}."""
    lang = current_language()
    found: list[Series] = []
    for state in MILESTONE_STATES:
        points = tuple(
            {"x": epoch_ms(m.at), "y": row.action.code, "title": m.text("title", lang)}
            for row in r.rows
            for m in row.milestones
            if m.state == state
        )
        label = _("Milestone: %(state)s", state=MILESTONE_STATE_LABELS[state])
        found.append(Series(f"milestone-{state}", str(label), points))
    return found


def _axis(r: Roadmap) -> dict[str, Any]:
    """The time axis: its bounds, the first day of each fiscal year and of each quarter."""
    month, lang = start_month(), current_language()
    years = range(r.first.year, r.last.year + 1)
    return {
        "min": epoch_ms(r.first.start_date(month)),
        "max": epoch_ms(r.last.next().start_date(month)),
        "years": [
            {
                "value": epoch_ms(FiscalQuarter(y, 1).start_date(month)),
                "label": fiscal_year_label(y, lang, month),
            }
            for y in years
        ],
        "quarters": [
            {"value": epoch_ms(q.start_date(month)), "label": q.short_label(lang)}
            for q in quarters_between(r.first, r.last)
        ],
    }


def _areas(r: Roadmap) -> list[dict[str, str]]:
    """The legend's key to the bar colours: each strategic area shown, in plan order."""
    lang = current_language()
    return [
        {"code": area.code, "name": area.text("name", lang), "colour": area.colour}
        for area, _rows in r.groups()
    ]


def _markers(r: Roadmap) -> list[dict[str, Any]]:
    markers = [{"key": "today", "label": str(_("Today")), "value": epoch_ms(r.frame.today)}]
    if r.as_of is not None:
        label = _("As of %(quarter)s", quarter=quarter_label(r.as_of.quarter))
        markers.append({"key": "as-of", "label": str(label), "value": epoch_ms(r.on)})
    return markers


def _rows(r: Roadmap) -> list[dict[str, Any]]:
    lang = current_language()
    return [
        {
            "code": row.action.code,
            "title": row.action.text("title", lang),
            "area": row.area.text("name", lang),
            "colour": row.area.colour,
            "url": url_for("plans.action", slug=r.frame.plan.slug, code=row.action.code),
            "baseline": quarter_label(row.baseline),
            "target": quarter_label(row.target),
            "moved": row.moved if r.as_of else 0,
        }
        for row in r.rows
    ]


def roadmap_chart(r: Roadmap) -> ChartSpec:
    """The Gantt chart of the roadmap's rows; its table is the roadmap table of the page."""
    as_of = quarter_label(r.as_of.quarter) if r.as_of else None
    bars = [
        Series(
            "baseline",
            _("Original baseline") if r.filters.original else _("Latest baseline"),
            tuple(span(row.action.start_quarter, row.baseline) for row in r.rows),
        ),
        Series(
            "forecast",
            _("Forecast as of %(quarter)s", quarter=as_of) if as_of else _("Current forecast"),
            tuple(span(row.action.start_quarter, row.target) for row in r.rows),
        ),
    ]
    if as_of:
        bars.append(
            Series(
                "moved",
                _("Forecast now, where it moved since %(quarter)s", quarter=as_of),
                tuple(
                    span(row.action.start_quarter, row.now_target) if row.moved else None
                    for row in r.rows
                ),
            )
        )
    return ChartSpec(
        id="chart-roadmap",
        kind="gantt",
        title=_("Roadmap"),
        summary=_summary(r),
        labels=tuple(row.action.code for row in r.rows),
        series=(*bars, *_milestones(r)),
        unit="date",
        options={
            "rows": _rows(r),
            "axis": _axis(r),
            "markers": _markers(r),
            "areas": _areas(r),
            "texts": {"areas": str(_("Bar colour: strategic area"))},
        },
    )
