"""The yearly report's key messages: plain sentences written from the snapshot's figures.

Every number a message states is one the report's tables also show (headline figures, the
area tables, milestones, needs attention, compliance), so a reader can check each sentence.
Pure: reads only the snapshot. Call inside `force_locale(snapshot.language)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.i18n import language_marker
from tracker.reports.snapshot import LATE, MET, MISSED, ActionRow, ReportSnapshot
from tracker.reports.typography import percent
from tracker.vocab import ActionStatus

# Longest narrative quoted as the reason an action slipped; the area pages hold it whole.
MAX_REASON = 220
# Actions named in one sentence before "and N more".
MAX_NAMED = 6
TARGET_FIELDS = frozenset({"current_target", "baseline_target"})


@dataclass(frozen=True)
class YearFigures:
    """The counts the key messages and the headline table share."""

    actions: int
    completed: int  # completed by the end of the year
    completed_in_year: int  # of which the completing update was in the year
    attention: int  # off track or at risk at the end of the year
    slipped: int  # current target later than the baseline
    milestones_due: int
    overdue: int  # milestones past due and not done at the end of the year
    longest_overdue_days: int


def days_overdue(snapshot: ReportSnapshot, due: date) -> int:
    """Days from a milestone's baseline due date to the end of the year."""
    return (snapshot.attention.as_of - due).days


def completed_in_year(snapshot: ReportSnapshot) -> tuple[ActionRow, ...]:
    """Actions completed by an accepted update of one of the year's quarters."""
    first = snapshot.quarters[0]
    return tuple(
        a
        for a in snapshot.actions
        if a.status == ActionStatus.COMPLETED.value
        and a.status_quarter is not None
        and a.status_quarter >= first
    )


def year_figures(snapshot: ReportSnapshot) -> YearFigures:
    """The year's headline counts."""
    overdue = snapshot.attention.overdue_milestones
    return YearFigures(
        actions=len(snapshot.actions),
        completed=sum(1 for a in snapshot.actions if a.status == ActionStatus.COMPLETED.value),
        completed_in_year=len(completed_in_year(snapshot)),
        attention=len(snapshot.attention_actions),
        slipped=len(snapshot.slipped_actions),
        milestones_due=len(snapshot.milestones),
        overdue=len(overdue),
        longest_overdue_days=max(
            (days_overdue(snapshot, m.baseline_due) for m in overdue), default=0
        ),
    )


def _codes(actions: tuple[ActionRow, ...]) -> str:
    codes = [a.code for a in actions[:MAX_NAMED]]
    text = ", ".join(codes)
    if len(actions) > MAX_NAMED:
        text += " " + _("and %(count)s more", count=len(actions) - MAX_NAMED)
    return text


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_REASON:
        text = text[:MAX_REASON].rsplit(" ", 1)[0] + "\u2026"
    return text


def slip_reason(snapshot: ReportSnapshot, action: ActionRow) -> str:
    """Why an action's target moved, as a sentence: the year's latest re-plan reason for it,
    else the risks written in its year-end update; empty when neither says anything."""
    reasons = [
        c.reason
        for c in snapshot.changes
        if c.action_code == action.code and c.field in TARGET_FIELDS and c.reason.strip()
    ]
    if reasons:
        reason = _shorten(reasons[-1])
        return str(_("Reason recorded when it was re-planned: %(reason)s", reason=reason))
    highlight = action.highlight
    if highlight is None or not highlight.risks.strip():
        return ""
    # Quoted as written; marked, e.g. "[EN]", when written in the report's other language.
    marker = language_marker(highlight.language, snapshot.language)
    risks = f"{marker} {_shorten(highlight.risks)}".lstrip()
    return str(_("Risks reported in its year-end update: %(risks)s", risks=risks))


def key_messages(snapshot: ReportSnapshot) -> list[str]:
    """The key messages, most important first."""
    lang, f = snapshot.language, year_figures(snapshot)
    if not f.actions:
        return [_("The plan has no actions yet.")]
    messages = [
        ngettext(
            "By the end of fiscal year %(year)s, %(num)s of the plan's %(total)s actions was "
            "completed (%(share)s).",
            "By the end of fiscal year %(year)s, %(num)s of the plan's %(total)s actions were "
            "completed (%(share)s).",
            f.completed,
            year=snapshot.year_label(),
            total=f.actions,
            share=percent(100 * f.completed / f.actions, lang, 1),
        )
    ]
    done = completed_in_year(snapshot)
    if done:
        messages.append(
            ngettext(
                "%(num)s action was completed during the year: %(codes)s.",
                "%(num)s actions were completed during the year: %(codes)s.",
                len(done),
                codes=_codes(done),
            )
        )
    messages += _slipped(snapshot)
    attention = snapshot.attention_actions
    if attention:
        messages.append(
            ngettext(
                "%(num)s action was off track or at risk at the end of the year: %(codes)s.",
                "%(num)s actions were off track or at risk at the end of the year: %(codes)s.",
                len(attention),
                codes=_codes(attention),
            )
        )
    flagged = snapshot.flagged_actions
    if flagged:
        messages.append(
            ngettext(
                "%(num)s action reported as on track is behind its schedule: %(codes)s.",
                "%(num)s actions reported as on track are behind their schedule: %(codes)s.",
                len(flagged),
                codes=_codes(flagged),
            )
        )
    return [*messages, *_milestones(snapshot, f), *_reporting(snapshot)]


def _slipped(snapshot: ReportSnapshot) -> list[str]:
    slipped = tuple(sorted(snapshot.slipped_actions, key=lambda a: (-a.slippage, a.code)))
    if not slipped:
        return [_("No action's target is later than planned.")]
    messages = [
        ngettext(
            "%(num)s action now has a later target than planned: %(codes)s.",
            "%(num)s actions now have a later target than planned: %(codes)s.",
            len(slipped),
            codes=_codes(slipped),
        )
    ]
    for action in slipped[:3]:
        reason = slip_reason(snapshot, action)
        moved = ngettext(
            "%(code)s moved %(num)s quarter, from %(baseline)s to %(current)s.",
            "%(code)s moved %(num)s quarters, from %(baseline)s to %(current)s.",
            action.slippage,
            code=action.code,
            baseline=snapshot.quarter_label(action.baseline_target),
            current=snapshot.quarter_label(action.current_target),
        )
        if reason:
            moved += " " + reason
        messages.append(moved)
    return messages


def _milestones(snapshot: ReportSnapshot, f: YearFigures) -> list[str]:
    counts = snapshot.milestone_counts
    if not f.milestones_due:
        return [_("No milestone was due in the year.")]
    messages = [
        ngettext(
            "Of the %(num)s milestone due in the year: %(met)s met on time, %(late)s "
            "completed late, %(missed)s not completed.",
            "Of the %(num)s milestones due in the year: %(met)s met on time, %(late)s "
            "completed late, %(missed)s not completed.",
            f.milestones_due,
            met=counts[MET],
            late=counts[LATE],
            missed=counts[MISSED],
        )
    ]
    if f.overdue:
        messages.append(
            ngettext(
                "%(num)s milestone was overdue at the end of the year, by up to %(days)s days.",
                "%(num)s milestones were overdue at the end of the year, by up to %(days)s days.",
                f.overdue,
                days=f.longest_overdue_days,
            )
        )
    return messages


def _reporting(snapshot: ReportSnapshot) -> list[str]:
    rate, lang = snapshot.compliance.rate, snapshot.language
    messages = []
    if rate.percent is not None:
        messages.append(
            _(
                "Departments submitted %(share)s of the updates they owed on time "
                "(%(on_time)s of %(due)s).",
                share=percent(rate.percent, lang, 1),
                on_time=rate.on_time,
                due=rate.due,
            )
        )
    pending = snapshot.updates.pending
    if pending:
        messages.append(
            ngettext(
                "%(num)s update of the year was not accepted when the report was generated and "
                "is not counted.",
                "%(num)s updates of the year were not accepted when the report was generated and "
                "are not counted.",
                pending,
            )
        )
    return messages
