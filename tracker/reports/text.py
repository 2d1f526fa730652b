"""Words and number formats the three renderers share, so every file says the same thing.

Call these inside `flask_babel.force_locale(snapshot.language)`: labels are translated then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from tracker.fiscal import FiscalQuarter
from tracker.reports.snapshot import LATE, MET, MISSED, PlanChangeRow, RateFigure, ReportSnapshot
from tracker.services.figures.compliance import CELL_LABELS
from tracker.vocab import change_label, flag_label, status_label

DASH = "\u2014"

OUTCOME_LABELS: Mapping[str, str] = {
    MET: _l("Met on time"),
    LATE: _l("Completed late"),
    MISSED: _l("Not completed"),
}


def status_text(status: str | None) -> str:
    """A year-end or quarterly status; None means no accepted update."""
    return status_label(status) if status is not None else _("No accepted update")


def flag_text(flag: str | None) -> str:
    """A schedule flag's label, or an empty string."""
    return flag_label(flag) if flag is not None else ""


def outcome_text(outcome: str) -> str:
    """A milestone outcome's label."""
    return str(OUTCOME_LABELS.get(outcome, outcome))


def compliance_text(state: str) -> str:
    """A compliance cell state's label."""
    return str(CELL_LABELS.get(state, state))


def percent(value: float | None, lang: str) -> str:
    """'45%' (en) or '45 %' (fr); a dash when there is no value."""
    if value is None:
        return DASH
    return f"{value:.0f}\u00a0%" if lang == "fr" else f"{value:.0f}%"


def rate_text(rate: RateFigure, lang: str) -> str:
    """'92% (185 of 200)' or 'n/a' when nothing was due."""
    if rate.percent is None:
        return str(_("n/a"))
    return str(
        _(
            "%(percent)s (%(on_time)s of %(due)s)",
            percent=percent(rate.percent, lang),
            on_time=rate.on_time,
            due=rate.due,
        )
    )


def slippage_text(quarters: int) -> str:
    """'+2 quarters', '-1 quarter' or 'On schedule'."""
    if quarters == 0:
        return str(_("On schedule"))
    return str(
        ngettext("%(shift)s quarter", "%(shift)s quarters", abs(quarters), shift=f"{quarters:+d}")
    )


def day(value: date | None) -> str:
    """A date as ISO 8601 (YYYY-MM-DD), or a dash."""
    return value.isoformat() if value is not None else DASH


def stamp(value: datetime) -> str:
    """A UTC time as 'YYYY-MM-DD HH:MM UTC'."""
    return value.strftime("%Y-%m-%d %H:%M UTC")


def report_title(snapshot: ReportSnapshot) -> str:
    """'Annual progress report, fiscal year 2018-19'."""
    return str(_("Annual progress report, fiscal year %(year)s", year=snapshot.year_label()))


def version_stamp(snapshot: ReportSnapshot, version: int) -> str:
    """'Version 2, generated 2019-04-15 06:00 UTC'."""
    return str(
        _(
            "Version %(version)s, generated %(when)s",
            version=version,
            when=stamp(snapshot.generated_at),
        )
    )


def pending_note(snapshot: ReportSnapshot) -> str:
    """The sentence that says only accepted updates count and how many were pending."""
    u = snapshot.updates
    return str(
        _(
            "Only accepted updates are counted. When this report was generated, %(pending)s of "
            "the year's %(total)s updates were not accepted: %(submitted)s submitted and "
            "awaiting review, %(returned)s returned for correction and %(draft)s in draft.",
            pending=u.pending,
            total=u.total,
            submitted=u.submitted,
            returned=u.returned,
            draft=u.draft,
        )
    )


# Kinds of headline values: a count, a percent (0-100) or an on-time rate.
COUNT, PERCENT, RATE = "count", "percent", "rate"
Headline = tuple[str, int | float | RateFigure | None, str]


def headline_values(snapshot: ReportSnapshot) -> list[Headline]:
    """The executive summary's figures as (label, value, kind): typed, for spreadsheets."""
    actions = snapshot.actions
    done = sum(1 for a in actions if a.status == "completed")
    milestones = snapshot.milestone_counts
    return [
        (_("Actions in the plan"), len(actions), COUNT),
        (_("Completed by the end of the year"), done, COUNT),
        (_("Off track or at risk at the end of the year"), len(snapshot.attention_actions), COUNT),
        (_("Reported on track but behind schedule"), len(snapshot.flagged_actions), COUNT),
        (_("Actions with a later target than planned"), len(snapshot.slipped_actions), COUNT),
        (_("Mean percent complete (reported)"), snapshot.mean_percent, PERCENT),
        (_("Mean percent complete (expected)"), snapshot.mean_expected, PERCENT),
        (_("Milestones due in the year"), len(snapshot.milestones), COUNT),
        (_("Milestones met on time"), milestones[MET], COUNT),
        (_("Milestones completed late"), milestones[LATE], COUNT),
        (_("Milestones not completed"), milestones[MISSED], COUNT),
        (_("Updates submitted on time"), snapshot.compliance.rate, RATE),
        (_("Accepted updates counted"), snapshot.updates.accepted, COUNT),
        (_("Updates pending (not counted)"), snapshot.updates.pending, COUNT),
    ]


def headline_figures(snapshot: ReportSnapshot) -> list[tuple[str, str]]:
    """The executive summary's figures as (label, value) pairs of text."""
    lang = snapshot.language
    figures = []
    for label, value, kind in headline_values(snapshot):
        if isinstance(value, RateFigure):
            shown = rate_text(value, lang)
        elif kind == PERCENT:
            shown = percent(value, lang)
        else:
            shown = str(value)
        figures.append((label, shown))
    return figures


QUARTER_FIELDS = frozenset({"start_quarter", "baseline_target", "current_target"})
DATE_FIELDS = frozenset({"baseline_due", "current_due", "completed_on"})
CHANGE_HEADINGS = (
    _l("When (UTC)"),
    _l("Who"),
    _l("Change"),
    _l("Item"),
    _l("From"),
    _l("To"),
    _l("Reason"),
)


def change_value(snapshot: ReportSnapshot, field: str, value: str) -> str:
    """A value of the change log as the report's language writes it (quarters, years)."""
    try:
        if value and field in QUARTER_FIELDS:
            return snapshot.quarter_label(FiscalQuarter.parse(value))
        if value and field == "review" and value.isdigit():
            return snapshot.year_label_of(int(value))
    except ValueError:
        return value
    return value


def change_cells(snapshot: ReportSnapshot, change: PlanChangeRow) -> list[str]:
    """One change as the report's table shows it: when, who, what, item, from, to, reason."""
    item = change.action_code + (f" / {change.milestone_code}" if change.milestone_code else "")
    return [
        stamp(change.at),
        change.who,
        change_label(change.kind),
        item,
        change_value(snapshot, change.field, change.old_value),
        change_value(snapshot, change.field, change.new_value),
        change.reason,
    ]
