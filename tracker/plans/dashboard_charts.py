"""The dashboard's four charts (with their tables and summaries) from `services.dashboard`."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.i18n import current_language, quarter_label
from tracker.plans.chart_specs import (
    ChartSpec,
    Column,
    Series,
    largest,
    points_text,
    round1,
    whole,
)
from tracker.services.figures.dashboard import AreaFigures, Dashboard
from tracker.services.figures.frame import NO_REPORT, STATUS_ORDER
from tracker.vocab import STATUS_LABELS

TROUBLE = ("at_risk", "off_track")


def status_label(status: str) -> str:
    """The label of a status, "No report yet" for actions without a counted update."""
    return _("No report yet") if status == NO_REPORT else str(STATUS_LABELS[status])


def _name(f: AreaFigures) -> str:
    return f.area.text("name", current_language()) if f.area else _("Whole plan")


def _quarter(d: Dashboard) -> str:
    return quarter_label(d.period.quarter) if d.period else ""


def status_chart(d: Dashboard) -> ChartSpec:
    """Actions by status, stacked, one bar per area; the plan's totals in the table footer."""
    t = d.total
    trouble = sum(t.count(s) for s in TROUBLE)
    worst = largest([(_name(f), sum(f.count(s) for s in TROUBLE)) for f in d.areas])
    summary = _(
        "At the end of %(quarter)s, %(completed)s of %(actions)s actions were completed, "
        "%(on_track)s on track and %(trouble)s at risk or off track.",
        quarter=_quarter(d),
        completed=t.count("completed"),
        actions=t.actions,
        on_track=t.count("on_track"),
        trouble=trouble,
    )
    if worst and worst[1]:
        summary += " " + _(
            "%(area)s has the most at risk or off track (%(count)s).", area=worst[0], count=worst[1]
        )
    return ChartSpec(
        id="chart-status",
        kind="stacked-bar",
        title=_("Actions by status"),
        summary=summary,
        labels=tuple(_name(f) for f in d.areas),
        series=tuple(
            Series(f"status-{s}", status_label(s), tuple(f.count(s) for f in d.areas))
            for s in STATUS_ORDER
        ),
        row_header=_("Strategic area"),
        caption=_("Actions by status and strategic area, %(quarter)s", quarter=_quarter(d)),
        footer=(_("Whole plan"), tuple(t.count(s) for s in STATUS_ORDER)),
    )


def _progress_summary(d: Dashboard) -> str:
    t = d.total
    if not t.averaged:
        return str(_("No action had reported by the end of %(quarter)s.", quarter=_quarter(d)))
    summary = _(
        "Across the plan, actions reported %(reported)s complete on average against "
        "%(expected)s expected at the end of %(quarter)s.",
        reported=whole(t.average_percent),
        expected=whole(t.average_expected),
        quarter=_quarter(d),
    )
    worst = largest([(_name(f), -f.variance) for f in d.areas if f.variance is not None])
    if worst and worst[1] > 0:
        summary += " " + _(
            "%(area)s is furthest behind (%(points)s).",
            area=worst[0],
            points=points_text(-worst[1]),
        )
    return str(summary)


def progress_chart(d: Dashboard) -> ChartSpec:
    """Average reported against expected percent, per area and for the whole plan."""
    rows = [*d.areas, d.total]
    summary = _progress_summary(d)
    return ChartSpec(
        id="chart-progress",
        kind="bar",
        title=_("Percent complete against expected"),
        summary=summary,
        labels=tuple(_name(f) for f in rows),
        series=(
            Series(
                "reported", _("Reported (average)"), tuple(round1(f.average_percent) for f in rows)
            ),
            Series(
                "expected", _("Expected (average)"), tuple(round1(f.average_expected) for f in rows)
            ),
        ),
        unit="percent",
        row_header=_("Strategic area"),
        caption=_(
            "Average percent complete, reported and expected, %(quarter)s", quarter=_quarter(d)
        ),
        extra=(
            Column(_("Difference"), tuple(points_text(f.variance) for f in rows)),
            Column(_("Actions averaged"), tuple(str(f.averaged) for f in rows)),
        ),
        options={"max": 100},
    )


def slipped_chart(d: Dashboard) -> ChartSpec:
    """Actions and slipped actions per area."""
    t = d.total
    worst = largest([(_name(f), f.slipped) for f in d.areas])
    if t.slipped:
        summary = _(
            "%(slipped)s of %(actions)s actions were forecast, at the end of %(quarter)s, "
            "to finish after their baseline target.",
            slipped=t.slipped,
            actions=t.actions,
            quarter=_quarter(d),
        )
        if worst:
            summary += " " + _("%(area)s has the most (%(count)s).", area=worst[0], count=worst[1])
    else:
        summary = _("No action was forecast to finish after its baseline target.")
    return ChartSpec(
        id="chart-slipped",
        kind="bar",
        title=_("Slipped actions"),
        summary=summary,
        labels=tuple(_name(f) for f in d.areas),
        series=(
            Series("actions", _("Actions"), tuple(f.actions for f in d.areas)),
            Series(
                "slipped", _("Slipped past the baseline target"), tuple(f.slipped for f in d.areas)
            ),
        ),
        row_header=_("Strategic area"),
        caption=_(
            "Actions and slipped actions by strategic area, %(quarter)s", quarter=_quarter(d)
        ),
        footer=(_("Whole plan"), (t.actions, t.slipped)),
    )


def _submission_summary(d: Dashboard) -> str:
    s = d.total.submission
    if not s.owed:
        return str(_("No update was owed for %(quarter)s.", quarter=_quarter(d)))
    summary = _(
        "Departments have submitted %(submitted)s of the %(owed)s updates owed for "
        "%(quarter)s (%(rate)s), %(on_time)s of them on time.",
        submitted=s.submitted,
        owed=s.owed,
        quarter=_quarter(d),
        rate=whole(s.rate),
        on_time=s.on_time,
    )
    rates = [(_name(f), f.submission.rate or 0.0) for f in d.areas if f.submission.owed]
    lowest = min(rates, key=lambda pair: pair[1]) if rates else None
    if lowest and lowest[1] < max(pair[1] for pair in rates):
        summary += " " + _(
            "%(area)s has the lowest submission rate (%(rate)s).",
            area=lowest[0],
            rate=whole(lowest[1]),
        )
    return str(summary)


def submission_chart(d: Dashboard) -> ChartSpec:
    """Share of owed updates submitted, and submitted on time, per area and for the plan."""
    rows = [*d.areas, d.total]
    summary = _submission_summary(d)
    return ChartSpec(
        id="chart-submission",
        kind="bar",
        title=_("Submission rate of departments"),
        summary=summary,
        labels=tuple(_name(f) for f in rows),
        series=(
            Series(
                "submitted", _("Share submitted"), tuple(round1(f.submission.rate) for f in rows)
            ),
            Series(
                "on-time",
                _("Share submitted on time"),
                tuple(round1(f.submission.on_time_rate) for f in rows),
            ),
        ),
        unit="percent",
        row_header=_("Strategic area"),
        caption=_(
            "Updates owed, submitted and submitted on time, %(quarter)s", quarter=_quarter(d)
        ),
        extra=(
            Column(_("Owed"), tuple(str(f.submission.owed) for f in rows)),
            Column(_("Submitted"), tuple(str(f.submission.submitted) for f in rows)),
            Column(_("On time"), tuple(str(f.submission.on_time) for f in rows)),
        ),
        options={"max": 100},
    )


def dashboard_charts(d: Dashboard) -> list[ChartSpec]:
    """The dashboard's charts, in page order (none before a period has opened)."""
    if d.period is None:
        return []
    return [status_chart(d), progress_chart(d), slipped_chart(d), submission_chart(d)]
