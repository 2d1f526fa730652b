"""Build a plan's fiscal-year snapshot from the database: a fixed number of queries.

Figures come from accepted updates only, chosen by the one counted-update rule
(`services.figures.counted` with `states=ACCEPTED_ONLY`, through `queries`), the progress maths of
`services.figures.progress`, department compliance from `services.figures.compliance` and the
missing and silent lists of `services.figures.attention`. See docs/reports.md for definitions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker.fiscal import FiscalQuarter, quarters_of_year, year_bounds
from tracker.models import Plan, WorkflowState
from tracker.reports import queries
from tracker.reports.queries import AcceptedUpdate, ActionData, MilestoneData
from tracker.reports.snapshot import (
    LATE,
    MET,
    MISSED,
    SCHEMA_VERSION,
    ActionRow,
    AreaRow,
    AttentionSummary,
    ComplianceCell,
    ComplianceRow,
    ComplianceTable,
    Highlight,
    MilestoneRow,
    MissingCount,
    PlanChangeRow,
    PlanInfo,
    RateFigure,
    ReportSnapshot,
    SilentRow,
    UpdateCounts,
)
from tracker.services.figures import progress
from tracker.services.figures.attention import Attention, needs_attention
from tracker.services.figures.compliance import Compliance, Rate, compliance_matrix
from tracker.services.plans.changes import year_changes

Forecasts = dict[int, tuple[date | None, date | None]]


@dataclass(frozen=True)
class _Year:
    """The fiscal year being reported on."""

    number: int
    start: date
    end: date
    month: int
    quarters: tuple[FiscalQuarter, ...]

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class _Milestone:
    row: MilestoneRow
    slipped: bool  # forecast or completed after its baseline due date


def build_snapshot(
    plan: Plan, fiscal_year: int, language: str, today: date, generated_at: datetime, month: int
) -> ReportSnapshot:
    """The frozen snapshot of `plan` for `fiscal_year`, rendered in `language`.

    `today` is the generation date (compliance counts periods past due by then); `month` is the
    first month of the fiscal year."""
    start, end = year_bounds(fiscal_year, month)
    year = _Year(fiscal_year, start, end, month, tuple(quarters_of_year(fiscal_year)))
    action_data = queries.actions(plan.id)
    updates = _Updates.load(year.number, action_data)
    milestones = _milestones(queries.milestones(plan.id), action_data, updates.forecasts(), end)
    rows = _action_rows(year, action_data, updates, milestones)
    all_milestones = [m.row for found in milestones.values() for m in found]
    counts = queries.state_counts(plan.id, fiscal_year)
    return ReportSnapshot(
        schema=SCHEMA_VERSION,
        plan=PlanInfo(
            plan.slug,
            plan.title_en,
            plan.title_fr,
            plan.first_year,
            plan.last_year,
            plan.owner_en,
            plan.owner_fr,
        ),
        fiscal_year=fiscal_year,
        start_month=month,
        year_start=start,
        year_end=end,
        generated_at=generated_at,
        language=language,
        quarters=year.quarters,
        areas=tuple(
            AreaRow(a.code, a.name_en, a.name_fr, a.goal_en, a.goal_fr, a.colour, tuple(rows[a.id]))
            for a in queries.areas(plan.id)
        ),
        milestones=tuple(m for m in all_milestones if m.baseline_due in year),
        compliance=_compliance(compliance_matrix(plan.id, today, fiscal_year, fiscal_year)),
        attention=_attention(
            needs_attention(plan.id, end),
            tuple(m for m in all_milestones if m.outcome == MISSED and m.baseline_due <= end),
        ),
        changes=tuple(
            PlanChangeRow(
                c.at,
                c.user_label,
                c.kind,
                c.action_code,
                c.milestone_code,
                c.field,
                c.old_value,
                c.new_value,
                c.reason,
            )
            for c in year_changes(plan.id, fiscal_year)
        ),
        updates=UpdateCounts(*(counts.get(s.value, 0) for s in _STATE_ORDER)),
    )


_STATE_ORDER = (
    WorkflowState.ACCEPTED,
    WorkflowState.SUBMITTED,
    WorkflowState.RETURNED,
    WorkflowState.DRAFT,
)


@dataclass(frozen=True)
class _Updates:
    """The accepted updates a snapshot is made of."""

    quarterly: list[AcceptedUpdate]  # per action and quarter of the year
    year_end: dict[int, AcceptedUpdate]  # per action: its latest in the year
    statuses: dict[int, AcceptedUpdate]  # per action: its latest up to the end of the year

    @classmethod
    def load(cls, year: int, actions: list[ActionData]) -> _Updates:
        ids = [a.id for a in actions]
        quarterly = queries.quarterly_accepted(ids, year)
        statuses = {u.action_id: u for u in queries.year_end_accepted(ids, year)}
        first = FiscalQuarter(year, 1)
        year_end = {a: u for a, u in statuses.items() if u.quarter >= first}
        return cls(quarterly, year_end, statuses)

    def forecasts(self) -> Forecasts:
        """Per milestone, its forecast in the latest of these updates that carries one."""
        chosen = {u.id: u for u in (*self.quarterly, *self.statuses.values())}
        rows = queries.forecasts(list(chosen))
        rows.sort(key=lambda r: (chosen[r[0]].quarter, r[0]), reverse=True)
        found: Forecasts = {}
        for _update_id, milestone_id, forecast_on, completed_on in rows:
            found.setdefault(milestone_id, (forecast_on, completed_on))
        return found


def _action_rows(
    year: _Year,
    actions: list[ActionData],
    updates: _Updates,
    milestones: dict[int, list[_Milestone]],
) -> dict[int, list[ActionRow]]:
    """Each area's action rows: year-end status, quarterly statuses and highlights."""
    texts = queries.narratives([u.id for u in updates.year_end.values()])
    by_quarter = {(u.action_id, u.quarter): u.status for u in updates.quarterly}
    rows: dict[int, list[ActionRow]] = defaultdict(list)
    for action in actions:
        update = updates.statuses.get(action.id)
        highlight = None
        if update is not None and action.id in updates.year_end:
            highlight = Highlight(update.quarter, update.department, *texts[update.id])
        found = milestones.get(action.id, [])
        rows[action.area_id].append(
            _action_row(
                action,
                update,
                tuple(by_quarter.get((action.id, q)) for q in year.quarters),
                [m for m in found if m.row.baseline_due in year],
                sum(1 for m in found if m.slipped),
                highlight,
                year,
            )
        )
    return rows


def _action_row(
    action: ActionData,
    update: AcceptedUpdate | None,
    quarterly: tuple[str | None, ...],
    due: list[_Milestone],
    slipped: int,
    highlight: Highlight | None,
    year: _Year,
) -> ActionRow:
    """One action's figures at the end of the year."""
    expected = progress.expected_percent(action, year.end, year.month)
    percent = update.percent if update is not None else None
    variance = progress.schedule_variance(percent, expected) if percent is not None else None
    status = update.status if update is not None else None
    outcomes = [m.row.outcome for m in due]
    return ActionRow(
        code=action.code,
        title_en=action.title_en,
        title_fr=action.title_fr,
        lead=action.lead,
        start_quarter=action.start_quarter,
        baseline_target=action.baseline_target,
        current_target=action.current_target,
        slippage=progress.slippage_quarters(action),
        status=status,
        status_quarter=update.quarter if update is not None else None,
        percent=percent,
        expected=expected,
        variance=variance,
        flag=progress.status_flag(status, variance, slipped) if status is not None else None,
        quarterly=quarterly,
        milestones_due=len(due),
        milestones_met=outcomes.count(MET),
        milestones_late=outcomes.count(LATE),
        milestones_missed=outcomes.count(MISSED),
        highlight=highlight,
    )


def _milestone(
    milestone: MilestoneData, action_code: str, forecasts: Forecasts, end: date
) -> _Milestone:
    """The milestone as it stood at the end of the year."""
    forecast_on, forecast_done = forecasts.get(milestone.id, (None, None))
    completed = milestone.completed_on or forecast_done
    if completed is not None and completed > end:
        completed = None  # done only after the year: not done at its end
    state = progress.milestone_progress(milestone, forecast_on, completed, end + timedelta(days=1))
    if completed is None:
        outcome = MISSED
    else:
        outcome = MET if completed <= milestone.baseline_due else LATE
    row = MilestoneRow(
        action_code,
        milestone.code,
        milestone.title_en,
        milestone.title_fr,
        milestone.baseline_due,
        completed,
        forecast_on,
        outcome,
        state.slippage_days,
    )
    return _Milestone(row, progress.count_slipped([state]) > 0)


def _milestones(
    found: list[MilestoneData], actions: list[ActionData], forecasts: Forecasts, end: date
) -> dict[int, list[_Milestone]]:
    """Each action's milestones at the end of the year, actions in plan order."""
    codes = {a.id: a.code for a in actions}
    rows: dict[int, list[_Milestone]] = defaultdict(list)
    for milestone in found:
        rows[milestone.action_id].append(
            _milestone(milestone, codes[milestone.action_id], forecasts, end)
        )
    return {a.id: rows[a.id] for a in actions if a.id in rows}


def _rate(rate: Rate) -> RateFigure:
    return RateFigure(rate.on_time, rate.due)


def _compliance(found: Compliance) -> ComplianceTable:
    """The compliance matrix as snapshot rows."""
    rows = tuple(
        ComplianceRow(
            row.department.acronym,
            row.department.name_en,
            row.department.name_fr,
            tuple(
                ComplianceCell(c.state, c.owed, c.on_time, c.late, c.missing, c.pending)
                for c in row.cells
            ),
            _rate(row.rate),
        )
        for row in found.rows
    )
    return ComplianceTable(
        tuple(p.quarter for p in found.periods),
        rows,
        tuple(_rate(r) for r in found.quarter_rates),
        _rate(found.rate),
    )


def _attention(found: Attention, overdue: tuple[MilestoneRow, ...]) -> AttentionSummary:
    """Missing updates and silent actions from the attention service, overdue milestones ours."""
    missing = tuple(
        MissingCount(
            d.department.acronym,
            d.department.name_en,
            d.department.name_fr,
            len(d.items),
            tuple(sorted({item.quarter for item in d.items})),
        )
        for d in found.missing
    )
    silent = tuple(
        SilentRow(s.action.code, s.action.title_en, s.action.title_fr, s.last_reported)
        for s in found.silent
    )
    return AttentionSummary(found.today, missing, overdue, silent, found.silent_quarters)
