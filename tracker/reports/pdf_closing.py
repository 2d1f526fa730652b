"""The PDF's closing sections as template rows: milestones, compliance, needs attention, the
changes to the plan and the definitions. Call inside `force_locale(snapshot.language)`."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from tracker.reports import text
from tracker.reports.messages import days_overdue
from tracker.reports.snapshot import MET, ComplianceCell, ReportSnapshot
from tracker.reports.typography import long_date, percent
from tracker.services.figures.compliance import NOT_APPLICABLE, ON_TIME
from tracker.services.figures.progress import VARIANCE_THRESHOLD


def _days(value: int | None) -> str:
    """Signed days ('+3', '-14', '0'), or a dash."""
    if value is None:
        return text.DASH
    return f"{value:+d}" if value else "0"


def _rate(snapshot: ReportSnapshot, on_time: int, due: int) -> str:
    if not due:
        return str(_("n/a"))
    share = percent(100 * on_time / due, snapshot.language, 1)
    return str(_("%(share)s (%(on_time)s of %(due)s)", share=share, on_time=on_time, due=due))


def _all_on_time(cells: tuple[ComplianceCell, ...]) -> bool:
    """Every update the department owed in the year's quarters was submitted on time."""
    return all(cell.state in (ON_TIME, NOT_APPLICABLE) for cell in cells)


def closing_context(snapshot: ReportSnapshot, version: int) -> dict[str, Any]:
    """Rows of the closing sections."""
    lang, day = snapshot.language, snapshot.quarter_label
    a, c = snapshot.attention, snapshot.compliance
    return {
        # Exceptions only: the met-on-time ones are counted here and listed in the XLSX file.
        "milestones": [
            (m.action_code, m.code, m.title(lang), long_date(m.baseline_due, lang),
             long_date(m.completed_on, lang), long_date(m.forecast_on, lang),
             text.outcome_text(m.outcome), _days(m.slippage_days))
            for m in snapshot.milestones if m.outcome != MET
        ],
        "milestones_met": sum(1 for m in snapshot.milestones if m.outcome == MET),
        "compliance_quarters": [day(q) for q in c.quarters],
        "compliance": [
            (r.acronym, r.name(lang),
             [(cell.state, text.compliance_text(cell.state),
               _("%(on_time)s of %(owed)s on time", on_time=cell.on_time, owed=cell.owed)
               if cell.owed else "") for cell in r.cells],
             _rate(snapshot, r.rate.on_time, r.rate.due))
            for r in c.rows if not _all_on_time(r.cells)
        ],
        "compliance_on_time": sum(1 for r in c.rows if _all_on_time(r.cells)),
        "compliance_totals": [_rate(snapshot, r.on_time, r.due) for r in c.quarter_rates],
        "compliance_total": _rate(snapshot, c.rate.on_time, c.rate.due),
        "as_of": long_date(a.as_of, lang),
        "off_track": [
            (x.code, x.title(lang), text.status_text(x.status), percent(x.percent, lang))
            for x in snapshot.attention_actions
        ],
        "flagged": [
            (x.code, x.title(lang), text.flag_text(x.flag), percent(x.percent, lang),
             percent(x.expected, lang))
            for x in snapshot.flagged_actions
        ],
        "overdue": [
            (m.action_code, m.code, m.title(lang), long_date(m.baseline_due, lang),
             long_date(m.forecast_on, lang), str(days_overdue(snapshot, m.baseline_due)))
            for m in a.overdue_milestones
        ],
        "missing": [
            (m.acronym, m.name_fr if lang == "fr" else m.name_en, str(m.count),
             ", ".join(day(q) for q in m.quarters))
            for m in a.missing
        ],
        "silent": [
            (s.action_code, s.title(lang), day(s.last_reported) if s.last_reported else text.DASH)
            for s in a.silent
        ],
        "silent_quarters": ", ".join(day(q) for q in a.silent_quarters) or text.DASH,
        "change_heads": [str(h) for h in text.CHANGE_HEADINGS],
        "changes": [
            [long_date(ch.at.date(), lang), *text.change_cells(snapshot, ch)[1:]]
            for ch in snapshot.changes
        ],
        "definitions": definitions(version),
    }  # fmt: skip


def definitions(version: int) -> list[tuple[str, str]]:
    """(term, definition) pairs for the definitions page."""
    return [
        (_("Status at year end"), _(
            "The status of the action's accepted update of the latest quarter up to the end of "
            "the year; the lead department's update comes first. Not started, on track, at risk, "
            "off track, completed, on hold and cancelled are reported by the departments; no "
            "accepted update means none was accepted for the action up to the end of the year.")),
        (_("Baseline target"), _(
            "The quarter by which the action was planned to be complete when the plan or its last "
            "yearly review was approved. It changes only when the action is re-baselined.")),
        (_("Current target"), _(
            "The quarter by which the action is now expected to be complete, after any re-plan. "
            "Slippage is the number of quarters from the baseline target to the current target.")),
        (_("Percent complete"), _(
            "Reported: the percentage in the action's accepted update. Expected: linear from the "
            "first day of the start quarter (0%) to the last day of the current target quarter "
            "(100%), measured on the last day of the year. Means by area and for the plan are "
            "plain averages over the actions.")),
        (_("Flags"), _(
            "An action reported as on track is flagged behind schedule when it is more than "
            "%(points)s points behind its expected percent, and milestone slipped when one of "
            "its milestones is forecast or completed after its baseline due date.",
            points=f"{VARIANCE_THRESHOLD:.0f}")),
        (_("Milestone outcomes"), _(
            "Met on time: completed on or before its baseline due date. Completed late: "
            "completed after it, by the end of the year. Not completed: not done by the end of "
            "the year. Days overdue count from the baseline due date to the last day of the "
            "year.")),
        (_("Counted update"), _(
            "An update counts once a planner has accepted it. Updates submitted and awaiting "
            "review, returned for correction or in draft when the report was generated are left "
            "out of every figure and counted in the pending figure.")),
        (_("On-time rate"), _(
            "Updates submitted by their period's due date, out of the updates owed for periods "
            "past due when the report was generated.")),
        (_("Version"), _(
            "This is version %(version)s of this report. Each file's SHA-256 checksum is listed "
            "on the report's page in the tracker, where a copy can be verified.",
            version=version)),
    ]  # fmt: skip
